#include <sched/event.hpp>

namespace mos::sched {

Result<void> Event::wait(Deadline deadline) noexcept {
  SchedulerGuard guard;
  if (set_) {
    if (reset_ == Reset::Auto) set_ = false;
    return {};
  }
  // set() wakes us without leaving the event set (Auto) or leaves it set (Manual).
  return waiters_.wait(guard, deadline, Interruptible::No);
}

void Event::set() noexcept {
  SchedulerGuard guard;
  if (reset_ == Reset::Manual) {
    set_ = true;
    waiters_.wake_all(guard);
  } else if (!waiters_.wake_one(guard)) {
    set_ = true;
  }
}

void Event::reset() noexcept {
  SchedulerGuard guard;
  set_ = false;
}

}  // namespace mos::sched
