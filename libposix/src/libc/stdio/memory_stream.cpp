// fmemopen and open_memstream backends (see posix/libc/memory_stream.hpp).

#include <posix/libc/memory_stream.hpp>

#include <k/string.hpp>

#include "heap.hpp"

namespace mos::posix::libc {
namespace {

// The position a seek asks for, or InvalidArgument if it falls outside [0, limit].
Result<std::int64_t> seek_target(std::int64_t position, std::int64_t end, std::int64_t offset,
                                 Whence whence, std::int64_t limit) {
  std::int64_t base = whence == Whence::Set ? 0 : whence == Whence::Current ? position : end;
  if ((offset > 0 && base > limit - offset) || base + offset < 0) return Error::InvalidArgument;
  if (base + offset > limit) return Error::InvalidArgument;
  return base + offset;
}

// fmemopen's state: glibc's fmemopen_cookie_t.
struct FixedMemory {
  char* buffer;
  std::size_t size;
  std::size_t position;
  std::size_t end;  // The length of the data (where "a" writes and SEEK_END counts from).
  bool append;
  bool owned;
};

Result<std::size_t> fixed_read(void* cookie, char* data, std::size_t n) noexcept {
  auto* memory = static_cast<FixedMemory*>(cookie);
  if (memory->position >= memory->end) return std::size_t{0};
  const std::size_t available = memory->end - memory->position;
  const std::size_t step = n < available ? n : available;
  memory_copy(data, memory->buffer + memory->position, step);
  memory->position += step;
  return step;
}

Result<std::size_t> fixed_write(void* cookie, const char* data, std::size_t n) noexcept {
  auto* memory = static_cast<FixedMemory*>(cookie);
  const std::size_t position = memory->append ? memory->end : memory->position;
  const bool add_nul = n == 0 || data[n - 1] != '\0';
  if (position + n > memory->size) {
    if (position + (add_nul ? 1 : 0) >= memory->size) return Error::NoSpace;
    n = memory->size - position;
  }
  memory_copy(memory->buffer + position, data, n);
  memory->position = position + n;
  if (memory->position > memory->end) {
    memory->end = memory->position;
    if (memory->end < memory->size && add_nul) {
      memory->buffer[memory->end] = '\0';
    } else if (!memory->append && add_nul) {
      memory->buffer[memory->size - 1] = '\0';
    }
  }
  return n;
}

Result<std::int64_t> fixed_seek(void* cookie, std::int64_t offset, Whence whence) noexcept {
  auto* memory = static_cast<FixedMemory*>(cookie);
  const std::int64_t target =
      MOS_TRY(seek_target(static_cast<std::int64_t>(memory->position),
                          static_cast<std::int64_t>(memory->end), offset, whence,
                          static_cast<std::int64_t>(memory->size)));
  memory->position = static_cast<std::size_t>(target);
  return target;
}

Result<void> fixed_close(void* cookie) noexcept {
  auto* memory = static_cast<FixedMemory*>(cookie);
  if (memory->owned) free(memory->buffer);
  free(memory);
  return {};
}

// open_memstream's state.
struct GrowingMemory {
  char** user_buffer;
  std::size_t* user_size;
  char* buffer;
  std::size_t capacity;  // Bytes allocated, including room for the NUL.
  std::size_t position;
  std::size_t length;

  void publish() {
    *user_buffer = buffer;
    *user_size = position < length ? position : length;
  }
};

Result<std::size_t> growing_write(void* cookie, const char* data, std::size_t n) noexcept {
  auto* memory = static_cast<GrowingMemory*>(cookie);
  const std::size_t needed = memory->position + n + 1;
  if (needed < n) return Error::NoMemory;
  if (needed > memory->capacity) {
    std::size_t grown = memory->capacity * 2;
    if (grown < needed) grown = needed;
    char* bigger = static_cast<char*>(realloc(memory->buffer, grown));
    if (bigger == nullptr) return Error::NoMemory;
    memory->buffer = bigger;
    memory->capacity = grown;
  }
  if (memory->position > memory->length) {
    memory_set(memory->buffer + memory->length, 0, memory->position - memory->length);
  }
  memory_copy(memory->buffer + memory->position, data, n);
  memory->position += n;
  if (memory->position > memory->length) {
    memory->length = memory->position;
    memory->buffer[memory->length] = '\0';
  }
  memory->publish();
  return n;
}

Result<std::int64_t> growing_seek(void* cookie, std::int64_t offset, Whence whence) noexcept {
  auto* memory = static_cast<GrowingMemory*>(cookie);
  constexpr std::int64_t kLimit = std::int64_t{1} << 40;
  const std::int64_t target =
      MOS_TRY(seek_target(static_cast<std::int64_t>(memory->position),
                          static_cast<std::int64_t>(memory->length), offset, whence, kLimit));
  memory->position = static_cast<std::size_t>(target);
  memory->publish();
  return target;
}

Result<void> growing_close(void* cookie) noexcept {
  auto* memory = static_cast<GrowingMemory*>(cookie);
  memory->publish();
  free(memory);
  return {};
}

}  // namespace

Result<Stream*> open_memory_stream(void* buffer, std::size_t size, const char* mode,
                                   StreamRegistry* registry) noexcept {
  const OpenMode open_mode = MOS_TRY(parse_open_mode(mode));
  if (size == 0) return Error::InvalidArgument;
  auto* memory = static_cast<FixedMemory*>(malloc(sizeof(FixedMemory)));
  if (memory == nullptr) return Error::NoMemory;
  *memory = FixedMemory{static_cast<char*>(buffer), size, 0, 0, open_mode.append, false};
  if (memory->buffer == nullptr) {
    memory->buffer = static_cast<char*>(malloc(size));
    if (memory->buffer == nullptr) {
      free(memory);
      return Error::NoMemory;
    }
    memory->owned = true;
    memory->buffer[0] = '\0';
  }
  if (*mode == 'r') {
    memory->end = size;
  } else if (*mode == 'w') {
    memory->buffer[0] = '\0';
  } else {
    memory->end = memory->position = string_length_bounded(memory->buffer, size);
  }
  StreamBackend backend;
  backend.cookie = memory;
  backend.read = fixed_read;
  backend.write = fixed_write;
  backend.seek = fixed_seek;
  backend.close = fixed_close;
  Result<Stream*> stream = Stream::create(backend, open_mode, BufferMode::Full, -1, registry);
  if (!stream) (void)fixed_close(memory);
  return stream;
}

Result<Stream*> open_dynamic_memory_stream(char** buffer, std::size_t* size,
                                           StreamRegistry* registry) noexcept {
  if (buffer == nullptr || size == nullptr) return Error::InvalidArgument;
  auto* memory = static_cast<GrowingMemory*>(malloc(sizeof(GrowingMemory)));
  if (memory == nullptr) return Error::NoMemory;
  constexpr std::size_t kInitialCapacity = 64;
  *memory = GrowingMemory{buffer, size, static_cast<char*>(malloc(kInitialCapacity)),
                          kInitialCapacity, 0, 0};
  if (memory->buffer == nullptr) {
    free(memory);
    return Error::NoMemory;
  }
  memory->buffer[0] = '\0';
  memory->publish();
  StreamBackend backend;
  backend.cookie = memory;
  backend.write = growing_write;
  backend.seek = growing_seek;
  backend.close = growing_close;
  OpenMode open_mode;
  open_mode.writable = true;
  Result<Stream*> stream = Stream::create(backend, open_mode, BufferMode::Full, -1, registry);
  if (!stream) {
    free(memory->buffer);
    free(memory);
  }
  return stream;
}

}  // namespace mos::posix::libc
