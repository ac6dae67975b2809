#pragma once
/// Streams over memory: fmemopen (a caller's fixed buffer) and open_memstream (a growing malloc'd
/// buffer handed to the caller). Both are fully buffered like any stream: the memory sees the
/// data at fflush, fseek and fclose.

#include <posix/libc/stream.hpp>

#include <k/result.hpp>

#include <cstddef>

namespace mos::posix::libc {

class StreamRegistry;

/// fmemopen: a stream over the `size` bytes at `buffer` (allocated here, and freed at close, if
/// `buffer` is null) with an fopen `mode`. As glibc: "r"/"r+" see all `size` bytes, "w"/"w+"
/// start empty (buffer[0] becomes NUL), "a"/"a+" start at the first NUL; writes stop at `size`
/// (NoSpace beyond) and put a NUL after the data when it fits. InvalidArgument for a bad mode or
/// a zero size.
Result<Stream*> open_memory_stream(void* buffer, std::size_t size, const char* mode,
                                   StreamRegistry* registry) noexcept;

/// open_memstream: a write-only stream whose data is kept in a malloc'd, NUL-terminated buffer;
/// at each flush *`buffer` points to it and *`size` is the current position (or the length, if
/// smaller). The caller frees *`buffer` after fclose.
Result<Stream*> open_dynamic_memory_stream(char** buffer, std::size_t* size,
                                           StreamRegistry* registry) noexcept;

}  // namespace mos::posix::libc
