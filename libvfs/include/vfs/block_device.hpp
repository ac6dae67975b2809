#pragma once
/// BlockDevice: storage addressed in fixed-size sectors — the interface file systems (ext2) read
/// and write through, and that disk drivers (libdrv's virtio-blk) implement. Also the two things
/// every block device needs around it: a RAM disk (tests, boot-time disks) and the adapter that
/// makes a disk a device file (/dev/vda: byte offsets, partial sectors, lseek within its size).

#include <vfs/device.hpp>

#include <sched/mutex.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::vfs {

/// See the file comment. Implementations are synchronised: several threads may have requests in
/// flight at once, and a driver may complete them in any order.
class BlockDevice : public RefCounted {
 public:
  /// Bytes per sector: a power of two, at least 512.
  virtual std::uint32_t sector_size() const noexcept = 0;
  /// How many sectors the device has.
  virtual std::uint64_t sector_count() const noexcept = 0;
  /// Whether the medium refuses writes (a read-only virtio disk).
  virtual bool read_only() const noexcept { return false; }

  /// Reads out.size() / sector_size() sectors from `first_sector` on. Error::InvalidArgument if
  /// out.size() is not a multiple of the sector size, Error::NoDeviceOrAddress if the range
  /// leaves the device, Error::Io if the device failed.
  virtual Result<void> read(std::uint64_t first_sector, std::span<std::byte> out) noexcept = 0;
  /// Writes data.size() / sector_size() sectors from `first_sector` on; the errors of read, and
  /// Error::ReadOnlyFileSystem for a read-only medium. Returns once the device has taken the
  /// data; it is durable only after flush().
  virtual Result<void> write(std::uint64_t first_sector,
                             std::span<const std::byte> data) noexcept = 0;
  /// Makes every completed write durable (a cache flush on the device). Error::Io.
  virtual Result<void> flush() noexcept = 0;

  /// Bytes the device holds.
  std::uint64_t size_bytes() const noexcept { return sector_count() * sector_size(); }

 protected:
  /// The checks every implementation makes before a request: the errors read() and write() name
  /// for sizes and ranges.
  Result<void> check_request(std::uint64_t first_sector, std::size_t bytes) const noexcept;
};

/// A disk in kernel memory: a RAM disk, and the fake that file-system tests run on. Its contents
/// are the caller's buffer (an image read from a file, a boot module), or zeroes it allocates.
class MemoryBlockDevice final : public BlockDevice {
 public:
  /// A disk of `sector_count` zeroed sectors. Error::NoMemory.
  static Result<RefPtr<MemoryBlockDevice>> create(std::uint64_t sector_count,
                                                  std::uint32_t sector_size = 512) noexcept;
  /// A disk over `contents` (whose size must be a multiple of the sector size; the caller keeps
  /// the memory alive): writes go to it. Error::InvalidArgument, Error::NoMemory.
  static Result<RefPtr<MemoryBlockDevice>> wrap(std::span<std::byte> contents,
                                                std::uint32_t sector_size = 512) noexcept;

  std::uint32_t sector_size() const noexcept override { return sector_size_; }
  std::uint64_t sector_count() const noexcept override { return bytes_.size() / sector_size_; }
  Result<void> read(std::uint64_t first_sector, std::span<std::byte> out) noexcept override;
  Result<void> write(std::uint64_t first_sector, std::span<const std::byte> data) noexcept override;
  Result<void> flush() noexcept override { return {}; }

  /// The whole disk, for tests that inspect what a file system wrote.
  std::span<std::byte> contents() noexcept { return bytes_; }
  /// Write requests that reached the disk (tests check that caches write back).
  std::uint64_t writes() const noexcept { return writes_.load(std::memory_order_relaxed); }

  ~MemoryBlockDevice() override;

 private:
  MemoryBlockDevice(std::span<std::byte> bytes, std::uint32_t sector_size, bool owned) noexcept
      : bytes_(bytes), sector_size_(sector_size), owned_(owned) {}
  std::span<std::byte> bytes_;
  std::uint32_t sector_size_;
  bool owned_;
  std::atomic<std::uint64_t> writes_{0};
};

/// A block device as a device file: byte-addressed reads and writes at the open file's offset
/// (partial sectors read-modify-write), lseek within the disk's size (SEEK_END from it), reads
/// at or past the end return 0 and writes there Error::NoSpace, as Linux's block-device files do.
class BlockDeviceFile final : public Device {
 public:
  explicit BlockDeviceFile(RefPtr<BlockDevice> disk) noexcept
      : disk_(static_cast<RefPtr<BlockDevice>&&>(disk)) {}

  Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out,
                           std::uint32_t flags) noexcept override;
  Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data,
                            std::uint32_t flags) noexcept override;
  Result<std::int64_t> seek(std::int64_t position, std::int64_t offset,
                            Whence whence) noexcept override;
  bool advances_offset() const noexcept override { return true; }

  BlockDevice* block_device() noexcept override { return disk_.get(); }

 private:
  RefPtr<BlockDevice> disk_;
  /// Serialises writes, so that two read-modify-writes of one sector do not lose either.
  sched::Mutex write_lock_;
};

}  // namespace mos::vfs
