#pragma once
/// A queue of blocked threads: the building block of every blocking primitive (Mutex,
/// Semaphore, ConditionVariable, Event, and later pipes and channels). A caller checks its
/// condition and waits under one SchedulerGuard, and wakers change the state under one too, so
/// no wakeup can slip in between the check and the sleep:
///
///     SchedulerGuard guard;
///     while (!ready) MOS_TRY(queue.wait(guard, deadline));
///
/// Waiters are woken in the order the policy prefers (bound_policy::waits_before: priority
/// under `prio`), first come first served among equals.

#include <sched/scheduler.hpp>
#include <sched/thread.hpp>
#include <sched/time.hpp>

#include <k/intrusive_list.hpp>
#include <k/result.hpp>

#include <cstddef>

namespace mos::sched {

/// See the file comment.
class WaitQueue {
 public:
  constexpr WaitQueue() noexcept = default;
  /// A queue must be empty when it goes away.
  ~WaitQueue() { MOS_ASSERT(waiters_.empty()); }
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  /// Blocks the calling thread until a wake_one/wake_all picks it (success) or `deadline`
  /// passes (Error::TimedOut; at once if it has passed already). The guard is held again when
  /// it returns. An interruptible wait also ends with Error::Interrupted when the thread is
  /// interrupted (sched::interrupt), at once if it is already. Never call it from the idle
  /// thread or an interrupt handler.
  Result<void> wait(SchedulerGuard& guard, Deadline deadline = Deadline::never(),
                    Interruptible interruptible = Interruptible::Yes) noexcept;

  /// Wakes the first waiter; false if there was none.
  bool wake_one(SchedulerGuard& guard) noexcept;
  /// Wakes every waiter; returns how many.
  std::size_t wake_all(SchedulerGuard& guard) noexcept;

  /// The waiter wake_one would wake, or nullptr.
  Thread* front() noexcept { return waiters_.empty() ? nullptr : &waiters_.front(); }
  bool empty() const noexcept { return waiters_.empty(); }
  std::size_t size() const noexcept { return waiters_.size(); }

 private:
  friend class Scheduler;
  friend class Mutex;

  // Queues `t` at its place in the policy's order.
  void insert(Thread& t) noexcept;
  // Takes `t` out (its wait timed out, or it is being woken).
  void remove(Thread& t) noexcept { waiters_.erase(t); }
  // Moves `t` to the place its changed priority gives it.
  void reposition(Thread& t) noexcept {
    waiters_.erase(t);
    insert(t);
  }

  IntrusiveList<Thread, &Thread::wait_node_> waiters_;
};

}  // namespace mos::sched
