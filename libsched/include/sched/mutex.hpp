#pragma once
/// A blocking mutual-exclusion lock for threads, owner tracked. Unlock hands the mutex straight
/// to the first waiter (the policy's order), so no waiter starves. Misuse is reported, not
/// fatal: locking a mutex the caller holds is Error::Deadlock, unlocking one it does not hold is
/// Error::NotPermitted (POSIX error-checking mutexes). Under the `prio` policy the owner inherits
/// the priority of its highest-priority waiter, along chains of owners blocked on further
/// mutexes, so a low-priority owner cannot hold up a high-priority waiter behind medium-priority
/// threads (priority inversion). Not for interrupt handlers.

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/result.hpp>

namespace mos::sched {

class ConditionVariable;

/// See the file comment.
class Mutex {
 public:
  constexpr Mutex() noexcept = default;
  /// A mutex must be unlocked when it goes away.
  ~Mutex() { MOS_ASSERT(owner_ == nullptr); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  /// Takes the mutex, waiting until `deadline` at most. Errors: Error::TimedOut,
  /// Error::Deadlock (the caller holds it already; logged as a warning).
  Result<void> lock(Deadline deadline = Deadline::never()) noexcept;
  /// Takes the mutex if it is free. Errors: Error::Busy (someone holds it), Error::Deadlock.
  Result<void> try_lock() noexcept;
  /// Releases the mutex, handing it to the first waiter. Error::NotPermitted if the caller does
  /// not hold it.
  Result<void> unlock() noexcept;

  /// The thread holding it, or nullptr.
  const Thread* owner() const noexcept { return owner_; }

 private:
  friend class Scheduler;
  friend class ConditionVariable;

  Result<void> lock_locked(SchedulerGuard& guard, Deadline deadline) noexcept;
  Result<void> unlock_locked(SchedulerGuard& guard) noexcept;
  void take(Thread& t) noexcept;
  void drop_from_owner() noexcept;
  // The priority `t` should run at: its own, or that of the best waiter of a mutex it holds.
  static std::uint8_t inherited_priority(const Thread& t) noexcept;

  Thread* owner_ = nullptr;
  WaitQueue waiters_;
  Mutex* next_owned_ = nullptr;  // The next mutex its owner holds.
};

/// Holds a Mutex for a scope (lock() must succeed: no deadline, not held by the caller).
class MutexGuard {
 public:
  explicit MutexGuard(Mutex& mutex) noexcept : mutex_(mutex) {
    auto locked = mutex_.lock();
    MOS_ASSERT(locked.has_value());
  }
  ~MutexGuard() { (void)mutex_.unlock(); }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace mos::sched
