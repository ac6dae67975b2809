#pragma once
/// The scheduler core of one CPU: the running thread, blocking and waking, the timer queue for
/// sleeps and timeouts, preemption, creating and reaping threads. It is policy-free: the image's
/// policy (bound_policy, policy.hpp) orders the runnable threads. An image's glue holds one
/// Scheduler and calls init() once the memory manager is up; the free functions of thread.hpp
/// and the primitives (WaitQueue, Mutex, Semaphore, ConditionVariable, Event) reach it through
/// the CPU-local pointer.
///
/// Locking: one lock per scheduler (a SpinLock, so interrupts are off while it is held) guards
/// every thread's scheduling state, every wait queue and the primitives built on them; hold it
/// with a SchedulerGuard. Switching threads happens with it held: the thread switched to
/// releases it (so the lock passes from thread to thread like a baton).
///
/// Preemption: a wakeup the policy says should preempt sets a flag; the running thread is
/// switched out when the SchedulerGuard that saw the wakeup is released (if interrupts were on
/// when it was taken), or at the end of the timer interrupt. The timer is tickless: it is armed
/// for the earliest of the next timeout and the end of the running thread's slice.

#include <sched/policy.hpp>
#include <sched/stack_source.hpp>
#include <sched/thread.hpp>
#include <sched/time.hpp>

#include <k/intrusive_list.hpp>
#include <k/intrusive_rb_tree.hpp>
#include <k/platform/interrupts.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <cstdint>

namespace mos::sched {

class SchedulerGuard;

/// What a scheduler has done so far.
struct SchedulerStats {
  std::uint64_t context_switches = 0;
  std::uint64_t timer_interrupts = 0;
  std::uint64_t threads = 0;      ///< Alive now (not yet freed), boot and idle included.
  std::uint64_t runnable = 0;     ///< Queued in the policy.
  std::uint64_t idle_ns = 0;      ///< CPU time the idle thread had.
  std::uint64_t threads_made = 0; ///< Spawned since init.
};

/// The scheduler of one CPU; see the file comment.
class Scheduler {
 public:
  constexpr Scheduler() noexcept = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Makes the calling code this CPU's boot thread ("main", priority kDefaultPriority), creates
  /// the idle thread, points the CPU-local pointer here, installs the timer and fatal-fault
  /// handlers and starts the clock. Thread stacks come from `stacks`, which must outlive the
  /// scheduler. Errors: Error::Busy (this CPU has a scheduler already), Error::NoMemory, or
  /// the platform's reason for having no usable timer.
  Result<void> init(StackSource& stacks) noexcept;

  /// The scheduler of the calling CPU (init must have run).
  static Scheduler& on_this_cpu() noexcept;
  /// Whether the calling CPU has a scheduler.
  static bool ready() noexcept;

  /// Counters.
  SchedulerStats stats() noexcept;
  /// The boot thread.
  Thread& boot_thread() noexcept { return *boot_; }

  // The operations behind thread.hpp's free functions, which call them on this CPU's
  // scheduler; see there.
  Result<Thread*> spawn(const ThreadAttributes& attributes, ThreadEntry entry, void* arg,
                        void (*move_into)(void*, void*) noexcept, void* source) noexcept;
  Result<int> join(Thread& thread, Deadline deadline) noexcept;
  Result<void> detach(Thread& thread) noexcept;
  [[noreturn]] void exit_current(int code) noexcept;
  void yield() noexcept;
  Thread& current() noexcept { return *cpu_.current; }
  void sleep_until(Deadline deadline) noexcept;
  Result<void> set_params(Thread& thread, const SchedParams& params) noexcept;
  Result<TlsKey> tls_key_create() noexcept;
  bool tls_key_valid(TlsKey key) const noexcept {
    return key < kTlsSlots && (tls_keys_used_ & (1u << key)) != 0;
  }

 private:
  friend class SchedulerGuard;
  friend class WaitQueue;
  friend class Mutex;
  friend void interrupt(SchedulerGuard& guard, Thread& thread) noexcept;

  // The per-CPU data the CPU-local pointer leads to.
  struct Cpu {
    Scheduler* scheduler = nullptr;
    Thread* current = nullptr;
    Thread* dead = nullptr;     // Ended and switched away from; freed by the next thread.
    std::uint64_t since_ns = 0;  // When the running thread was last charged.
    bool need_resched = false;
    std::uint32_t interrupt_depth = 0;
  };

  static Cpu& cpu() noexcept;

  // All of these run with lock_ held.
  void destroy(Thread& t) noexcept;
  void charge(std::uint64_t now) noexcept;
  void make_runnable(Thread& t, Enqueue reason, std::uint64_t now) noexcept;
  void wake(Thread& t, Thread::WakeReason reason) noexcept;
  void block_current(ThreadState state) noexcept;
  void reschedule(Enqueue reason) noexcept;
  void switch_to_next(Thread& prev, std::uint64_t now) noexcept;
  void finish_switch() noexcept;
  void arm_timeout(Thread& t, Deadline deadline) noexcept;
  void cancel_timeout(Thread& t) noexcept;
  void expire_timeouts(std::uint64_t now) noexcept;
  void program_timer(std::uint64_t now) noexcept;
  void set_effective_priority(Thread& t, std::uint8_t priority) noexcept;
  void on_timer() noexcept;
  [[noreturn]] void end_current(SchedulerGuard& guard, int code) noexcept;

  static void thread_start(void* thread) noexcept;
  [[noreturn]] static void idle_main(void* scheduler) noexcept;
  static void timer_interrupt() noexcept;
  static void device_interrupt_exit() noexcept;
  static void fatal_fault() noexcept;

  SpinLock lock_;
  Cpu cpu_;
  Thread* boot_ = nullptr;
  Thread* idle_ = nullptr;
  StackSource* stacks_ = nullptr;
  IntrusiveList<Thread, &Thread::all_node_> threads_;
  IntrusiveRbTree<Thread, &Thread::timer_node_, Thread::ByDeadline> timeouts_;
  std::uint64_t next_id_ = 2;  // 0 is idle, 1 the boot thread.
  std::uint32_t tls_keys_used_ = 0;
  SchedulerStats stats_;
};

/// Holds the calling CPU's scheduler lock (interrupts off) for a scope; see the file comment
/// for what its release does. The primitives' operations take one as proof that it is held.
class SchedulerGuard {
 public:
  SchedulerGuard() noexcept;
  ~SchedulerGuard();
  SchedulerGuard(const SchedulerGuard&) = delete;
  SchedulerGuard& operator=(const SchedulerGuard&) = delete;

  /// The scheduler it locks.
  Scheduler& scheduler() const noexcept { return scheduler_; }

 private:
  Scheduler& scheduler_;
  platform::InterruptState state_;
};

}  // namespace mos::sched
