// Process groups and sessions (setpgid, setsid, getpgid, getsid, with POSIX's rules), and
// the power requests of reboot(2).
#include <posix/system.hpp>

#include <sched/scheduler.hpp>

namespace mos::posix {

bool System::group_exists(Pid group, Pid session) noexcept {
  sched::SchedulerGuard guard;
  for (Process& process : table_) {
    if (process.group_ == group && process.session_ == session) return true;
  }
  return false;
}

Result<void> System::set_group(Process& self, Pid pid, Pid group) noexcept {
  if (pid < 0 || group < 0) return Error::InvalidArgument;
  sched::SchedulerGuard guard;
  Process* target = nullptr;
  if (pid == 0 || pid == self.pid_) {
    target = &self;
  } else {
    for (Process& child : self.children_) {
      if (child.pid_ == pid) target = &child;
    }
    if (target == nullptr) return Error::NoProcess;
    if (target->session_ != self.session_) return Error::NotPermitted;
  }
  if (target->session_ == target->pid_) return Error::NotPermitted;  // A session leader.
  const Pid wanted = group == 0 ? target->pid_ : group;
  if (wanted != target->pid_) {
    bool found = false;
    for (Process& process : table_) {
      if (process.group_ == wanted && process.session_ == self.session_) found = true;
    }
    if (!found) return Error::NotPermitted;
  }
  target->group_ = wanted;
  return {};
}

Result<Pid> System::create_session(Process& self) noexcept {
  sched::SchedulerGuard guard;
  for (Process& process : table_) {
    if (process.group_ == self.pid_) return Error::NotPermitted;
  }
  self.session_ = self.pid_;
  self.group_ = self.pid_;
  self.terminal_ = 0;
  return self.pid_;
}

Result<Pid> System::group_of(Process& self, Pid pid) noexcept {
  return id_of(self, pid, &Process::group_);
}

Result<Pid> System::session_of(Process& self, Pid pid) noexcept {
  return id_of(self, pid, &Process::session_);
}

Result<Pid> System::id_of(Process& self, Pid pid, Pid Process::*id) noexcept {
  if (pid < 0) return Error::InvalidArgument;
  RefPtr<Process> process = find(pid == 0 ? self.pid_ : pid);
  if (!process) return Error::NoProcess;
  sched::SchedulerGuard guard;
  return (*process).*id;
}

}  // namespace mos::posix

namespace mos::posix {

Result<void> System::request_power(Process& self, PowerAction action) noexcept {
  if (self.credentials_.euid != 0) return Error::NotPermitted;
  if (action == PowerAction::None) return Error::InvalidArgument;
  {
    sched::SchedulerGuard guard;
    if (power_ == PowerAction::None) power_ = action;
    if (init_->thread_ != nullptr) sched::interrupt(guard, *init_->thread_);
  }
  if (&self == init_.get()) return {};
  // Wait for the end; init's SIGKILL (it ends every process first) ends the wait and us.
  while (true) {
    {
      sched::SchedulerGuard guard;
      (void)never_woken_.wait(guard, sched::Deadline::never(), sched::Interruptible::Yes);
    }
    (void)deliver_signals(self);
  }
}

PowerAction System::power_request() noexcept {
  sched::SchedulerGuard guard;
  return power_;
}

}  // namespace mos::posix
