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

// Cuts the bytes [offset, offset + total) of a disk with `sector`-byte sectors into runs of
// whole sectors, handed to whole(first_sector, done, bytes), and single partial sectors, handed
// to partial(sector, within, done, bytes); `done` counts the bytes before the run. Returns how
// many bytes were transferred before the first run that failed, and that run's error: a short
// transfer is a success, as Linux's block-device files report it.
template <class Whole, class Partial>
Result<std::size_t> for_each_run(std::uint64_t offset, std::size_t total, std::uint32_t sector,
                                 Whole whole, Partial partial) noexcept {
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::size_t within = static_cast<std::size_t>(at % sector);
    const std::size_t left = total - done;
    const bool aligned = within == 0 && left >= sector;
    const std::size_t bytes =
        aligned ? left - left % sector : std::min<std::size_t>(left, sector - within);
    const Result<void> moved = aligned ? whole(at / sector, done, bytes)
                                       : partial(at / sector, within, done, bytes);
    if (!moved) {
      if (done > 0) return done;
      return moved.error();
    }
    done += bytes;
  }
  return done;
}

}  // namespace

Result<std::size_t> BlockDeviceFile::read(std::uint64_t offset, std::span<std::byte> out,
                                          std::uint32_t) noexcept {
  const std::size_t total = clamp_to_disk(offset, out.size(), disk_->size_bytes());
  Bounce bounce(disk_->sector_size());
  if (bounce.data == nullptr) return Error::NoMemory;
  // (Not MOS_TRY around it: the lambdas use MOS_TRY themselves.)
  const Result<std::size_t> ran = for_each_run(
      offset, total, disk_->sector_size(),
      // Whole sectors go straight into the caller's buffer.
      [&](std::uint64_t first, std::size_t done, std::size_t bytes) noexcept {
        return disk_->read(first, out.subspan(done, bytes));
      },
      [&](std::uint64_t sector, std::size_t within, std::size_t done,
          std::size_t bytes) noexcept -> Result<void> {
        MOS_TRY(disk_->read(sector, bounce.span()));
        memory_copy(out.data() + done, bounce.data + within, bytes);
        return {};
      });
  return ran;
}

Result<std::size_t> BlockDeviceFile::write(std::uint64_t offset, std::span<const std::byte> data,
                                           std::uint32_t) noexcept {
  if (disk_->read_only()) return Error::ReadOnlyFileSystem;
  if (data.empty()) return std::size_t{0};
  const std::size_t total = clamp_to_disk(offset, data.size(), disk_->size_bytes());
  if (total == 0) return Error::NoSpace;  // As Linux: a write at the end of a disk.
  Bounce bounce(disk_->sector_size());
  if (bounce.data == nullptr) return Error::NoMemory;
  sched::MutexGuard guard(write_lock_);
  const Result<std::size_t> ran = for_each_run(
      offset, total, disk_->sector_size(),
      [&](std::uint64_t first, std::size_t done, std::size_t bytes) noexcept {
        return disk_->write(first, data.subspan(done, bytes));
      },
      // A partial sector: read it, change the part written, write it back.
      [&](std::uint64_t sector, std::size_t within, std::size_t done,
          std::size_t bytes) noexcept -> Result<void> {
        MOS_TRY(disk_->read(sector, bounce.span()));
        memory_copy(bounce.data + within, data.data() + done, bytes);
        return disk_->write(sector, bounce.span());
      });
  return ran;
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
