// Ending processes and waiting for them: exit makes a zombie that keeps only its status, hands
// its children to init and tells its parent; wait collects zombies and reports stops and
// continues, as waitpid/waitid do.
#include <posix/system.hpp>

#include "start.hpp"

#include <sched/scheduler.hpp>

namespace mos::posix {

namespace {

// Linux's wait status encodings.
constexpr int exited_status(int code) noexcept {
  return (code & 0xff) << 8;
}
constexpr int kContinuedStatus = 0xffff;

}  // namespace

void System::notify_parent_locked(sched::SchedulerGuard& guard, Process& child) noexcept {
  Process* parent = child.parent_;
  if (parent == nullptr) return;
  parent->children_changed_.wake_all(guard);
  const SignalAction& action = parent->actions_[sig::kChild - 1];
  const bool stopped_or_continued = child.state_ != ProcessState::Zombie;
  if (stopped_or_continued && (action.flags & action_flags::kNoChildStop) != 0) return;
  parent->child_info_ =
      SignalInfo{sig::kChild, 0, 0, 0, child.pid_, child.credentials_.uid, child.wait_status_};
  post_locked(guard, *parent, sig::kChild, child.pid_);
}

void System::exit(Process& self, int code) noexcept {
  die(self, exited_status(code));
}

void System::die(Process& self, int wait_status) noexcept {
  MOS_ASSERT(&self != init_.get());
  // A vfork child ends on its parent's thread, which goes back to the parent.
  Process* const vfork_parent = self.vfork_parent_;
  self.vfork_parent_ = nullptr;
  // What the program leaves: its C runtime (stdio buffers reach their files first), its
  // descriptors, its directories. Flushing calls back into libposix, whose safe points must
  // not deliver signals to a process that is ending already.
  self.ending_ = true;
  const CRuntimeSlot runtime = self.c_runtime_;
  self.c_runtime_ = {};
  if (runtime.release != nullptr) runtime.release(runtime.data);
  self.fds_.close_all();
  self.cwd_ = {};
  self.root_ = {};
  delete static_cast<Start*>(self.start_);
  self.start_ = nullptr;
  {
    sched::SchedulerGuard guard;
    if (self.alarm_node_.is_linked()) alarms_.erase(self);
    self.state_ = ProcessState::Zombie;
    self.wait_status_ = wait_status;
    self.change_reported_ = false;
    self.continued_ = false;
    self.children_cpu_ns_ += self.cpu_ns();
    self.thread_ = nullptr;
    // Orphans go to init, which is told of those that ended already.
    bool zombies = false;
    while (!self.children_.empty()) {
      Process& child = self.children_.front();
      self.children_.erase(child);
      child.parent_ = init_.get();
      init_->children_.push_back(child);
      zombies |= child.state_ == ProcessState::Zombie;
    }
    if (zombies) init_->children_changed_.wake_all(guard);
    // A parent that ignores SIGCHLD (or says SA_NOCLDWAIT) leaves no zombies to collect.
    Process* parent = self.parent_;
    const SignalAction& action = parent->actions_[sig::kChild - 1];
    if (action.kind == SignalAction::Kind::Ignore ||
        (action.flags & action_flags::kNoChildWait) != 0) {
      parent->children_.erase(self);
      table_.erase(self);
      self.parent_ = nullptr;
      parent->children_changed_.wake_all(guard);
      // The table's reference goes with the thread: nothing may touch `self` after this.
      self.release();
    } else {
      notify_parent_locked(guard, self);
    }
  }
  if (vfork_parent != nullptr) vfork_return(*vfork_parent);
  sched::exit(0);
}

Result<WaitResult> System::wait(Process& self, WaitFor what, Pid id, int options) noexcept {
  using namespace wait_options;
  if ((options & ~(kNoHang | kUntraced | kExited | kContinued | kNoWait)) != 0) {
    return Error::InvalidArgument;
  }
  RefPtr<Process> reaped;  // Released once the lock is not held.
  WaitResult result;
  {
    sched::SchedulerGuard guard;
    while (true) {
      bool any = false;
      for (Process& child : self.children_) {
        const bool matches = what == WaitFor::Any ||
                             (what == WaitFor::Process && child.pid_ == id) ||
                             (what == WaitFor::Group && child.group_ == id);
        if (!matches) continue;
        any = true;
        if (child.change_reported_) continue;
        bool report = false;
        if (child.state_ == ProcessState::Zombie) {
          report = (options & kExited) != 0;
        } else if (child.continued_) {
          report = (options & kContinued) != 0;
        } else if (child.state_ == ProcessState::Stopped) {
          report = (options & kUntraced) != 0;
        }
        if (!report) continue;
        result = WaitResult{child.pid_, child.continued_ ? kContinuedStatus : child.wait_status_,
                            child.credentials_.uid};
        if ((options & kNoWait) != 0) return result;
        child.change_reported_ = true;
        if (child.state_ == ProcessState::Zombie) {
          self.children_cpu_ns_ += child.children_cpu_ns_;
          self.children_.erase(child);
          table_.erase(child);
          child.parent_ = nullptr;
          reaped = RefPtr<Process>::adopt(&child);  // The table's reference.
        }
        break;
      }
      if (result.pid != 0) break;
      if (!any) return Error::NoChild;
      if ((options & kNoHang) != 0) return WaitResult{};
      MOS_TRY(self.children_changed_.wait(guard));
    }
  }
  return result;
}

}  // namespace mos::posix
