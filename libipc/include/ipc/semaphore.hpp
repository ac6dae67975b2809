#pragma once
/// A counting semaphore as an IPC object, with POSIX semantics (sem_wait, sem_timedwait,
/// sem_trywait, sem_post, sem_getvalue): named ones live in a Registry (sem_open, sem_unlink),
/// unnamed ones are just objects (sem_init). post wakes the waiters and one of them takes the
/// unit (no thread is promised a unit it cannot then take, so none is lost to a timeout).
/// Waits end with Error::TimedOut at their deadline, or Error::BadFileDescriptor when the
/// capability they were made through is revoked. Readable for poll while the value is above 0.

#include <ipc/object.hpp>

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstdint>
#include <limits>

namespace mos::ipc {

/// See the file comment.
class Semaphore final : public IpcObject {
 public:
  static constexpr ObjectType kType = ObjectType::Semaphore;
  /// SEM_VALUE_MAX.
  static constexpr std::uint32_t kMaxValue = std::numeric_limits<std::int32_t>::max();

  /// A semaphore with `initial` units (at most kMaxValue: else Error::InvalidArgument).
  static Result<RefPtr<Semaphore>> create(std::uint32_t initial) noexcept;

  ObjectType type() const noexcept override { return kType; }

  /// Takes a unit, waiting until `deadline` at most (Error::TimedOut).
  Result<void> wait(sched::Deadline deadline = sched::Deadline::never(),
                    const CancelToken* via = nullptr) noexcept;
  /// Takes a unit if there is one, else Error::TryAgain.
  Result<void> try_wait() noexcept;
  /// Adds a unit (or hands it to a waiter). Error::Overflow at kMaxValue.
  Result<void> post() noexcept;
  std::uint32_t value() const noexcept { return value_; }

  void interrupt_locked(sched::SchedulerGuard& guard) noexcept override;
  PollEvents poll_locked() const noexcept override;

 private:
  explicit Semaphore(std::uint32_t initial) noexcept : value_(initial) {}

  std::uint32_t value_;
  sched::WaitQueue waiters_;
};

}  // namespace mos::ipc
