#pragma once
/// A condition variable for threads, used with a Mutex. wait() releases the mutex and blocks in
/// one step (no notification can slip in between) and holds the mutex again when it returns,
/// whether it was notified or timed out. Spurious wakeups do not happen, but callers should
/// still re-check their condition in a loop (another thread may have run first).

#include <sched/mutex.hpp>
#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/result.hpp>

namespace mos::sched {

/// See the file comment.
class ConditionVariable {
 public:
  constexpr ConditionVariable() noexcept = default;
  ConditionVariable(const ConditionVariable&) = delete;
  ConditionVariable& operator=(const ConditionVariable&) = delete;

  /// Releases `mutex` (which the caller must hold: else Error::NotPermitted), waits for a
  /// notification until `deadline` (Error::TimedOut) or, if `interruptible`, until the thread is
  /// interrupted (Error::Interrupted), and takes `mutex` again.
  Result<void> wait(Mutex& mutex, Deadline deadline = Deadline::never(),
                    Interruptible interruptible = Interruptible::No) noexcept;
  /// Wakes one waiter, if any.
  void notify_one() noexcept;
  /// Wakes every waiter.
  void notify_all() noexcept;

 private:
  WaitQueue waiters_;
};

}  // namespace mos::sched
