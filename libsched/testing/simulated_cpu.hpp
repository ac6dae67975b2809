#pragma once
/// A CPU simulated on a virtual clock, for testing and measuring scheduling policies without
/// threads: it calls a policy exactly as the scheduler core does (init_thread, enqueue,
/// pick_next, account, slice_left, preempts), runs the picked "thread" for as long as its slice
/// or its script allows, and records who ran for how long. Host only.

#include <sched/policy.hpp>
#include <sched/thread.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace mos::sched::testing {

/// One simulated thread: a descriptor and what it does when it runs.
struct SimThread {
  std::unique_ptr<Thread> thread;
  /// CPU time it runs before blocking (0: it never blocks).
  std::uint64_t burst_ns = 0;
  /// How long it then stays blocked.
  std::uint64_t block_ns = 0;
  /// Bookkeeping of the simulation.
  std::uint64_t ran_ns = 0;          ///< CPU time received.
  std::uint64_t burst_left_ns = 0;
  std::uint64_t wake_at_ns = 0;
  bool blocked = false;
  bool queued = false;               ///< In the policy's queue.
  std::uint64_t runs = 0;            ///< Times it was picked.
};

/// Drives policy P; see the file comment.
template <SchedulingPolicy P>
class SimulatedCpu {
 public:
  /// A slice the simulation uses for policies without one (to bound each run).
  static constexpr std::uint64_t kMaxRunNs = 1'000'000'000;

  template <class... Args>
  explicit SimulatedCpu(Args&&... args) : policy_(std::forward<Args>(args)...) {}
  ~SimulatedCpu() {
    for (auto& t : threads_) {
      if (t->queued) policy_.remove(*t->thread);
      policy_.release_thread(*t->thread);
    }
  }

  P& policy() noexcept { return policy_; }
  std::uint64_t now() const noexcept { return now_; }
  SimThread& thread(std::size_t i) noexcept { return *threads_[i]; }
  std::size_t size() const noexcept { return threads_.size(); }
  /// Every pick, in order (indices into the threads).
  const std::vector<std::size_t>& trace() const noexcept { return trace_; }

  /// Adds a runnable thread and returns its index.
  std::size_t add(SchedParams params = {}, std::uint64_t burst_ns = 0, std::uint64_t block_ns = 0) {
    auto t = std::make_unique<SimThread>();
    t->thread = std::make_unique<Thread>("sim" + std::to_string(threads_.size()), params);
    t->burst_ns = burst_ns;
    t->block_ns = block_ns;
    t->burst_left_ns = burst_ns;
    policy_.init_thread(*t->thread);
    policy_.apply_params(*t->thread, params);
    index_.push_back(t->thread.get());
    threads_.push_back(std::move(t));
    make_ready(threads_.size() - 1, Enqueue::New);
    return threads_.size() - 1;
  }

  /// Runs the simulation for `duration_ns` of virtual time.
  void run(std::uint64_t duration_ns) {
    const std::uint64_t end = now_ + duration_ns;
    while (now_ < end) {
      wake_due();
      if (current_ == kNone) {
        Thread* next = policy_.pick_next(now_);
        if (next == nullptr) {
          // Idle until the next wakeup.
          now_ = std::min(end, next_wakeup());
          continue;
        }
        current_ = index_of(next);
        threads_[current_]->queued = false;
        trace_.push_back(current_);
        ++threads_[current_]->runs;
      }
      SimThread& t = *threads_[current_];
      std::uint64_t step = std::min(end - now_, policy_.slice_left(*t.thread));
      if (step > kMaxRunNs) step = kMaxRunNs;
      if (t.burst_ns != 0) step = std::min(step, t.burst_left_ns);
      const std::uint64_t wake = next_wakeup();
      if (wake > now_) step = std::min(step, wake - now_);
      now_ += step;
      t.ran_ns += step;
      policy_.account(*t.thread, step);
      if (t.burst_ns != 0) {
        t.burst_left_ns -= step;
        if (t.burst_left_ns == 0) {
          block_current();
          continue;
        }
      }
      // Wakeups that are due may preempt.
      if (wake_due_preempting()) continue;
      if (policy_.slice_left(*t.thread) == 0) {
        requeue_current(Enqueue::SliceExpired);
      }
    }
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  std::size_t index_of(const Thread* t) const {
    return static_cast<std::size_t>(std::find(index_.begin(), index_.end(), t) - index_.begin());
  }
  void make_ready(std::size_t i, Enqueue reason) {
    threads_[i]->blocked = false;
    threads_[i]->queued = true;
    policy_.enqueue(*threads_[i]->thread, reason, now_);
  }
  void requeue_current(Enqueue reason) {
    make_ready(current_, reason);
    current_ = kNone;
  }
  void block_current() {
    SimThread& t = *threads_[current_];
    t.blocked = true;
    t.wake_at_ns = now_ + t.block_ns;
    t.burst_left_ns = t.burst_ns;
    current_ = kNone;
  }
  std::uint64_t next_wakeup() const {
    std::uint64_t next = UINT64_MAX;
    for (const auto& t : threads_) {
      if (t->blocked) next = std::min(next, t->wake_at_ns);
    }
    return next;
  }
  void wake_due() {
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      if (threads_[i]->blocked && threads_[i]->wake_at_ns <= now_) make_ready(i, Enqueue::Woken);
    }
  }
  // Wakes what is due; if one of them preempts the running thread, requeues it.
  bool wake_due_preempting() {
    bool preempt = false;
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      if (threads_[i]->blocked && threads_[i]->wake_at_ns <= now_) {
        make_ready(i, Enqueue::Woken);
        if (current_ != kNone && policy_.preempts(*threads_[i]->thread, *threads_[current_]->thread)) {
          preempt = true;
        }
      }
    }
    if (preempt) requeue_current(Enqueue::Preempted);
    return preempt;
  }
  P policy_;
  std::vector<std::unique_ptr<SimThread>> threads_;
  std::vector<Thread*> index_;
  std::vector<std::size_t> trace_;
  std::size_t current_ = kNone;
  std::uint64_t now_ = 0;
};

}  // namespace mos::sched::testing
