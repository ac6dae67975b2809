#pragma once
/// The kernel's memory, put together from the policies an image chose: the kernel page table
/// (a direct map of all RAM, the image mapped W^X, guard pages left unmapped, no identity map),
/// the frame allocator, the reference counts of frames that address spaces share, and the
/// kernel heap behind operator new and malloc. An image's generated
/// glue (tools/gen_image_glue.py) holds one KernelMemory<Frames, Heap> and binds the functions
/// declared at the end of this file to it.

#include <mm/early_frame_source.hpp>
#include <mm/frame_allocator.hpp>
#include <mm/frame_ref_counts.hpp>
#include <mm/region_table.hpp>
#include <mm/heap.hpp>
#include <mm/page_table.hpp>

#include <k/boot_info.hpp>
#include <k/fixed_vector.hpp>
#include <k/platform/kernel_image.hpp>
#include <k/spin_lock.hpp>

#include <bit>
#include <optional>

namespace mos::mm {

/// What KernelMemory does that does not depend on the chosen policies.
class KernelMemoryCore : public FrameSource, public PageSource {
 public:
  static constexpr std::size_t kMaxReserved = BootInfo::kMaxModules + 4 +
                                              EarlyFrameSource::kMaxUsedRanges;

  /// The kernel's page table (valid after init).
  PageTable& page_table() noexcept { return *page_table_; }
  /// How physical memory is reached.
  PhysMap phys_map() const noexcept { return phys_map_; }
  /// Ranges the frame allocator must never hand out.
  std::span<const PhysRange> reserved() const noexcept { return reserved_.span(); }
  /// One reference count per frame of RAM, for address spaces (valid after init).
  FrameRefCounts& frame_ref_counts() noexcept { return *ref_counts_; }
  /// The lock every change to the kernel page table after init holds (the table itself is not
  /// synchronised, and threads may change it concurrently: stacks, device mappings).
  SpinLock& page_table_lock() noexcept { return page_table_lock_; }

  /// Maps the device memory [phys, phys + size) (rounded out to pages) into the kernel's MMIO
  /// window, readable and writable, never executable, cached as `cache` says, and returns the
  /// virtual address of `phys`. Mappings are permanent. Errors: Error::InvalidArgument for an
  /// empty or wrapping range, Error::NoMemory when the window or page-table frames run out.
  Result<VirtAddr> map_mmio(PhysAddr phys, std::uint64_t size, CachePolicy cache) noexcept;

  /// Where the reference counts are mapped: an upper-half region of their own (see README.md).
  static constexpr std::uint64_t kFrameRefCountsBase = 0xffffe00000000000ULL;
  /// The MMIO window: device memory mapped by map_mmio.
  static constexpr std::uint64_t kMmioBase = 0xffffd00000000000ULL;
  static constexpr std::uint64_t kMmioBytes = 0x0000010000000000ULL;  // 1 TiB.

 protected:
  constexpr KernelMemoryCore() noexcept = default;
  ~KernelMemoryCore() = default;

  /// Collects the reserved ranges, builds the kernel page table from early frames and switches
  /// to it. Afterwards reserved() also covers the early frames.
  Result<void> init_paging(const BootInfo& boot) noexcept;

  /// Maps zeroed storage for a reference count per frame of RAM (up to the end of the highest
  /// usable region) at kFrameRefCountsBase, with frames from this FrameSource, which must be
  /// ready. Error::NoMemory when frames run out.
  Result<void> init_frame_ref_counts(const BootInfo& boot) noexcept;

  /// Whether a frame belongs to the kernel page table's boot-time frames (never freed).
  bool is_early_frame(PhysAddr frame) const noexcept { return early_ && early_->owns(frame); }

  FixedVector<PhysRange, kMaxReserved> reserved_;
  std::optional<EarlyFrameSource> early_;
  std::optional<PageTable> page_table_;
  std::optional<FrameRefCounts> ref_counts_;
  PhysMap phys_map_;
  SpinLock page_table_lock_;
  std::uint64_t mmio_used_ = 0;  // Bytes of the MMIO window handed out.
};

/// The kernel's memory with frame allocator `Frames` and heap `KernelHeap`. Frame allocation
/// and the heap each have their own SpinLock, so both are usable from any kernel context.
template <FrameAllocator Frames, Heap KernelHeap>
class KernelMemory final : public KernelMemoryCore {
 public:
  constexpr KernelMemory() noexcept = default;

  /// Builds everything from the boot information. On failure nothing is usable and the error
  /// says why (Error::NoMemory: not enough RAM for the tables or the allocator's metadata).
  Result<void> init(const BootInfo& boot) noexcept {
    MOS_TRY(init_paging(boot));
    FrameAllocatorConfig config{boot.memory_map.span(), reserved_.span(), phys_map_};
    frames_.emplace(MOS_TRY(Frames::create(config)));
    page_table_->use_frame_source(*this);
    MOS_TRY(init_frame_ref_counts(boot));
    heap_.emplace(static_cast<PageSource&>(*this));
    return {};
  }

  // FrameSource, for page tables, heaps and address spaces.
  Result<PhysAddr> allocate_frames(unsigned order) noexcept override {
    SpinLockGuard guard(frames_lock_);
    return frames_->allocate(order);
  }
  void free_frames(PhysAddr base, unsigned order) noexcept override {
    if (is_early_frame(base)) return;  // A boot-time table; it stays reserved.
    SpinLockGuard guard(frames_lock_);
    auto freed = frames_->free(base, order);
    // Kernel code returning a block it does not own is a bug, not bad input.
    if (!freed) MOS_PANIC("frames: bad free of {} (order {}): {}", base, order, freed.error());
  }

  // PageSource, for the heap: whole frames through the direct map.
  Result<std::span<std::byte>> grow(std::size_t min_bytes) noexcept override {
    std::size_t pages = (min_bytes + kPageSize - 1) / kPageSize;
    auto order = static_cast<unsigned>(std::bit_width(std::bit_ceil(pages)) - 1);
    PhysAddr base = MOS_TRY(allocate_frames(order));
    return std::span<std::byte>(phys_map_.at<std::byte>(base), kPageSize << order);
  }

  /// The heap, locked; nullptr when it is exhausted or the request is invalid.
  void* allocate(std::size_t size, std::size_t alignment) noexcept {
    SpinLockGuard guard(heap_lock_);
    auto p = heap_->allocate(size, alignment);
    return p ? *p : nullptr;
  }
  void free(void* p) noexcept {
    SpinLockGuard guard(heap_lock_);
    heap_->free(p);
  }
  std::size_t usable_size(void* p) noexcept {
    SpinLockGuard guard(heap_lock_);
    return heap_->usable_size(p);
  }
  HeapStats heap_stats() noexcept {
    SpinLockGuard guard(heap_lock_);
    return heap_->stats();
  }
  FrameStats frame_stats() noexcept {
    SpinLockGuard guard(frames_lock_);
    return frames_->stats();
  }
  /// The heap itself, for policy-specific extras (DebugHeap's leak report).
  KernelHeap& heap() noexcept { return *heap_; }

 private:
  std::optional<Frames> frames_;
  std::optional<KernelHeap> heap_;
  SpinLock frames_lock_;
  SpinLock heap_lock_;
};

// Bound by the image's glue to its KernelMemory (images with libmm only).

/// The kernel heap; nullptr on exhaustion or an invalid request.
void* kernel_heap_allocate(std::size_t size, std::size_t alignment) noexcept;
/// Returns memory to the kernel heap (nullptr is ignored).
void kernel_heap_free(void* p) noexcept;
/// Usable bytes of a kernel-heap allocation.
std::size_t kernel_heap_usable_size(void* p) noexcept;
/// The kernel heap's statistics.
HeapStats kernel_heap_stats() noexcept;
/// The frame allocator's statistics.
FrameStats kernel_frame_stats() noexcept;
/// The kernel's frame source (locked frame allocator).
FrameSource& kernel_frames() noexcept;
/// The kernel's page table. Changes to it hold kernel_page_table_lock().
PageTable& kernel_page_table() noexcept;
/// The lock of the kernel page table.
SpinLock& kernel_page_table_lock() noexcept;
/// Maps device memory (KernelMemoryCore::map_mmio).
Result<VirtAddr> kernel_map_mmio(PhysAddr phys, std::uint64_t size, CachePolicy cache) noexcept;
/// The reference counts of every frame of RAM, for address spaces.
FrameRefCounts& kernel_frame_ref_counts() noexcept;
/// The ranges the frame allocator was told never to hand out (low memory, the kernel image,
/// boot information and modules, the boot-time page tables).
std::span<const PhysRange> kernel_reserved_ranges() noexcept;
/// How physical memory is reached (the direct map).
PhysMap kernel_phys_map() noexcept;

}  // namespace mos::mm
