#pragma once
/// RoundRobinPolicy (`scheduler=rr`): preemptive round robin. Runnable threads wait in one
/// queue; the running thread is preempted when it has used its time slice (Meson option
/// `sched_slice_ms`, or set_slice) and goes to the back. A thread that becomes runnable waits
/// its turn: nothing preempts before a slice ends. O(1) everything.

#include <sched/policy.hpp>
#include <sched/time.hpp>

#include <k/intrusive_list.hpp>

#include <new>

namespace mos::sched {

/// See the file comment.
class RoundRobinPolicy {
 public:
  static constexpr std::uint64_t kDefaultSliceNs = 10 * kNanosPerMilli;

  constexpr explicit RoundRobinPolicy(std::uint64_t slice_ns = kDefaultSliceNs) noexcept
      : slice_ns_(slice_ns) {}
  RoundRobinPolicy(const RoundRobinPolicy&) = delete;
  RoundRobinPolicy& operator=(const RoundRobinPolicy&) = delete;

  /// The time slice from now on (at least 1 ns).
  void set_slice(std::uint64_t slice_ns) noexcept { slice_ns_ = slice_ns > 0 ? slice_ns : 1; }
  std::uint64_t slice() const noexcept { return slice_ns_; }

  void init_thread(Thread& t) noexcept { ::new (t.policy_storage()) Data{{}, &t, 0}; }
  void release_thread(Thread& t) noexcept { t.policy_data<Data>().~Data(); }
  Result<void> check_params(const Thread&, const SchedParams&) const noexcept { return {}; }
  void apply_params(Thread&, const SchedParams&) noexcept {}

  void enqueue(Thread& t, Enqueue reason, std::uint64_t) noexcept {
    Data& d = t.policy_data<Data>();
    if (reason != Enqueue::Preempted) d.used_ns = 0;  // A new turn, with a whole slice.
    queue_.push_back(d);
  }
  void remove(Thread& t) noexcept { queue_.erase(t.policy_data<Data>()); }
  Thread* pick_next(std::uint64_t) noexcept {
    Data* d = queue_.pop_front();
    return d != nullptr ? d->thread : nullptr;
  }
  void account(Thread& t, std::uint64_t ran_ns) noexcept { t.policy_data<Data>().used_ns += ran_ns; }
  std::uint64_t slice_left(const Thread& t) const noexcept {
    const std::uint64_t used = t.policy_data<Data>().used_ns;
    return used >= slice_ns_ ? 0 : slice_ns_ - used;
  }
  bool preempts(const Thread&, const Thread&) const noexcept { return false; }
  bool waits_before(const Thread&, const Thread&) const noexcept { return false; }
  void priority_changed(Thread&) noexcept {}
  std::size_t runnable() const noexcept { return queue_.size(); }
  std::string_view name() const noexcept { return "rr"; }

 private:
  struct Data {
    ListNode node;
    Thread* thread;
    std::uint64_t used_ns;  // Of the current slice.
  };
  IntrusiveList<Data, &Data::node> queue_;
  std::uint64_t slice_ns_;
};

static_assert(SchedulingPolicy<RoundRobinPolicy>);

}  // namespace mos::sched
