#pragma once
/// A shared memory object (POSIX shm_open and friends): pages of memory that several address
/// spaces map at once (through libmm's shared regions) and kernel code reads and writes. Pages
/// are allocated, zeroed, on first use. The object lives while anything refers to it: the
/// Registry (until unlink), capabilities and handles, and every region that maps it; its frames
/// go back when the last of those goes.
///
/// Growing (resize, ftruncate) is always allowed; shrinking frees the pages beyond the new end,
/// so it is refused (Error::Busy) while the object is mapped anywhere, rather than pulling
/// pages from under the mappings.

#include <ipc/object.hpp>

#include <mm/address_space.hpp>
#include <mm/frame_source.hpp>
#include <mm/memory_object.hpp>
#include <mm/page.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::ipc {

/// See the file comment.
class SharedMemory final : public IpcObject, public mm::MemoryObject {
 public:
  static constexpr ObjectType kType = ObjectType::SharedMemory;
  /// The largest size an object may have.
  static constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 32;

  /// An object of `size` bytes whose frames come from `frames`, reached through `phys_map`
  /// (both must outlive it). Error::InvalidArgument beyond kMaxBytes, Error::NoMemory.
  static Result<RefPtr<SharedMemory>> create(mm::FrameSource& frames, mm::PhysMap phys_map,
                                             std::uint64_t size) noexcept;

  ObjectType type() const noexcept override { return kType; }

  /// Sets the size; see the file comment. Error::InvalidArgument beyond kMaxBytes,
  /// Error::Busy for a shrink while mapped, Error::NoMemory.
  Result<void> resize(std::uint64_t size) noexcept;
  std::uint64_t size() const noexcept;

  /// Maps [offset, offset + length) of the object into `space` (AddressSpace::map_shared).
  Result<VirtAddr> map(mm::AddressSpace& space, VirtAddr addr, std::uint64_t length,
                       mm::Protection protection, std::uint64_t offset,
                       mm::MapPlacement placement) noexcept;

  /// Copies out of / into the object at `offset` (within its size: else Error::OutOfRange).
  Result<void> read(std::uint64_t offset, std::span<std::byte> out) noexcept;
  Result<void> write(std::uint64_t offset, std::span<const std::byte> data) noexcept;

  /// Regions that map the object now.
  std::uint32_t mappings() const noexcept { return mappings_.load(); }
  /// Pages that have a frame.
  std::uint64_t resident_pages() const noexcept;

  // MemoryObject.
  Result<PhysAddr> frame(std::uint64_t index) noexcept override;
  void acquire_mapping() noexcept override;
  void release_mapping() noexcept override;

  PollEvents poll_locked() const noexcept override {
    return PollEvents::Readable | PollEvents::Writable;
  }

 private:
  SharedMemory(mm::FrameSource& frames, mm::PhysMap phys_map) noexcept
      : frames_(frames), phys_map_(phys_map) {}
  ~SharedMemory() override;

  // The frame of page `index`, or 0 when it has none (yet).
  PhysAddr resident(std::uint64_t index) const noexcept;
  // Frees the frames of pages [first, page_count_) (lock held).
  void drop_pages_from(std::uint64_t first) noexcept;
  // Copies between the object and `bytes` (write: into the object).
  enum class Direction : bool { Out, In };
  Result<void> copy(std::uint64_t offset, std::byte* bytes, std::size_t length,
                    Direction direction) noexcept;

  mm::FrameSource& frames_;
  mm::PhysMap phys_map_;
  mutable SpinLock lock_;
  PhysAddr* pages_ = nullptr;  // One per page of the size; 0 until first use.
  std::uint64_t page_count_ = 0;
  std::uint64_t size_ = 0;
  std::atomic<std::uint32_t> mappings_{0};
};

}  // namespace mos::ipc
