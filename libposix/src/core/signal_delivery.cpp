// Sending and delivering signals. A signal is posted under the scheduler lock (any context,
// including a terminal's interrupt handler): SIGCONT resumes a stopped process at once, SIGKILL
// marks it to end, and the target thread is interrupted so that a wait it is in ends. The
// target delivers its own signals at a safe point (deliver_signals): handlers run on its thread,
// stops wait for SIGCONT there, and terminating signals end it there.
#include <posix/system.hpp>

#include <sched/scheduler.hpp>

#include <k/platform/timer.hpp>

namespace mos::posix {

namespace {

constexpr bool is_stop_signal(int signal) noexcept {
  return signal == sig::kStop || signal == sig::kTerminalStop || signal == sig::kTerminalIn ||
         signal == sig::kTerminalOut;
}

constexpr SignalSet kStopSignals = SignalSet::of(sig::kStop) | SignalSet::of(sig::kTerminalStop) |
                                   SignalSet::of(sig::kTerminalIn) |
                                   SignalSet::of(sig::kTerminalOut);

// Whether the signal is discarded on arrival: ignored, explicitly or by default. SIGCONT's
// continuing happens on arrival, so without a handler nothing is left to deliver either.
bool discarded(const Process& process, const SignalAction& action, int signal) noexcept {
  // Init gets only the signals it has handlers for (as on Linux), SIGKILL and SIGSTOP too.
  if (process.pid() == 1) return action.kind != SignalAction::Kind::Handler;
  if (signal == sig::kKill || signal == sig::kStop) return false;
  if (action.kind == SignalAction::Kind::Ignore) return true;
  const DefaultAction fallback = default_action(signal);
  return action.kind == SignalAction::Kind::Default &&
         (fallback == DefaultAction::Ignore || fallback == DefaultAction::Continue);
}

}  // namespace

bool System::may_signal(const Process& sender, const Process& target, int signal) const noexcept {
  const ProcessCredentials& from = sender.credentials_;
  const ProcessCredentials& to = target.credentials_;
  if (from.euid == 0) return true;
  if (signal == sig::kContinue && sender.session_ == target.session_) return true;
  return from.uid == to.uid || from.uid == to.suid || from.euid == to.uid || from.euid == to.suid;
}

void System::post_locked(sched::SchedulerGuard& guard, Process& target, int signal,
                         Pid sender) noexcept {
  (void)sender;
  if (target.state_ == ProcessState::Zombie) return;
  if (signal == sig::kContinue || signal == sig::kKill) {
    // Continuing happens on arrival, whatever the action; pending stops are forgotten.
    target.pending_ = target.pending_ & ~kStopSignals;
    if (target.state_ == ProcessState::Stopped) {
      target.state_ = ProcessState::Running;
      target.continued_ = true;
      target.change_reported_ = false;
      target.resumed_.wake_all(guard);
      if (signal == sig::kContinue) notify_parent_locked(guard, target);
    }
  } else if (is_stop_signal(signal)) {
    target.pending_.remove(sig::kContinue);
  }
  if (signal == sig::kKill && target.pid_ != 1) target.exiting_ = true;
  const SignalAction& action = target.actions_[signal - 1];
  if (discarded(target, action, signal) && !target.mask_.has(signal)) return;
  target.pending_.add(signal);
  if ((!target.mask_.has(signal) || kUnblockable.has(signal)) && target.thread_ != nullptr) {
    sched::interrupt(guard, *target.thread_);
  }
}

Result<void> System::kill(Process& sender, Pid pid, int signal) noexcept {
  if (signal != 0 && !valid_signal(signal)) return Error::InvalidArgument;
  sched::SchedulerGuard guard;
  bool found = false;
  bool permitted = false;
  const Pid group = pid == 0 ? sender.group_ : (pid < -1 ? -pid : 0);
  for (Process& target : table_) {
    bool chosen;
    if (pid > 0) {
      chosen = target.pid_ == pid;
    } else if (pid == -1) {
      chosen = target.pid_ != 1 && &target != &sender;
    } else {
      chosen = target.group_ == group;
    }
    if (!chosen) continue;
    found = true;
    if (!may_signal(sender, target, signal)) continue;
    permitted = true;
    if (signal != 0) post_locked(guard, target, signal, sender.pid_);
  }
  if (!found) return Error::NoProcess;
  if (!permitted) return Error::NotPermitted;
  return {};
}

void System::signal_foreground(int signal, std::int32_t foreground_group) noexcept {
  if (!valid_signal(signal) || foreground_group <= 0) return;
  sched::SchedulerGuard guard;
  for (Process& target : table_) {
    if (target.group_ == foreground_group) post_locked(guard, target, signal);
  }
}

void System::stop_locked(sched::SchedulerGuard& guard, Process& self, int signal) noexcept {
  self.state_ = ProcessState::Stopped;
  self.wait_status_ = (signal << 8) | 0x7f;
  self.continued_ = false;
  self.change_reported_ = false;
  notify_parent_locked(guard, self);
  while (self.state_ == ProcessState::Stopped && !self.exiting_) {
    (void)self.resumed_.wait(guard, sched::Deadline::never(), sched::Interruptible::No);
  }
}

bool System::deliver_signals(Process& self, bool* handler_ran) noexcept {
  if (self.ending_) return false;
  bool restart = true;
  while (true) {
    SignalAction action;
    int signal = 0;
    {
      sched::SchedulerGuard guard;
      if (self.exiting_) {
        signal = sig::kKill;
      } else {
        const SignalSet deliverable = self.pending_ & (~self.mask_ | kUnblockable);
        signal = deliverable.first();
      }
      if (signal == 0) break;
      self.pending_.remove(signal);
      action = self.actions_[signal - 1];
      if (signal == sig::kKill || signal == sig::kStop) action = SignalAction{};
      if (action.kind == SignalAction::Kind::Default) {
        switch (default_action(signal)) {
          case DefaultAction::Ignore:
          case DefaultAction::Continue:
            continue;
          case DefaultAction::Stop:
            stop_locked(guard, self, signal);
            continue;
          case DefaultAction::Terminate:
          case DefaultAction::CoreDump:
            break;
        }
      } else if (action.kind == SignalAction::Kind::Ignore) {
        continue;
      } else if ((action.flags & action_flags::kResetHand) != 0) {
        self.actions_[signal - 1] = SignalAction{};
      }
    }
    if (action.kind == SignalAction::Kind::Default) {
      const bool core = default_action(signal) == DefaultAction::CoreDump;
      die(self, signal | (core ? 0x80 : 0));
    }
    // A handler: runs here, with its mask (and the signal itself, unless SA_NODEFER) blocked.
    SignalSet saved;
    {
      sched::SchedulerGuard guard;
      saved = self.mask_;
      SignalSet blocked = self.mask_ | action.mask;
      if ((action.flags & action_flags::kNoDefer) == 0) blocked.add(signal);
      self.mask_ = blocked & ~kUnblockable;
    }
    if (handler_ran != nullptr) *handler_ran = true;
    if ((action.flags & action_flags::kSigInfo) != 0 && action.info_handler != nullptr) {
      SignalInfo info{signal, 0, 0, 0, 0, 0, 0};
      if (signal == sig::kChild) info = self.child_info_;
      action.info_handler(signal, &info, nullptr);
    } else if (action.handler != nullptr) {
      action.handler(signal);
    }
    if ((action.flags & action_flags::kRestart) == 0) restart = false;
    sched::SchedulerGuard guard;
    self.mask_ = saved;
  }
  // Nothing left to deliver: later waits may block again, unless a signal came meanwhile.
  sched::clear_interrupt();
  {
    sched::SchedulerGuard guard;
    const SignalSet deliverable = self.pending_ & (~self.mask_ | kUnblockable);
    if (deliverable.empty() && !self.exiting_) return restart;
  }
  sched::interrupt(sched::current());
  return deliver_signals(self, handler_ran) && restart;
}

Result<SignalAction> System::set_action(Process& self, int signal,
                                        const SignalAction* action) noexcept {
  if (!valid_signal(signal)) return Error::InvalidArgument;
  if (action != nullptr && (signal == sig::kKill || signal == sig::kStop)) {
    return Error::InvalidArgument;
  }
  sched::SchedulerGuard guard;
  const SignalAction old = self.actions_[signal - 1];
  if (action != nullptr) {
    SignalAction& slot = self.actions_[signal - 1];
    slot = *action;
    slot.mask = slot.mask & ~kUnblockable;
    // Setting a pending signal to be ignored discards it (POSIX).
    if (discarded(self, slot, signal)) self.pending_.remove(signal);
  }
  return old;
}

Result<SignalSet> System::change_mask(Process& self, int how, const SignalSet* set) noexcept {
  if (set != nullptr && (how < 0 || how > 2)) return Error::InvalidArgument;
  SignalSet old;
  bool deliverable = false;
  {
    sched::SchedulerGuard guard;
    old = self.mask_;
    if (set != nullptr) {
      if (how == 0) self.mask_ = self.mask_ | *set;
      if (how == 1) self.mask_ = self.mask_ & ~*set;
      if (how == 2) self.mask_ = *set;
      self.mask_ = self.mask_ & ~kUnblockable;
    }
    deliverable = !(self.pending_ & ~self.mask_).empty();
  }
  if (deliverable) sched::interrupt(sched::current());
  return old;
}

unsigned System::set_alarm(Process& self, unsigned seconds) noexcept {
  const std::uint64_t now = platform::monotonic_ns();
  sched::SchedulerGuard guard;
  unsigned left = 0;
  if (self.alarm_node_.is_linked()) {
    const std::uint64_t remaining = self.alarm_ns_ > now ? self.alarm_ns_ - now : 0;
    left = static_cast<unsigned>((remaining + 999'999'999) / 1'000'000'000);
    if (left == 0) left = 1;
    alarms_.erase(self);
  }
  if (seconds != 0) {
    self.alarm_ns_ = now + std::uint64_t{seconds} * 1'000'000'000;
    alarms_.push_back(self);
    alarms_changed_.wake_all(guard);
  }
  return left;
}

void System::alarm_main(void* argument) noexcept {
  auto& system = *static_cast<System*>(argument);
  sched::SchedulerGuard guard;
  while (true) {
    const std::uint64_t now = platform::monotonic_ns();
    std::uint64_t next = 0;
    for (auto it = system.alarms_.begin(); it != system.alarms_.end();) {
      Process& process = *it;
      ++it;
      if (process.alarm_ns_ <= now) {
        system.alarms_.erase(process);
        system.post_locked(guard, process, sig::kAlarm);
      } else if (next == 0 || process.alarm_ns_ < next) {
        next = process.alarm_ns_;
      }
    }
    const sched::Deadline deadline =
        next == 0 ? sched::Deadline::never() : sched::Deadline::at(next);
    (void)system.alarms_changed_.wait(guard, deadline, sched::Interruptible::No);
  }
}

}  // namespace mos::posix
