// AddressSpace::handle_fault: demand-zero, shared-memory and copy-on-write faults.
#include <mm/address_space.hpp>

#include <k/panic.hpp>
#include <k/string.hpp>

namespace mos::mm {

Result<void, FaultError> AddressSpace::handle_fault(VirtAddr addr, FaultAccess access) noexcept {
  MOS_ASSERT(live());
  auto refuse = [&](FaultReason reason) { return FaultError{reason, addr, access}; };
  if (addr.value() >= kUserEnd) {
    return refuse(access.user ? FaultReason::UserAccessToKernel : FaultReason::KernelAddress);
  }
  if (!access.user && access.execute) return refuse(FaultReason::KernelExecuteUser);
  std::size_t index = regions_.lower_bound(addr);
  if (index == regions_.size() || !regions_[index].contains(addr)) {
    return refuse(FaultReason::NoMapping);
  }
  Region& region = regions_[index];
  if (region.protection == Protection::None) return refuse(FaultReason::NoAccess);
  if (access.write && !has(region.protection, Protection::Write)) {
    return refuse(FaultReason::WriteToReadOnly);
  }
  if (access.execute && !has(region.protection, Protection::Execute)) {
    return refuse(FaultReason::ExecuteNoExecute);
  }

  VirtAddr page = addr.align_down(kPageSize);
  std::optional<Translation> t = page_table_.query(page);
  if (!t) {
    MOS_ASSERT(region.kind != RegionKind::Physical);  // Physical regions are mapped in full.
    auto mapped = region.kind == RegionKind::Shared ? map_shared_page(region, page)
                                                    : map_zeroed(region, page);
    if (!mapped) return refuse(mapped.error());
    return {};
  }
  if (access.write && !has(t->flags, PageFlags::Writable)) {
    // Only anonymous pages are ever mapped with less than their region allows.
    MOS_ASSERT(region.kind == RegionKind::Anonymous);
    auto copied = break_cow(region, page, t->frame);
    if (!copied) return refuse(copied.error());
    return {};
  }
  // The page already allows the access: another thread resolved it first, or the TLB was
  // stale. Retrying the instruction is all there is to do.
  return {};
}

Result<void, FaultReason> AddressSpace::map_zeroed(Region& region, VirtAddr page) noexcept {
  auto frame = frames_->allocate_frames(0);
  if (!frame) return FaultReason::OutOfMemory;
  // Fresh frames hold whatever their last user left: never show it to another program.
  memory_set(phys_map_.at<std::byte>(*frame), 0, kPageSize);
  refs_->set_first(*frame);
  if (!page_table_.map(page, *frame, PageSize::Size4K, flags_for(region, Sharing::Exclusive))) {
    release_frame(*frame);
    return FaultReason::OutOfMemory;  // No frame for a page table.
  }
  ++resident_pages_;
  region.populated = true;
  return {};
}

Result<void, FaultReason> AddressSpace::map_shared_page(Region& region, VirtAddr page) noexcept {
  auto frame = region.object->frame(region.object_page_of(page));
  if (!frame) {
    return frame.error() == Error::OutOfRange ? FaultReason::BeyondObject
                                              : FaultReason::OutOfMemory;
  }
  if (!page_table_.map(page, *frame, PageSize::Size4K, flags_for(region, Sharing::Exclusive))) {
    return FaultReason::OutOfMemory;  // No frame for a page table.
  }
  region.populated = true;
  return {};
}

Result<void, FaultReason> AddressSpace::break_cow(const Region& region, VirtAddr page,
                                                  PhysAddr old) noexcept {
  PageFlags flags = flags_for(region, Sharing::Exclusive);
  if (refs_->count(old) == 1) {
    // The other sharers are gone: the frame is ours alone and needs no copy.
    if (!page_table_.protect(page, kPageSize, flags)) return FaultReason::OutOfMemory;
    return {};
  }
  auto copy = frames_->allocate_frames(0);
  if (!copy) return FaultReason::OutOfMemory;
  memory_copy(phys_map_.at<std::byte>(*copy), phys_map_.at<std::byte>(old), kPageSize);
  refs_->set_first(*copy);

  // PageTable has no "replace the frame" operation, so the page is unmapped and mapped again.
  // Unmapping the last page of a page table would free that table, and mapping again would then
  // need a table frame, which can fail with the old page already gone. So when the page's
  // neighbour in the same table is unmapped, a supervisor-only placeholder is put there for the
  // duration: the table stays, and the new mapping cannot fail.
  VirtAddr neighbour(page.value() ^ kPageSize);
  bool placeholder = !page_table_.query(neighbour).has_value();
  if (placeholder && !page_table_.map(neighbour, *copy, PageSize::Size4K, PageFlags::None)) {
    release_frame(*copy);
    return FaultReason::OutOfMemory;
  }
  auto unmapped = page_table_.unmap(page, kPageSize);
  MOS_ASSERT(unmapped.has_value());
  auto mapped = page_table_.map(page, *copy, PageSize::Size4K, flags);
  MOS_ASSERT(mapped.has_value());
  if (placeholder) {
    auto removed = page_table_.unmap(neighbour, kPageSize);
    MOS_ASSERT(removed.has_value());
  }
  release_frame(old);
  return {};
}

}  // namespace mos::mm
