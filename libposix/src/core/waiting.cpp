// Waiting for time and for signals, and poll(2).
#include <posix/system.hpp>
#include <posix/waiting.hpp>

#include <ipc/poll.hpp>

#include <sched/scheduler.hpp>
#include <sched/wait_queue.hpp>

#include <k/platform/timer.hpp>

namespace mos::posix {

namespace {

constexpr short kIn = 0x001, kOut = 0x004, kError = 0x008, kHangup = 0x010, kInvalid = 0x020;
constexpr std::uint64_t kRepollNs = 10'000'000;

// Waits on a queue nobody wakes: only the deadline or a signal end it.
Result<void> wait_alone(sched::Deadline deadline) noexcept {
  sched::WaitQueue queue;
  sched::SchedulerGuard guard;
  auto waited = queue.wait(guard, deadline, sched::Interruptible::Yes);
  if (!waited && waited.error() == Error::TimedOut) return {};
  return waited;
}

short events_of(ipc::PollEvents events) noexcept {
  short out = 0;
  if (any(events & ipc::PollEvents::Readable)) out |= kIn;
  if (any(events & ipc::PollEvents::Writable)) out |= kOut;
  if (any(events & ipc::PollEvents::Hangup)) out |= kHangup;
  if (any(events & ipc::PollEvents::Error)) out |= kError;
  return out;
}

}  // namespace

Result<void> sleep_until(Process& self, sched::Deadline deadline,
                         std::uint64_t* remaining_ns) noexcept {
  (void)self;
  auto slept = wait_alone(deadline);
  if (!slept && remaining_ns != nullptr) {
    const std::uint64_t now = platform::monotonic_ns();
    *remaining_ns = deadline.ns() > now ? deadline.ns() - now : 0;
  }
  return slept;
}

Result<void> pause(Process& self) noexcept {
  (void)self;
  MOS_TRY(wait_alone(sched::Deadline::never()));
  return Error::Interrupted;
}

Result<void> suspend(Process& self, SignalSet mask) noexcept {
  System& system = self.system();
  const SignalSet old = MOS_TRY(system.change_mask(self, 2, &mask));
  (void)wait_alone(sched::Deadline::never());
  (void)system.deliver_signals(self);
  (void)system.change_mask(self, 2, &old);
  return Error::Interrupted;
}

Result<int> poll(Process& self, std::span<PollDescriptor> descriptors,
                 sched::Deadline deadline) noexcept {
  while (true) {
    int ready = 0;
    bool all_waitable = true;
    ipc::PollItem items[ipc::kMaxPollItems];
    std::size_t item_count = 0;
    for (PollDescriptor& descriptor : descriptors) {
      descriptor.revents = 0;
      if (descriptor.fd < 0) continue;
      auto file = self.fds().get(descriptor.fd);
      if (!file) {
        descriptor.revents = kInvalid;
        ++ready;
        continue;
      }
      const short found = events_of((*file)->poll());
      descriptor.revents =
          static_cast<short>(found & (descriptor.events | kError | kHangup | kInvalid));
      if (descriptor.revents != 0) {
        ++ready;
        continue;
      }
      ipc::IpcObject* object = (*file)->poll_object();
      if (object == nullptr || item_count == ipc::kMaxPollItems) {
        all_waitable = false;
      } else {
        ipc::PollEvents watched = ipc::PollEvents::None;
        if ((descriptor.events & kIn) != 0) watched = watched | ipc::PollEvents::Readable;
        if ((descriptor.events & kOut) != 0) watched = watched | ipc::PollEvents::Writable;
        items[item_count++] = ipc::PollItem{object, watched, ipc::PollEvents::None};
      }
    }
    if (ready > 0) return ready;
    const std::uint64_t now = platform::monotonic_ns();
    if (!deadline.is_never() && deadline.ns() <= now) return 0;
    if (sched::interrupt_pending()) return Error::Interrupted;
    if (all_waitable && item_count > 0) {
      auto waited = ipc::poll(std::span(items, item_count), deadline);
      if (!waited && waited.error() != Error::TimedOut) return waited.error();
    } else {
      // Terminals do not wake pollers: look again soon.
      const std::uint64_t next = now + kRepollNs;
      MOS_TRY(wait_alone(deadline.is_never() || next < deadline.ns() ? sched::Deadline::at(next)
                                                                     : deadline));
    }
  }
}

}  // namespace mos::posix
