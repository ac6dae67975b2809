#pragma once
// Statically allocated kernel stacks, each above a guard page that kernel_map.cpp unmaps, so
// that an overflow faults instead of silently overwriting what lies below.

#include <cstddef>
#include <cstdint>

namespace mos::x86_64 {

inline constexpr std::size_t kPageSize = 4096;

/// A stack of N bytes (a multiple of the page size) with a guard page below it.
template <std::size_t N>
struct alignas(kPageSize) GuardedStack {
  static_assert(N % kPageSize == 0);
  std::byte guard[kPageSize];
  std::byte stack[N];

  std::uint64_t guard_address() const noexcept { return reinterpret_cast<std::uint64_t>(guard); }
  /// The initial stack pointer (stacks grow down).
  std::uint64_t top() const noexcept { return reinterpret_cast<std::uint64_t>(stack + N); }
};

/// Guard pages of every static stack, for kernel_map.cpp; the boot stack's is in entry.S.
std::size_t static_stack_guards(std::uint64_t* out, std::size_t capacity) noexcept;

}  // namespace mos::x86_64
