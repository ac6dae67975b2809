// The scheduler core: switching, blocking and waking, timeouts, the timer interrupt, the idle
// thread, and the end of threads. See sched/scheduler.hpp for the locking and preemption rules.
#include <sched/mutex.hpp>
#include <sched/scheduler.hpp>
#include <sched/wait_queue.hpp>

#include <k/log.hpp>
#include <k/panic.hpp>
#include <k/platform/context.hpp>
#include <k/platform/cpu_local.hpp>
#include <k/platform/device_interrupts.hpp>
#include <k/platform/fault.hpp>
#include <k/platform/interrupts.hpp>
#include <k/platform/timer.hpp>

#include <new>

namespace mos::sched {

Scheduler::Cpu& Scheduler::cpu() noexcept { return *static_cast<Cpu*>(platform::cpu_local()); }

Scheduler& Scheduler::on_this_cpu() noexcept { return *cpu().scheduler; }

bool Scheduler::ready() noexcept { return platform::cpu_local() != nullptr; }

Result<void> Scheduler::init(StackSource& stacks) noexcept {
  if (ready() || boot_ != nullptr) return Error::Busy;
  stacks_ = &stacks;

  boot_ = new (std::nothrow) Thread("main");
  idle_ = new (std::nothrow) Thread("idle");
  if (boot_ == nullptr || idle_ == nullptr) {
    delete boot_;
    delete idle_;
    boot_ = idle_ = nullptr;
    return Error::NoMemory;
  }
  auto idle_stack = stacks.allocate(0);
  if (!idle_stack) {
    delete boot_;
    delete idle_;
    boot_ = idle_ = nullptr;
    return idle_stack.error();
  }
  idle_->id_ = 0;
  idle_->stacks_ = &stacks;
  idle_->stack_base_ = idle_stack->base;
  idle_->stack_bytes_ = idle_stack->bytes;
  idle_->state_ = ThreadState::Ready;
  platform::context_init(idle_->context_, {idle_stack->base, idle_stack->bytes}, &idle_main, this);

  boot_->id_ = 1;
  boot_->state_ = ThreadState::Running;
  platform::context_adopt_current(boot_->context_);
  bound_policy::init_thread(*boot_);
  bound_policy::apply_params(*boot_, boot_->params_);

  threads_.push_back(*idle_);
  threads_.push_back(*boot_);
  stats_.threads = 2;

  cpu_.scheduler = this;
  cpu_.current = boot_;
  MOS_TRY(platform::timer_init());
  platform::timer_set_handler(&timer_interrupt);
  platform::set_interrupt_exit_hook(&device_interrupt_exit);
  platform::set_fatal_fault_handler(&fatal_fault);
  cpu_.since_ns = platform::monotonic_ns();
  platform::cpu_local_set(&cpu_);
  {
    SchedulerGuard guard;
    program_timer(cpu_.since_ns);
  }
  log::info("sched: policy {}, clock and timer running", bound_policy::name());
  // From now on the boot thread runs with interrupts on, so the timer can preempt it.
  platform::interrupts_restore(platform::InterruptState::Enabled);
  return {};
}

SchedulerStats Scheduler::stats() noexcept {
  SchedulerGuard guard;
  charge(platform::monotonic_ns());
  SchedulerStats s = stats_;
  s.runnable = bound_policy::runnable();
  return s;
}

// --- Time -------------------------------------------------------------------------------------

void Scheduler::charge(std::uint64_t now) noexcept {
  Thread& running = *cpu_.current;
  const std::uint64_t ran = now > cpu_.since_ns ? now - cpu_.since_ns : 0;
  cpu_.since_ns = now;
  running.runtime_ns_ += ran;
  if (&running == idle_) {
    stats_.idle_ns += ran;
  } else {
    bound_policy::account(running, ran);
  }
}

void Scheduler::arm_timeout(Thread& t, Deadline deadline) noexcept {
  t.deadline_ns_ = deadline.ns();
  timeouts_.insert(t);
}

void Scheduler::cancel_timeout(Thread& t) noexcept {
  if (t.timer_node_.is_linked()) timeouts_.erase(t);
}

void Scheduler::expire_timeouts(std::uint64_t now) noexcept {
  while (Thread* t = timeouts_.first()) {
    if (t->deadline_ns_ > now) break;
    timeouts_.erase(*t);
    if (t->waiting_on_ != nullptr) {
      t->waiting_on_->remove(*t);
      t->waiting_on_ = nullptr;
    }
    t->wake_reason_ = Thread::WakeReason::TimedOut;
    make_runnable(*t, Enqueue::Woken, now);
  }
}

// Arms the timer for the earliest of the next timeout and the end of the running thread's
// slice; nothing else needs the CPU's attention.
void Scheduler::program_timer(std::uint64_t now) noexcept {
  std::uint64_t deadline = Deadline::never().ns();
  if (const Thread* t = timeouts_.first()) deadline = t->deadline_ns_;
  const Thread& running = *cpu_.current;
  if (&running != idle_) {
    const std::uint64_t left = bound_policy::slice_left(running);
    if (left != kUnlimitedSlice && now + left < deadline) deadline = now + left;
  }
  if (deadline == Deadline::never().ns()) {
    platform::timer_disarm();
  } else {
    platform::timer_arm(deadline);
  }
}

void Scheduler::timer_interrupt() noexcept { on_this_cpu().on_timer(); }

void Scheduler::device_interrupt_exit() noexcept {
  // A device's handler woke a thread that should preempt the running one: switch now rather
  // than at the next timer interrupt.
  Scheduler& self = on_this_cpu();
  const platform::InterruptState state = self.lock_.lock();
  if (self.cpu_.need_resched) self.reschedule(Enqueue::Preempted);
  self.lock_.unlock(state);
}

void Scheduler::on_timer() noexcept {
  const platform::InterruptState state = lock_.lock();
  ++stats_.timer_interrupts;
  const std::uint64_t now = platform::monotonic_ns();
  charge(now);
  expire_timeouts(now);
  Thread& running = *cpu_.current;
  const bool slice_over = &running != idle_ && bound_policy::slice_left(running) == 0;
  if (slice_over || cpu_.need_resched) {
    reschedule(slice_over ? Enqueue::SliceExpired : Enqueue::Preempted);
  } else {
    program_timer(now);
  }
  lock_.unlock(state);
}

// --- Running and switching --------------------------------------------------------------------

void Scheduler::make_runnable(Thread& t, Enqueue reason, std::uint64_t now) noexcept {
  charge(now);  // The running thread's account must be current for preempts().
  t.state_ = ThreadState::Ready;
  bound_policy::enqueue(t, reason, now);
  Thread& running = *cpu_.current;
  if (&running == idle_ ||
      (running.state_ == ThreadState::Running && bound_policy::preempts(t, running))) {
    cpu_.need_resched = true;
  }
}

void Scheduler::wake(Thread& t, Thread::WakeReason reason) noexcept {
  cancel_timeout(t);
  if (t.waiting_on_ != nullptr) {
    t.waiting_on_->remove(t);
    t.waiting_on_ = nullptr;
  }
  t.wake_reason_ = reason;
  make_runnable(t, Enqueue::Woken, platform::monotonic_ns());
}

void Scheduler::block_current(ThreadState state) noexcept {
  Thread& self = *cpu_.current;
  MOS_ASSERT(&self != idle_);
  self.state_ = state;
  const std::uint64_t now = platform::monotonic_ns();
  charge(now);
  switch_to_next(self, now);
}

void Scheduler::reschedule(Enqueue reason) noexcept {
  Thread& prev = *cpu_.current;
  const std::uint64_t now = platform::monotonic_ns();
  charge(now);
  if (&prev != idle_ && prev.state_ == ThreadState::Running) {
    prev.state_ = ThreadState::Ready;
    bound_policy::enqueue(prev, reason, now);
  }
  switch_to_next(prev, now);
}

void Scheduler::switch_to_next(Thread& prev, std::uint64_t now) noexcept {
  Thread* next = bound_policy::pick_next(now);
  if (next == nullptr) next = idle_;
  cpu_.need_resched = false;
  next->state_ = ThreadState::Running;
  cpu_.current = next;
  cpu_.since_ns = now;
  program_timer(now);
  if (next == &prev) return;
  ++stats_.context_switches;
  ++next->switches_in_;
  if (&prev == idle_) idle_->state_ = ThreadState::Ready;
  if (prev.state_ == ThreadState::Exited) {
    cpu_.dead = &prev;
    platform::context_abandon(prev.context_, next->context_);
  }
  platform::context_switch(prev.context_, next->context_);
  finish_switch();
}

// Runs in the thread just switched to, with the lock held: frees the thread that ended, if
// nobody will join it (its stack is no longer in use).
void Scheduler::finish_switch() noexcept {
  Thread* dead = cpu_.dead;
  if (dead == nullptr) return;
  cpu_.dead = nullptr;
  if (dead->detached_ == Detached::Yes) destroy(*dead);
}

void Scheduler::thread_start(void* thread) noexcept {
  Scheduler& self = on_this_cpu();
  self.finish_switch();
  // The lock came with the switch; a new thread runs with interrupts on.
  self.lock_.unlock(platform::InterruptState::Enabled);
  Thread& t = *static_cast<Thread*>(thread);
  t.entry_(t.arg_);
  sched::exit(0);
}

void Scheduler::idle_main(void* scheduler) noexcept {
  Scheduler& self = *static_cast<Scheduler*>(scheduler);
  self.finish_switch();
  self.lock_.unlock(platform::InterruptState::Disabled);
  for (;;) {
    const platform::InterruptState state = self.lock_.lock();
    if (self.cpu_.need_resched || bound_policy::runnable() > 0) self.reschedule(Enqueue::Yielded);
    self.lock_.unlock(state);
    // Interrupts stay off from the check to the wait, so a wakeup cannot be missed.
    platform::idle_wait();
  }
}

// --- Threads ending ---------------------------------------------------------------------------

void Scheduler::end_current(SchedulerGuard& guard, int code) noexcept {
  Thread& self = *cpu_.current;
  if (&self == boot_) MOS_PANIC("sched: the boot thread cannot exit (return from app_main)");
  MOS_ASSERT(&self != idle_);
  while (self.owned_mutexes_ != nullptr) {
    log::warn("sched: thread {} '{}' ended holding a mutex; it is released", self.id_,
              self.name());
    (void)self.owned_mutexes_->unlock_locked(guard);
  }
  self.state_ = ThreadState::Exited;
  self.exit_code_ = code;
  if (self.joiner_ != nullptr) wake(*self.joiner_, Thread::WakeReason::Woken);
  const std::uint64_t now = platform::monotonic_ns();
  charge(now);
  switch_to_next(self, now);
  MOS_PANIC("sched: an ended thread was resumed");
}

void Scheduler::destroy(Thread& t) noexcept {
  MOS_ASSERT(&t != boot_ && &t != idle_);
  bound_policy::release_thread(t);
  threads_.erase(t);
  --stats_.threads;
  if (t.stack_base_ != nullptr) t.stacks_->free({t.stack_base_, t.stack_bytes_});
  delete &t;
}

void Scheduler::fatal_fault() noexcept {
  if (!ready()) return;
  Scheduler& self = on_this_cpu();
  Thread* t = self.cpu_.current;
  // The boot and idle threads are the machine; a fault inside the scheduler leaves nothing
  // sound to switch with.
  if (t == self.boot_ || t == self.idle_ || self.lock_.is_locked()) return;
  log::error("sched: thread {} '{}' ended by the CPU exception above", t->id_, t->name());
  sched::exit(kExitCodeFaulted);
}

// --- Priorities (inheritance through mutexes) ---------------------------------------------------

void Scheduler::set_effective_priority(Thread& thread, std::uint8_t priority) noexcept {
  Thread* t = &thread;
  // Along the chain of owners: t waits for a mutex whose owner may wait for another, ...
  for (int depth = 0; depth < 64; ++depth) {
    if (t->effective_priority_ == priority) return;
    t->effective_priority_ = priority;
    if (t->state_ == ThreadState::Ready) {
      bound_policy::priority_changed(*t);
      Thread& running = *cpu_.current;
      if (&running == idle_ || bound_policy::preempts(*t, running)) cpu_.need_resched = true;
    }
    // A running thread whose priority dropped may no longer be the one to run.
    if (t == cpu_.current) cpu_.need_resched = true;
    if (t->waiting_on_ != nullptr) t->waiting_on_->reposition(*t);
    Mutex* blocking = t->blocked_on_mutex_;
    if (blocking == nullptr || blocking->owner_ == nullptr) return;
    t = blocking->owner_;
    priority = Mutex::inherited_priority(*t);
  }
}

// --- The guard ----------------------------------------------------------------------------------

SchedulerGuard::SchedulerGuard() noexcept
    : scheduler_(Scheduler::on_this_cpu()), state_(scheduler_.lock_.lock()) {}

SchedulerGuard::~SchedulerGuard() {
  // Preempt now if a wakeup asked for it, unless interrupts were off before (the caller is in
  // an interrupt handler or holds another spinlock, which the next thread might need).
  if (scheduler_.cpu_.need_resched && state_ == platform::InterruptState::Enabled) {
    scheduler_.reschedule(Enqueue::Preempted);
  }
  scheduler_.lock_.unlock(state_);
}

}  // namespace mos::sched
