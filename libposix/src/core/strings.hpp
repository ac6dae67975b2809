#pragma once
// Small allocation helpers of the process layer: strings and arrays from the kernel heap through
// `new (std::nothrow)` (the same in host tests and images).

#include <k/result.hpp>
#include <k/string.hpp>

#include <cstddef>
#include <new>
#include <string_view>

namespace mos::posix::detail {

/// A NUL-terminated copy of `text` (free with delete[]), or Error::NoMemory.
inline Result<char*> copy_string(std::string_view text) noexcept {
  char* copy = new (std::nothrow) char[text.size() + 1];
  if (copy == nullptr) return Error::NoMemory;
  memory_copy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

/// Grows `array` (holding `count` elements) to `capacity`, moving the elements.
template <class T>
Result<void> grow_array(T*& array, std::size_t count, std::size_t capacity) noexcept {
  T* grown = new (std::nothrow) T[capacity];
  if (grown == nullptr) return Error::NoMemory;
  for (std::size_t i = 0; i < count; ++i) grown[i] = static_cast<T&&>(array[i]);
  delete[] array;
  array = grown;
  return {};
}

}  // namespace mos::posix::detail
