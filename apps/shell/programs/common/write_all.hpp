#pragma once
/// Unbuffered output to a descriptor, for programs that copy data with read(2)/write(2).

#include <sys/types.h>

namespace mos::programs {

/// Writes a buffer fully to fd, retrying short writes and EINTR. False (errno set) on error.
bool write_all(int fd, const void* data, size_t length);

}  // namespace mos::programs
