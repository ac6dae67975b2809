#pragma once
/// A user address space: the lower half of an x86-64 page-table hierarchy, described by regions
/// (mmap, mprotect, munmap, brk), filled lazily by page faults (demand-zero pages, pages of
/// shared memory objects) and cloned for fork with copy-on-write sharing of private memory.
///
/// Ownership. An AddressSpace owns its page tables (lower half and PML4), the block holding its
/// region table, and one reference to every anonymous frame it maps (FrameRefCounts); a frame is
/// returned to the FrameSource when its last reference goes. Frames of physical regions are not
/// owned. It shares, but does not own, the kernel's upper half. It is movable (the moved-from
/// object owns nothing) and not copyable; clone() makes the copy-on-write copy. Destruction (or
/// an earlier destroy()) releases everything it owns; the caller must have switched CR3 away
/// from it first.
///
/// Invariants.
/// - Regions lie in [kUserStart, kUserEnd), are page aligned, sorted, never overlap, and
///   neighbours that could be one region are merged (so n stays small).
/// - Every page is mapped with 4 KiB pages, so unmap() and protect() never need a page-table
///   frame (splitting a large page would) and cannot fail halfway.
/// - Physical regions are mapped in full at all times; anonymous pages are present only once
///   touched, and each present anonymous page holds one reference on its frame.
/// - A present anonymous page is writable only if its region has Write and its frame's count is
///   1; shared frames stay read-only until the write fault copies them (or finds the count back
///   at 1 and just makes the page writable).
/// - Pages of PROT_NONE regions that are present (they were touched before an mprotect) stay
///   mapped supervisor-only, read-only, no-execute, to keep their contents: ring 3 faults on
///   them. Kernel code that copies user memory must check the region (find_region) rather than
///   rely on the page tables, since a supervisor access would not fault.
///
/// Not synchronised: the owner serialises every call (a process's memory lock), page faults
/// included. TLB invalidation is local to the current CPU (PageTable's); shooting down other
/// CPUs' entries is the caller's business.

#include <mm/fault.hpp>
#include <mm/frame_ref_counts.hpp>
#include <mm/frame_source.hpp>
#include <mm/memory_object.hpp>
#include <mm/page.hpp>
#include <mm/page_table.hpp>
#include <mm/region_table.hpp>

#include <k/result.hpp>

#include <cstdint>
#include <optional>
#include <span>

namespace mos::mm {

/// Where map_anonymous and map_physical put a mapping.
enum class MapPlacement : std::uint8_t {
  /// Exactly at the given address, replacing whatever overlapped (MAP_FIXED: an implicit unmap
  /// first). If the new mapping then fails, the old one stays unmapped, as on Linux.
  Fixed,
  /// At the given address if that range is free (a hint, rounded up to a page), else in the
  /// highest gap below the mmap base that fits (top-down, like Linux's default layout).
  Anywhere,
};

/// A user address space; see the file comment for ownership and invariants.
class AddressSpace {
 public:
  /// The lowest mappable address: page 0 is never mapped, so null dereferences always fault.
  static constexpr std::uint64_t kUserStart = kPageSize;
  /// The end of user space (the end of the lower half).
  static constexpr std::uint64_t kUserEnd = PageTable::kUserEnd;
  /// The most regions an address space can have (max_map_count); see RegionTable.
  static constexpr std::size_t kMaxRegions = RegionTable::kMaxRegions;

  /// An empty address space whose tables, region table and anonymous frames come from `frames`
  /// and are reached through `phys_map`, counting shared frames in `refs` (which must cover
  /// every frame `frames` hands out and outlive the space). With `kernel`, the upper half is
  /// shared with it. Error::NoMemory when the PML4 cannot be had.
  static Result<AddressSpace> create(FrameSource& frames, PhysMap phys_map, FrameRefCounts& refs,
                                     const PageTable* kernel = nullptr) noexcept;

  AddressSpace(AddressSpace&& other) noexcept;
  AddressSpace& operator=(AddressSpace&& other) noexcept;
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;
  /// Releases everything still owned (see destroy()).
  ~AddressSpace() { destroy(); }

  /// Unmaps everything, dropping the references to anonymous frames (freeing those that were
  /// the last), and frees the lower-half tables, the PML4 and the region table. The object then
  /// owns nothing; any later call other than destruction is a programmer error.
  void destroy() noexcept;

  /// Maps [addr, addr + size) (size rounded up to pages) as private anonymous memory with
  /// `protection`, lazily: no frame is taken until a page is touched. Returns where it went.
  /// Error::InvalidArgument for a zero size, an unknown protection bit, or (Fixed) an unaligned
  /// address or a range not inside [kUserStart, kUserEnd); Error::NoMemory when Anywhere finds
  /// no gap or the region table is full.
  Result<VirtAddr> map_anonymous(VirtAddr addr, std::uint64_t size, Protection protection,
                                 MapPlacement placement) noexcept;

  /// Maps [addr, addr + size) to [phys, phys + size) eagerly with `cache`. The frames are not
  /// owned. Errors as for map_anonymous, plus Error::InvalidArgument for an unaligned `phys` or
  /// a physical range that wraps, and Error::NoMemory when page-table frames run out.
  Result<VirtAddr> map_physical(VirtAddr addr, PhysAddr phys, std::uint64_t size,
                                Protection protection, CachePolicy cache,
                                MapPlacement placement = MapPlacement::Fixed) noexcept;

  /// Maps [addr, addr + size) (size rounded up) to the pages of `object` from byte `offset`
  /// (page aligned) on, shared (MAP_SHARED): pages are mapped as they are touched, with the
  /// frames the object holds, and clones share them too. The region holds a mapping reference
  /// on the object while it exists. A touch beyond the object's end is refused (a bus error).
  /// Errors as for map_anonymous, plus Error::InvalidArgument for an unaligned offset.
  Result<VirtAddr> map_shared(VirtAddr addr, std::uint64_t size, Protection protection,
                              MemoryObject& object, std::uint64_t offset,
                              MapPlacement placement) noexcept;

  /// Sets the protection of [addr, addr + size) (size rounded up), splitting regions at the
  /// boundaries and updating present pages; a copy-on-write shared page stays read-only until
  /// its write fault. A zero size does nothing. Error::InvalidArgument for an unaligned address
  /// or an unknown protection bit; Error::NoMemory if any page of the range is not mapped or the
  /// region table is full (Linux mprotect). Nothing changes on error.
  Result<void> protect(VirtAddr addr, std::uint64_t size, Protection protection) noexcept;

  /// Unmaps [addr, addr + size) (size rounded up), cutting regions that overlap it partly (a
  /// hole inside a region leaves two). Anonymous frames lose this space's reference. Unmapped
  /// holes inside the range are fine. Error::InvalidArgument for a zero size, an unaligned
  /// address or a range that leaves user space; Error::NoMemory when a cut needs a region and
  /// the table is full (nothing changes then).
  Result<void> unmap(VirtAddr addr, std::uint64_t size) noexcept;

  /// Sets where the heap starts (page aligned, in user space); the break starts there.
  /// Error::InvalidArgument for a bad address, Error::Busy once the heap has grown.
  Result<void> set_brk_base(VirtAddr base) noexcept;
  /// Moves the break to `new_end` (byte precise; the heap is mapped read-write up to the next
  /// page boundary) and returns it. Growing maps the new pages lazily; shrinking unmaps whole
  /// pages above the new end (freeing their frames). Error::InvalidArgument before
  /// set_brk_base or below the base; Error::NoMemory when growth would overlap another region
  /// or leave user space, or the region table is full. (Linux brk returns the old break on
  /// failure; the POSIX layer does that with current_brk().)
  Result<VirtAddr> brk(VirtAddr new_end) noexcept;
  /// The start of the heap (0 before set_brk_base).
  VirtAddr brk_base() const noexcept { return brk_base_; }
  /// The current break.
  VirtAddr current_brk() const noexcept { return brk_; }

  /// Anywhere placements search below `base` (page aligned, in user space); by default kUserEnd.
  /// The loader lowers it to keep room for the stack. Error::InvalidArgument for a bad base.
  Result<void> set_mmap_base(VirtAddr base) noexcept;
  /// The current mmap base.
  VirtAddr mmap_base() const noexcept { return mmap_base_; }

  /// The copy-on-write copy fork makes: the same regions, heap and mmap base; present anonymous
  /// pages shared read-only by both spaces (one more reference each; the parent's TLB entries
  /// are invalidated), physical regions mapped the same. A frame whose count is already at
  /// FrameRefCounts::kMaxCount is copied for the child instead. Error::NoMemory when frames run
  /// out; the parent is then unchanged except that some pages may have become read-only, which
  /// its next write fault undoes.
  Result<AddressSpace> clone() noexcept;

  /// Resolves a page fault at `addr`: a demand-zero fault maps a zeroed frame with the region's
  /// protection; a write to a copy-on-write page copies it (or, as the last sharer, just makes
  /// it writable); a fault on a page already mapped well enough (another thread got there
  /// first) succeeds. Anything else is refused with the precise reason and changes nothing.
  Result<void, FaultError> handle_fault(VirtAddr addr, FaultAccess access) noexcept;

  /// The regions, in address order.
  std::span<const Region> regions() const noexcept { return regions_.regions(); }
  /// The region that contains `addr`, or nullptr.
  const Region* find_region(VirtAddr addr) const noexcept { return regions_.find(addr); }
  /// How many anonymous pages are present (resident); physical regions do not count.
  std::uint64_t resident_pages() const noexcept { return resident_pages_; }
  /// The page tables (to load CR3 from, or to inspect in tests).
  const PageTable& page_table() const noexcept { return page_table_; }

 private:
  AddressSpace(PageTable page_table, FrameSource& frames, PhysMap phys_map, FrameRefCounts& refs,
               const PageTable* kernel) noexcept;

  /// Whether a page's frame may be shared with another space (so must stay read-only).
  enum class Sharing : std::uint8_t { Exclusive, Shared };
  class FrameReleaser;

  bool live() const noexcept { return frames_ != nullptr; }
  Result<VirtAddr> place(VirtAddr addr, std::uint64_t length, MapPlacement placement) noexcept;
  std::optional<VirtAddr> find_gap(std::uint64_t length) const noexcept;
  std::size_t count_after_removal(VirtAddr start, VirtAddr end) const noexcept;
  Result<void> reserve_for_mapping(const Region& region) noexcept;
  void remove_range(VirtAddr start, VirtAddr end) noexcept;
  void unmap_pages(const Region& region, VirtAddr start, VirtAddr end) noexcept;
  void insert_region(const Region& region) noexcept;
  void reprotect_pages(const Region& region, VirtAddr start, VirtAddr end) noexcept;
  PageFlags flags_for(const Region& region, Sharing sharing) const noexcept;
  void release_frame(PhysAddr frame) noexcept;
  Result<void> clone_pages(const Region& region, AddressSpace& child) noexcept;
  Result<void, FaultReason> map_zeroed(Region& region, VirtAddr page) noexcept;
  Result<void, FaultReason> map_shared_page(Region& region, VirtAddr page) noexcept;
  Result<void, FaultReason> break_cow(const Region& region, VirtAddr page, PhysAddr old) noexcept;

  PageTable page_table_;
  FrameSource* frames_ = nullptr;  ///< nullptr once destroyed or moved from.
  PhysMap phys_map_;
  FrameRefCounts* refs_ = nullptr;
  const PageTable* kernel_ = nullptr;
  RegionTable regions_;
  VirtAddr brk_base_;
  VirtAddr brk_;
  VirtAddr mmap_base_{kUserEnd};
  std::uint64_t resident_pages_ = 0;
};

}  // namespace mos::mm
