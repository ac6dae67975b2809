#pragma once
// Shared helpers of the <stdio.h> entry points: FILE <-> Stream, errno, the fd backend.

#include <posix/libc/stream.hpp>

#include <errno.h>
#include <stdio.h>

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

}  // namespace mos::posix::c_api
