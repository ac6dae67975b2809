#pragma once
/// StreamRegistry: the open streams of one process, and its stdin, stdout and stderr. Several
/// processes share one address space, so nothing in stdio may be a global: each process has a
/// registry, found through current_stream_registry(), and exit() flushes and closes that one.

#include <posix/libc/stream.hpp>

#include <k/result.hpp>

namespace mos::posix::libc {

/// The streams of one process. Streams enter when created with it and leave when closed.
class StreamRegistry {
 public:
  StreamRegistry() noexcept = default;
  StreamRegistry(const StreamRegistry&) = delete;
  StreamRegistry& operator=(const StreamRegistry&) = delete;
  /// Does not close the streams; call close_all() first.
  ~StreamRegistry() = default;

  /// The standard stream of `fd` (0, 1 or 2), or nullptr if not created yet or closed.
  Stream* standard(int fd) const noexcept;
  /// Whether the standard stream of `fd` was closed by the program (then it is not re-created).
  bool standard_closed(int fd) const noexcept;
  /// Makes `stream` (registered here) the standard stream of `fd`.
  void set_standard(int fd, Stream* stream) noexcept;

  /// fflush(NULL): flushes every stream; the first error, if any.
  Result<void> flush_all() noexcept;
  /// Flushes the line-buffered streams that hold output (before an interactive read).
  void flush_line_buffered() noexcept;
  /// At exit: flushes and closes every stream; the first error, if any.
  Result<void> close_all() noexcept;
  /// How many streams are open.
  std::size_t size() const noexcept;

 private:
  friend class Stream;
  void add(Stream& stream) noexcept;
  void remove(Stream& stream) noexcept;

  Stream* head_ = nullptr;
  Stream* standard_[3] = {};
  bool standard_closed_[3] = {};
};

/// The calling process's registry. Declared here and defined by whoever knows what "the calling
/// process" is: the process layer in an image, the test program on the host.
StreamRegistry& current_stream_registry() noexcept;

}  // namespace mos::posix::libc
