// The signal, waiting, sleeping and process-creation system calls.
#include "calls.hpp"

#include <posix/spawn.hpp>
#include <posix/waiting.hpp>

namespace mos::posix::sys {

using detail::negative;
using detail::restarting;
using detail::to_long;

namespace {

constexpr unsigned long kSigInfo = 4;

posix::SpawnAttributes convert(const sys::SpawnAttributes& from) noexcept {
  posix::SpawnAttributes out;
  out.flags = static_cast<std::uint16_t>(from.flags);
  out.group = from.group;
  out.mask = SignalSet(from.mask);
  out.defaults = SignalSet(from.defaults);
  return out;
}

}  // namespace

long kill(int pid, int signal) noexcept {
  MOS_SYS_CALLER();
  return to_long(self.system().kill(self, pid, signal));
}

long rt_sigaction(int signal, const SignalAction* action, SignalAction* old) noexcept {
  MOS_SYS_CALLER();
  posix::SignalAction wanted;
  if (action != nullptr) {
    wanted.flags = static_cast<std::uint32_t>(action->flags);
    wanted.mask = SignalSet(action->mask);
    const auto handler = reinterpret_cast<std::uintptr_t>(action->handler);
    if (handler == 0) {
      wanted.kind = posix::SignalAction::Kind::Default;
    } else if (handler == 1) {
      wanted.kind = posix::SignalAction::Kind::Ignore;
    } else if ((action->flags & kSigInfo) != 0) {
      wanted.kind = posix::SignalAction::Kind::Handler;
      wanted.info_handler = reinterpret_cast<void (*)(int, void*, void*)>(action->handler);
    } else {
      wanted.kind = posix::SignalAction::Kind::Handler;
      wanted.handler = reinterpret_cast<void (*)(int)>(action->handler);
    }
  }
  auto previous = self.system().set_action(self, signal, action != nullptr ? &wanted : nullptr);
  if (!previous) return negative(previous.error());
  if (old != nullptr) {
    old->flags = previous->flags;
    old->mask = previous->mask.bits();
    switch (previous->kind) {
      case posix::SignalAction::Kind::Default:
        old->handler = nullptr;
        break;
      case posix::SignalAction::Kind::Ignore:
        old->handler = reinterpret_cast<void*>(1);
        break;
      case posix::SignalAction::Kind::Handler:
        old->handler = previous->info_handler != nullptr
                           ? reinterpret_cast<void*>(previous->info_handler)
                           : reinterpret_cast<void*>(previous->handler);
        break;
    }
  }
  return 0;
}

long rt_sigprocmask(int how, const unsigned long* set, unsigned long* old) noexcept {
  MOS_SYS_CALLER();
  SignalSet wanted;
  if (set != nullptr) wanted = SignalSet(*set);
  auto previous = self.system().change_mask(self, how, set != nullptr ? &wanted : nullptr);
  if (!previous) return negative(previous.error());
  if (old != nullptr) *old = previous->bits();
  return 0;
}

long rt_sigpending(unsigned long* set) noexcept {
  MOS_SYS_CALLER();
  *set = self.pending_signals().bits();
  return 0;
}

long rt_sigsuspend(unsigned long mask) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::suspend(self, SignalSet(mask)));
}

bool deliver_signals() noexcept {
  Process* self = current_process();
  return self == nullptr || self->system().deliver_signals(*self);
}

long wait(int which, int id, int options, WaitInfo* out) noexcept {
  MOS_SYS_CALLER();
  const WaitFor what = which == 1 ? WaitFor::Process : which == 2 ? WaitFor::Group : WaitFor::Any;
  auto waited = restarting(self, [&] { return self.system().wait(self, what, id, options); });
  if (!waited) return negative(waited.error());
  *out = {waited->pid, waited->status, waited->uid};
  return waited->pid;
}

long nanosleep(long nanoseconds, long* remaining_ns) noexcept {
  MOS_SYS_CALLER();
  if (nanoseconds < 0) return negative(Error::InvalidArgument);
  // As Linux: a stop and continue (or a signal ignored) resumes the sleep to the same end; a
  // handler ends it with EINTR and the time left, SA_RESTART or not.
  const sched::Deadline deadline = sched::Deadline::after(static_cast<std::uint64_t>(nanoseconds));
  while (true) {
    std::uint64_t left = 0;
    auto slept = posix::sleep_until(self, deadline, &left);
    if (slept) return 0;
    bool handler_ran = false;
    (void)self.system().deliver_signals(self, &handler_ran);
    if (!handler_ran) continue;
    if (remaining_ns != nullptr) *remaining_ns = static_cast<long>(left);
    return negative(slept.error());
  }
}

long pause() noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::pause(self));
}

long alarm(unsigned int seconds) noexcept {
  MOS_SYS_CALLER();
  return self.system().set_alarm(self, seconds);
}

void* file_actions_create() noexcept {
  return new (std::nothrow) SpawnFileActions;
}

void file_actions_destroy(void* actions) noexcept {
  delete static_cast<SpawnFileActions*>(actions);
}

long file_actions_add_open(void* actions, int fd, const char* path, int flags,
                           unsigned int mode) noexcept {
  if (actions == nullptr || path == nullptr) return negative(Error::InvalidArgument);
  return to_long(static_cast<SpawnFileActions*>(actions)->add_open(
      fd, path, static_cast<std::uint32_t>(flags), mode));
}

long file_actions_add_close(void* actions, int fd) noexcept {
  if (actions == nullptr) return negative(Error::InvalidArgument);
  return to_long(static_cast<SpawnFileActions*>(actions)->add_close(fd));
}

long file_actions_add_dup2(void* actions, int fd, int new_fd) noexcept {
  if (actions == nullptr) return negative(Error::InvalidArgument);
  return to_long(static_cast<SpawnFileActions*>(actions)->add_dup2(fd, new_fd));
}

long file_actions_add_chdir(void* actions, const char* path) noexcept {
  if (actions == nullptr || path == nullptr) return negative(Error::InvalidArgument);
  return to_long(static_cast<SpawnFileActions*>(actions)->add_chdir(path));
}

long file_actions_add_fchdir(void* actions, int fd) noexcept {
  if (actions == nullptr) return negative(Error::InvalidArgument);
  return to_long(static_cast<SpawnFileActions*>(actions)->add_fchdir(fd));
}

long spawn(const char* path, int search, void* actions, const sys::SpawnAttributes* attributes,
           char* const* argv, char* const* envp) noexcept {
  MOS_SYS_CALLER();
  if (path == nullptr) return negative(Error::BadAddress);
  posix::SpawnAttributes converted;
  if (attributes != nullptr) converted = convert(*attributes);
  return to_long(self.system().spawn(self, path, search != 0,
                                     static_cast<SpawnFileActions*>(actions),
                                     attributes != nullptr ? &converted : nullptr, argv, envp));
}

long spawn_function(int (*entry)(void*), void* arg, void* actions,
                    const sys::SpawnAttributes* attributes) noexcept {
  MOS_SYS_CALLER();
  posix::SpawnAttributes converted;
  if (attributes != nullptr) converted = convert(*attributes);
  return to_long(self.system().spawn_function(self, entry, arg,
                                              static_cast<SpawnFileActions*>(actions),
                                              attributes != nullptr ? &converted : nullptr));
}

void** vfork_prepare() noexcept {
  Process* self = current_process();
  // A thread outside every process gets a buffer of its own stack's to jump into: the
  // following vfork_finish says ENOSYS, and nothing jumps back to it.
  if (self == nullptr) return nullptr;
  return self->system().vfork_prepare(*self);
}

long vfork_finish(int jumped) noexcept {
  MOS_SYS_CALLER();
  if (jumped != 0) return self.system().vfork_resume(self);
  return to_long(self.system().vfork_enter(self));
}

long execve(const char* path, int search, char* const* argv, char* const* envp) noexcept {
  MOS_SYS_CALLER();
  if (path == nullptr) return negative(Error::BadAddress);
  return to_long(self.system().exec(self, path, search != 0, argv, envp));
}

void exit(int status) noexcept {
  Process* self = current_process();
  if (self == nullptr) sched::exit(status);
  self->system().exit(*self, status);
}

long reboot(int action) noexcept {
  MOS_SYS_CALLER();
  if (action < 1 || action > 3) return negative(Error::InvalidArgument);
  return to_long(self.system().request_power(self, static_cast<PowerAction>(action)));
}

}  // namespace mos::posix::sys
