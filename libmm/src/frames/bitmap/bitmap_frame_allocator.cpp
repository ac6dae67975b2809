#include <mm/bitmap_frame_allocator.hpp>

#include "frame_layout.hpp"

#include <k/panic.hpp>

#include <algorithm>
#include <bit>
#include <optional>
#include <span>

namespace mos::mm {

namespace {

using frames::FrameSpan;

// Whether any bit in [first, first + count) is set, looking only at the words of that range
// (Bitmap::find_first_set would run on to the end of the bitmap when none is).
bool any_set(const Bitmap& bitmap, std::size_t first, std::size_t count) noexcept {
  if (count == 0) return false;
  MOS_ASSERT(first <= bitmap.size() && count <= bitmap.size() - first);
  std::span<std::uint64_t> words = bitmap.words();
  std::size_t end = first + count;
  std::size_t first_word = first / Bitmap::kBitsPerWord;
  std::size_t last_word = (end - 1) / Bitmap::kBitsPerWord;
  for (std::size_t w = first_word; w <= last_word; ++w) {
    std::uint64_t word = words[w];
    if (w == first_word) word &= ~std::uint64_t{0} << (first % Bitmap::kBitsPerWord);
    if (w == last_word) {
      std::size_t bits = end - last_word * Bitmap::kBitsPerWord;
      if (bits < Bitmap::kBitsPerWord) word &= (std::uint64_t{1} << bits) - 1;
    }
    if (word != 0) return true;
  }
  return false;
}

// The lowest index i of `unavailable` starting `length` clear bits with first_frame + i a
// multiple of `length` (a power of two): physical alignment, which differs from index alignment
// when the segment does not start on a multiple of `length`.
std::optional<std::size_t> find_aligned_run(const Bitmap& unavailable, std::uint64_t first_frame,
                                            std::size_t length) noexcept {
  std::size_t size = unavailable.size();
  if (length > size) return std::nullopt;
  std::uint64_t misalignment = first_frame & (length - 1);
  if (misalignment == 0) return unavailable.find_clear_run(length, length);
  // Any run found from an aligned candidate is the lowest run at or above it, so no aligned
  // start below the run can succeed: resume at the first aligned index after the run's start.
  std::size_t candidate = length - misalignment;
  while (candidate <= size - length) {
    std::optional<std::size_t> run = unavailable.find_clear_run(length, 1, candidate);
    if (!run) return std::nullopt;
    if (((first_frame + *run) & (length - 1)) == 0) return run;
    candidate = align_up(first_frame + *run, length) - first_frame;
  }
  return std::nullopt;
}

}  // namespace

Result<BitmapFrameAllocator> BitmapFrameAllocator::create(
    const FrameAllocatorConfig& config) noexcept {
  FixedVector<FrameSpan, kMaxSegments> spans = frames::segments_of<kMaxSegments>(config);
  if (spans.empty()) return Error::NoMemory;

  std::uint64_t words = 0;
  for (const FrameSpan& span : spans) words += 3 * Bitmap::words_for(span.count());
  std::uint64_t metadata_frames = (words * sizeof(std::uint64_t) + kPageSize - 1) / kPageSize;
  std::optional<FrameSpan> metadata = frames::place_metadata(config, metadata_frames);
  if (!metadata) return Error::NoMemory;

  BitmapFrameAllocator allocator;
  allocator.metadata_bytes_ = metadata_frames * kPageSize;
  auto* word = config.phys_map.at<std::uint64_t>(frames::frame_address(metadata->first));
  for (const FrameSpan& span : spans) {
    std::size_t count = span.count();
    std::size_t n = Bitmap::words_for(count);
    Segment segment{
        .first_frame = span.first,
        .frame_count = count,
        .unavailable = Bitmap(std::span(word, n), count),
        .heads = Bitmap(std::span(word + n, n), count),
        .tails = Bitmap(std::span(word + 2 * n, n), count),
    };
    word += 3 * n;
    // Everything starts unavailable; the usable frames are opened, then the excluded ones and
    // the metadata closed again, so that exclusion wins wherever the two overlap.
    segment.unavailable.set_range(0, count);
    segment.heads.clear_range(0, count);
    segment.tails.clear_range(0, count);
    auto mark = [&](FrameSpan frames, bool available) {
      FrameSpan part = frames.intersect(span);
      if (part.empty()) return;
      if (available) {
        segment.unavailable.clear_range(part.first - span.first, part.count());
      } else {
        segment.unavailable.set_range(part.first - span.first, part.count());
      }
    };
    frames::for_each_usable(config, [&](FrameSpan usable) { mark(usable, true); });
    frames::for_each_excluded(config, [&](FrameSpan excluded) { mark(excluded, false); });
    mark(*metadata, false);
    allocator.total_frames_ += count - segment.unavailable.count_set();
    // spans holds at most kMaxSegments, so this cannot fail.
    Result<void> pushed = allocator.segments_.push_back(segment);
    MOS_ASSERT(pushed.has_value());
  }
  allocator.free_frames_ = allocator.total_frames_;
  return allocator;
}

Result<PhysAddr> BitmapFrameAllocator::allocate(unsigned order) noexcept {
  if (order > kMaxOrder) return Error::InvalidArgument;
  std::uint64_t length = std::uint64_t{1} << order;
  if (length > free_frames_) return Error::NoMemory;
  if (order == 0) {
    PhysAddr base;
    if (take_next_fit(base)) return base;
    return Error::NoMemory;
  }
  for (Segment& segment : segments_) {
    std::optional<std::size_t> index =
        find_aligned_run(segment.unavailable, segment.first_frame, length);
    if (index) return take(segment, *index, order);
  }
  return Error::NoMemory;
}

bool BitmapFrameAllocator::take_next_fit(PhysAddr& out) noexcept {
  // The cursor's segment from the cursor on, the other segments in turn, then the cursor's
  // segment again from its start: every frame is looked at, most often only the first.
  std::size_t n = segments_.size();
  for (std::size_t step = 0; step <= n; ++step) {
    std::size_t s = (cursor_segment_ + step) % n;
    Segment& segment = segments_[s];
    std::size_t from = step == 0 ? std::min<std::uint64_t>(cursor_index_, segment.frame_count) : 0;
    std::optional<std::size_t> index = segment.unavailable.find_first_clear(from);
    if (!index) continue;
    cursor_segment_ = s;
    cursor_index_ = *index + 1;
    out = take(segment, *index, 0);
    return true;
  }
  return false;
}

PhysAddr BitmapFrameAllocator::take(Segment& segment, std::size_t index, unsigned order) noexcept {
  std::size_t length = std::size_t{1} << order;
  segment.unavailable.set_range(index, length);
  segment.heads.set(index);
  segment.tails.set(index + length - 1);
  free_frames_ -= length;
  return frames::frame_address(segment.first_frame + index);
}

BitmapFrameAllocator::Segment* BitmapFrameAllocator::segment_of(std::uint64_t frame,
                                                                std::uint64_t count) noexcept {
  for (Segment& segment : segments_) {
    if (frame >= segment.first_frame && frame - segment.first_frame < segment.frame_count &&
        count <= segment.frame_count - (frame - segment.first_frame)) {
      return &segment;
    }
  }
  return nullptr;
}

Result<void> BitmapFrameAllocator::free(PhysAddr base, unsigned order) noexcept {
  if (order > kMaxOrder) return Error::InvalidArgument;
  std::uint64_t length = std::uint64_t{1} << order;
  // Also rejects a base inside a frame.
  if (!base.is_aligned(length * kPageSize)) return Error::InvalidArgument;
  std::uint64_t frame = base.value() >> kPageShift;
  Segment* segment = segment_of(frame, length);
  if (segment == nullptr) return Error::InvalidArgument;
  std::size_t index = frame - segment->first_frame;
  // The allocated block starting at a head ends at the first tail at or after it, so this is
  // exactly "an allocated block of 2^order frames starts here".
  std::size_t last = index + length - 1;
  if (!segment->heads.test(index) || !segment->tails.test(last) ||
      any_set(segment->tails, index, length - 1)) {
    return Error::InvalidArgument;
  }
  segment->heads.clear(index);
  segment->tails.clear(last);
  segment->unavailable.clear_range(index, length);
  free_frames_ += length;
  return {};
}

FrameStats BitmapFrameAllocator::stats() const noexcept {
  std::uint64_t longest = 0;
  for (const Segment& segment : segments_) {
    std::size_t pos = 0;
    while (pos < segment.frame_count) {
      std::optional<std::size_t> start = segment.unavailable.find_first_clear(pos);
      if (!start) break;
      std::size_t end = segment.unavailable.find_first_set(*start).value_or(segment.frame_count);
      longest = std::max<std::uint64_t>(longest, end - *start);
      pos = end;
    }
  }
  return FrameStats{
      .total_frames = total_frames_,
      .free_frames = free_frames_,
      .largest_free_run = longest,
      .metadata_bytes = metadata_bytes_,
  };
}

}  // namespace mos::mm
