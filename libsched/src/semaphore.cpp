#include <sched/semaphore.hpp>

namespace mos::sched {

Result<void> Semaphore::wait(Deadline deadline) noexcept {
  SchedulerGuard guard;
  if (value_ > 0) {
    --value_;
    return {};
  }
  // post() hands its unit to us directly: nothing to take after waking.
  return waiters_.wait(guard, deadline, Interruptible::No);
}

Result<void> Semaphore::try_wait() noexcept {
  SchedulerGuard guard;
  if (value_ == 0) return Error::TryAgain;
  --value_;
  return {};
}

Result<void> Semaphore::post() noexcept {
  SchedulerGuard guard;
  if (waiters_.wake_one(guard)) return {};
  if (value_ == kMaxValue) return Error::Overflow;
  ++value_;
  return {};
}

}  // namespace mos::sched
