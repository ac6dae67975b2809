#include <sched/mutex.hpp>

#include <k/log.hpp>

namespace mos::sched {

void Mutex::take(Thread& t) noexcept {
  owner_ = &t;
  next_owned_ = t.owned_mutexes_;
  t.owned_mutexes_ = this;
}

void Mutex::drop_from_owner() noexcept {
  Mutex** link = &owner_->owned_mutexes_;
  while (*link != this) link = &(*link)->next_owned_;
  *link = next_owned_;
  next_owned_ = nullptr;
  owner_ = nullptr;
}

std::uint8_t Mutex::inherited_priority(const Thread& t) noexcept {
  std::uint8_t priority = t.params_.priority;
  for (const Mutex* m = t.owned_mutexes_; m != nullptr; m = m->next_owned_) {
    for (const Thread& waiter : m->waiters_.waiters_) {
      if (waiter.effective_priority_ < priority) priority = waiter.effective_priority_;
    }
  }
  return priority;
}

Result<void> Mutex::lock_locked(SchedulerGuard& guard, Deadline deadline) noexcept {
  Scheduler& s = guard.scheduler();
  Thread& self = s.current();
  if (owner_ == nullptr) {
    take(self);
    return {};
  }
  if (owner_ == &self) {
    log::warn("sched: thread {} '{}' locked a mutex it holds", self.id(), self.name());
    return Error::Deadlock;
  }
  // Lend our priority to the owner (and to whoever holds up the owner): set_effective_priority
  // walks the chain.
  self.blocked_on_mutex_ = this;
  if (self.effective_priority_ < owner_->effective_priority_) {
    s.set_effective_priority(*owner_, self.effective_priority_);
  }
  auto waited = waiters_.wait(guard, deadline, Interruptible::No);
  self.blocked_on_mutex_ = nullptr;
  if (waited) {
    MOS_ASSERT(owner_ == &self);  // unlock handed it over.
    return {};
  }
  // Timed out: the owner no longer needs what we lent it.
  if (owner_ != nullptr) s.set_effective_priority(*owner_, inherited_priority(*owner_));
  return waited.error();
}

Result<void> Mutex::unlock_locked(SchedulerGuard& guard) noexcept {
  Scheduler& s = guard.scheduler();
  Thread& self = s.current();
  if (owner_ != &self) return Error::NotPermitted;
  drop_from_owner();
  if (Thread* next = waiters_.front()) {
    s.wake(*next, Thread::WakeReason::Woken);
    take(*next);
    // It may now hold a mutex with waiters of higher priority than its own.
    s.set_effective_priority(*next, inherited_priority(*next));
  }
  s.set_effective_priority(self, inherited_priority(self));
  return {};
}

Result<void> Mutex::lock(Deadline deadline) noexcept {
  SchedulerGuard guard;
  return lock_locked(guard, deadline);
}

Result<void> Mutex::try_lock() noexcept {
  SchedulerGuard guard;
  Thread& self = guard.scheduler().current();
  if (owner_ == &self) return Error::Deadlock;
  if (owner_ != nullptr) return Error::Busy;
  take(self);
  return {};
}

Result<void> Mutex::unlock() noexcept {
  SchedulerGuard guard;
  return unlock_locked(guard);
}

}  // namespace mos::sched
