#pragma once
/// Frames for the time before a frame allocator exists: the kernel's own page tables are built
/// from these, because the frame allocator's metadata may lie where only the new tables reach.

#include <mm/frame_source.hpp>
#include <mm/page.hpp>

#include <k/boot_info.hpp>
#include <k/fixed_vector.hpp>

#include <cstdint>
#include <span>

namespace mos::mm {

/// A bump allocator over the usable memory below `limit` that steps around reserved ranges.
/// Frames it hands out stay in use for good (they become page tables); free_frames ignores
/// them. used() lists what it handed out, so that the frame allocator can treat it as reserved.
class EarlyFrameSource final : public FrameSource {
 public:
  static constexpr std::size_t kMaxUsedRanges = 8;

  /// `map` and `reserved` must outlive the source.
  EarlyFrameSource(std::span<const MemoryRegion> map, std::span<const PhysRange> reserved,
                   std::uint64_t limit) noexcept
      : map_(map), reserved_(reserved), limit_(limit) {}

  /// The next free block of 2^order frames (naturally aligned) at or above the last one handed
  /// out, or Error::NoMemory.
  Result<PhysAddr> allocate_frames(unsigned order) noexcept override;
  /// Early frames are never returned: they are reserved for good once the frame allocator is
  /// built. Ignored.
  void free_frames(PhysAddr base, unsigned order) noexcept override;

  /// The ranges handed out so far, merged where they touch.
  std::span<const PhysRange> used() const noexcept { return used_.span(); }
  /// Whether `frame` was handed out by this source.
  bool owns(PhysAddr frame) const noexcept;

 private:
  bool is_free(PhysRange candidate) const noexcept;

  std::span<const MemoryRegion> map_;
  std::span<const PhysRange> reserved_;
  std::uint64_t limit_;
  PhysAddr cursor_;
  FixedVector<PhysRange, kMaxUsedRanges> used_;
};

}  // namespace mos::mm
