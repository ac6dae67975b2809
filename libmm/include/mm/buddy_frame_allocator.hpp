#pragma once
/// A binary buddy physical frame allocator: O(orders) allocation and free with immediate
/// coalescing, and exact validation of every free through one state byte per frame.

#include <mm/frame_allocator.hpp>
#include <mm/page.hpp>

#include <k/fixed_vector.hpp>
#include <k/intrusive_list.hpp>
#include <k/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace mos::mm {

/// A FrameAllocator of power-of-two blocks, split on allocation and merged with their buddy on
/// free.
///
/// Which frames it manages is decided as for every frame allocator (frame_allocator.hpp): whole
/// frames of Usable regions, minus reserved ranges and non-Usable regions rounded outward;
/// overlapping Usable regions count once; a Usable region wrapping past 2^64 is ignored.
///
/// Free blocks. A free block of 2^k frames, aligned to 2^k frames, is on the free list of order
/// k, a doubly linked IntrusiveList whose node lives in the block's own first frame (reached
/// through the PhysMap), so the lists cost no metadata and unlinking a buddy is O(1). The free
/// managed frames are first cut into the largest aligned blocks that fit; afterwards two free
/// buddies of the same order below kMaxOrder are always merged, so any aligned run of 2^k free
/// frames is one block (or part of a larger one) and allocate fails only when no such run
/// exists.
///
/// Metadata: one state byte per frame, which makes free() exact: a free of (base, order) is
/// accepted only when base's byte says "head of an allocated block of this order", so a double
/// free, a never-allocated frame, the middle of a block, a reserved, hole or metadata frame, a
/// foreign address, a misaligned base and a wrong order are all rejected. The bytes cover the
/// frames of at most kMaxSegments segments, split at gaps of 128 MiB or more (the largest ones
/// if there are too many) and each spanning from its first to its last usable frame: a smaller
/// hole costs a byte per frame (under 32 KiB), while RAM far apart, like the RAM above 4 GiB,
/// costs nothing for the hole between. The bytes lie in the lowest run of usable frames long enough
/// for them: about 0.025% of RAM.
///
/// Costs: allocate O(kMaxOrder); free O(kMaxOrder + segments); stats O(kMaxOrder); create
/// O(frames). largest_free_run is the size of the largest free block, which is exactly the
/// largest block one allocate() can return.
///
/// Not synchronised: the kernel wraps the allocator in a lock (see FrameSource users). The
/// allocator must not outlive the memory it manages (its free lists live there).
class BuddyFrameAllocator {
 public:
  /// The largest order: 2^18 frames, a 1 GiB block, the largest x86-64 page size.
  static constexpr unsigned kMaxOrder = 18;
  /// At most this many segments: beyond that, the smallest gaps stay inside segments.
  static constexpr std::size_t kMaxSegments = 32;

  /// Builds an allocator managing the usable frames of `config`; Error::NoMemory when the map
  /// has no usable frame or no run of usable frames long enough for the state bytes.
  static Result<BuddyFrameAllocator> create(const FrameAllocatorConfig& config) noexcept;

  /// Takes over `other`'s frames and free lists; `other` is fit only to be destroyed or
  /// assigned to.
  BuddyFrameAllocator(BuddyFrameAllocator&& other) noexcept = default;
  /// Drops this allocator's free lists and takes over `other`'s, as the move constructor.
  BuddyFrameAllocator& operator=(BuddyFrameAllocator&& other) noexcept = default;

  /// The base of a free block of 2^order frames, aligned to 2^order frames, split from the
  /// smallest free block that is large enough; Error::NoMemory when none is, and
  /// Error::InvalidArgument when order > kMaxOrder.
  Result<PhysAddr> allocate(unsigned order) noexcept;
  /// Returns the block of 2^order frames at `base`, which allocate(order) returned and which is
  /// still allocated, merging it with its free buddies; anything else is Error::InvalidArgument
  /// and changes nothing.
  Result<void> free(PhysAddr base, unsigned order) noexcept;
  /// The allocator now. largest_free_run is the size of the largest free block. total_frames
  /// excludes the metadata frames, whose size metadata_bytes gives in whole frames.
  FrameStats stats() const noexcept;
  /// kMaxOrder.
  unsigned max_order() const noexcept { return kMaxOrder; }

 private:
  // What lies in the first frame of a free block.
  struct FreeBlock {
    ListNode node;
  };
  using FreeList = IntrusiveList<FreeBlock, &FreeBlock::node>;

  // The state bytes of one segment: states[i] describes frame first_frame + i.
  struct Segment {
    std::uint64_t first_frame = 0;
    std::uint64_t frame_count = 0;
    std::uint8_t* states = nullptr;

    bool contains(std::uint64_t frame) const noexcept {
      return frame >= first_frame && frame - first_frame < frame_count;
    }
    std::uint8_t& state(std::uint64_t frame) const noexcept { return states[frame - first_frame]; }
  };

  explicit BuddyFrameAllocator(PhysMap phys_map) noexcept : phys_map_(phys_map) {}

  // The segment holding `frame`, if one does.
  const Segment* segment_of(std::uint64_t frame) const noexcept;
  // Makes the 2^order frames at `frame` a free block: its head byte, its list node.
  void push_free(const Segment& segment, std::uint64_t frame, unsigned order) noexcept;
  // Unlinks the free block headed by `frame` from the list of `order`.
  void unlink_free(std::uint64_t frame, unsigned order) noexcept;
  // Cuts the free frames [first, end) of `segment` into the largest aligned blocks.
  void add_free_run(const Segment& segment, std::uint64_t first, std::uint64_t end) noexcept;

  PhysMap phys_map_;
  std::array<FreeList, kMaxOrder + 1> free_lists_;
  FixedVector<Segment, kMaxSegments> segments_;
  std::uint64_t total_frames_ = 0;
  std::uint64_t free_frames_ = 0;
  std::uint64_t metadata_bytes_ = 0;
};

static_assert(FrameAllocator<BuddyFrameAllocator>);

}  // namespace mos::mm
