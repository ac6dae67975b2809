#include <vfs/block_device.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::vfs {

Result<void> BlockDevice::check_request(std::uint64_t first_sector,
                                        std::size_t bytes) const noexcept {
  const std::uint32_t sector = sector_size();
  if (bytes % sector != 0) return Error::InvalidArgument;
  const std::uint64_t count = bytes / sector;
  const std::uint64_t total = sector_count();
  if (first_sector > total || count > total - first_sector) return Error::NoDeviceOrAddress;
  return {};
}

Result<RefPtr<MemoryBlockDevice>> MemoryBlockDevice::create(std::uint64_t sector_count,
                                                            std::uint32_t sector_size) noexcept {
  if (sector_size < 512 || (sector_size & (sector_size - 1)) != 0) return Error::InvalidArgument;
  if (sector_count > (std::uint64_t{1} << 40) / sector_size) return Error::NoMemory;
  const std::size_t bytes = static_cast<std::size_t>(sector_count) * sector_size;
  auto* memory = new (std::nothrow) std::byte[bytes == 0 ? 1 : bytes]();
  if (memory == nullptr) return Error::NoMemory;
  auto* disk = new (std::nothrow)
      MemoryBlockDevice(std::span<std::byte>(memory, bytes), sector_size, /*owned=*/true);
  if (disk == nullptr) {
    delete[] memory;
    return Error::NoMemory;
  }
  return RefPtr<MemoryBlockDevice>::adopt(disk);
}

Result<RefPtr<MemoryBlockDevice>> MemoryBlockDevice::wrap(std::span<std::byte> contents,
                                                          std::uint32_t sector_size) noexcept {
  if (sector_size < 512 || (sector_size & (sector_size - 1)) != 0) return Error::InvalidArgument;
  if (contents.size() % sector_size != 0) return Error::InvalidArgument;
  auto* disk = new (std::nothrow) MemoryBlockDevice(contents, sector_size, /*owned=*/false);
  if (disk == nullptr) return Error::NoMemory;
  return RefPtr<MemoryBlockDevice>::adopt(disk);
}

MemoryBlockDevice::~MemoryBlockDevice() {
  if (owned_) delete[] bytes_.data();
}

Result<void> MemoryBlockDevice::read(std::uint64_t first_sector,
                                     std::span<std::byte> out) noexcept {
  MOS_TRY(check_request(first_sector, out.size()));
  memory_copy(out.data(), bytes_.data() + first_sector * sector_size_, out.size());
  return {};
}

Result<void> MemoryBlockDevice::write(std::uint64_t first_sector,
                                      std::span<const std::byte> data) noexcept {
  MOS_TRY(check_request(first_sector, data.size()));
  memory_copy(bytes_.data() + first_sector * sector_size_, data.data(), data.size());
  writes_.fetch_add(1, std::memory_order_relaxed);
  return {};
}

}  // namespace mos::vfs
