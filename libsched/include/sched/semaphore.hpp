#pragma once
/// A counting semaphore for threads (POSIX sem_wait / sem_timedwait / sem_trywait / sem_post
/// semantics). post() hands its unit straight to the first waiter, if there is one. Not for
/// interrupt handlers to wait on; post() from an interrupt handler is fine.

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/result.hpp>

#include <cstdint>
#include <limits>

namespace mos::sched {

/// See the file comment.
class Semaphore {
 public:
  /// The largest value (SEM_VALUE_MAX).
  static constexpr std::uint32_t kMaxValue = std::numeric_limits<std::int32_t>::max();

  constexpr explicit Semaphore(std::uint32_t initial = 0) noexcept : value_(initial) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  /// Takes one unit, waiting until `deadline` at most (Error::TimedOut).
  Result<void> wait(Deadline deadline = Deadline::never()) noexcept;
  /// Takes one unit if there is one, else Error::TryAgain.
  Result<void> try_wait() noexcept;
  /// Adds one unit (or hands it to a waiter). Error::Overflow at kMaxValue.
  Result<void> post() noexcept;
  /// Units available now.
  std::uint32_t value() const noexcept { return value_; }

 private:
  std::uint32_t value_;
  WaitQueue waiters_;
};

}  // namespace mos::sched
