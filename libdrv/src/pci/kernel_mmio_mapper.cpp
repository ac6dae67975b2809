// The machine's MMIO mapper. Its own file, so that only images (which bind libmm's kernel
// functions) link it; host tests use their fake mapper.
#include <drv/mmio.hpp>

#include <mm/kernel_memory.hpp>

#include <new>

namespace mos::drv {

Result<MmioWindow*> KernelMmioMapper::map(PhysAddr base, std::uint64_t size) noexcept {
  if (size == 0 || base.value() + size < base.value()) return Error::InvalidArgument;
  const VirtAddr virt = MOS_TRY(mm::kernel_map_mmio(base, size, mm::CachePolicy::Uncached));
  // Mappings are permanent, and so is the window object describing one.
  auto* window = new (std::nothrow) MappedRegisters(virt.as_ptr<volatile std::byte>(), size);
  if (window == nullptr) return Error::NoMemory;
  return static_cast<MmioWindow*>(window);
}

}  // namespace mos::drv
