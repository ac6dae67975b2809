#pragma once
/// Memory that devices reach by DMA: physically contiguous, zeroed, with both the address the CPU
/// uses and the one the device uses. Drivers take a DmaMemory& (dependencies are handed in), so
/// that host tests give them a fake whose "physical" addresses a fake device translates back.

#include <mm/frame_source.hpp>
#include <mm/page.hpp>

#include <k/address.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::drv {

/// One DMA allocation.
struct DmaRegion {
  std::byte* virt = nullptr;  ///< Where the CPU reads and writes it.
  PhysAddr phys;              ///< What the device is told (no IOMMU: the physical address).
  std::size_t size = 0;       ///< Bytes; at least what was asked for.

  /// Whether this is an allocation (a default DmaRegion is none).
  explicit operator bool() const noexcept { return virt != nullptr; }
};

/// See the file comment. Implementations are usable from several threads at once.
class DmaMemory {
 public:
  /// A zeroed, physically contiguous region of at least `bytes` bytes, aligned to a page.
  /// Error::InvalidArgument for 0 bytes or more than the implementation can give in one piece,
  /// Error::NoMemory.
  virtual Result<DmaRegion> allocate(std::size_t bytes) noexcept = 0;
  /// Returns a region allocate() gave (a default region is ignored).
  virtual void free(const DmaRegion& region) noexcept = 0;

 protected:
  ~DmaMemory() = default;
};

/// The machine's DMA memory: blocks of 2^order frames from a frame source (contiguous and
/// aligned to their size) seen through the direct map. Up to 2^mm::kMinMaxOrder frames (4 MiB)
/// per region.
class FrameDmaMemory final : public DmaMemory {
 public:
  /// Frames come from `frames` (the kernel's, mm::kernel_frames()) and are reached at
  /// `phys_map` (mm::kernel_phys_map()).
  FrameDmaMemory(mm::FrameSource& frames, mm::PhysMap phys_map) noexcept
      : frames_(frames), phys_map_(phys_map) {}

  Result<DmaRegion> allocate(std::size_t bytes) noexcept override;
  void free(const DmaRegion& region) noexcept override;

 private:
  mm::FrameSource& frames_;
  mm::PhysMap phys_map_;
};

}  // namespace mos::drv
