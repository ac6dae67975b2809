#pragma once
/// The frame-allocator contract. Implementations (bitmap_frame_allocator.hpp,
/// buddy_frame_allocator.hpp) are chosen per image with the Meson option `frame_allocator`, and
/// all pass the same contract suite (tests/libmm/frame_allocator_contract_test.cpp).

#include <mm/page.hpp>

#include <k/boot_info.hpp>
#include <k/result.hpp>

#include <concepts>
#include <cstdint>
#include <span>

namespace mos::mm {

/// What a frame allocator manages and has left, in frames.
struct FrameStats {
  std::uint64_t total_frames = 0;      ///< Frames managed (usable RAM minus reserved ranges,
                                       ///< minus the frames holding the metadata).
  std::uint64_t free_frames = 0;       ///< Frames not allocated now.
  std::uint64_t largest_free_run = 0;  ///< Largest block of contiguous free frames that one
                                       ///< allocate() call could return (bitmap: longest run of
                                       ///< free frames; buddy: the largest free block).
  std::uint64_t metadata_bytes = 0;    ///< RAM the allocator took for its own bookkeeping
                                       ///< (whole frames).
};

/// The largest order (2^order contiguous frames) every allocator supports: 4 MiB blocks.
inline constexpr unsigned kMinMaxOrder = 10;

/// What an allocator is built from: the firmware's memory map (only Usable regions are used,
/// trimmed to whole frames), ranges that must never be handed out (kernel image, boot modules,
/// the boot information, the first MiB), and access to physical memory (for the allocator's own
/// metadata, which it carves out of the usable memory it manages).
///
/// Every allocator reads a malformed map the same, conservative way: a frame is managed when a
/// Usable region covers it entirely and no reserved range nor non-Usable region touches it;
/// overlapping Usable regions count once; a Usable region whose end passes 2^64 is ignored.
struct FrameAllocatorConfig {
  std::span<const MemoryRegion> memory_map;
  std::span<const PhysRange> reserved;
  PhysMap phys_map;
};

/// A physical frame allocator.
///
/// - allocate(order) returns the base of 2^order contiguous free frames, aligned to 2^order
///   frames; Error::NoMemory when no such block is free; Error::InvalidArgument for an order
///   above max_order().
/// - free(base, order) returns a block; it must be exactly a block that allocate returned and
///   that is still allocated. Anything else — a double free, a frame never allocated, a reserved
///   or foreign frame, a misaligned base, a wrong order — is Error::InvalidArgument and changes
///   nothing.
/// - stats() describes the allocator now.
/// - create(config) builds one, or Error::NoMemory when the map has no room even for metadata.
template <class A>
concept FrameAllocator = requires(A& a, const A& ca, PhysAddr base, unsigned order,
                                  const FrameAllocatorConfig& config) {
  { A::create(config) } -> std::same_as<Result<A>>;
  { a.allocate(order) } -> std::same_as<Result<PhysAddr>>;
  { a.free(base, order) } -> std::same_as<Result<void>>;
  { ca.stats() } -> std::same_as<FrameStats>;
  { ca.max_order() } -> std::same_as<unsigned>;
};

}  // namespace mos::mm
