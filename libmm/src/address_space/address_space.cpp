// AddressSpace: life cycle, regions (map, unmap, protect, brk) and clone. Page faults are in
// fault.cpp.
#include <mm/address_space.hpp>

#include <k/panic.hpp>
#include <k/string.hpp>

#include <algorithm>
#include <utility>

namespace mos::mm {

namespace {

bool valid_protection(Protection protection) noexcept {
  return (static_cast<std::uint8_t>(protection) & ~kProtectionMask) == 0;
}

// The page-rounded length of `size`, if it fits in user space at all (else 0).
std::uint64_t page_length(std::uint64_t size) noexcept {
  return size == 0 || size > AddressSpace::kUserEnd ? 0 : align_up(size, kPageSize);
}

// Whether [addr, addr + length) lies inside [lowest, kUserEnd); `length` is page_length's.
bool inside_user(VirtAddr addr, std::uint64_t length, std::uint64_t lowest) noexcept {
  return length != 0 && addr.is_aligned(kPageSize) && addr.value() >= lowest &&
         addr.value() <= AddressSpace::kUserEnd && length <= AddressSpace::kUserEnd - addr.value();
}

// The largest physical address x86-64 paging can express. [intel-sdm vol3] 4.1.4 (MAXPHYADDR)
constexpr std::uint64_t kPhysLimit = std::uint64_t{1} << 52;

}  // namespace

// Drops the space's reference to each anonymous frame a page-table unmap removes.
class AddressSpace::FrameReleaser final : public UnmapVisitor {
 public:
  explicit FrameReleaser(AddressSpace& space) noexcept : space_(space) {}

  void unmapped(VirtAddr, PhysAddr frame, PageSize size) noexcept override {
    MOS_ASSERT(size == PageSize::Size4K);  // Anonymous memory is only ever mapped in 4 KiB.
    MOS_ASSERT(space_.resident_pages_ > 0);
    space_.release_frame(frame);
    --space_.resident_pages_;
  }

 private:
  AddressSpace& space_;
};

AddressSpace::AddressSpace(PageTable page_table, FrameSource& frames, PhysMap phys_map,
                           FrameRefCounts& refs, const PageTable* kernel) noexcept
    : page_table_(std::move(page_table)),
      frames_(&frames),
      phys_map_(phys_map),
      refs_(&refs),
      kernel_(kernel),
      regions_(frames, phys_map) {}

Result<AddressSpace> AddressSpace::create(FrameSource& frames, PhysMap phys_map,
                                          FrameRefCounts& refs, const PageTable* kernel) noexcept {
  PageTable table = MOS_TRY(PageTable::create(frames, phys_map));
  if (kernel != nullptr) table.share_kernel_half(*kernel);
  return AddressSpace(std::move(table), frames, phys_map, refs, kernel);
}

AddressSpace::AddressSpace(AddressSpace&& other) noexcept
    : page_table_(std::move(other.page_table_)),
      frames_(std::exchange(other.frames_, nullptr)),
      phys_map_(other.phys_map_),
      refs_(other.refs_),
      kernel_(other.kernel_),
      regions_(std::move(other.regions_)),
      brk_base_(other.brk_base_),
      brk_(other.brk_),
      mmap_base_(other.mmap_base_),
      resident_pages_(std::exchange(other.resident_pages_, 0)) {}

AddressSpace& AddressSpace::operator=(AddressSpace&& other) noexcept {
  if (this != &other) {
    destroy();
    page_table_ = std::move(other.page_table_);
    frames_ = std::exchange(other.frames_, nullptr);
    phys_map_ = other.phys_map_;
    refs_ = other.refs_;
    kernel_ = other.kernel_;
    regions_ = std::move(other.regions_);
    brk_base_ = other.brk_base_;
    brk_ = other.brk_;
    mmap_base_ = other.mmap_base_;
    resident_pages_ = std::exchange(other.resident_pages_, 0);
  }
  return *this;
}

void AddressSpace::destroy() noexcept {
  if (!live()) return;
  // Physical pages need no visit (their frames are not ours), and PageTable::destroy frees
  // their tables; only anonymous frames must lose their reference.
  for (const Region& region : regions_.regions()) {
    if (region.kind == RegionKind::Anonymous) unmap_pages(region, region.start, region.end);
  }
  MOS_ASSERT(resident_pages_ == 0);
  page_table_.destroy(true);
  regions_.release();
  frames_ = nullptr;
}

PageFlags AddressSpace::flags_for(const Region& region, Sharing sharing) const noexcept {
  PageFlags flags = PageFlags::None;
  if (region.kind == RegionKind::Physical) {
    // With the default PAT, PWT alone selects WT and PCD|PWT selects UC. [intel-sdm vol3] 13.12.3
    if (region.cache == CachePolicy::WriteThrough) flags = PageFlags::WriteThrough;
    if (region.cache == CachePolicy::Uncached) {
      flags = PageFlags::WriteThrough | PageFlags::CacheDisable;
    }
  }
  // PROT_NONE pages that are present keep their contents in a supervisor-only, read-only,
  // no-execute entry: the page tables have no "present but inaccessible" state for ring 3.
  if (region.protection == Protection::None) return flags;
  flags = flags | PageFlags::User;
  if (has(region.protection, Protection::Write) && sharing == Sharing::Exclusive) {
    flags = flags | PageFlags::Writable;
  }
  if (has(region.protection, Protection::Execute)) flags = flags | PageFlags::Executable;
  return flags;
}

void AddressSpace::release_frame(PhysAddr frame) noexcept {
  if (refs_->decrement(frame) == 0) frames_->free_frames(frame, 0);
}

void AddressSpace::unmap_pages(const Region& region, VirtAddr start, VirtAddr end) noexcept {
  // An anonymous or shared region nothing touched has no page to find.
  if (region.kind != RegionKind::Physical && !region.populated) return;
  FrameReleaser releaser(*this);
  auto unmapped = page_table_.unmap(start, end - start,
                                    region.kind == RegionKind::Anonymous ? &releaser : nullptr);
  // Only 4 KiB pages are mapped, so there is no large page to split and nothing to allocate.
  MOS_ASSERT(unmapped.has_value());
}

std::size_t AddressSpace::count_after_removal(VirtAddr start, VirtAddr end) const noexcept {
  std::size_t i = regions_.lower_bound(start);
  // A hole strictly inside one region leaves one region more; other cuts only trim, and the
  // regions inside the range go.
  if (i < regions_.size() && regions_[i].start < start && regions_[i].end > end) {
    return regions_.size() + 1;
  }
  std::size_t count = regions_.size();
  for (; i < regions_.size() && regions_[i].start < end; ++i) {
    if (regions_[i].start >= start && regions_[i].end <= end) --count;
  }
  return count;
}

Result<void> AddressSpace::reserve_for_mapping(const Region& region) noexcept {
  // The count once [start, end) is cleared and `region` inserted and merged with whichever
  // neighbours it matches, so that extending a region works even with the table full.
  std::size_t count = count_after_removal(region.start, region.end) + 1;
  if (region.start.value() > 0) {
    if (const Region* left = regions_.find(region.start - 1)) {
      Region trimmed = *left;
      trimmed.end = region.start;
      if (RegionTable::mergeable(trimmed, region)) --count;
    }
  }
  if (const Region* right = regions_.find(region.end)) {
    Region trimmed = *right;
    trimmed.advance_start(region.end);
    if (RegionTable::mergeable(region, trimmed)) --count;
  }
  return regions_.reserve(count);
}

void AddressSpace::remove_range(VirtAddr start, VirtAddr end) noexcept {
  std::size_t i = regions_.lower_bound(start);
  if (i == regions_.size() || regions_[i].start >= end) return;
  if (regions_[i].start < start && regions_[i].end > end) {
    Region& region = regions_[i];
    unmap_pages(region, start, end);
    Region upper = region;
    upper.advance_start(end);
    region.end = start;
    regions_.insert(i + 1, upper);
    return;
  }
  if (regions_[i].start < start) {
    Region& region = regions_[i];
    unmap_pages(region, start, region.end);
    region.end = start;
    ++i;
  }
  std::size_t j = i;
  while (j < regions_.size() && regions_[j].end <= end) {
    unmap_pages(regions_[j], regions_[j].start, regions_[j].end);
    ++j;
  }
  if (j < regions_.size() && regions_[j].start < end) {
    Region& region = regions_[j];
    unmap_pages(region, region.start, end);
    region.advance_start(end);
  }
  regions_.erase(i, j);
}

void AddressSpace::insert_region(const Region& region) noexcept {
  std::size_t i = regions_.lower_bound(region.start);
  regions_.insert(i, region);
  regions_.merge_around(i);
}

std::optional<VirtAddr> AddressSpace::find_gap(std::uint64_t length) const noexcept {
  // Top-down: the highest gap below the mmap base that fits, walking regions downwards.
  std::uint64_t top = mmap_base_.value();
  std::size_t i = regions_.lower_bound(mmap_base_);
  if (i < regions_.size() && regions_[i].start.value() < top) top = regions_[i].start.value();
  while (i-- > 0) {
    const Region& below = regions_[i];
    if (top - below.end.value() >= length) return VirtAddr(top - length);
    top = below.start.value();
  }
  if (top - kUserStart >= length) return VirtAddr(top - length);
  return std::nullopt;
}

Result<VirtAddr> AddressSpace::place(VirtAddr addr, std::uint64_t length,
                                     MapPlacement placement) noexcept {
  if (placement == MapPlacement::Fixed) {
    if (!inside_user(addr, length, kUserStart)) return Error::InvalidArgument;
    return addr;
  }
  if (length == 0) return Error::NoMemory;  // Larger than user space.
  if (addr.value() != 0 && addr.value() <= kUserEnd) {
    VirtAddr hint = addr.align_up(kPageSize);
    if (inside_user(hint, length, kUserStart) && !regions_.overlaps(hint, hint + length)) {
      return hint;
    }
  }
  std::optional<VirtAddr> gap = find_gap(length);
  if (!gap) return Error::NoMemory;
  return *gap;
}

Result<VirtAddr> AddressSpace::map_anonymous(VirtAddr addr, std::uint64_t size,
                                             Protection protection,
                                             MapPlacement placement) noexcept {
  MOS_ASSERT(live());
  if (size == 0 || !valid_protection(protection)) return Error::InvalidArgument;
  std::uint64_t length = page_length(size);
  VirtAddr start = MOS_TRY(place(addr, length, placement));
  Region region{.start = start,
                .end = start + length,
                .phys = PhysAddr(0),
                .protection = protection,
                .kind = RegionKind::Anonymous,
                .cache = CachePolicy::WriteBack,
                .populated = false};
  MOS_TRY(reserve_for_mapping(region));
  remove_range(region.start, region.end);
  insert_region(region);
  return start;
}

Result<VirtAddr> AddressSpace::map_physical(VirtAddr addr, PhysAddr phys, std::uint64_t size,
                                            Protection protection, CachePolicy cache,
                                            MapPlacement placement) noexcept {
  MOS_ASSERT(live());
  if (size == 0 || !valid_protection(protection) || !phys.is_aligned(kPageSize)) {
    return Error::InvalidArgument;
  }
  std::uint64_t length = page_length(size);
  if (length == 0 || phys.value() > kPhysLimit || length > kPhysLimit - phys.value()) {
    return Error::InvalidArgument;
  }
  VirtAddr start = MOS_TRY(place(addr, length, placement));
  Region region{.start = start,
                .end = start + length,
                .phys = phys,
                .protection = protection,
                .kind = RegionKind::Physical,
                .cache = cache,
                .populated = true};
  MOS_TRY(reserve_for_mapping(region));
  remove_range(region.start, region.end);
  // 4 KiB pages only, so that later partial unmaps and protects never split a large page.
  MOS_TRY(page_table_.map_range(start, phys, length, flags_for(region, Sharing::Exclusive),
                                PageSize::Size4K));
  insert_region(region);
  return start;
}

Result<VirtAddr> AddressSpace::map_shared(VirtAddr addr, std::uint64_t size,
                                          Protection protection, MemoryObject& object,
                                          std::uint64_t offset, MapPlacement placement) noexcept {
  MOS_ASSERT(live());
  if (size == 0 || !valid_protection(protection) || !is_aligned(offset, kPageSize)) {
    return Error::InvalidArgument;
  }
  std::uint64_t length = page_length(size);
  if (length == 0 || offset > ~std::uint64_t{0} - length) return Error::InvalidArgument;
  VirtAddr start = MOS_TRY(place(addr, length, placement));
  Region region{.start = start,
                .end = start + length,
                .phys = PhysAddr(0),
                .protection = protection,
                .kind = RegionKind::Shared,
                .cache = CachePolicy::WriteBack,
                .object = &object,
                .object_offset = offset,
                .populated = false};
  MOS_TRY(reserve_for_mapping(region));
  remove_range(region.start, region.end);
  insert_region(region);  // The table takes the mapping reference.
  return start;
}

Result<void> AddressSpace::unmap(VirtAddr addr, std::uint64_t size) noexcept {
  MOS_ASSERT(live());
  std::uint64_t length = page_length(size);
  // Page 0 is never mapped, but unmapping it is harmless, as on Linux.
  if (!inside_user(addr, length, 0)) return Error::InvalidArgument;
  VirtAddr end = addr + length;
  MOS_TRY(regions_.reserve(count_after_removal(addr, end)));
  remove_range(addr, end);
  return {};
}

void AddressSpace::reprotect_pages(const Region& region, VirtAddr start, VirtAddr end) noexcept {
  if (region.kind == RegionKind::Physical) {
    auto done = page_table_.protect(start, end - start, flags_for(region, Sharing::Exclusive));
    MOS_ASSERT(done.has_value());  // Physical regions are mapped in full, in 4 KiB pages.
    return;
  }
  if (!region.populated) return;
  for (VirtAddr page = start; page < end; page += kPageSize) {
    std::optional<Translation> t = page_table_.query(page);
    if (!t) continue;
    // A frame another space still shares stays read-only until its write fault copies it;
    // shared-memory frames are meant to be shared, and take the region's protection.
    Sharing sharing = region.kind == RegionKind::Shared || refs_->count(t->frame) == 1
                          ? Sharing::Exclusive
                          : Sharing::Shared;
    PageFlags flags = flags_for(region, sharing);
    if (t->flags == flags) continue;
    auto done = page_table_.protect(page, kPageSize, flags);
    MOS_ASSERT(done.has_value());
  }
}

Result<void> AddressSpace::protect(VirtAddr addr, std::uint64_t size,
                                   Protection protection) noexcept {
  MOS_ASSERT(live());
  if (!addr.is_aligned(kPageSize) || !valid_protection(protection)) return Error::InvalidArgument;
  if (size == 0) return {};
  std::uint64_t length = page_length(size);
  // Outside user space nothing is mapped: ENOMEM, as for a hole.
  if (!inside_user(addr, length, 0)) return Error::NoMemory;
  VirtAddr end = addr + length;

  // Every page must be mapped: walk the regions over the range, looking for a gap.
  std::size_t first = regions_.lower_bound(addr);
  std::size_t last = first;  // One past the last region overlapping the range.
  for (VirtAddr cursor = addr; cursor < end; cursor = regions_[last++].end) {
    if (last == regions_.size() || regions_[last].start > cursor) return Error::NoMemory;
  }
  bool cut_first = regions_[first].start < addr && regions_[first].protection != protection;
  bool cut_last = regions_[last - 1].end > end && regions_[last - 1].protection != protection;
  // Counted before merging: at the limit, a protect that cuts a region fails even if the pieces
  // would merge with their neighbours.
  MOS_TRY(regions_.reserve(regions_.size() + (cut_first ? 1 : 0) + (cut_last ? 1 : 0)));

  // From here on nothing can fail.
  for (std::size_t i = first; i < last; ++i) {
    if (regions_[i].protection == protection) continue;
    Region updated = regions_[i];
    updated.protection = protection;
    reprotect_pages(updated, std::max(updated.start, addr), std::min(updated.end, end));
  }
  if (cut_first) {
    regions_.split(first, addr);
    ++first;
    ++last;
  }
  if (cut_last) regions_.split(last - 1, end);
  for (std::size_t i = first; i < last; ++i) regions_[i].protection = protection;
  // Merge the changed regions with each other and with their neighbours on both sides.
  std::size_t i = first > 0 ? first - 1 : 0;
  while (i < regions_.size() && regions_[i].start <= end) {
    if (!regions_.merge_with_next(i)) ++i;
  }
  return {};
}

Result<void> AddressSpace::set_brk_base(VirtAddr base) noexcept {
  MOS_ASSERT(live());
  if (!inside_user(base, kPageSize, kUserStart)) return Error::InvalidArgument;
  if (brk_ != brk_base_) return Error::Busy;
  brk_base_ = base;
  brk_ = base;
  return {};
}

Result<VirtAddr> AddressSpace::brk(VirtAddr new_end) noexcept {
  MOS_ASSERT(live());
  if (brk_base_.value() == 0 || new_end < brk_base_) return Error::InvalidArgument;
  if (new_end.value() > kUserEnd) return Error::NoMemory;
  VirtAddr old_top = brk_.align_up(kPageSize);
  VirtAddr new_top = new_end.align_up(kPageSize);
  if (new_top > old_top) {
    if (regions_.overlaps(old_top, new_top)) return Error::NoMemory;
    // Merges with the heap below when that is still one read-write region.
    Region growth{.start = old_top,
                  .end = new_top,
                  .phys = PhysAddr(0),
                  .protection = Protection::Read | Protection::Write,
                  .kind = RegionKind::Anonymous,
                  .cache = CachePolicy::WriteBack,
                  .populated = false};
    MOS_TRY(reserve_for_mapping(growth));
    insert_region(growth);
  } else if (new_top < old_top) {
    MOS_TRY(regions_.reserve(count_after_removal(new_top, old_top)));
    remove_range(new_top, old_top);
  }
  brk_ = new_end;
  return new_end;
}

Result<void> AddressSpace::set_mmap_base(VirtAddr base) noexcept {
  MOS_ASSERT(live());
  if (!base.is_aligned(kPageSize) || base.value() <= kUserStart || base.value() > kUserEnd) {
    return Error::InvalidArgument;
  }
  mmap_base_ = base;
  return {};
}

Result<void> AddressSpace::clone_pages(const Region& region, AddressSpace& child) noexcept {
  if (region.kind == RegionKind::Physical) {
    return child.page_table_.map_range(region.start, region.phys, region.size(),
                                       flags_for(region, Sharing::Exclusive), PageSize::Size4K);
  }
  // The child faults shared pages in from the object, which hands it the same frames.
  if (region.kind == RegionKind::Shared || !region.populated) return {};
  for (VirtAddr page = region.start; page < region.end; page += kPageSize) {
    std::optional<Translation> t = page_table_.query(page);
    if (!t) continue;
    if (refs_->increment(t->frame)) {
      auto mapped = child.page_table_.map(page, t->frame, PageSize::Size4K,
                                          flags_for(region, Sharing::Shared));
      if (!mapped) {
        refs_->decrement(t->frame);  // Ours remains, so this never frees.
        return mapped;
      }
      ++child.resident_pages_;
      if (has(t->flags, PageFlags::Writable)) {
        auto done = page_table_.protect(page, kPageSize, flags_for(region, Sharing::Shared));
        MOS_ASSERT(done.has_value());
      }
      continue;
    }
    // The count is saturated: the child gets a private copy instead of another share.
    PhysAddr copy = MOS_TRY(frames_->allocate_frames(0));
    memory_copy(phys_map_.at<std::byte>(copy), phys_map_.at<std::byte>(t->frame), kPageSize);
    refs_->set_first(copy);
    auto mapped =
        child.page_table_.map(page, copy, PageSize::Size4K, flags_for(region, Sharing::Exclusive));
    if (!mapped) {
      release_frame(copy);
      return mapped;
    }
    ++child.resident_pages_;
  }
  return {};
}

Result<AddressSpace> AddressSpace::clone() noexcept {
  MOS_ASSERT(live());
  // On any failure below, `child` releases what it took when it goes out of scope.
  AddressSpace child = MOS_TRY(create(*frames_, phys_map_, *refs_, kernel_));
  MOS_TRY(child.regions_.assign(regions_));
  child.brk_base_ = brk_base_;
  child.brk_ = brk_;
  child.mmap_base_ = mmap_base_;
  for (const Region& region : regions_.regions()) MOS_TRY(clone_pages(region, child));
  return child;
}

}  // namespace mos::mm
