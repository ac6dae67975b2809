#include <ipc/shared_memory.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::ipc {
namespace {

std::uint64_t pages_for(std::uint64_t bytes) noexcept {
  return (bytes + mm::kPageSize - 1) / mm::kPageSize;
}

}  // namespace

Result<RefPtr<SharedMemory>> SharedMemory::create(mm::FrameSource& frames, mm::PhysMap phys_map,
                                                  std::uint64_t size) noexcept {
  auto* object = new (std::nothrow) SharedMemory(frames, phys_map);
  if (object == nullptr) return Error::NoMemory;
  auto shared = RefPtr<SharedMemory>::adopt(object);
  MOS_TRY(shared->resize(size));
  return shared;
}

SharedMemory::~SharedMemory() {
  drop_pages_from(0);
  delete[] pages_;
}

void SharedMemory::drop_pages_from(std::uint64_t first) noexcept {
  for (std::uint64_t i = first; i < page_count_; ++i) {
    if (pages_[i].value() != 0) frames_.free_frames(pages_[i], 0);
    pages_[i] = PhysAddr(0);
  }
}

Result<void> SharedMemory::resize(std::uint64_t size) noexcept {
  if (size > kMaxBytes) return Error::InvalidArgument;
  const std::uint64_t wanted = pages_for(size);
  PhysAddr* fresh = nullptr;
  if (wanted > page_count_) {
    // Allocated before taking the lock; copied into under it.
    fresh = new (std::nothrow) PhysAddr[wanted];
    if (fresh == nullptr) return Error::NoMemory;
  }
  PhysAddr* old = nullptr;
  {
    SpinLockGuard guard(lock_);
    if (wanted < page_count_) {
      if (mappings_.load() > 0) {
        delete[] fresh;
        return Error::Busy;
      }
      drop_pages_from(wanted);
      page_count_ = wanted;
    } else if (wanted > page_count_) {
      for (std::uint64_t i = 0; i < page_count_; ++i) fresh[i] = pages_[i];
      for (std::uint64_t i = page_count_; i < wanted; ++i) fresh[i] = PhysAddr(0);
      old = pages_;
      pages_ = fresh;
      page_count_ = wanted;
      fresh = nullptr;
    }
    // Bytes between the old and the new size within the last page read as zero: they were
    // never written (a shrink keeps the page, but a later grow must not reveal old bytes).
    if (size > size_ && size_ % mm::kPageSize != 0 && size_ / mm::kPageSize < page_count_) {
      const PhysAddr last = pages_[size_ / mm::kPageSize];
      if (last.value() != 0) {
        memory_set(phys_map_.at<std::byte>(last) + size_ % mm::kPageSize, 0,
                   mm::kPageSize - size_ % mm::kPageSize);
      }
    }
    size_ = size;
  }
  delete[] fresh;
  delete[] old;
  return {};
}

std::uint64_t SharedMemory::size() const noexcept {
  SpinLockGuard guard(lock_);
  return size_;
}

std::uint64_t SharedMemory::resident_pages() const noexcept {
  SpinLockGuard guard(lock_);
  std::uint64_t resident = 0;
  for (std::uint64_t i = 0; i < page_count_; ++i) resident += pages_[i].value() != 0 ? 1 : 0;
  return resident;
}

PhysAddr SharedMemory::resident(std::uint64_t index) const noexcept {
  SpinLockGuard guard(lock_);
  return index < page_count_ ? pages_[index] : PhysAddr(0);
}

Result<PhysAddr> SharedMemory::frame(std::uint64_t index) noexcept {
  SpinLockGuard guard(lock_);
  if (index >= page_count_) return Error::OutOfRange;
  if (pages_[index].value() == 0) {
    PhysAddr frame = MOS_TRY(frames_.allocate_frames(0));
    memory_set(phys_map_.at<std::byte>(frame), 0, mm::kPageSize);
    pages_[index] = frame;
  }
  return pages_[index];
}

void SharedMemory::acquire_mapping() noexcept {
  acquire();  // A mapping keeps the object alive.
  mappings_.fetch_add(1);
}

void SharedMemory::release_mapping() noexcept {
  mappings_.fetch_sub(1);
  release();
}

Result<VirtAddr> SharedMemory::map(mm::AddressSpace& space, VirtAddr addr, std::uint64_t length,
                                   mm::Protection protection, std::uint64_t offset,
                                   mm::MapPlacement placement) noexcept {
  return space.map_shared(addr, length, protection, *this, offset, placement);
}

Result<void> SharedMemory::copy(std::uint64_t offset, std::byte* bytes, std::size_t length,
                                Direction direction) noexcept {
  if (offset > size() || length > size() - offset) return Error::OutOfRange;
  while (length > 0) {
    const std::uint64_t within = offset % mm::kPageSize;
    const std::size_t chunk = length < mm::kPageSize - within ? length : mm::kPageSize - within;
    if (direction == Direction::In) {
      PhysAddr page = MOS_TRY(frame(offset / mm::kPageSize));
      memory_copy(phys_map_.at<std::byte>(page) + within, bytes, chunk);
    } else if (PhysAddr page = resident(offset / mm::kPageSize); page.value() != 0) {
      memory_copy(bytes, phys_map_.at<std::byte>(page) + within, chunk);
    } else {
      memory_set(bytes, 0, chunk);  // A page never written reads as zeros, and stays absent.
    }
    offset += chunk;
    bytes += chunk;
    length -= chunk;
  }
  return {};
}

Result<void> SharedMemory::read(std::uint64_t offset, std::span<std::byte> out) noexcept {
  return copy(offset, out.data(), out.size(), Direction::Out);
}

Result<void> SharedMemory::write(std::uint64_t offset, std::span<const std::byte> data) noexcept {
  return copy(offset, const_cast<std::byte*>(data.data()), data.size(), Direction::In);
}

}  // namespace mos::ipc
