#pragma once
/// A physical frame allocator over bitmaps: simple, compact (3 bits per frame), and exact about
/// which frames are free, at the price of a search for every allocation.

#include <mm/frame_allocator.hpp>
#include <mm/page.hpp>

#include <k/bitmap.hpp>
#include <k/fixed_vector.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::mm {

/// A FrameAllocator keeping one bit per frame.
///
/// Which frames it manages is decided as for every frame allocator (frame_allocator.hpp): whole
/// frames of Usable regions, minus reserved ranges and non-Usable regions rounded outward;
/// overlapping Usable regions count once; a Usable region wrapping past 2^64 is ignored.
///
/// Layout. The usable frames are grouped into at most kMaxSegments segments, split at gaps of
/// 128 MiB or more (the largest ones if there are too many), so RAM far apart, like the RAM above
/// 4 GiB, costs no metadata for the hole between. Each segment has three bitmaps over its frames,
/// stored together in one run of frames carved out of the lowest usable memory that has room:
/// - `unavailable`: set for a frame that is allocated or not managed at all (reserved, a hole,
///   the metadata itself). Allocation searches it for clear runs.
/// - `heads` and `tails`: set for the first and for the last frame of each allocated block. They
///   let free() check that (base, order) is exactly one allocated block: a head at base, a tail
///   at its last frame and no tail before that. A reserved, foreign, never-allocated or already
///   freed frame has no head, so every wrong free is caught without a per-block record.
///
/// Allocation. Single frames are found next-fit: the search starts after the previous single
/// frame and wraps around, so a run of allocations costs O(1) each instead of rescanning the
/// allocated low memory. Larger blocks are found first-fit from the bottom of each segment with
/// Bitmap::find_clear_run, which skips whole words; the cost is O(frames / 64) at worst. Any
/// naturally aligned run of 2^order free frames is found, so allocate fails only when none
/// exists. free() is O(2^order / 64). stats() scans the bitmaps for the longest free run.
///
/// Not synchronised: the kernel wraps the allocator in a lock (see FrameSource users).
class BitmapFrameAllocator {
 public:
  /// The largest order: 2^18 frames, a 1 GiB block, the largest x86-64 page size.
  static constexpr unsigned kMaxOrder = 18;
  /// At most this many segments: beyond that, the smallest gaps stay inside segments.
  static constexpr std::size_t kMaxSegments = 32;

  /// Builds an allocator managing the usable frames of `config`; Error::NoMemory when the map
  /// has no usable frame or no run of usable frames long enough for the bitmaps.
  static Result<BitmapFrameAllocator> create(const FrameAllocatorConfig& config) noexcept;

  /// The base of 2^order free frames aligned to 2^order frames; Error::NoMemory when there is no
  /// such run, Error::InvalidArgument when order > kMaxOrder.
  Result<PhysAddr> allocate(unsigned order) noexcept;
  /// Returns the block of 2^order frames at `base`, which allocate(order) returned and which is
  /// still allocated; anything else is Error::InvalidArgument and changes nothing.
  Result<void> free(PhysAddr base, unsigned order) noexcept;
  /// The allocator now. largest_free_run is the longest run of free frames (which an aligned
  /// block of the same size need not fit in). total_frames excludes the metadata frames, whose
  /// size metadata_bytes gives in whole frames.
  FrameStats stats() const noexcept;
  /// kMaxOrder.
  unsigned max_order() const noexcept { return kMaxOrder; }

 private:
  // The bitmaps of one segment: bit i describes frame first_frame + i.
  struct Segment {
    std::uint64_t first_frame = 0;
    std::uint64_t frame_count = 0;
    Bitmap unavailable;  // Allocated, or not managed.
    Bitmap heads;        // First frame of an allocated block.
    Bitmap tails;        // Last frame of an allocated block.
  };

  BitmapFrameAllocator() noexcept = default;

  // The segment holding frames [frame, frame + count), if one does.
  Segment* segment_of(std::uint64_t frame, std::uint64_t count) noexcept;
  // Marks the 2^order frames at index `index` of `segment` allocated and returns their base.
  PhysAddr take(Segment& segment, std::size_t index, unsigned order) noexcept;
  // The next free frame after the previous single-frame allocation, wrapping around.
  bool take_next_fit(PhysAddr& out) noexcept;

  FixedVector<Segment, kMaxSegments> segments_;
  // Where the next single-frame search starts.
  std::size_t cursor_segment_ = 0;
  std::uint64_t cursor_index_ = 0;
  std::uint64_t total_frames_ = 0;
  std::uint64_t free_frames_ = 0;
  std::uint64_t metadata_bytes_ = 0;
};

static_assert(FrameAllocator<BitmapFrameAllocator>);

}  // namespace mos::mm
