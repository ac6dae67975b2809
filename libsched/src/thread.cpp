// Threads: spawning, joining, ending, parameters, and the calling thread's own state.
#include <sched/mutex.hpp>
#include <sched/scheduler.hpp>
#include <sched/thread.hpp>
#include <sched/wait_queue.hpp>

#include <k/log.hpp>
#include <k/panic.hpp>
#include <k/platform/context.hpp>
#include <k/platform/timer.hpp>

#include <new>

namespace mos::sched {

Result<Thread*> Scheduler::spawn(const ThreadAttributes& attributes, ThreadEntry entry, void* arg,
                                 void (*move_into)(void*, void*) noexcept, void* source) noexcept {
  auto* t = new (std::nothrow) Thread(attributes.name, attributes.params);
  if (t == nullptr) return Error::NoMemory;
  auto stack = stacks_->allocate(attributes.stack_bytes);
  if (!stack) {
    delete t;
    return stack.error();
  }
  t->stacks_ = stacks_;
  t->stack_base_ = stack->base;
  t->stack_bytes_ = stack->bytes;
  t->detached_ = attributes.detached;
  platform::context_init(t->context_, {stack->base, stack->bytes}, &thread_start, t);

  SchedulerGuard guard;
  if (auto allowed = bound_policy::check_params(*t, attributes.params); !allowed) {
    stacks_->free(*stack);
    delete t;
    return allowed.error();
  }
  t->entry_ = entry;
  t->arg_ = arg;
  if (move_into != nullptr) {
    move_into(t->callable_, source);
    t->arg_ = t->callable_;
  }
  t->id_ = next_id_++;
  bound_policy::init_thread(*t);
  bound_policy::apply_params(*t, attributes.params);
  threads_.push_back(*t);
  ++stats_.threads;
  ++stats_.threads_made;
  make_runnable(*t, Enqueue::New, platform::monotonic_ns());
  return t;
}

Result<int> Scheduler::join(Thread& thread, Deadline deadline) noexcept {
  SchedulerGuard guard;
  Thread& self = *cpu_.current;
  if (&thread == &self) return Error::Deadlock;
  if (thread.detached_ == Detached::Yes || thread.joiner_ != nullptr || &thread == idle_ ||
      &thread == boot_) {
    return Error::InvalidArgument;
  }
  if (thread.state_ != ThreadState::Exited) {
    if (!deadline.is_never() && deadline.ns() <= platform::monotonic_ns()) return Error::TimedOut;
    thread.joiner_ = &self;
    self.wake_reason_ = Thread::WakeReason::None;
    if (!deadline.is_never()) arm_timeout(self, deadline);
    block_current(ThreadState::Blocked);
    if (self.wake_reason_ == Thread::WakeReason::TimedOut) {
      thread.joiner_ = nullptr;
      return Error::TimedOut;
    }
  }
  MOS_ASSERT(thread.state_ == ThreadState::Exited);
  const int code = thread.exit_code_;
  // An ended thread that is still the CPU's `dead` one is freed by the next switch instead.
  if (cpu_.dead == &thread) {
    thread.detached_ = Detached::Yes;
  } else {
    destroy(thread);
  }
  return code;
}

Result<void> Scheduler::detach(Thread& thread) noexcept {
  SchedulerGuard guard;
  if (thread.detached_ == Detached::Yes || thread.joiner_ != nullptr || &thread == idle_ ||
      &thread == boot_) {
    return Error::InvalidArgument;
  }
  thread.detached_ = Detached::Yes;
  // Ended and switched away from already: nobody else will free it.
  if (thread.state_ == ThreadState::Exited && cpu_.dead != &thread) destroy(thread);
  return {};
}

void Scheduler::exit_current(int code) noexcept {
  // Never released here: the thread that runs next releases the lock.
  SchedulerGuard guard;
  end_current(guard, code);
}

void Scheduler::yield() noexcept {
  SchedulerGuard guard;
  reschedule(Enqueue::Yielded);
}

void Scheduler::sleep_until(Deadline deadline) noexcept {
  if (deadline.is_never()) MOS_PANIC("sched: sleeping until never");
  SchedulerGuard guard;
  if (deadline.ns() <= platform::monotonic_ns()) return;
  Thread& self = *cpu_.current;
  arm_timeout(self, deadline);
  self.wake_reason_ = Thread::WakeReason::None;
  block_current(ThreadState::Sleeping);
}

Result<void> Scheduler::set_params(Thread& thread, const SchedParams& params) noexcept {
  SchedulerGuard guard;
  if (&thread == idle_ || thread.state_ == ThreadState::Exited) return Error::InvalidArgument;
  MOS_TRY(bound_policy::check_params(thread, params));
  const bool queued = thread.state_ == ThreadState::Ready;
  if (queued) bound_policy::remove(thread);
  thread.params_ = params;
  bound_policy::apply_params(thread, params);
  thread.effective_priority_ = Mutex::inherited_priority(thread);
  if (thread.waiting_on_ != nullptr) thread.waiting_on_->reposition(thread);
  if (queued) make_runnable(thread, Enqueue::Woken, platform::monotonic_ns());
  if (&thread == cpu_.current) cpu_.need_resched = true;
  return {};
}

Result<TlsKey> Scheduler::tls_key_create() noexcept {
  SchedulerGuard guard;
  for (TlsKey key = 0; key < kTlsSlots; ++key) {
    if ((tls_keys_used_ & (1u << key)) == 0) {
      tls_keys_used_ |= 1u << key;
      return key;
    }
  }
  return Error::NoMemory;
}

// --- The free functions of thread.hpp -----------------------------------------------------------

Result<Thread*> spawn(ThreadEntry entry, void* arg, const ThreadAttributes& attributes) noexcept {
  return Scheduler::on_this_cpu().spawn(attributes, entry, arg, nullptr, nullptr);
}

Result<Thread*> detail::spawn_callable(const ThreadAttributes& attributes, ThreadEntry run,
                                       void (*move_into)(void*, void*) noexcept,
                                       void* source) noexcept {
  return Scheduler::on_this_cpu().spawn(attributes, run, nullptr, move_into, source);
}

Result<int> join(Thread& thread, Deadline deadline) noexcept {
  return Scheduler::on_this_cpu().join(thread, deadline);
}
Result<void> detach(Thread& thread) noexcept { return Scheduler::on_this_cpu().detach(thread); }
void exit(int code) noexcept { Scheduler::on_this_cpu().exit_current(code); }
void yield() noexcept { Scheduler::on_this_cpu().yield(); }
Thread& current() noexcept { return Scheduler::on_this_cpu().current(); }
void sleep_for(std::uint64_t ns) noexcept { sleep_until(Deadline::after(ns)); }
void sleep_until(Deadline deadline) noexcept { Scheduler::on_this_cpu().sleep_until(deadline); }
Result<void> set_params(Thread& thread, const SchedParams& params) noexcept {
  return Scheduler::on_this_cpu().set_params(thread, params);
}

int& thread_errno() noexcept { return current().errno_; }

void interrupt(Thread& thread) noexcept {
  SchedulerGuard guard;
  interrupt(guard, thread);
}

void interrupt(SchedulerGuard& guard, Thread& thread) noexcept {
  thread.interrupt_pending_ = true;
  if (thread.state_ == ThreadState::Blocked && thread.interruptible_wait_ &&
      thread.waiting_on_ != nullptr) {
    guard.scheduler().wake(thread, Thread::WakeReason::Interrupted);
  }
}

bool interrupt_pending() noexcept {
  SchedulerGuard guard;
  return guard.scheduler().current().interrupt_pending_;
}

void clear_interrupt() noexcept {
  SchedulerGuard guard;
  guard.scheduler().current().interrupt_pending_ = false;
}

Result<TlsKey> tls_key_create() noexcept { return Scheduler::on_this_cpu().tls_key_create(); }

void* tls_get(TlsKey key) noexcept {
  return Scheduler::on_this_cpu().tls_key_valid(key) ? current().tls_[key] : nullptr;
}

Result<void> tls_set(TlsKey key, void* value) noexcept {
  if (!Scheduler::on_this_cpu().tls_key_valid(key)) return Error::InvalidArgument;
  current().tls_[key] = value;
  return {};
}

}  // namespace mos::sched
