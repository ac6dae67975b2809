#include <ipc/object.hpp>
#include <ipc/poll.hpp>

#include <k/panic.hpp>

namespace mos::ipc {

IpcObject::~IpcObject() { MOS_ASSERT(observers_.empty()); }

void IpcObject::attach_locked(sched::SchedulerGuard&, Rights) noexcept {}
void IpcObject::detach_locked(sched::SchedulerGuard&, Rights) noexcept {}
void IpcObject::interrupt_locked(sched::SchedulerGuard& guard) noexcept { notify_locked(guard); }

void IpcObject::attach(Rights rights) noexcept {
  sched::SchedulerGuard guard;
  attach_locked(guard, rights);
}

void IpcObject::detach(Rights rights) noexcept {
  sched::SchedulerGuard guard;
  detach_locked(guard, rights);
}

void IpcObject::notify_locked(sched::SchedulerGuard& guard) noexcept {
  for (PollObserver& observer : observers_) {
    *observer.fired = true;
    observer.queue->wake_all(guard);
  }
}

void TwoEndedObject::attach_locked(sched::SchedulerGuard&, Rights rights) noexcept {
  if (has(rights, Rights::Read)) ++readers_;
  if (has(rights, Rights::Write)) ++writers_;
}

void TwoEndedObject::detach_locked(sched::SchedulerGuard& guard, Rights rights) noexcept {
  if (has(rights, Rights::Read) && --readers_ == 0) waiting_writers_.wake_all(guard);
  if (has(rights, Rights::Write) && --writers_ == 0) waiting_readers_.wake_all(guard);
  notify_locked(guard);
}

void TwoEndedObject::interrupt_locked(sched::SchedulerGuard& guard) noexcept {
  waiting_readers_.wake_all(guard);
  waiting_writers_.wake_all(guard);
  notify_locked(guard);
}

Result<std::size_t> poll(std::span<PollItem> items, sched::Deadline deadline) noexcept {
  sched::SchedulerGuard guard;
  sched::WaitQueue queue;
  bool fired = false;
  // One observer per item, on the item's object (observers live in a small array here: poll of
  // more than kMaxPollItems objects is refused).
  if (items.size() > kMaxPollItems) return Error::InvalidArgument;
  PollObserver observers[kMaxPollItems];
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].object == nullptr) continue;
    observers[i].queue = &queue;
    observers[i].fired = &fired;
    items[i].object->observe_locked(observers[i]);
  }
  std::size_t ready = 0;
  Result<void> waited;
  for (;;) {
    ready = 0;
    for (PollItem& item : items) {
      item.revents = PollEvents::None;
      if (item.object == nullptr) continue;
      // Hangup and Error are reported whether asked for or not, as poll(2) does.
      const PollEvents now = item.object->poll_locked();
      item.revents = (now & (item.events | PollEvents::Hangup | PollEvents::Error));
      if (any(item.revents)) ++ready;
    }
    if (ready > 0) break;
    fired = false;
    waited = queue.wait(guard, deadline);
    if (!waited) break;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].object != nullptr) items[i].object->unobserve_locked(observers[i]);
  }
  if (ready == 0 && !waited && waited.error() != Error::TimedOut) return waited.error();
  return ready;  // 0: the deadline passed with nothing ready.
}

}  // namespace mos::ipc
