#pragma once
/// Stream: the FILE of <stdio.h>, a buffer over a backend (a file descriptor, memory, ...).
///
/// Buffering follows C: fully buffered streams write when the buffer fills, line-buffered ones
/// also at each '\n' (everything up to the last newline of a write reaches the backend),
/// unbuffered ones at the end of every call. Before a line-buffered or unbuffered stream reads
/// from its backend, the registry's line-buffered output streams are flushed (a prompt printed
/// without a newline appears before the program waits for input), as glibc does. Switching
/// between reading and writing without fflush/fseek is forgiven: the stream flushes, or moves the
/// backend back over read-ahead, itself. The end-of-file indicator is sticky (C17): once set,
/// reads return EOF until clearerr, fseek or ungetc. ungetc holds up to kPushbackLimit bytes.
/// Streams are not locked: a process's threads must not use one stream at the same time.

#include <k/error.hpp>
#include <k/result.hpp>

#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace mos::posix::libc {

class StreamRegistry;

/// The value getc returns at end of file or on error (C's EOF).
inline constexpr int kEof = -1;
/// The buffer size a stream allocates when none is given (C's BUFSIZ).
inline constexpr std::size_t kDefaultBufferSize = 4096;

/// Where a seek offset counts from; the values are SEEK_SET, SEEK_CUR and SEEK_END.
enum class Whence : int { Set = 0, Current = 1, End = 2 };

/// When written data reaches the backend; the values are _IOFBF, _IOLBF and _IONBF.
enum class BufferMode : int { Full = 0, Line = 1, None = 2 };

/// What a stream's data lives in. Each operation may be null when the backend cannot do it
/// (reads then fail with BadFileDescriptor, seeks with IllegalSeek). The cookie is the
/// backend's state, handed to each operation; close releases it.
struct StreamBackend {
  void* cookie = nullptr;
  /// Reads at most `n` bytes into `data`; 0 means end of file.
  Result<std::size_t> (*read)(void* cookie, char* data, std::size_t n) noexcept = nullptr;
  /// Writes at most `n` bytes from `data`; returns how many it took (more than 0 unless n is 0).
  Result<std::size_t> (*write)(void* cookie, const char* data, std::size_t n) noexcept = nullptr;
  /// Moves the position; returns the new position from the start.
  Result<std::int64_t> (*seek)(void* cookie, std::int64_t offset, Whence whence) noexcept =
      nullptr;
  /// Releases the backend (and its cookie).
  Result<void> (*close)(void* cookie) noexcept = nullptr;
};

/// An fopen mode string, decoded.
struct OpenMode {
  bool readable = false;
  bool writable = false;
  /// Every write goes to the end ("a").
  bool append = false;
  /// The flags for open(2), with Linux's values: O_RDONLY/O_WRONLY/O_RDWR, O_CREAT, O_TRUNC,
  /// O_APPEND, O_EXCL ("x"), O_CLOEXEC ("e").
  int open_flags = 0;
};

/// Decodes "r", "w", "a", "r+", "w+", "a+" followed by any of 'b', 'e', 'x' (and, as glibc
/// allows, 't' and 'm', which change nothing). InvalidArgument for anything else.
Result<OpenMode> parse_open_mode(const char* mode) noexcept;

/// A buffered stream. Created with create(); destroyed by close().
class Stream {
 public:
  /// The most bytes ungetc can push back before a read.
  static constexpr std::size_t kPushbackLimit = 4;

  /// A stream over `backend` (taking ownership: close() closes it), with a buffer allocated at
  /// the first transfer. `fd` is what fileno() reports (-1: none). Registered in `registry`
  /// when given, so that its flush_all()/close_all() reach it. NoMemory if the allocation fails;
  /// the backend is then not closed (the caller still owns it).
  static Result<Stream*> create(const StreamBackend& backend, OpenMode mode, BufferMode buffering,
                                int fd, StreamRegistry* registry) noexcept;

  /// fclose: flushes, closes the backend, leaves the registry and frees the stream (even when
  /// flushing or closing fails; the first error is returned).
  static Result<void> close(Stream* stream) noexcept;

  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  /// fwrite of bytes: returns how many were accepted; fewer means the error indicator is set
  /// (last_error() says why).
  std::size_t write(const void* data, std::size_t n) noexcept;
  /// fputc: `c` as unsigned char, or kEof on error.
  int put(int c) noexcept;
  /// fread of bytes: returns how many were read; fewer means end of file or an error.
  std::size_t read(void* data, std::size_t n) noexcept;
  /// fgetc: the next byte as unsigned char, or kEof.
  int get() noexcept {
    if (pushback_count_ == 0 && direction_ == Direction::Reading && read_pos_ < read_end_ &&
        !eof_) {
      return static_cast<unsigned char>(buffer_[read_pos_++]);
    }
    return get_slow();
  }
  /// ungetc: pushes `c` back (clearing end of file); kEof if `c` is kEof or no room is left.
  int unget(int c) noexcept;
  /// fgets: reads up to `size` - 1 bytes, stopping after a newline; nullptr if nothing was read
  /// before end of file, or on an error.
  char* get_line(char* s, int size) noexcept;
  /// getdelim: reads through `delimiter` into *line (malloc'd, grown with realloc, NUL-
  /// terminated); returns the length, or -1 at end of file, on an error, or (with last_error()
  /// InvalidArgument/NoMemory) for bad arguments or no memory.
  long get_delimited(char** line, std::size_t* capacity, int delimiter) noexcept;
  /// vfprintf: formats into the stream; the character count, or the error.
  Result<int> print(const char* format, va_list args) noexcept;
  /// vfscanf: the number of assigned conversions, or kEof (see posix/libc/scan.hpp).
  int scan(const char* format, va_list args) noexcept;

  /// fflush: writes pending output; for a stream being read, moves the backend back to the
  /// stream's position and drops the read-ahead.
  Result<void> flush() noexcept;
  /// fseek: flushes, drops read-ahead and pushed-back bytes, clears end of file.
  Result<void> seek(std::int64_t offset, Whence whence) noexcept;
  /// ftell: the position as the program sees it (counting buffered and pushed-back bytes).
  Result<std::int64_t> tell() noexcept;
  /// setvbuf: a new buffering mode and buffer (`buffer` null: allocated here, of `size` or
  /// kDefaultBufferSize if 0). InvalidArgument if unread data would be lost.
  Result<void> set_buffer(char* buffer, BufferMode mode, std::size_t size) noexcept;

  /// feof.
  bool eof() const noexcept { return eof_; }
  /// ferror.
  bool error() const noexcept { return error_; }
  /// Why the last failed operation failed (for errno).
  Error last_error() const noexcept { return last_error_; }
  /// clearerr.
  void clear_error() noexcept {
    eof_ = false;
    error_ = false;
  }
  /// fileno: the descriptor, or -1 for a stream without one.
  int fd() const noexcept { return fd_; }
  /// The current buffering mode.
  BufferMode buffer_mode() const noexcept { return mode_; }
  /// Whether the stream holds output not yet given to the backend.
  bool has_pending_output() const noexcept {
    return direction_ == Direction::Writing && write_end_ > 0;
  }

 private:
  friend class StreamRegistry;
  enum class Direction : std::uint8_t { None, Reading, Writing };

  Stream(const StreamBackend& backend, OpenMode mode, BufferMode buffering, int fd) noexcept;

  int get_slow() noexcept;
  bool ensure_buffer() noexcept;
  void fail(Error error) noexcept;
  // Writes all of [data, data + n) to the backend; false (error set) if it could not.
  bool write_through(const char* data, std::size_t n) noexcept;
  // Copies into the buffer, flushing when it fills.
  bool buffer_output(const char* data, std::size_t n) noexcept;
  // Reads the backend into the buffer; false at end of file or on an error.
  bool fill() noexcept;
  // Leaves the reading direction: the backend goes back over unread bytes when it can.
  void drop_read_ahead() noexcept;
  bool begin_write() noexcept;
  bool begin_read() noexcept;

  StreamBackend backend_;
  char* buffer_ = nullptr;
  std::size_t capacity_ = 0;
  bool owns_buffer_ = false;
  BufferMode mode_;
  Direction direction_ = Direction::None;
  std::size_t read_pos_ = 0;
  std::size_t read_end_ = 0;
  std::size_t write_end_ = 0;
  unsigned char pushback_[kPushbackLimit] = {};
  std::size_t pushback_count_ = 0;
  bool readable_;
  bool writable_;
  bool append_;
  bool eof_ = false;
  bool error_ = false;
  Error last_error_ = Error::InvalidArgument;
  int fd_;
  // The unbuffered mode reads through this one-byte buffer.
  char single_byte_ = 0;
  StreamRegistry* registry_ = nullptr;
  Stream* next_ = nullptr;
  Stream* previous_ = nullptr;
};

}  // namespace mos::posix::libc
