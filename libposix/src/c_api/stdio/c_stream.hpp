#pragma once
// Shared helpers of the <stdio.h> entry points: FILE <-> Stream, errno, the fd backend.

#include <errno.h>
#include <stdio.h>

#include <posix/libc/stream.hpp>

namespace mos::posix::c_api {

// FILE is opaque to C; it is a libc::Stream.
inline libc::Stream* as_stream(FILE* file) { return reinterpret_cast<libc::Stream*>(file); }
inline FILE* as_file(libc::Stream* stream) { return reinterpret_cast<FILE*>(stream); }

// Sets errno from an error and returns `result` (for one-line failure returns).
template <class T>
T fail_with(Error error, T result) {
  errno = errno_value(error);
  return result;
}

// A stream over `fd` (registered in the calling process's registry), or nullptr with errno.
FILE* open_fd_stream(int fd, libc::OpenMode mode, libc::BufferMode buffering);

// Prints into a private stream (dprintf's, asprintf's) and closes it. The print's error comes
// before the close's.
inline Result<int> print_and_close(libc::Stream* stream, const char* format, va_list args) {
  Result<int> result = stream->print(format, args);
  Result<void> closed = libc::Stream::close(stream);
  if (!result) return result.error();
  if (!closed) return closed.error();
  return result;
}

}  // namespace mos::posix::c_api

// The body of a variadic C name that forwards to its va_list form: `call` (an int expression
// that names `args`) runs between va_start and va_end, which C requires in the variadic function
// itself.
#define MOS_FORWARD_VARIADIC(last, call) \
  va_list args;                          \
  va_start(args, last);                  \
  const int forwarded = (call);          \
  va_end(args);                          \
  return forwarded
