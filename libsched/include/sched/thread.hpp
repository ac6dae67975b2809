#pragma once
/// Kernel threads: each has its own stack (with a guard page below it), its own saved registers
/// and FPU state, scheduling parameters that the image's policy reads, a slot for errno and
/// thread-local data. A thread ends by returning from its entry function, by calling exit(), or
/// by faulting (its CPU exception is reported and only the thread ends). A joinable thread's
/// resources are freed by join(); a detached thread's as soon as it has ended.

#include <sched/time.hpp>

#include <k/intrusive_list.hpp>
#include <k/intrusive_rb_tree.hpp>
#include <k/platform/context.hpp>
#include <k/result.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mos::sched {

class Scheduler;
class SchedulerGuard;
class WaitQueue;
class Mutex;
class StackSource;

/// What a thread is doing.
enum class ThreadState : std::uint8_t {
  New,       ///< Created, not yet handed to the policy.
  Ready,     ///< Runnable, waiting for the CPU.
  Running,   ///< On the CPU.
  Blocked,   ///< Waiting on a WaitQueue (a mutex, semaphore, condition variable, join, ...).
  Sleeping,  ///< Waiting for a deadline only (sleep_for, sleep_until).
  Exited,    ///< Ended; its exit code waits for join (or it is already freed, if detached).
};

/// The name of a state, e.g. "blocked".
std::string_view state_name(ThreadState state) noexcept;

/// The priority a thread has unless it asks otherwise (the middle of 0..255).
inline constexpr std::uint8_t kDefaultPriority = 128;

/// Scheduling parameters. Each policy reads the ones it understands and ignores the others.
struct SchedParams {
  /// `prio`: 0 is the highest priority, 255 the lowest.
  std::uint8_t priority = kDefaultPriority;
  /// `fair`: -20 (the largest share) to 19 (the smallest), weighted as on Linux.
  std::int8_t nice = 0;
  /// `edf`: the release period of a periodic real-time thread (0: not a real-time thread);
  /// its relative deadline is the period.
  std::uint64_t period_ns = 0;
  /// `edf`: the CPU time one job needs per period, for admission control.
  std::uint64_t runtime_ns = 0;
};

/// Whether a wait ends early when someone interrupts the waiting thread (interrupt()): what
/// libposix's signals need from pipes, terminals and sleeps. Waits whose callers cannot cope
/// with an early end (a mutex, a disk request's completion) are not.
enum class Interruptible : bool { No, Yes };

/// Whether a new thread is joined by someone, or frees itself when it ends.
enum class Detached : bool { No, Yes };

/// How a new thread starts.
struct ThreadAttributes {
  std::string_view name = "thread";   ///< Truncated to kThreadNameBytes - 1 characters.
  SchedParams params = {};
  std::size_t stack_bytes = 0;        ///< 0: the StackSource's default.
  Detached detached = Detached::No;
};

/// The entry function of a thread; returning from it ends the thread with exit code 0.
using ThreadEntry = void (*)(void* arg) noexcept;

/// A key for thread-local data (tls_set, tls_get).
using TlsKey = std::uint32_t;

inline constexpr std::size_t kThreadNameBytes = 32;
/// Thread-local slots per thread.
inline constexpr std::size_t kTlsSlots = 16;
/// Room for a policy's per-thread data (Thread::policy_data).
inline constexpr std::size_t kPolicyDataBytes = 96;
/// Room for a callable spawned by value (spawn(F)).
inline constexpr std::size_t kCallableBytes = 64;
/// The exit code of a thread that a CPU exception ended.
inline constexpr int kExitCodeFaulted = std::numeric_limits<int>::min();

/// A kernel thread. Threads are made by spawn(); policy tests also make bare descriptors, which
/// never run.
class Thread {
 public:
  /// A descriptor that belongs to no scheduler (policy tests drive policies with these).
  explicit Thread(std::string_view name = "thread", SchedParams params = {}) noexcept;
  ~Thread();
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;

  /// A number unique among the threads made since boot (the boot thread is 1, idle is 0).
  std::uint64_t id() const noexcept { return id_; }
  std::string_view name() const noexcept { return {name_, name_length_}; }
  ThreadState state() const noexcept { return state_; }
  /// The parameters it was given (set_params changes them).
  const SchedParams& params() const noexcept { return params_; }
  /// params().priority, or higher (numerically lower) while priority inheritance lends it the
  /// priority of a thread waiting for a mutex it holds.
  std::uint8_t effective_priority() const noexcept { return effective_priority_; }
  /// CPU time it has used, in nanoseconds.
  std::uint64_t runtime_ns() const noexcept { return runtime_ns_; }
  /// How many times it was switched to.
  std::uint64_t switches_in() const noexcept { return switches_in_; }

  /// The policy's per-thread data, of the policy's own type D (constructed by the policy).
  template <class D>
  D& policy_data() noexcept {
    static_assert(sizeof(D) <= kPolicyDataBytes && alignof(D) <= alignof(std::max_align_t));
    return *std::launder(reinterpret_cast<D*>(policy_data_));
  }
  template <class D>
  const D& policy_data() const noexcept {
    static_assert(sizeof(D) <= kPolicyDataBytes && alignof(D) <= alignof(std::max_align_t));
    return *std::launder(reinterpret_cast<const D*>(policy_data_));
  }
  /// Raw room for the policy's data.
  void* policy_storage() noexcept { return policy_data_; }

  /// What the thread works for: libposix keeps the thread's process here. libsched never
  /// reads it.
  void* owner() const noexcept { return owner_; }
  void set_owner(void* owner) noexcept { owner_ = owner; }

 private:
  friend class Scheduler;
  friend class WaitQueue;
  friend class Mutex;

  // Why a blocked thread became runnable again.
  enum class WakeReason : std::uint8_t { None, Woken, TimedOut, Interrupted };

  struct ByDeadline {
    bool operator()(const Thread& a, const Thread& b) const noexcept {
      return a.deadline_ns_ < b.deadline_ns_;
    }
  };

  // Identity and state.
  std::uint64_t id_ = 0;
  char name_[kThreadNameBytes] = {};
  std::size_t name_length_ = 0;
  ThreadState state_ = ThreadState::New;
  SchedParams params_;
  std::uint8_t effective_priority_ = kDefaultPriority;

  // How it runs.
  platform::ThreadContext context_;
  std::byte* stack_base_ = nullptr;  // From stacks_; nullptr for the boot and bare threads.
  std::size_t stack_bytes_ = 0;
  StackSource* stacks_ = nullptr;
  ThreadEntry entry_ = nullptr;
  void* arg_ = nullptr;
  alignas(std::max_align_t) std::byte callable_[kCallableBytes] = {};

  // Ending and joining.
  Detached detached_ = Detached::No;
  int exit_code_ = 0;
  Thread* joiner_ = nullptr;  // The thread in join() for this one.

  // Waiting.
  WaitQueue* waiting_on_ = nullptr;
  ListNode wait_node_;
  WakeReason wake_reason_ = WakeReason::None;
  bool interrupt_pending_ = false;    // interrupt() was called and not yet cleared.
  bool interruptible_wait_ = false;   // Its current wait ends on interrupt().
  std::uint64_t deadline_ns_ = 0;
  RbNode timer_node_;  // In the timer queue while a deadline is pending.
  Mutex* blocked_on_mutex_ = nullptr;  // For priority inheritance along chains of owners.
  Mutex* owned_mutexes_ = nullptr;     // Mutexes it holds, linked through Mutex::next_owned_.

  // Bookkeeping.
  ListNode all_node_;  // On the scheduler's list of every thread.
  std::uint64_t runtime_ns_ = 0;
  std::uint64_t switches_in_ = 0;
  int errno_ = 0;
  void* tls_[kTlsSlots] = {};
  void* owner_ = nullptr;

  alignas(std::max_align_t) std::byte policy_data_[kPolicyDataBytes] = {};

  friend int& thread_errno() noexcept;
  friend void interrupt(Thread& thread) noexcept;
  friend void interrupt(SchedulerGuard& guard, Thread& thread) noexcept;
  friend bool interrupt_pending() noexcept;
  friend void clear_interrupt() noexcept;
  friend void* tls_get(TlsKey key) noexcept;
  friend Result<void> tls_set(TlsKey key, void* value) noexcept;
};

/// Starts a thread running entry(arg). Errors: Error::NoMemory (no memory for the thread or its
/// stack), Error::InvalidArgument (parameters the policy refuses, a stack size the StackSource
/// cannot make), Error::Busy (the policy's admission control refuses it).
Result<Thread*> spawn(ThreadEntry entry, void* arg, const ThreadAttributes& attributes = {}) noexcept;

namespace detail {
Result<Thread*> spawn_callable(const ThreadAttributes& attributes, ThreadEntry run,
                               void (*move_into)(void* storage, void* source) noexcept,
                               void* source) noexcept;
}  // namespace detail

/// Starts a thread running f(), which is moved into the thread (at most kCallableBytes).
template <class F>
  requires std::invocable<F&> && std::is_nothrow_move_constructible_v<F>
Result<Thread*> spawn(F f, const ThreadAttributes& attributes = {}) noexcept {
  static_assert(sizeof(F) <= kCallableBytes, "the callable is too large to store in a thread");
  static_assert(alignof(F) <= alignof(std::max_align_t));
  return detail::spawn_callable(
      attributes,
      [](void* storage) noexcept {
        F& callable = *static_cast<F*>(storage);
        callable();
        callable.~F();
      },
      [](void* storage, void* source) noexcept {
        ::new (storage) F(std::move(*static_cast<F*>(source)));
      },
      &f);
}

/// Waits until `thread` has ended (or `deadline` passes: Error::TimedOut, and it stays
/// joinable), frees it and returns its exit code (kExitCodeFaulted if a CPU exception ended it).
/// Error::Deadlock for the calling thread itself; Error::InvalidArgument for a detached thread
/// or one that someone else is joining already.
Result<int> join(Thread& thread, Deadline deadline = Deadline::never()) noexcept;

/// Lets `thread` free itself when it ends (at once, if it has ended already).
/// Error::InvalidArgument if it is detached already or someone is joining it.
Result<void> detach(Thread& thread) noexcept;

/// Ends the calling thread with `code`. The boot thread cannot end this way (it ends the image
/// by returning from app_main); calling it there panics.
[[noreturn]] void exit(int code) noexcept;

/// Lets another runnable thread run first, as the policy orders them.
void yield() noexcept;

/// The calling thread.
Thread& current() noexcept;

/// Sleeps for at least `ns` nanoseconds.
void sleep_for(std::uint64_t ns) noexcept;
/// Sleeps until the monotonic clock reaches `deadline` (returns at once if it has).
void sleep_until(Deadline deadline) noexcept;

/// Changes a thread's scheduling parameters. Error::InvalidArgument for values the policy
/// refuses; Error::Busy when admission control refuses them.
Result<void> set_params(Thread& thread, const SchedParams& params) noexcept;

/// Interrupts `thread`: its current interruptible wait (if any) and every later one end with
/// Error::Interrupted until it calls clear_interrupt(). Any context, interrupt handlers too.
void interrupt(Thread& thread) noexcept;
/// The same, for a caller that holds the scheduler lock already.
void interrupt(SchedulerGuard& guard, Thread& thread) noexcept;
/// Whether the calling thread has been interrupted (and has not cleared it).
bool interrupt_pending() noexcept;
/// Clears the calling thread's interruption (libposix: once no signal is left to deliver).
void clear_interrupt() noexcept;

/// The calling thread's errno.
int& thread_errno() noexcept;

/// A new key for thread-local data, or Error::NoMemory when all kTlsSlots are taken.
Result<TlsKey> tls_key_create() noexcept;
/// The calling thread's value for `key` (nullptr until set or for an unknown key).
void* tls_get(TlsKey key) noexcept;
/// Sets the calling thread's value for `key`. Error::InvalidArgument for an unknown key.
Result<void> tls_set(TlsKey key, void* value) noexcept;

}  // namespace mos::sched
