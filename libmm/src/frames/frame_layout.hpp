#pragma once
/// What both frame allocators work out from a FrameAllocatorConfig before they own any memory:
/// which frames are managed, how those frames group into segments, and where the allocator's
/// metadata goes. Private to the frame-allocator policies, and header-only so that each policy
/// library stands alone.
///
/// The rules, shared so that both allocators manage exactly the same frames:
/// - A frame is managed when a Usable region of the map covers it entirely (regions are trimmed
///   inward to whole frames) and neither a reserved range nor a non-Usable region of the map
///   touches it (those are rounded outward). A malformed map is thus read conservatively: where
///   firmware calls memory both usable and something else, it is not used.
/// - Overlapping or duplicate Usable regions describe their union: no frame counts twice.
/// - A Usable region whose end would pass 2^64 is malformed and ignored, since no part of it can
///   be trusted to exist.
/// - Metadata lies in the lowest run of managed frames, inside one Usable region, that is long
///   enough; those frames are then no longer managed.

#include <mm/frame_allocator.hpp>
#include <mm/page.hpp>

#include <k/boot_info.hpp>
#include <k/fixed_vector.hpp>
#include <k/panic.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

namespace mos::mm::frames {

/// A half-open range of frame numbers [first, end) (frame number = physical address / 4 KiB).
struct FrameSpan {
  std::uint64_t first = 0;
  std::uint64_t end = 0;

  /// Frames in the span.
  constexpr std::uint64_t count() const noexcept { return end > first ? end - first : 0; }
  /// Whether the span holds no frame.
  constexpr bool empty() const noexcept { return end <= first; }
  /// The frames in both spans (possibly empty).
  constexpr FrameSpan intersect(FrameSpan other) const noexcept {
    return {std::max(first, other.first), std::min(end, other.end)};
  }
  /// Whether frame `frame` lies in the span.
  constexpr bool contains(std::uint64_t frame) const noexcept {
    return frame >= first && frame < end;
  }
};

/// The physical address of frame number `frame`.
constexpr PhysAddr frame_address(std::uint64_t frame) noexcept {
  return PhysAddr(frame << kPageShift);
}

/// The frames lying wholly inside [start, start + length); empty when the range wraps past 2^64.
constexpr FrameSpan frames_inside(std::uint64_t start, std::uint64_t length) noexcept {
  if (length > std::numeric_limits<std::uint64_t>::max() - start) return {};
  std::uint64_t first = (start >> kPageShift) + ((start & (kPageSize - 1)) != 0 ? 1 : 0);
  return {first, (start + length) >> kPageShift};
}

/// The frames that [start, end) touches; empty when end <= start. Computed in frames so that an
/// end near 2^64 cannot wrap when rounded up.
constexpr FrameSpan frames_touching(std::uint64_t start, std::uint64_t end) noexcept {
  if (end <= start) return {};
  return {start >> kPageShift, (end >> kPageShift) + ((end & (kPageSize - 1)) != 0 ? 1 : 0)};
}

/// Calls fn(FrameSpan) for each Usable region of the map, trimmed inward, skipping empty ones.
template <class Fn>
void for_each_usable(const FrameAllocatorConfig& config, Fn fn) noexcept {
  for (const MemoryRegion& region : config.memory_map) {
    if (region.kind != MemoryRegion::Kind::Usable) continue;
    FrameSpan span = frames_inside(region.base.value(), region.length);
    if (!span.empty()) fn(span);
  }
}

/// Calls fn(FrameSpan) for each range that must not be managed: the reserved ranges and the
/// map's non-Usable regions, rounded outward.
template <class Fn>
void for_each_excluded(const FrameAllocatorConfig& config, Fn fn) noexcept {
  for (const PhysRange& range : config.reserved) {
    FrameSpan span = frames_touching(range.start.value(), range.end.value());
    if (!span.empty()) fn(span);
  }
  for (const MemoryRegion& region : config.memory_map) {
    if (region.kind == MemoryRegion::Kind::Usable) continue;
    std::uint64_t base = region.base.value();
    std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    // A non-Usable region that wraps is excluded up to the top of the address space.
    std::uint64_t end = region.length > max - base ? max : base + region.length;
    FrameSpan span = frames_touching(base, end);
    if (!span.empty()) fn(span);
  }
}

/// Calls fn(FrameSpan) for each maximal run of usable frames (the union of Usable regions that
/// overlap or touch), in ascending order. O(regions^2) per run, for maps of at most a few hundred
/// regions, without any storage.
template <class Fn>
void for_each_usable_run(const FrameAllocatorConfig& config, Fn fn) noexcept {
  std::uint64_t cursor = 0;  // Every usable frame below it has been reported.
  for (;;) {
    std::optional<std::uint64_t> first;
    std::uint64_t end = 0;
    for_each_usable(config, [&](FrameSpan span) {
      if (span.end <= cursor) return;
      std::uint64_t start = std::max(span.first, cursor);
      if (!first || start < *first) {
        first = start;
        end = span.end;
      }
    });
    if (!first) return;
    for (bool grew = true; grew;) {
      grew = false;
      for_each_usable(config, [&](FrameSpan span) {
        if (span.first <= end && span.end > end) {
          end = span.end;
          grew = true;
        }
      });
    }
    fn(FrameSpan{*first, end});
    cursor = end;
  }
}

/// Gaps between usable frames shorter than this many frames (128 MiB) stay inside a segment:
/// covering such a gap with metadata costs less than keeping the pieces apart.
inline constexpr std::uint64_t kSegmentGapFrames = std::uint64_t{1} << 15;

/// Groups the usable frames into at most N disjoint segments in ascending order, each spanning
/// from the first to the last usable frame of a cluster of runs. Allocators keep metadata per
/// frame of a segment, so RAM far apart (above 4 GiB, or on another node) costs nothing for the
/// hole between. The segments are separated by the N - 1 largest gaps of at least
/// kSegmentGapFrames (equal gaps ranked by address), so the holes that stay inside segments are
/// the smallest ones. Empty when the map has no usable frame. N walks over the runs: O(N *
/// regions^2) for a map in any order, once at boot.
template <std::size_t N>
FixedVector<FrameSpan, N> segments_of(const FrameAllocatorConfig& config) noexcept {
  static_assert(N > 0);
  // A gap's rank: its size, then its address (unique, so ranks are distinct).
  struct Gap {
    std::uint64_t size;
    std::uint64_t at;
    constexpr bool operator<(const Gap& other) const noexcept {
      return size != other.size ? size < other.size : at < other.at;
    }
  };
  auto for_each_gap = [&](auto gap_fn) {
    std::optional<std::uint64_t> previous_end;
    for_each_usable_run(config, [&](FrameSpan run) {
      if (previous_end) gap_fn(Gap{run.first - *previous_end, *previous_end});
      previous_end = run.end;
    });
  };
  // The smallest separator: walk down from the largest gap, N - 1 times at most.
  std::optional<Gap> smallest_separator;
  for (std::size_t i = 0; i + 1 < N; ++i) {
    std::optional<Gap> next;
    for_each_gap([&](Gap gap) {
      if (gap.size < kSegmentGapFrames) return;
      if (smallest_separator && !(gap < *smallest_separator)) return;
      if (!next || *next < gap) next = gap;
    });
    if (!next) break;
    smallest_separator = next;
  }
  FixedVector<FrameSpan, N> segments;
  std::optional<std::uint64_t> previous_end;
  for_each_usable_run(config, [&](FrameSpan run) {
    bool separated = previous_end && smallest_separator &&
                     !(Gap{run.first - *previous_end, *previous_end} < *smallest_separator);
    if (!previous_end || separated) {
      Result<void> pushed = segments.push_back(run);
      // At most N - 1 gaps separate, so there are at most N segments.
      MOS_ASSERT(pushed.has_value());
    } else {
      segments.back().end = run.end;
    }
    previous_end = run.end;
  });
  return segments;
}

/// The lowest `count` consecutive frames that lie inside one Usable region and touch no
/// excluded range, if there are any. Each failed window resumes after the excluded range that
/// broke it, so the cost is O(regions * excluded^2) at worst.
inline std::optional<FrameSpan> place_metadata(const FrameAllocatorConfig& config,
                                               std::uint64_t count) noexcept {
  MOS_ASSERT(count > 0);
  std::optional<FrameSpan> best;
  for_each_usable(config, [&](FrameSpan usable) {
    std::uint64_t start = usable.first;
    while (start < usable.end && usable.end - start >= count) {
      FrameSpan window{start, start + count};
      std::optional<std::uint64_t> blocked_until;
      for_each_excluded(config, [&](FrameSpan excluded) {
        if (!window.intersect(excluded).empty()) {
          blocked_until = std::max(blocked_until.value_or(0), excluded.end);
        }
      });
      if (!blocked_until) {
        if (!best || window.first < best->first) best = window;
        return;
      }
      start = *blocked_until;
    }
  });
  return best;
}

}  // namespace mos::mm::frames
