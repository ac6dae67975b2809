// Stream: buffering, direction changes, positions (see posix/libc/stream.hpp).

#include <posix/libc/stream.hpp>

#include <posix/libc/format.hpp>
#include <posix/libc/scan.hpp>
#include <posix/libc/stream_registry.hpp>

#include <k/string.hpp>

#include "heap.hpp"

#include <new>

namespace mos::posix::libc {
namespace {

// Linux's open(2) flag values (the ring-3 ABI and libposix share them).
constexpr int kReadOnly = 0;
constexpr int kWriteOnly = 1;
constexpr int kReadWrite = 2;
constexpr int kCreate = 0100;
constexpr int kExclusive = 0200;
constexpr int kTruncate = 01000;
constexpr int kAppend = 02000;
constexpr int kCloseOnExec = 02000000;

}  // namespace

Result<OpenMode> parse_open_mode(const char* mode) noexcept {
  if (mode == nullptr) return Error::InvalidArgument;
  OpenMode result;
  switch (*mode) {
    case 'r':
      result.readable = true;
      result.open_flags = kReadOnly;
      break;
    case 'w':
      result.writable = true;
      result.open_flags = kWriteOnly | kCreate | kTruncate;
      break;
    case 'a':
      result.writable = true;
      result.append = true;
      result.open_flags = kWriteOnly | kCreate | kAppend;
      break;
    default:
      return Error::InvalidArgument;
  }
  for (const char* p = mode + 1; *p != '\0'; ++p) {
    switch (*p) {
      case '+':
        result.readable = result.writable = true;
        result.open_flags = (result.open_flags & ~(kWriteOnly | kReadWrite)) | kReadWrite;
        break;
      case 'b':
      case 't':
      case 'm':
        break;
      case 'e':
        result.open_flags |= kCloseOnExec;
        break;
      case 'x':
        result.open_flags |= kExclusive;
        break;
      default:
        return Error::InvalidArgument;
    }
  }
  return result;
}

Stream::Stream(const StreamBackend& backend, OpenMode mode, BufferMode buffering, int fd) noexcept
    : backend_(backend),
      mode_(buffering),
      readable_(mode.readable),
      writable_(mode.writable),
      append_(mode.append),
      fd_(fd) {}

Result<Stream*> Stream::create(const StreamBackend& backend, OpenMode mode, BufferMode buffering,
                               int fd, StreamRegistry* registry) noexcept {
  void* memory = malloc(sizeof(Stream));
  if (memory == nullptr) return Error::NoMemory;
  Stream* stream = new (memory) Stream(backend, mode, buffering, fd);
  if (registry != nullptr) registry->add(*stream);
  return stream;
}

Result<void> Stream::close(Stream* stream) noexcept {
  Result<void> result = stream->flush();
  if (stream->backend_.close != nullptr) {
    Result<void> closed = stream->backend_.close(stream->backend_.cookie);
    if (result && !closed) result = closed;
  }
  if (stream->registry_ != nullptr) stream->registry_->remove(*stream);
  if (stream->owns_buffer_) free(stream->buffer_);
  stream->~Stream();
  free(stream);
  return result;
}

void Stream::fail(Error error) noexcept {
  error_ = true;
  last_error_ = error;
}

bool Stream::ensure_buffer() noexcept {
  if (buffer_ != nullptr) return true;
  if (mode_ == BufferMode::None) {
    buffer_ = &single_byte_;
    capacity_ = 1;
    return true;
  }
  buffer_ = static_cast<char*>(malloc(kDefaultBufferSize));
  if (buffer_ == nullptr) {
    // Without memory the stream still works, a byte at a time.
    buffer_ = &single_byte_;
    capacity_ = 1;
    mode_ = BufferMode::None;
    return true;
  }
  capacity_ = kDefaultBufferSize;
  owns_buffer_ = true;
  return true;
}

bool Stream::write_through(const char* data, std::size_t n) noexcept {
  if (backend_.write == nullptr) {
    fail(Error::BadFileDescriptor);
    return false;
  }
  while (n > 0) {
    Result<std::size_t> written = backend_.write(backend_.cookie, data, n);
    if (!written) {
      fail(written.error());
      return false;
    }
    if (*written == 0) {
      fail(Error::Io);  // A backend that takes nothing would otherwise loop forever.
      return false;
    }
    data += *written;
    n -= *written;
  }
  return true;
}

void Stream::drop_read_ahead() noexcept {
  if (direction_ == Direction::Reading) {
    const std::size_t unread = (read_end_ - read_pos_) + pushback_count_;
    if (unread > 0 && backend_.seek != nullptr) {
      // A backend without positions (a pipe, a terminal) simply loses the read-ahead.
      (void)backend_.seek(backend_.cookie, -static_cast<std::int64_t>(unread), Whence::Current);
    }
  }
  read_pos_ = read_end_ = 0;
  pushback_count_ = 0;
  direction_ = Direction::None;
}

Result<void> Stream::flush() noexcept {
  if (direction_ == Direction::Writing) {
    const std::size_t pending = write_end_;
    write_end_ = 0;
    direction_ = Direction::None;
    if (pending > 0 && !write_through(buffer_, pending)) return last_error_;
    return {};
  }
  if (direction_ == Direction::Reading) drop_read_ahead();
  return {};
}

bool Stream::begin_write() noexcept {
  if (!writable_) {
    fail(Error::BadFileDescriptor);
    return false;
  }
  if (direction_ == Direction::Reading) drop_read_ahead();
  ensure_buffer();
  direction_ = Direction::Writing;
  return true;
}

bool Stream::buffer_output(const char* data, std::size_t n) noexcept {
  while (n > 0) {
    if (write_end_ == 0 && n >= capacity_) return write_through(data, n);
    std::size_t room = capacity_ - write_end_;
    std::size_t step = n < room ? n : room;
    memory_copy(buffer_ + write_end_, data, step);
    write_end_ += step;
    data += step;
    n -= step;
    if (write_end_ == capacity_) {
      write_end_ = 0;
      if (!write_through(buffer_, capacity_)) return false;
    }
  }
  return true;
}

std::size_t Stream::write(const void* data, std::size_t n) noexcept {
  if (!begin_write()) return 0;
  const char* bytes = static_cast<const char*>(data);
  if (mode_ == BufferMode::None) {
    Result<void> flushed = flush();
    direction_ = Direction::Writing;
    if (!flushed || !write_through(bytes, n)) return 0;
    return n;
  }
  std::size_t through_newline = 0;
  if (mode_ == BufferMode::Line) {
    for (std::size_t k = n; k > 0; --k) {
      if (bytes[k - 1] == '\n') {
        through_newline = k;
        break;
      }
    }
  }
  if (through_newline > 0) {
    if (!buffer_output(bytes, through_newline)) return 0;
    const std::size_t pending = write_end_;
    write_end_ = 0;
    if (pending > 0 && !write_through(buffer_, pending)) return 0;
  }
  if (!buffer_output(bytes + through_newline, n - through_newline)) return 0;
  return n;
}

int Stream::put(int c) noexcept {
  const char byte = static_cast<char>(c);
  if (direction_ == Direction::Writing && mode_ == BufferMode::Full && write_end_ < capacity_) {
    buffer_[write_end_++] = byte;
    if (write_end_ == capacity_ && !flush()) return kEof;
    return static_cast<unsigned char>(byte);
  }
  return write(&byte, 1) == 1 ? static_cast<unsigned char>(byte) : kEof;
}

bool Stream::begin_read() noexcept {
  if (!readable_) {
    fail(Error::BadFileDescriptor);
    return false;
  }
  if (direction_ == Direction::Writing && !flush()) return false;
  if (direction_ != Direction::Reading) {
    read_pos_ = read_end_ = 0;
    direction_ = Direction::Reading;
  }
  ensure_buffer();
  return true;
}

bool Stream::fill() noexcept {
  if (backend_.read == nullptr) {
    fail(Error::BadFileDescriptor);
    return false;
  }
  if (mode_ != BufferMode::Full && registry_ != nullptr) registry_->flush_line_buffered();
  Result<std::size_t> got = backend_.read(backend_.cookie, buffer_, capacity_);
  read_pos_ = read_end_ = 0;
  if (!got) {
    fail(got.error());
    return false;
  }
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  read_end_ = *got;
  return true;
}

std::size_t Stream::read(void* data, std::size_t n) noexcept {
  if (n == 0 || !begin_read()) return 0;
  char* out = static_cast<char*>(data);
  std::size_t done = 0;
  while (done < n && pushback_count_ > 0)
    out[done++] = static_cast<char>(pushback_[--pushback_count_]);
  while (done < n) {
    if (read_pos_ < read_end_) {
      std::size_t available = read_end_ - read_pos_;
      std::size_t step = n - done < available ? n - done : available;
      memory_copy(out + done, buffer_ + read_pos_, step);
      read_pos_ += step;
      done += step;
      continue;
    }
    if (eof_) break;
    if (n - done >= capacity_ && backend_.read != nullptr) {
      // A large read goes straight into the caller's memory.
      if (mode_ != BufferMode::Full && registry_ != nullptr) registry_->flush_line_buffered();
      Result<std::size_t> got = backend_.read(backend_.cookie, out + done, n - done);
      if (!got) {
        fail(got.error());
        break;
      }
      if (*got == 0) {
        eof_ = true;
        break;
      }
      done += *got;
      continue;
    }
    if (!fill()) break;
  }
  return done;
}

int Stream::get_slow() noexcept {
  if (pushback_count_ > 0 && direction_ == Direction::Reading) {
    return pushback_[--pushback_count_];
  }
  if (eof_) return kEof;
  unsigned char c;
  return read(&c, 1) == 1 ? c : kEof;
}

int Stream::unget(int c) noexcept {
  if (c == kEof || !readable_) return kEof;
  if (direction_ != Direction::Reading) {
    if (!begin_read()) return kEof;
  }
  if (pushback_count_ == kPushbackLimit) return kEof;
  pushback_[pushback_count_++] = static_cast<unsigned char>(c);
  eof_ = false;
  return static_cast<unsigned char>(c);
}

char* Stream::get_line(char* s, int size) noexcept {
  if (size <= 0) {
    fail(Error::InvalidArgument);
    return nullptr;
  }
  const bool had_error = error_;
  int length = 0;
  while (length < size - 1) {
    const int c = get();
    if (c == kEof) break;
    s[length++] = static_cast<char>(c);
    if (c == '\n') break;
  }
  if (length == 0 && size > 1) return nullptr;
  if (error_ && !had_error) return nullptr;  // C: the array's contents are then indeterminate.
  s[length] = '\0';
  return s;
}

long Stream::get_delimited(char** line, std::size_t* capacity, int delimiter) noexcept {
  if (line == nullptr || capacity == nullptr) {
    last_error_ = Error::InvalidArgument;
    return -1;
  }
  if (*line == nullptr) *capacity = 0;
  std::size_t length = 0;
  for (;;) {
    const int c = get();
    if (c == kEof) break;
    if (length + 2 > *capacity) {
      const std::size_t grown = *capacity < 60 ? 120 : *capacity * 2;
      char* bigger = static_cast<char*>(realloc(*line, grown));
      if (bigger == nullptr) {
        fail(Error::NoMemory);
        return -1;
      }
      *line = bigger;
      *capacity = grown;
    }
    (*line)[length++] = static_cast<char>(c);
    if (c == delimiter) break;
  }
  if (length == 0) return -1;
  (*line)[length] = '\0';
  return static_cast<long>(length);
}

namespace {

// Collects formatted text in a small buffer and hands it to the stream in chunks, so that an
// unbuffered stream still gets one write for a short message.
class StreamSink final : public OutputSink {
 public:
  explicit StreamSink(Stream& stream) noexcept : stream_(stream) {}
  void write(std::string_view text) noexcept override {
    while (!text.empty()) {
      if (used_ == sizeof(chunk_)) drain();
      const std::size_t room = sizeof(chunk_) - used_;
      const std::size_t step = text.size() < room ? text.size() : room;
      memory_copy(chunk_ + used_, text.data(), step);
      used_ += step;
      text.remove_prefix(step);
    }
  }
  void drain() noexcept {
    if (used_ > 0 && !failed_ && stream_.write(chunk_, used_) != used_) failed_ = true;
    used_ = 0;
  }
  bool failed() const noexcept { return failed_; }

 private:
  Stream& stream_;
  char chunk_[256];
  std::size_t used_ = 0;
  bool failed_ = false;
};

}  // namespace

Result<int> Stream::print(const char* format_string, va_list args) noexcept {
  if (!writable_) {
    fail(Error::BadFileDescriptor);
    return Error::BadFileDescriptor;
  }
  StreamSink sink(*this);
  Result<int> result = format(sink, format_string, args);
  sink.drain();
  if (sink.failed()) return last_error_;
  return result;
}

namespace {

class StreamSource final : public ScanSource {
 public:
  explicit StreamSource(Stream& stream) noexcept : stream_(stream) {}
  int get() noexcept override { return stream_.get(); }
  void unget(int c) noexcept override { (void)stream_.unget(c); }

 private:
  Stream& stream_;
};

}  // namespace

int Stream::scan(const char* format_string, va_list args) noexcept {
  StreamSource source(*this);
  return libc::scan(source, format_string, args);
}

Result<void> Stream::seek(std::int64_t offset, Whence whence) noexcept {
  if (backend_.seek == nullptr) return Error::IllegalSeek;
  if (direction_ == Direction::Writing) MOS_TRY(flush());
  if (whence == Whence::Current && direction_ == Direction::Reading) {
    offset -= static_cast<std::int64_t>((read_end_ - read_pos_) + pushback_count_);
  }
  // On failure (a pipe) the read-ahead stays: the stream goes on where it was.
  MOS_TRY(backend_.seek(backend_.cookie, offset, whence));
  read_pos_ = read_end_ = 0;
  pushback_count_ = 0;
  direction_ = Direction::None;
  eof_ = false;
  return {};
}

Result<std::int64_t> Stream::tell() noexcept {
  if (backend_.seek == nullptr) return Error::IllegalSeek;
  if (direction_ == Direction::Writing && append_) MOS_TRY(flush());
  std::int64_t position = MOS_TRY(backend_.seek(backend_.cookie, 0, Whence::Current));
  if (direction_ == Direction::Reading) {
    position -= static_cast<std::int64_t>((read_end_ - read_pos_) + pushback_count_);
  } else if (direction_ == Direction::Writing) {
    position += static_cast<std::int64_t>(write_end_);
  }
  return position < 0 ? 0 : position;
}

Result<void> Stream::set_buffer(char* buffer, BufferMode mode, std::size_t size) noexcept {
  if (mode != BufferMode::Full && mode != BufferMode::Line && mode != BufferMode::None) {
    return Error::InvalidArgument;
  }
  if (direction_ == Direction::Reading && (read_pos_ < read_end_ || pushback_count_ > 0)) {
    return Error::InvalidArgument;
  }
  MOS_TRY(flush());
  char* fresh = nullptr;
  bool owned = false;
  if (mode != BufferMode::None) {
    if (size == 0) size = kDefaultBufferSize;
    if (buffer != nullptr) {
      fresh = buffer;
    } else {
      fresh = static_cast<char*>(malloc(size));
      if (fresh == nullptr) return Error::NoMemory;
      owned = true;
    }
  }
  if (owns_buffer_) free(buffer_);
  mode_ = mode;
  owns_buffer_ = owned;
  buffer_ = fresh;
  capacity_ = fresh != nullptr ? size : 0;
  direction_ = Direction::None;
  read_pos_ = read_end_ = write_end_ = 0;
  return {};
}

}  // namespace mos::posix::libc
