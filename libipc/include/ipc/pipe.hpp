#pragma once
/// A pipe with POSIX semantics: a byte stream through a bounded buffer (64 KiB unless asked
/// otherwise). Endpoints attach with Read (readers) and Write (writers):
/// - read returns what is there (up to the buffer size asked for) as soon as anything is; with
///   nothing there it waits, or gives end of file (0) once every writer has gone, or
///   Error::TryAgain when it may not wait;
/// - a write of at most kPipeBuf bytes is atomic: all of it goes in at once, never interleaved
///   with another write; a larger one may go in pieces;
/// - writing with no reader left is Error::BrokenPipe (libposix adds SIGPIPE);
/// - waits end early with Error::TimedOut at their deadline, or Error::BadFileDescriptor when
///   the capability they were made through is revoked.
/// Readiness for poll: Readable when there are bytes (or no writers: Hangup), Writable when an
/// atomic write fits (Error when no reader is left).

#include <ipc/object.hpp>

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::ipc {

/// Writes up to this many bytes are atomic (POSIX PIPE_BUF).
inline constexpr std::size_t kPipeBuf = 4096;
/// The capacity of a pipe unless asked otherwise (Linux's default).
inline constexpr std::size_t kDefaultPipeCapacity = 64 * 1024;

/// See the file comment.
class Pipe final : public TwoEndedObject {
 public:
  /// A pipe of `capacity` bytes (at least 1, at most 16 MiB), with no endpoints yet.
  /// Error::InvalidArgument for a capacity out of range, Error::NoMemory.
  static Result<RefPtr<Pipe>> create(std::size_t capacity = kDefaultPipeCapacity) noexcept;

  static constexpr ObjectType kType = ObjectType::Pipe;
  ObjectType type() const noexcept override { return kType; }

  /// Reads up to buffer.size() bytes; see the file comment. `via` (if any) cancels a wait.
  Result<std::size_t> read(std::span<std::byte> buffer, Blocking blocking,
                           sched::Deadline deadline = sched::Deadline::never(),
                           const CancelToken* via = nullptr) noexcept;
  /// Writes `data`; see the file comment. Returns how much went in: all of it, unless the wait
  /// for room was cut short (by the deadline, a revocation, the last reader going, or Blocking
  /// No) after some went in.
  Result<std::size_t> write(std::span<const std::byte> data, Blocking blocking,
                            sched::Deadline deadline = sched::Deadline::never(),
                            const CancelToken* via = nullptr) noexcept;

  /// Bytes waiting to be read.
  std::size_t available() const noexcept { return count_; }
  std::size_t capacity() const noexcept { return capacity_; }

  PollEvents poll_locked() const noexcept override;

 private:
  Pipe(std::byte* buffer, std::size_t capacity) noexcept : buffer_(buffer), capacity_(capacity) {}
  ~Pipe() override;

  std::size_t room() const noexcept { return capacity_ - count_; }
  void put(std::span<const std::byte> data) noexcept;  // data.size() <= room()
  void take(std::span<std::byte> out) noexcept;        // out.size() <= count_

  std::byte* buffer_;
  std::size_t capacity_;
  std::size_t head_ = 0;  // Where the oldest byte is.
  std::size_t count_ = 0;
};

}  // namespace mos::ipc
