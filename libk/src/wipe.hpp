#pragma once
// Erasing secrets (keys, keystream, hash state) when they are no longer needed.

#include <k/string.hpp>

#include <cstddef>

namespace mos::detail {

/// Zeroes `n` bytes in a way the compiler may not drop as a dead store: the empty asm claims to
/// read the memory, so the zeroes must really be written before the object dies.
inline void wipe(void* p, std::size_t n) noexcept {
  memory_set(p, 0, n);
  asm volatile("" : : "r"(p) : "memory");
}

/// wipe() for a whole object (an array, a state struct).
template <class T>
void wipe_object(T& object) noexcept {
  wipe(&object, sizeof object);
}

}  // namespace mos::detail
