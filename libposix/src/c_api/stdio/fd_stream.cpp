// Streams over file descriptors: the fd backend, fopen/fdopen/freopen, the standard streams,
// dprintf.

#include "c_stream.hpp"
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <posix/libc/stream_registry.hpp>

#include <stdio.h>

namespace mos::posix::c_api {
namespace {

using libc::BufferMode;
using libc::OpenMode;
using libc::Stream;
using libc::Whence;

// The descriptor, stored in the cookie pointer itself (nothing to allocate or free).
int fd_of(void* cookie) {
  return static_cast<int>(reinterpret_cast<std::intptr_t>(cookie));
}

Error errno_error() {
  Error error = Error::Io;
  (void)error_from_errno(errno, error);
  return error;
}

Result<std::size_t> fd_read(void* cookie, char* data, std::size_t n) noexcept {
  for (;;) {
    const ssize_t got = read(fd_of(cookie), data, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) return errno_error();
  }
}

Result<std::size_t> fd_write(void* cookie, const char* data, std::size_t n) noexcept {
  for (;;) {
    const ssize_t put = write(fd_of(cookie), data, n);
    if (put >= 0) return static_cast<std::size_t>(put);
    if (errno != EINTR) return errno_error();
  }
}

Result<std::int64_t> fd_seek(void* cookie, std::int64_t offset, Whence whence) noexcept {
  const off_t position = lseek(fd_of(cookie), offset, static_cast<int>(whence));
  if (position < 0) return errno_error();
  return static_cast<std::int64_t>(position);
}

Result<void> fd_close(void* cookie) noexcept {
  if (close(fd_of(cookie)) != 0) return errno_error();
  return {};
}

libc::StreamBackend fd_backend(int fd) {
  libc::StreamBackend backend;
  backend.cookie = reinterpret_cast<void*>(static_cast<std::intptr_t>(fd));
  backend.read = fd_read;
  backend.write = fd_write;
  backend.seek = fd_seek;
  backend.close = fd_close;
  return backend;
}

// Terminals get line buffering, everything else full buffering (C's "interactive device").
BufferMode default_buffering(int fd) {
  return isatty(fd) ? BufferMode::Line : BufferMode::Full;
}

}  // namespace

// isatty without its ENOTTY: asking is no error of the caller's.
BufferMode quiet_default_buffering(int fd) {
  const int saved_errno = errno;
  const BufferMode buffering = default_buffering(fd);
  errno = saved_errno;
  return buffering;
}

FILE* open_fd_stream(int fd, OpenMode mode, BufferMode buffering) {
  Result<Stream*> stream =
      Stream::create(fd_backend(fd), mode, buffering, fd, &libc::current_stream_registry());
  if (!stream) return fail_with(stream.error(), static_cast<FILE*>(nullptr));
  return as_file(*stream);
}

}  // namespace mos::posix::c_api

using mos::Error;
using mos::Result;
using mos::posix::c_api::as_file;
using mos::posix::c_api::as_stream;
using mos::posix::c_api::fail_with;
using mos::posix::c_api::open_fd_stream;
namespace libc = mos::posix::libc;

extern "C" {

FILE* __mos_std_stream(int fd) {
  libc::StreamRegistry& registry = libc::current_stream_registry();
  if (libc::Stream* stream = registry.standard(fd)) return as_file(stream);
  if (fd < 0 || fd > 2 || registry.standard_closed(fd)) return nullptr;
  libc::OpenMode mode;
  mode.readable = fd == 0;
  mode.writable = fd != 0;
  const libc::BufferMode buffering =
      fd == 2 ? libc::BufferMode::None : mos::posix::c_api::quiet_default_buffering(fd);
  FILE* file = open_fd_stream(fd, mode, buffering);
  if (file != nullptr) registry.set_standard(fd, as_stream(file));
  return file;
}

FILE* fopen(const char* path, const char* mode) {
  Result<libc::OpenMode> open_mode = libc::parse_open_mode(mode);
  if (!open_mode) return fail_with(open_mode.error(), static_cast<FILE*>(nullptr));
  const int fd = open(path, open_mode->open_flags, 0666);
  if (fd < 0) return nullptr;
  FILE* file = open_fd_stream(fd, *open_mode, mos::posix::c_api::quiet_default_buffering(fd));
  if (file == nullptr) {
    const int open_errno = errno;
    close(fd);
    errno = open_errno;
  }
  return file;
}

FILE* fdopen(int fd, const char* mode) {
  Result<libc::OpenMode> open_mode = libc::parse_open_mode(mode);
  if (!open_mode) return fail_with(open_mode.error(), static_cast<FILE*>(nullptr));
  if (fd < 0) return fail_with(Error::BadFileDescriptor, static_cast<FILE*>(nullptr));
  return open_fd_stream(fd, *open_mode, mos::posix::c_api::quiet_default_buffering(fd));
}

FILE* freopen(const char* path, const char* mode, FILE* file) {
  // Reopening the same file with another mode (path null) is not supported: it needs fcntl.
  if (path == nullptr || file == nullptr) {
    return fail_with(Error::InvalidArgument, static_cast<FILE*>(nullptr));
  }
  libc::StreamRegistry& registry = libc::current_stream_registry();
  int standard_fd = -1;
  for (int fd = 0; fd < 3; ++fd) {
    if (registry.standard(fd) == as_stream(file)) standard_fd = fd;
  }
  (void)libc::Stream::close(as_stream(file));
  FILE* reopened = fopen(path, mode);
  if (reopened != nullptr && standard_fd >= 0)
    registry.set_standard(standard_fd, as_stream(reopened));
  return reopened;
}

int vdprintf(int fd, const char* format, va_list args) {
  // A private stream whose backend has no close: the caller's descriptor stays open.
  libc::StreamBackend backend = mos::posix::c_api::fd_backend(fd);
  backend.close = nullptr;
  libc::OpenMode mode;
  mode.writable = true;
  Result<libc::Stream*> stream =
      libc::Stream::create(backend, mode, libc::BufferMode::Full, fd, nullptr);
  if (!stream) return fail_with(stream.error(), -1);
  Result<int> result = mos::posix::c_api::print_and_close(*stream, format, args);
  if (!result) return fail_with(result.error(), -1);
  return *result;
}

int dprintf(int fd, const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vdprintf(fd, format, args));
}

}  // extern "C"
