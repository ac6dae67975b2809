#pragma once
/// The heap contract. Implementations (first_fit_heap.hpp, buddy_heap.hpp, tlsf_heap.hpp) are
/// chosen per image with the Meson option `heap`; SlabFront<H> adds size-class caches over any of
/// them and DebugHeap<H> adds poisoning, red zones and a leak report. Every implementation passes
/// the same contract suite (tests/libmm/heap_contract_test.cpp).

#include <mm/page.hpp>

#include <k/panic.hpp>
#include <k/result.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <source_location>
#include <span>

namespace mos::mm {

/// Where a heap gets more memory when it has too little: in the kernel, frames through the
/// direct map; in host tests, an arena with a limit.
class PageSource {
 public:
  /// At least `min_bytes` (a multiple of kPageSize) of writable memory, contiguous and aligned
  /// to kPageSize, or Error::NoMemory. The heap owns it from then on; it is never given back.
  virtual Result<std::span<std::byte>> grow(std::size_t min_bytes) noexcept = 0;

 protected:
  ~PageSource() = default;
};

/// What a heap holds, in bytes.
struct HeapStats {
  std::size_t bytes_from_source = 0;  ///< Taken from the PageSource so far.
  std::size_t bytes_allocated = 0;    ///< Usable bytes of live allocations (usable_size sums).
  std::size_t bytes_free = 0;         ///< Free bytes the heap could hand out without growing.
  std::size_t largest_free_block = 0; ///< Largest allocation possible without growing.
  std::size_t live_allocations = 0;
  std::size_t peak_bytes_allocated = 0;
};

/// The largest alignment every heap honours; larger ones are Error::InvalidArgument.
inline constexpr std::size_t kMaxHeapAlignment = kPageSize;

/// The alignment every allocation has at least (also what alignment 0 asks for).
inline constexpr std::size_t kMinHeapAlignment = alignof(std::max_align_t);

/// The largest size a heap accepts; larger ones are "absurd" (Error::InvalidArgument rather than
/// Error::NoMemory). 2^47 bytes is the whole lower half of a 4-level address space, so no request
/// this large can be met, and rejecting it first keeps every heap's size arithmetic (headers,
/// alignment slack, rounding) far from overflow.
inline constexpr std::size_t kMaxHeapAllocation = std::size_t{1} << 47;

/// Checks the arguments of Heap::allocate: the effective alignment (kMinHeapAlignment for 0 and
/// for the powers of two below it), or Error::InvalidArgument for an alignment that is not a
/// power of two or exceeds kMaxHeapAlignment, or a size above kMaxHeapAllocation.
inline Result<std::size_t> heap_request_alignment(std::size_t size,
                                                  std::size_t alignment) noexcept {
  if (size > kMaxHeapAllocation) return Error::InvalidArgument;
  if (alignment == 0) return kMinHeapAlignment;
  if ((alignment & (alignment - 1)) != 0 || alignment > kMaxHeapAlignment) {
    return Error::InvalidArgument;
  }
  return alignment < kMinHeapAlignment ? kMinHeapAlignment : alignment;
}

namespace detail {

/// Panics for a free of a block the heap already holds as free. Every heap uses the same words
/// so that a panic reads the same whichever heap an image chose.
[[noreturn]] inline void heap_double_free(
    const void* p, std::source_location where = std::source_location::current()) noexcept {
  panic_format(where, "heap: double free of {:#x}", reinterpret_cast<std::uintptr_t>(p));
}

/// Panics for a free (or usable_size) of a pointer that is not the start of a live block.
[[noreturn]] inline void heap_foreign_pointer(
    const void* p, std::source_location where = std::source_location::current()) noexcept {
  panic_format(where, "heap: free of a pointer the heap never returned: {:#x}",
               reinterpret_cast<std::uintptr_t>(p));
}

/// Panics for block metadata that no longer agrees with its neighbours: an allocation was
/// written past its end (or before its start), or a foreign pointer mimicked a header.
[[noreturn]] inline void heap_corrupted(
    const void* block, std::source_location where = std::source_location::current()) noexcept {
  panic_format(where, "heap: corrupted block header at {:#x} (overrun of a neighbour?)",
               reinterpret_cast<std::uintptr_t>(block));
}

}  // namespace detail

/// A general-purpose allocator over a PageSource.
///
/// - `H(PageSource&)` makes an empty heap; memory is taken on the first allocation.
/// - allocate(size, alignment) returns at least `size` usable bytes aligned to `alignment` (a
///   power of two, at most kMaxHeapAlignment; 0 means alignof(std::max_align_t)). size 0 gives a
///   unique, freeable pointer. Errors: Error::InvalidArgument for a bad alignment or an absurd
///   size, Error::NoMemory when the PageSource is exhausted (the heap stays usable).
/// - free(p) returns an allocation; nullptr is ignored. Freeing anything else is a programmer
///   error that implementations detect where their metadata allows (and then panic).
/// - usable_size(p) is how many bytes of p may be used (>= the size asked for).
/// - stats() describes the heap now.
template <class H>
concept Heap = std::constructible_from<H, PageSource&> &&
               requires(H& h, const H& ch, std::size_t size, std::size_t alignment, void* p) {
                 { h.allocate(size, alignment) } -> std::same_as<Result<void*>>;
                 { h.free(p) } -> std::same_as<void>;
                 { ch.usable_size(p) } -> std::same_as<std::size_t>;
                 { ch.stats() } -> std::same_as<HeapStats>;
               };

}  // namespace mos::mm
