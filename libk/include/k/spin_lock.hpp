#pragma once
/// A test-and-test-and-set spinlock that disables interrupts on the current CPU while held, so
/// that an interrupt handler taking the same lock cannot deadlock against the code it
/// interrupted.

#include <k/platform/cpu.hpp>
#include <k/platform/interrupts.hpp>

#include <atomic>

namespace mos {

/// A spinlock for short critical sections, usable from interrupt handlers.
class SpinLock {
 public:
  constexpr SpinLock() noexcept = default;
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  /// Disables interrupts, then spins until the lock is ours. Returns the interrupt state to
  /// hand back to unlock().
  [[nodiscard]] platform::InterruptState lock() noexcept {
    platform::InterruptState state = platform::interrupts_save_and_disable();
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) platform::cpu_relax();
    }
    return state;
  }

  /// Tries once; on success returns true and stores the interrupt state in `state`.
  [[nodiscard]] bool try_lock(platform::InterruptState& state) noexcept {
    state = platform::interrupts_save_and_disable();
    if (!locked_.exchange(true, std::memory_order_acquire)) return true;
    platform::interrupts_restore(state);
    return false;
  }

  /// Releases the lock and restores the interrupt state lock() returned.
  void unlock(platform::InterruptState state) noexcept {
    locked_.store(false, std::memory_order_release);
    platform::interrupts_restore(state);
  }

  /// Whether some CPU holds the lock (for assertions only).
  bool is_locked() const noexcept { return locked_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> locked_{false};
};

/// Holds a SpinLock for the lifetime of a scope.
class SpinLockGuard {
 public:
  explicit SpinLockGuard(SpinLock& lock) noexcept : lock_(lock), state_(lock.lock()) {}
  ~SpinLockGuard() { lock_.unlock(state_); }
  SpinLockGuard(const SpinLockGuard&) = delete;
  SpinLockGuard& operator=(const SpinLockGuard&) = delete;

 private:
  SpinLock& lock_;
  platform::InterruptState state_;
};

}  // namespace mos
