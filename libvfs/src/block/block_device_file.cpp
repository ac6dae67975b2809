#include <vfs/block_device.hpp>

#include <k/string.hpp>

#include <algorithm>
#include <limits>
#include <new>

namespace mos::vfs {

namespace {

/// One sector's worth of memory for the partial sectors at either end of a request.
struct Bounce {
  explicit Bounce(std::uint32_t bytes) noexcept
      : data(new (std::nothrow) std::byte[bytes]), size(bytes) {}
  ~Bounce() { delete[] data; }
  Bounce(const Bounce&) = delete;
  Bounce& operator=(const Bounce&) = delete;
  std::span<std::byte> span() noexcept { return {data, size}; }
  std::byte* data;
  std::uint32_t size;
};

/// The part of [offset, offset + wanted) that lies on a disk of `size` bytes.
std::size_t clamp_to_disk(std::uint64_t offset, std::size_t wanted, std::uint64_t size) noexcept {
  if (offset >= size) return 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, size - offset));
}

}  // namespace

Result<std::size_t> BlockDeviceFile::read(std::uint64_t offset, std::span<std::byte> out,
                                          std::uint32_t) noexcept {
  const std::size_t total = clamp_to_disk(offset, out.size(), disk_->size_bytes());
  const std::uint32_t sector = disk_->sector_size();
  std::size_t done = 0;
  Bounce bounce(sector);
  if (bounce.data == nullptr) return Error::NoMemory;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::size_t within = static_cast<std::size_t>(at % sector);
    const std::size_t left = total - done;
    if (within == 0 && left >= sector) {
      // Whole sectors go straight into the caller's buffer.
      const std::size_t whole = left - left % sector;
      MOS_TRY(disk_->read(at / sector, out.subspan(done, whole)));
      done += whole;
      continue;
    }
    MOS_TRY(disk_->read(at / sector, bounce.span()));
    const std::size_t piece = std::min<std::size_t>(left, sector - within);
    memory_copy(out.data() + done, bounce.data + within, piece);
    done += piece;
  }
  return done;
}

Result<std::size_t> BlockDeviceFile::write(std::uint64_t offset, std::span<const std::byte> data,
                                           std::uint32_t) noexcept {
  if (disk_->read_only()) return Error::ReadOnlyFileSystem;
  if (data.empty()) return std::size_t{0};
  const std::size_t total = clamp_to_disk(offset, data.size(), disk_->size_bytes());
  if (total == 0) return Error::NoSpace;  // As Linux: a write at the end of a disk.
  const std::uint32_t sector = disk_->sector_size();
  Bounce bounce(sector);
  if (bounce.data == nullptr) return Error::NoMemory;
  sched::MutexGuard guard(write_lock_);
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::size_t within = static_cast<std::size_t>(at % sector);
    const std::size_t left = total - done;
    if (within == 0 && left >= sector) {
      const std::size_t whole = left - left % sector;
      MOS_TRY(disk_->write(at / sector, data.subspan(done, whole)));
      done += whole;
      continue;
    }
    // A partial sector: read it, change the part written, write it back.
    MOS_TRY(disk_->read(at / sector, bounce.span()));
    const std::size_t piece = std::min<std::size_t>(left, sector - within);
    memory_copy(bounce.data + within, data.data() + done, piece);
    MOS_TRY(disk_->write(at / sector, bounce.span()));
    done += piece;
  }
  return done;
}

Result<std::int64_t> BlockDeviceFile::seek(std::int64_t position, std::int64_t offset,
                                           Whence whence) noexcept {
  const auto size = static_cast<std::int64_t>(
      std::min<std::uint64_t>(disk_->size_bytes(), std::numeric_limits<std::int64_t>::max()));
  std::int64_t base;
  switch (whence) {
    case Whence::Set:
      base = 0;
      break;
    case Whence::Current:
      base = position;
      break;
    case Whence::End:
      base = size;
      break;
    default:
      return Error::InvalidArgument;
  }
  // As Linux's block-device llseek: the result must lie within the disk.
  if ((offset > 0 && base > size - offset) || base + offset < 0) return Error::InvalidArgument;
  return base + offset;
}

}  // namespace mos::vfs
