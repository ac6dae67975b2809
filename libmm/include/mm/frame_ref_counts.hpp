#pragma once
/// Per-frame reference counts over a physical range, for frames that several address spaces map
/// at once (copy-on-write after clone()). The counts live in storage the caller provides (one
/// Count per frame of the range, e.g. carved out of RAM at boot), so this type allocates nothing.

#include <mm/page.hpp>

#include <k/panic.hpp>
#include <k/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace mos::mm {

/// How many address-space mappings refer to each frame of a physical range. A count of 0 means
/// no mapping refers to the frame (it is free, or owned by something that does not count). The
/// counts are updated atomically (std::atomic_ref), because a frame shared by copy-on-write is
/// referenced from address spaces that are each serialised by a different lock. A frame outside
/// the range is a programmer error (the range must cover every frame the FrameSource of the
/// address spaces hands out) and panics.
class FrameRefCounts {
 public:
  /// The counter type: 2 bytes per frame (0.05% of RAM). A frame can be shared by at most
  /// kMaxCount mappings; past that, increment() fails and clone() copies the frame instead.
  using Count = std::uint16_t;
  /// The largest count.
  static constexpr Count kMaxCount = std::numeric_limits<Count>::max();

  /// The number of counters needed for `range` (its whole frames).
  static constexpr std::size_t entries_for(PhysRange range) noexcept {
    return range.empty() ? 0 : static_cast<std::size_t>(range.size() / kPageSize);
  }

  /// Counts for no frames at all.
  constexpr FrameRefCounts() noexcept = default;
  /// Counts for the frames of `range` (page aligned), kept in `storage` (at least
  /// entries_for(range) counters). Every count starts at 0.
  FrameRefCounts(PhysRange range, std::span<Count> storage) noexcept;
  FrameRefCounts(const FrameRefCounts&) = delete;
  FrameRefCounts& operator=(const FrameRefCounts&) = delete;

  /// The physical range covered.
  PhysRange range() const noexcept { return range_; }
  /// Whether `frame` (any address inside the frame) is covered.
  bool covers(PhysAddr frame) const noexcept { return range_.contains(frame); }

  /// The current count of `frame`.
  Count count(PhysAddr frame) const noexcept {
    return std::atomic_ref<Count>(slot(frame)).load(std::memory_order_acquire);
  }
  /// Records the first reference to a frame nobody refers to (0 -> 1), as when a page fault
  /// maps a frame fresh from the FrameSource. A frame that already has references is a
  /// programmer error (a frame handed out twice) and panics.
  void set_first(PhysAddr frame) noexcept;
  /// Adds a reference to a frame that already has one. Error::Overflow (count unchanged) when
  /// the count is kMaxCount.
  Result<void> increment(PhysAddr frame) noexcept;
  /// Drops a reference and returns how many remain; at 0 the caller frees the frame. Dropping
  /// a reference that does not exist is a programmer error and panics.
  Count decrement(PhysAddr frame) noexcept;

 private:
  Count& slot(PhysAddr frame) const noexcept {
    MOS_ASSERT(covers(frame));
    return counts_[static_cast<std::size_t>((frame - range_.start) / kPageSize)];
  }

  PhysRange range_;
  std::span<Count> counts_;
};

}  // namespace mos::mm
