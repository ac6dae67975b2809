#include <sched/condition_variable.hpp>

namespace mos::sched {

Result<void> ConditionVariable::wait(Mutex& mutex, Deadline deadline,
                                     Interruptible interruptible) noexcept {
  SchedulerGuard guard;
  // Releasing the mutex and queueing happen under one guard: a notify cannot come between.
  MOS_TRY(mutex.unlock_locked(guard));
  auto waited = waiters_.wait(guard, deadline, interruptible);
  auto relocked = mutex.lock_locked(guard, Deadline::never());
  MOS_ASSERT(relocked.has_value());
  return waited;
}

void ConditionVariable::notify_one() noexcept {
  SchedulerGuard guard;
  waiters_.wake_one(guard);
}

void ConditionVariable::notify_all() noexcept {
  SchedulerGuard guard;
  waiters_.wake_all(guard);
}

}  // namespace mos::sched
