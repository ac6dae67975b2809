#include <mm/kernel_memory.hpp>

#include <k/log.hpp>

namespace mos::mm {
namespace {

constexpr PhysAddr kLowMemoryEnd(0x100000);  // BIOS data, real-mode structures: never handed out.

PageFlags section_flags(platform::KernelSection::Access access) noexcept {
  switch (access) {
    case platform::KernelSection::Access::ReadExecute:
      return PageFlags::Global | PageFlags::Executable;
    case platform::KernelSection::Access::ReadOnly:
      return PageFlags::Global;
    case platform::KernelSection::Access::ReadWrite:
      return PageFlags::Global | PageFlags::Writable;
  }
  return PageFlags::Global;
}

bool is_guard(const platform::KernelImage& image, VirtAddr page) noexcept {
  for (VirtAddr g : image.guard_pages) {
    if (g == page) return true;
  }
  return false;
}

// Maps one section page by page runs, leaving the guard pages out.
Result<void> map_section(PageTable& table, const platform::KernelImage& image,
                         const platform::KernelSection& section) noexcept {
  VirtAddr run = section.start;
  for (VirtAddr page = section.start; page <= section.end; page += kPageSize) {
    bool at_end = page == section.end;
    if (!at_end && !is_guard(image, page)) continue;
    if (page > run) {
      MOS_TRY(table.map_range(run, PhysAddr(run.value() - image.virt_minus_phys), page - run,
                              section_flags(section.access), PageSize::Size4K));
    }
    run = page + kPageSize;
    if (at_end) break;
  }
  return {};
}

// The direct map covers every region of RAM the firmware reported (usable and ACPI), with the
// largest pages the CPU has. Device memory is mapped on demand by drivers instead. Regions are
// rounded out to pages and merged first: neighbours may share a page, and maps need not be sorted.
Result<void> map_direct(PageTable& table, const BootInfo& boot, const platform::KernelImage& image,
                        PhysMap phys_map) noexcept {
  FixedVector<PhysRange, BootInfo::kMaxMemoryRegions> ranges;
  for (const MemoryRegion& r : boot.memory_map) {
    if (r.kind == MemoryRegion::Kind::Reserved || r.kind == MemoryRegion::Kind::Defective) continue;
    PhysRange range{r.base.align_down(kPageSize), r.end().align_up(kPageSize)};
    auto at = ranges.begin();
    while (at != ranges.end() && at->start < range.start) ++at;
    MOS_TRY(ranges.insert(at, range));
  }
  PageSize largest = image.huge_pages ? PageSize::Size1G : PageSize::Size2M;
  for (std::size_t i = 0; i < ranges.size();) {
    PhysRange merged = ranges[i++];
    while (i < ranges.size() && ranges[i].start <= merged.end) {
      if (ranges[i].end > merged.end) merged.end = ranges[i].end;
      ++i;
    }
    MOS_TRY(table.map_range(phys_map.to_virt(merged.start), merged.start, merged.size(),
                            PageFlags::Global | PageFlags::Writable, largest));
  }
  return {};
}

// The direct map reaches the kernel image too. Its alias of code and read-only data must not be
// writable there either, or W^X would hold only for one of the two addresses of the same bytes.
Result<void> protect_image_alias(PageTable& table, const platform::KernelImage& image,
                                 PhysMap phys_map) noexcept {
  for (const platform::KernelSection& section : image.sections) {
    if (section.access == platform::KernelSection::Access::ReadWrite) continue;
    PhysAddr start(section.start.value() - image.virt_minus_phys);
    MOS_TRY(table.protect(phys_map.to_virt(start), section.end - section.start, PageFlags::Global));
  }
  return {};
}

}  // namespace

Result<void> KernelMemoryCore::init_paging(const BootInfo& boot) noexcept {
  const platform::KernelImage& image = platform::kernel_image();
  phys_map_ = PhysMap(image.direct_map_base.value());

  reserved_.clear();
  MOS_TRY(reserved_.push_back({PhysAddr(0), kLowMemoryEnd}));
  MOS_TRY(reserved_.push_back({image.phys_start, image.phys_end}));
  MOS_TRY(reserved_.push_back({boot.info_start, boot.info_end}));
  for (const BootModule& m : boot.modules) MOS_TRY(reserved_.push_back({m.start, m.end}));

  early_.emplace(boot.memory_map.span(), reserved_.span(), image.early_direct_map_size);
  PageTable table = MOS_TRY(PageTable::create(*early_, phys_map_));
  table.set_no_execute_supported(image.no_execute);
  for (const platform::KernelSection& section : image.sections) {
    MOS_TRY(map_section(table, image, section));
  }
  MOS_TRY(map_direct(table, boot, image, phys_map_));
  MOS_TRY(protect_image_alias(table, image, phys_map_));
  platform::activate_page_table(table.root());
  page_table_.emplace(static_cast<PageTable&&>(table));

  for (const PhysRange& r : early_->used()) MOS_TRY(reserved_.push_back(r));
  return {};
}

Result<VirtAddr> KernelMemoryCore::map_mmio(PhysAddr phys, std::uint64_t size,
                                            CachePolicy cache) noexcept {
  if (size == 0 || phys.value() + size < phys.value()) return Error::InvalidArgument;
  const PhysAddr first = phys.align_down(kPageSize);
  const std::uint64_t end = align_up(phys.value() + size, kPageSize);
  if (end == 0) return Error::InvalidArgument;  // Wrapped while rounding up.
  const std::uint64_t length = end - first.value();
  PageFlags flags = PageFlags::Writable | PageFlags::Global;
  if (cache == CachePolicy::WriteThrough) flags = flags | PageFlags::WriteThrough;
  if (cache == CachePolicy::Uncached) {
    flags = flags | PageFlags::WriteThrough | PageFlags::CacheDisable;
  }
  SpinLockGuard guard(page_table_lock_);
  if (length > kMmioBytes - mmio_used_) return Error::NoMemory;
  const VirtAddr virt(kMmioBase + mmio_used_);
  MOS_TRY(page_table_->map_range(virt, first, length, flags, PageSize::Size4K));
  mmio_used_ += length;
  return virt + (phys - first);
}

Result<void> KernelMemoryCore::init_frame_ref_counts(const BootInfo& boot) noexcept {
  PhysAddr end;
  for (const MemoryRegion& r : boot.memory_map) {
    // A region that wraps past 2^64 is ignored, as the frame allocators ignore it.
    if (r.kind == MemoryRegion::Kind::Usable && r.end() > r.base && r.end() > end) end = r.end();
  }
  const PhysRange range{PhysAddr(0), end.align_down(kPageSize)};
  const std::size_t entries = FrameRefCounts::entries_for(range);
  const std::uint64_t bytes = align_up(entries * sizeof(FrameRefCounts::Count), kPageSize);
  const VirtAddr base(kFrameRefCountsBase);
  for (std::uint64_t offset = 0; offset < bytes; offset += kPageSize) {
    const PhysAddr frame = MOS_TRY(allocate_frames(0));
    MOS_TRY(page_table_->map(base + offset, frame, PageSize::Size4K,
                             PageFlags::Writable | PageFlags::Global));
  }
  ref_counts_.emplace(range, std::span(base.as_ptr<FrameRefCounts::Count>(), entries));
  return {};
}

}  // namespace mos::mm
