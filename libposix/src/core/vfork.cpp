// vfork in one address space. There is no second address space to copy, so the child does what
// a vfork child does on Linux: it borrows the parent's thread and stack, the parent waiting,
// until it execs (its program then runs on a thread of its own) or ends. Then the thread is
// the parent's again and jumps back into the parent's vfork call with __builtin_setjmp's
// buffer (GCC's builtins, the same on every architecture), which returns the child's pid.
#include <posix/system.hpp>

#include <sched/scheduler.hpp>

// AddressSanitizer (host tests) must forget the frames a jump leaves; absent elsewhere.
extern "C" [[gnu::weak]] void __asan_handle_no_return();

namespace mos::posix {

void** System::vfork_prepare(Process& parent) noexcept {
  parent.vfork_child_.reset();
  if (&parent == init_.get()) {  // Init's thread is the boot thread: it cannot be lent.
    parent.vfork_error_ = Error::NotSupported;
    return parent.vfork_jump_;
  }
  auto made = new_child(parent);
  if (!made) {
    parent.vfork_error_ = made.error();
    return parent.vfork_jump_;
  }
  RefPtr<Process> child = static_cast<RefPtr<Process>&&>(*made);
  {
    sched::SchedulerGuard guard;
    child->pid_ = next_pid_++;
    child->parent_ = &parent;
  }
  if (auto copied = child->set_environment(parent.environment_); !copied) {
    parent.vfork_error_ = copied.error();
    return parent.vfork_jump_;
  }
  {
    sched::SchedulerGuard guard;
    child->acquire();  // The table's reference.
    table_.push_back(*child);
    parent.children_.push_back(*child);
  }
  parent.vfork_child_ = static_cast<RefPtr<Process>&&>(child);
  return parent.vfork_jump_;
}

Result<Pid> System::vfork_enter(Process& parent) noexcept {
  if (!parent.vfork_child_) return parent.vfork_error_;
  Process& child = *parent.vfork_child_;
  child.vfork_parent_ = &parent;
  sched::Thread& thread = sched::current();
  {
    sched::SchedulerGuard guard;
    child.thread_ = &thread;
    parent.thread_ = nullptr;
  }
  thread.set_owner(&child);
  return 0;
}

Pid System::vfork_resume(Process& parent) noexcept {
  RefPtr<Process> child = static_cast<RefPtr<Process>&&>(parent.vfork_child_);
  // Signals sent to the parent meanwhile found no thread to interrupt.
  if (!parent.pending_signals().empty()) sched::interrupt(sched::current());
  return child ? child->pid() : -1;
}

void System::vfork_return(Process& parent) noexcept {
  sched::Thread& thread = sched::current();
  thread.set_owner(&parent);
  {
    sched::SchedulerGuard guard;
    parent.thread_ = &thread;
  }
  if (__asan_handle_no_return != nullptr) __asan_handle_no_return();
  __builtin_longjmp(parent.vfork_jump_, 1);
}

}  // namespace mos::posix
