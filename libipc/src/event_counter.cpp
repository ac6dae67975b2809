#include <ipc/event_counter.hpp>

#include <new>

namespace mos::ipc {

Result<RefPtr<EventCounter>> EventCounter::create(std::uint64_t initial, Mode mode) noexcept {
  if (initial > kMaxValue) return Error::InvalidArgument;
  auto* counter = new (std::nothrow) EventCounter(initial, mode);
  if (counter == nullptr) return Error::NoMemory;
  return RefPtr<EventCounter>::adopt(counter);
}

Result<std::uint64_t> EventCounter::read(Blocking blocking, sched::Deadline deadline,
                                         const CancelToken* via) noexcept {
  sched::SchedulerGuard guard;
  for (;;) {
    if (via != nullptr && via->cancelled()) return Error::BadFileDescriptor;
    if (value_ > 0) break;
    if (blocking == Blocking::No) return Error::TryAgain;
    MOS_TRY(waiting_readers_.wait(guard, deadline));
  }
  const std::uint64_t taken = mode_ == Mode::Semaphore ? 1 : value_;
  value_ -= taken;
  waiting_writers_.wake_all(guard);
  notify_locked(guard);
  return taken;
}

Result<void> EventCounter::write(std::uint64_t value, Blocking blocking, sched::Deadline deadline,
                                 const CancelToken* via) noexcept {
  if (value == ~std::uint64_t{0}) return Error::InvalidArgument;
  sched::SchedulerGuard guard;
  for (;;) {
    if (via != nullptr && via->cancelled()) return Error::BadFileDescriptor;
    if (value <= kMaxValue - value_) break;
    if (blocking == Blocking::No) return Error::TryAgain;
    MOS_TRY(waiting_writers_.wait(guard, deadline));
  }
  value_ += value;
  if (value > 0) {
    waiting_readers_.wake_all(guard);
    notify_locked(guard);
  }
  return {};
}

void EventCounter::interrupt_locked(sched::SchedulerGuard& guard) noexcept {
  waiting_readers_.wake_all(guard);
  waiting_writers_.wake_all(guard);
  notify_locked(guard);
}

PollEvents EventCounter::poll_locked() const noexcept {
  PollEvents events = PollEvents::None;
  if (value_ > 0) events = events | PollEvents::Readable;
  if (value_ < kMaxValue) events = events | PollEvents::Writable;
  return events;
}

}  // namespace mos::ipc
