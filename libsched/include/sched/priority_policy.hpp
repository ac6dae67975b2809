#pragma once
/// PriorityPolicy (`scheduler=prio`): fixed priorities, 0 the highest and 255 the lowest, as
/// POSIX SCHED_RR. The highest-priority runnable thread runs; threads of one priority take turns
/// of one time slice each (Meson option `sched_slice_ms`); a thread that becomes runnable with a
/// higher priority than the running one preempts it at once, and the preempted thread goes back
/// to the front of its level with the rest of its slice. The priority used is the effective one,
/// which priority inheritance raises while a higher-priority thread waits for a mutex the thread
/// holds. One queue per level and a bitmap of non-empty levels: O(1) everything.

#include <sched/policy.hpp>
#include <sched/time.hpp>

#include <k/intrusive_list.hpp>

#include <array>
#include <bit>
#include <new>

namespace mos::sched {

/// See the file comment.
class PriorityPolicy {
 public:
  static constexpr std::uint64_t kDefaultSliceNs = 10 * kNanosPerMilli;
  static constexpr std::size_t kLevels = 256;

  constexpr explicit PriorityPolicy(std::uint64_t slice_ns = kDefaultSliceNs) noexcept
      : slice_ns_(slice_ns) {}
  PriorityPolicy(const PriorityPolicy&) = delete;
  PriorityPolicy& operator=(const PriorityPolicy&) = delete;

  /// The time slice from now on (at least 1 ns).
  void set_slice(std::uint64_t slice_ns) noexcept { slice_ns_ = slice_ns > 0 ? slice_ns : 1; }
  std::uint64_t slice() const noexcept { return slice_ns_; }

  void init_thread(Thread& t) noexcept { ::new (t.policy_storage()) Data{{}, &t, 0, 0}; }
  void release_thread(Thread& t) noexcept { t.policy_data<Data>().~Data(); }
  // Every value of an 8-bit priority is a level.
  Result<void> check_params(const Thread&, const SchedParams&) const noexcept { return {}; }
  void apply_params(Thread&, const SchedParams&) noexcept {}

  void enqueue(Thread& t, Enqueue reason, std::uint64_t) noexcept {
    Data& d = t.policy_data<Data>();
    d.level = t.effective_priority();
    if (reason == Enqueue::Preempted) {
      levels_[d.level].push_front(d);  // Resumes first, with what is left of its slice.
    } else {
      d.used_ns = 0;
      levels_[d.level].push_back(d);
    }
    mark(d.level);
    ++runnable_;
  }
  void remove(Thread& t) noexcept {
    Data& d = t.policy_data<Data>();
    levels_[d.level].erase(d);
    if (levels_[d.level].empty()) unmark(d.level);
    --runnable_;
  }
  Thread* pick_next(std::uint64_t) noexcept {
    for (std::size_t word = 0; word < kWords; ++word) {
      if (bitmap_[word] == 0) continue;
      const std::size_t level = word * 64 + static_cast<std::size_t>(std::countr_zero(bitmap_[word]));
      Data* d = levels_[level].pop_front();
      if (levels_[level].empty()) unmark(level);
      --runnable_;
      return d->thread;
    }
    return nullptr;
  }
  void account(Thread& t, std::uint64_t ran_ns) noexcept { t.policy_data<Data>().used_ns += ran_ns; }
  std::uint64_t slice_left(const Thread& t) const noexcept {
    const std::uint64_t used = t.policy_data<Data>().used_ns;
    return used >= slice_ns_ ? 0 : slice_ns_ - used;
  }
  bool preempts(const Thread& woken, const Thread& running) const noexcept {
    return woken.effective_priority() < running.effective_priority();
  }
  bool waits_before(const Thread& a, const Thread& b) const noexcept {
    return a.effective_priority() < b.effective_priority();
  }
  void priority_changed(Thread& t) noexcept {
    Data& d = t.policy_data<Data>();
    if (!d.node.is_linked() || d.level == t.effective_priority()) return;
    levels_[d.level].erase(d);
    if (levels_[d.level].empty()) unmark(d.level);
    d.level = t.effective_priority();
    levels_[d.level].push_back(d);
    mark(d.level);
  }
  std::size_t runnable() const noexcept { return runnable_; }
  std::string_view name() const noexcept { return "prio"; }

 private:
  static constexpr std::size_t kWords = kLevels / 64;
  struct Data {
    ListNode node;
    Thread* thread;
    std::uint64_t used_ns;  // Of the current slice.
    std::uint8_t level;     // The level it is queued at.
  };
  void mark(std::size_t level) noexcept { bitmap_[level / 64] |= std::uint64_t{1} << (level % 64); }
  void unmark(std::size_t level) noexcept {
    bitmap_[level / 64] &= ~(std::uint64_t{1} << (level % 64));
  }

  std::array<IntrusiveList<Data, &Data::node>, kLevels> levels_;
  std::array<std::uint64_t, kWords> bitmap_ = {};
  std::size_t runnable_ = 0;
  std::uint64_t slice_ns_;
};

static_assert(SchedulingPolicy<PriorityPolicy>);

}  // namespace mos::sched
