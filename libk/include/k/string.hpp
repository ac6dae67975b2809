#pragma once
/// Memory and C-string primitives. The freestanding build exports them under their C names
/// (memcpy, memset, ...) because the compiler emits calls to those; the host build tests them
/// under these names against the C library.

#include <cstddef>

namespace mos {

/// Copies `n` bytes; the ranges must not overlap.
void* memory_copy(void* dest, const void* src, std::size_t n) noexcept;
/// Copies `n` bytes; the ranges may overlap.
void* memory_move(void* dest, const void* src, std::size_t n) noexcept;
/// Sets `n` bytes to `(unsigned char)value`.
void* memory_set(void* dest, int value, std::size_t n) noexcept;
/// Compares `n` bytes as unsigned char: negative, zero or positive like memcmp.
int memory_compare(const void* a, const void* b, std::size_t n) noexcept;
/// The first of `n` bytes equal to `(unsigned char)value`, or nullptr.
const void* memory_find(const void* s, int value, std::size_t n) noexcept;
/// Length of a NUL-terminated string.
std::size_t string_length(const char* s) noexcept;
/// Length of a NUL-terminated string, looking at no more than `max` bytes.
std::size_t string_length_bounded(const char* s, std::size_t max) noexcept;
/// Compares NUL-terminated strings as unsigned char, like strcmp.
int string_compare(const char* a, const char* b) noexcept;
/// Compares at most `n` characters, like strncmp.
int string_compare_bounded(const char* a, const char* b, std::size_t n) noexcept;

}  // namespace mos
