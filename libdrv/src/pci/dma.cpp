// DMA memory from the frame allocator, reached through the direct map.
#include <drv/dma.hpp>

#include <mm/frame_allocator.hpp>

#include <k/string.hpp>

#include <bit>

namespace mos::drv {

namespace {

// The order of the smallest block of frames holding `bytes`.
unsigned order_for(std::size_t bytes) noexcept {
  const std::size_t pages = (bytes + mm::kPageSize - 1) / mm::kPageSize;
  return static_cast<unsigned>(std::bit_width(std::bit_ceil(pages)) - 1);
}

}  // namespace

Result<DmaRegion> FrameDmaMemory::allocate(std::size_t bytes) noexcept {
  if (bytes == 0 || bytes > (mm::kPageSize << mm::kMinMaxOrder)) return Error::InvalidArgument;
  const unsigned order = order_for(bytes);
  const PhysAddr base = MOS_TRY(frames_.allocate_frames(order));
  DmaRegion region{phys_map_.at<std::byte>(base), base, mm::kPageSize << order};
  // Devices must not see a previous owner's data, and rings start out all zero.
  memory_set(region.virt, 0, region.size);
  return region;
}

void FrameDmaMemory::free(const DmaRegion& region) noexcept {
  if (!region) return;
  frames_.free_frames(region.phys, order_for(region.size));
}

}  // namespace mos::drv
