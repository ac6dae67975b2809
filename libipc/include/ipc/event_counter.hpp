#pragma once
/// An event counter with Linux eventfd semantics: a 64-bit counter that writers add to and
/// readers take from.
/// - read returns the whole counter and resets it to 0 (in Mode::Semaphore: returns 1 and
///   decrements it); it waits while the counter is 0 (or Error::TryAgain when it may not wait);
/// - write adds a value; the counter holds at most kMaxValue, and a write that would pass it
///   waits for a read (or Error::TryAgain); adding ~0 is Error::InvalidArgument;
/// - waits end with Error::TimedOut at their deadline, or Error::BadFileDescriptor when the
///   capability they were made through is revoked.
/// Readiness for poll: Readable when the counter is above 0, Writable when 1 can be added.

#include <ipc/object.hpp>

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstdint>

namespace mos::ipc {

/// See the file comment.
class EventCounter final : public IpcObject {
 public:
  static constexpr ObjectType kType = ObjectType::EventCounter;
  /// The largest value the counter holds (2^64 - 2, as eventfd).
  static constexpr std::uint64_t kMaxValue = ~std::uint64_t{0} - 1;

  /// What a read takes: everything, or one (EFD_SEMAPHORE).
  enum class Mode : std::uint8_t { Counter, Semaphore };

  /// A counter starting at `initial` (at most kMaxValue: else Error::InvalidArgument).
  static Result<RefPtr<EventCounter>> create(std::uint64_t initial = 0,
                                             Mode mode = Mode::Counter) noexcept;

  ObjectType type() const noexcept override { return kType; }

  /// See the file comment.
  Result<std::uint64_t> read(Blocking blocking, sched::Deadline deadline = sched::Deadline::never(),
                             const CancelToken* via = nullptr) noexcept;
  /// See the file comment.
  Result<void> write(std::uint64_t value, Blocking blocking,
                     sched::Deadline deadline = sched::Deadline::never(),
                     const CancelToken* via = nullptr) noexcept;

  std::uint64_t value() const noexcept { return value_; }

  void interrupt_locked(sched::SchedulerGuard& guard) noexcept override;
  PollEvents poll_locked() const noexcept override;

 private:
  EventCounter(std::uint64_t initial, Mode mode) noexcept : value_(initial), mode_(mode) {}

  std::uint64_t value_;
  Mode mode_;
  sched::WaitQueue waiting_readers_;
  sched::WaitQueue waiting_writers_;
};

}  // namespace mos::ipc
