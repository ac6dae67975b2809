#pragma once
/// Walking the frame-pointer chain (the kernel is built with -fno-omit-frame-pointer).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::x86_64 {

/// Collects return addresses by following saved frame pointers from `rbp`: each frame holds the
/// caller's rbp at [rbp] and the return address at [rbp + 8]. `readable(address, bytes)` must say
/// whether memory may be read, so that a corrupted chain ends the walk instead of faulting. The
/// walk also stops at a null, misaligned or non-ascending frame pointer (stacks grow down, so
/// callers' frames lie above). Returns how many addresses were stored in `out`.
template <class Readable>
  requires std::predicate<Readable, std::uint64_t, std::size_t>
std::size_t walk_frame_pointers(std::uint64_t rbp, std::span<std::uint64_t> out,
                                Readable&& readable) noexcept {
  std::size_t n = 0;
  while (n < out.size() && rbp != 0 && (rbp & 7) == 0 && readable(rbp, 16)) {
    const auto* frame = reinterpret_cast<const std::uint64_t*>(rbp);
    std::uint64_t caller_rbp = frame[0];
    std::uint64_t return_address = frame[1];
    if (return_address == 0) break;
    out[n++] = return_address;
    if (caller_rbp <= rbp) break;
    rbp = caller_rbp;
  }
  return n;
}

}  // namespace mos::x86_64
