#pragma once
/// The block header of the boundary-tag heaps (FirstFitHeap and TlsfHeap): every block starts
/// with a link to the block just below it in memory and a word holding its payload size and
/// state, so a block finds both physical neighbours in O(1) and free can merge either way
/// (Knuth, TAOCP vol. 1, 2.5).

#include <mm/heap.hpp>

#include <cstddef>
#include <cstdint>
#include <new>

namespace mos::mm {

/// The layout of a boundary-tag header, whatever the heap's block type. The second word holds
/// the payload size in its low 48 bits (sizes stay below 2^48 because requests are at most
/// kMaxHeapAllocation) and a state tag in its high 16: tags rather than a bit, so that a stray
/// pointer is unlikely to look like a block.
struct BoundaryTagLayout {
  /// Bytes of the header; the payload follows, so payloads keep the header's 16-byte alignment.
  static constexpr std::size_t kBytes = 16;
  static constexpr std::uint64_t kSizeMask = (std::uint64_t{1} << 48) - 1;
  /// The tag of a block handed out.
  static constexpr std::uint16_t kTagUsed = 0xa11c;
  /// The tag of a free block.
  static constexpr std::uint16_t kTagFree = 0xf7ee;
  /// The tag of a header that is never free and has no payload: an arena's fence post or a
  /// pool's sentinel, where merging stops.
  static constexpr std::uint16_t kTagBoundary = 0xfe9c;
};

/// The 16-byte header at the start of every block of a boundary-tag heap. `Self` is the heap's
/// block type, which derives from BoundaryTag<Self>, so that links keep their type.
template <class Self>
struct BoundaryTag : BoundaryTagLayout {
  Self* prev_phys;  ///< The block just below this one; nullptr for the first of its memory.
  std::uint64_t word;

  std::size_t size() const noexcept { return word & kSizeMask; }
  std::uint16_t tag() const noexcept { return static_cast<std::uint16_t>(word >> 48); }
  void set(std::size_t size, std::uint16_t tag) noexcept {
    word = size | (std::uint64_t{tag} << 48);
  }
  std::byte* payload() noexcept { return reinterpret_cast<std::byte*>(this) + kBytes; }
  /// The block just above this one.
  Self* next_phys() noexcept { return reinterpret_cast<Self*>(payload() + size()); }
  /// Starts a block at `memory` (size 0, no tag yet) whose lower neighbour is `prev`.
  static Self* create_at(void* memory, Self* prev) noexcept {
    auto* block = ::new (memory) Self;
    block->prev_phys = prev;
    block->word = 0;
    return block;
  }
  /// The header of the block whose payload starts at `p`.
  static Self* at(void* p) noexcept {
    return reinterpret_cast<Self*>(static_cast<std::byte*>(p) - kBytes);
  }
  /// The header of the live block whose payload starts at `p`, for free and usable_size.
  /// Panics for a pointer that is misaligned or whose header is not tagged live (a foreign
  /// pointer), tagged free (a double free), or not pointed back at by its neighbours (a header
  /// overwritten by an overrun, or a forged one).
  static Self* live_at(const void* p) noexcept {
    if (reinterpret_cast<std::uintptr_t>(p) % kMinHeapAlignment != 0) {
      detail::heap_foreign_pointer(p);
    }
    Self* block = at(const_cast<void*>(p));
    if (block->tag() == kTagFree) detail::heap_double_free(p);
    if (block->tag() != kTagUsed) detail::heap_foreign_pointer(p);
    if (block->next_phys()->prev_phys != block) detail::heap_corrupted(block);
    if (block->prev_phys != nullptr && block->prev_phys->next_phys() != block) {
      detail::heap_corrupted(block);
    }
    return block;
  }
};

}  // namespace mos::mm
