#include <ipc/semaphore.hpp>

#include <new>

namespace mos::ipc {

Result<RefPtr<Semaphore>> Semaphore::create(std::uint32_t initial) noexcept {
  if (initial > kMaxValue) return Error::InvalidArgument;
  auto* semaphore = new (std::nothrow) Semaphore(initial);
  if (semaphore == nullptr) return Error::NoMemory;
  return RefPtr<Semaphore>::adopt(semaphore);
}

Result<void> Semaphore::wait(sched::Deadline deadline, const CancelToken* via) noexcept {
  sched::SchedulerGuard guard;
  for (;;) {
    if (via != nullptr && via->cancelled()) return Error::BadFileDescriptor;
    if (value_ > 0) break;
    MOS_TRY(waiters_.wait(guard, deadline));
  }
  --value_;
  notify_locked(guard);
  return {};
}

Result<void> Semaphore::try_wait() noexcept {
  sched::SchedulerGuard guard;
  if (value_ == 0) return Error::TryAgain;
  --value_;
  notify_locked(guard);
  return {};
}

Result<void> Semaphore::post() noexcept {
  sched::SchedulerGuard guard;
  if (value_ == kMaxValue) return Error::Overflow;
  ++value_;
  // Every waiter re-checks: one takes the unit, and a waiter that gives up (timed out,
  // revoked) cannot take it with it.
  waiters_.wake_all(guard);
  notify_locked(guard);
  return {};
}

void Semaphore::interrupt_locked(sched::SchedulerGuard& guard) noexcept {
  waiters_.wake_all(guard);
  notify_locked(guard);
}

PollEvents Semaphore::poll_locked() const noexcept {
  return value_ > 0 ? PollEvents::Readable : PollEvents::None;
}

}  // namespace mos::ipc
