#include <mm/buddy_frame_allocator.hpp>

#include "frame_layout.hpp"

#include <k/panic.hpp>
#include <k/string.hpp>

#include <algorithm>
#include <bit>
#include <new>
#include <optional>

namespace mos::mm {

namespace {

using frames::FrameSpan;

// The state byte of a frame. Orders are at most kMaxOrder (< 64), so the three kinds of head
// never collide with each other or with kUnmanaged.
constexpr std::uint8_t kUnmanaged = 0xff;  // Reserved, a hole, metadata: never handed out.
constexpr std::uint8_t kInBlock = 0x00;    // Managed, and not the first frame of a block.
constexpr std::uint8_t kFreeHead = 0x80;   // | order: first frame of a free block.
constexpr std::uint8_t kUsedHead = 0x40;   // | order: first frame of an allocated block.

constexpr std::uint8_t free_head(unsigned order) noexcept {
  return static_cast<std::uint8_t>(kFreeHead | order);
}
constexpr std::uint8_t used_head(unsigned order) noexcept {
  return static_cast<std::uint8_t>(kUsedHead | order);
}

static_assert(BuddyFrameAllocator::kMaxOrder < kUsedHead);

}  // namespace

Result<BuddyFrameAllocator> BuddyFrameAllocator::create(
    const FrameAllocatorConfig& config) noexcept {
  FixedVector<FrameSpan, kMaxSegments> spans = frames::segments_of<kMaxSegments>(config);
  if (spans.empty()) return Error::NoMemory;

  std::uint64_t bytes = 0;
  for (const FrameSpan& span : spans) bytes += span.count();
  std::uint64_t metadata_frames = (bytes + kPageSize - 1) / kPageSize;
  std::optional<FrameSpan> metadata = frames::place_metadata(config, metadata_frames);
  if (!metadata) return Error::NoMemory;

  BuddyFrameAllocator allocator(config.phys_map);
  allocator.metadata_bytes_ = metadata_frames * kPageSize;
  auto* states = config.phys_map.at<std::uint8_t>(frames::frame_address(metadata->first));
  for (const FrameSpan& span : spans) {
    Segment segment{.first_frame = span.first, .frame_count = span.count(), .states = states};
    states += span.count();
    // Everything starts unmanaged; the usable frames are opened, then the excluded ones and the
    // metadata closed again, so that exclusion wins wherever the two overlap.
    memory_set(segment.states, kUnmanaged, segment.frame_count);
    auto mark = [&](FrameSpan frames, std::uint8_t state) {
      FrameSpan part = frames.intersect(span);
      if (!part.empty()) memory_set(&segment.state(part.first), state, part.count());
    };
    frames::for_each_usable(config, [&](FrameSpan usable) { mark(usable, kInBlock); });
    frames::for_each_excluded(config, [&](FrameSpan excluded) { mark(excluded, kUnmanaged); });
    mark(*metadata, kUnmanaged);
    // spans holds at most kMaxSegments, so this cannot fail.
    Result<void> pushed = allocator.segments_.push_back(segment);
    MOS_ASSERT(pushed.has_value());
  }
  for (const Segment& segment : allocator.segments_) {
    std::uint64_t end = segment.first_frame + segment.frame_count;
    std::uint64_t frame = segment.first_frame;
    while (frame < end) {
      if (segment.state(frame) != kInBlock) {
        ++frame;
        continue;
      }
      std::uint64_t run_end = frame + 1;
      while (run_end < end && segment.state(run_end) == kInBlock) ++run_end;
      allocator.add_free_run(segment, frame, run_end);
      allocator.total_frames_ += run_end - frame;
      frame = run_end;
    }
  }
  allocator.free_frames_ = allocator.total_frames_;
  return allocator;
}

void BuddyFrameAllocator::add_free_run(const Segment& segment, std::uint64_t first,
                                       std::uint64_t end) noexcept {
  // Greedy largest aligned blocks: sizes rise to the run's best alignment and fall again, and no
  // two of them are free buddies, which is the invariant free() keeps by merging.
  while (first < end) {
    unsigned order = kMaxOrder;
    if (first != 0) order = std::min<unsigned>(order, std::countr_zero(first));
    order = std::min<unsigned>(order, std::bit_width(end - first) - 1);
    push_free(segment, first, order);
    first += std::uint64_t{1} << order;
  }
}

void BuddyFrameAllocator::push_free(const Segment& segment, std::uint64_t frame,
                                    unsigned order) noexcept {
  segment.state(frame) = free_head(order);
  auto* block = new (phys_map_.at<void>(frames::frame_address(frame))) FreeBlock();
  free_lists_[order].push_front(*block);
}

void BuddyFrameAllocator::unlink_free(std::uint64_t frame, unsigned order) noexcept {
  auto* block = std::launder(phys_map_.at<FreeBlock>(frames::frame_address(frame)));
  free_lists_[order].erase(*block);
  block->~FreeBlock();
}

const BuddyFrameAllocator::Segment* BuddyFrameAllocator::segment_of(
    std::uint64_t frame) const noexcept {
  for (const Segment& segment : segments_) {
    if (segment.contains(frame)) return &segment;
  }
  return nullptr;
}

Result<PhysAddr> BuddyFrameAllocator::allocate(unsigned order) noexcept {
  if (order > kMaxOrder) return Error::InvalidArgument;
  unsigned found = order;
  while (found <= kMaxOrder && free_lists_[found].empty()) ++found;
  if (found > kMaxOrder) return Error::NoMemory;

  FreeBlock* block = free_lists_[found].pop_front();
  PhysAddr base = phys_map_.to_phys(VirtAddr::of(block));
  block->~FreeBlock();
  std::uint64_t frame = base.value() >> kPageShift;
  const Segment* segment = segment_of(frame);
  MOS_ASSERT(segment != nullptr);
  // Keep the lower half, return the upper halves to their lists.
  while (found > order) {
    --found;
    push_free(*segment, frame + (std::uint64_t{1} << found), found);
  }
  segment->state(frame) = used_head(order);
  free_frames_ -= std::uint64_t{1} << order;
  return base;
}

Result<void> BuddyFrameAllocator::free(PhysAddr base, unsigned order) noexcept {
  if (order > kMaxOrder) return Error::InvalidArgument;
  // Also rejects a base inside a frame.
  if (!base.is_aligned((std::uint64_t{1} << order) * kPageSize)) return Error::InvalidArgument;
  std::uint64_t frame = base.value() >> kPageShift;
  const Segment* segment = segment_of(frame);
  // Only allocate() writes a used head, and only for the block it returns with that order.
  if (segment == nullptr || segment->state(frame) != used_head(order)) {
    return Error::InvalidArgument;
  }
  segment->state(frame) = kInBlock;
  free_frames_ += std::uint64_t{1} << order;
  while (order < kMaxOrder) {
    std::uint64_t buddy = frame ^ (std::uint64_t{1} << order);
    // A buddy outside the segment, or not a free block of exactly this order, cannot merge.
    if (!segment->contains(buddy) || segment->state(buddy) != free_head(order)) break;
    unlink_free(buddy, order);
    segment->state(buddy) = kInBlock;
    frame = std::min(frame, buddy);
    ++order;
  }
  push_free(*segment, frame, order);
  return {};
}

FrameStats BuddyFrameAllocator::stats() const noexcept {
  std::uint64_t largest = 0;
  for (unsigned order = kMaxOrder + 1; order-- > 0;) {
    if (!free_lists_[order].empty()) {
      largest = std::uint64_t{1} << order;
      break;
    }
  }
  return FrameStats{
      .total_frames = total_frames_,
      .free_frames = free_frames_,
      .largest_free_run = largest,
      .metadata_bytes = metadata_bytes_,
  };
}

}  // namespace mos::mm
