#pragma once
/// FifoPolicy (`scheduler=fifo`): cooperative first come, first served. A thread runs until it
/// blocks, yields or ends; runnable threads wait in one queue in the order they became
/// runnable; nothing preempts. O(1) everything.

#include <sched/policy.hpp>

#include <k/intrusive_list.hpp>

#include <new>

namespace mos::sched {

/// See the file comment.
class FifoPolicy {
 public:
  constexpr FifoPolicy() noexcept = default;
  FifoPolicy(const FifoPolicy&) = delete;
  FifoPolicy& operator=(const FifoPolicy&) = delete;

  void init_thread(Thread& t) noexcept { ::new (t.policy_storage()) Data{{}, &t}; }
  void release_thread(Thread& t) noexcept { t.policy_data<Data>().~Data(); }
  Result<void> check_params(const Thread&, const SchedParams&) const noexcept { return {}; }
  void apply_params(Thread&, const SchedParams&) noexcept {}

  void enqueue(Thread& t, Enqueue, std::uint64_t) noexcept { queue_.push_back(t.policy_data<Data>()); }
  void remove(Thread& t) noexcept { queue_.erase(t.policy_data<Data>()); }
  Thread* pick_next(std::uint64_t) noexcept {
    Data* d = queue_.pop_front();
    return d != nullptr ? d->thread : nullptr;
  }
  void account(Thread&, std::uint64_t) noexcept {}
  std::uint64_t slice_left(const Thread&) const noexcept { return kUnlimitedSlice; }
  bool preempts(const Thread&, const Thread&) const noexcept { return false; }
  bool waits_before(const Thread&, const Thread&) const noexcept { return false; }
  void priority_changed(Thread&) noexcept {}
  std::size_t runnable() const noexcept { return queue_.size(); }
  std::string_view name() const noexcept { return "fifo"; }

 private:
  struct Data {
    ListNode node;
    Thread* thread;
  };
  IntrusiveList<Data, &Data::node> queue_;
};

static_assert(SchedulingPolicy<FifoPolicy>);

}  // namespace mos::sched
