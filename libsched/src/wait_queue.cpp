#include <sched/wait_queue.hpp>

#include <k/platform/timer.hpp>

namespace mos::sched {

Result<void> WaitQueue::wait(SchedulerGuard& guard, Deadline deadline,
                             Interruptible interruptible) noexcept {
  Scheduler& s = guard.scheduler();
  Thread& self = s.current();
  const bool may_interrupt = interruptible == Interruptible::Yes;
  if (may_interrupt && self.interrupt_pending_) return Error::Interrupted;
  if (!deadline.is_never() && deadline.ns() <= platform::monotonic_ns()) return Error::TimedOut;
  insert(self);
  self.waiting_on_ = this;
  self.wake_reason_ = Thread::WakeReason::None;
  self.interruptible_wait_ = may_interrupt;
  if (!deadline.is_never()) s.arm_timeout(self, deadline);
  s.block_current(ThreadState::Blocked);
  self.interruptible_wait_ = false;
  if (self.wake_reason_ == Thread::WakeReason::TimedOut) return Error::TimedOut;
  if (self.wake_reason_ == Thread::WakeReason::Interrupted) return Error::Interrupted;
  return {};
}

bool WaitQueue::wake_one(SchedulerGuard& guard) noexcept {
  Thread* t = front();
  if (t == nullptr) return false;
  guard.scheduler().wake(*t, Thread::WakeReason::Woken);
  return true;
}

std::size_t WaitQueue::wake_all(SchedulerGuard& guard) noexcept {
  std::size_t woken = 0;
  while (wake_one(guard)) ++woken;
  return woken;
}

void WaitQueue::insert(Thread& t) noexcept {
  // Behind every waiter that should go first (all of them, but for priorities): FIFO among
  // equals, and a stable O(1) append in the common case.
  auto at = waiters_.end();
  while (at != waiters_.begin()) {
    auto before = at;
    --before;
    if (!bound_policy::waits_before(t, *before)) break;
    at = before;
  }
  waiters_.insert(at, t);
}

}  // namespace mos::sched
