#pragma once
/// x86-64 4-level page tables (PML4 -> PDPT -> PD -> PT), manipulated through a PhysMap so that
/// the same code runs on the machine (through the direct map) and in host tests (on simulated
/// RAM). [intel-sdm vol3] 4.5

#include <mm/frame_source.hpp>
#include <mm/page.hpp>

#include <k/result.hpp>

#include <cstdint>
#include <optional>

namespace mos::mm {

/// What a mapping allows and how it is cached. Read access is implied by a mapping.
enum class PageFlags : std::uint32_t {
  None = 0,
  Writable = 1u << 0,
  User = 1u << 1,        ///< Accessible from ring 3.
  Executable = 1u << 2,  ///< Without it the entry has NX set (when the CPU supports NX).
  Global = 1u << 3,      ///< Kept in the TLB across CR3 switches (kernel mappings).
  WriteThrough = 1u << 4,
  CacheDisable = 1u << 5,  ///< For MMIO.
};
constexpr PageFlags operator|(PageFlags a, PageFlags b) noexcept {
  return static_cast<PageFlags>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr PageFlags operator&(PageFlags a, PageFlags b) noexcept {
  return static_cast<PageFlags>(static_cast<std::uint32_t>(a) & static_cast<std::uint32_t>(b));
}
constexpr PageFlags operator~(PageFlags a) noexcept {
  return static_cast<PageFlags>(~static_cast<std::uint32_t>(a) & 0x3fu);
}
/// Whether all of `wanted` is in `flags`.
constexpr bool has(PageFlags flags, PageFlags wanted) noexcept { return (flags & wanted) == wanted; }

/// Where one virtual address leads.
struct Translation {
  VirtAddr page;       ///< The start of the page that maps the address.
  PhysAddr frame;      ///< The physical start of that page.
  PhysAddr phys;       ///< The physical address of the queried virtual address itself.
  PageSize size = PageSize::Size4K;
  PageFlags flags = PageFlags::None;
};

/// Called for each page that unmap() removes, so the caller can release what backed it.
class UnmapVisitor {
 public:
  virtual void unmapped(VirtAddr page, PhysAddr frame, PageSize size) noexcept = 0;

 protected:
  ~UnmapVisitor() = default;
};

/// One x86-64 page-table hierarchy. Tables are frames taken from a FrameSource; empty tables
/// are returned to it. Every change to an entry that may be cached in a TLB is followed by
/// platform::tlb_invalidate_page for the affected pages (the root may be loaded in CR3); more
/// than 32 pages in one call become one tlb_invalidate_all(), except for global pages, which a
/// full flush keeps. Mapping a non-present entry invalidates nothing (nothing can be cached).
/// Intermediate entries are permissive (present, writable, executable, user once a leaf below is
/// user), so the leaves alone decide what a page allows. Upper-half tables are never freed when
/// they empty (their PML4 entries are shared with every address space); lower-half ones are.
/// Failing calls change nothing: they check and reserve the table frames they need first.
/// Not synchronised: the owner (an address space) holds its lock while calling.
class PageTable {
 public:
  /// The lower half (user space) ends here; the upper half starts at kKernelHalfStart.
  static constexpr std::uint64_t kUserEnd = 0x0000800000000000ULL;
  static constexpr std::uint64_t kKernelHalfStart = 0xffff800000000000ULL;

  /// A new, empty hierarchy (one zeroed PML4 frame).
  static Result<PageTable> create(FrameSource& frames, PhysMap phys_map) noexcept;

  /// Adopts an existing hierarchy rooted at `root` (the boot tables, say). table_frames() then
  /// counts every table reachable from the root, upper half included.
  static PageTable adopt(PhysAddr root, FrameSource& frames, PhysMap phys_map) noexcept;

  PageTable(PageTable&& other) noexcept;
  PageTable& operator=(PageTable&& other) noexcept;
  PageTable(const PageTable&) = delete;
  PageTable& operator=(const PageTable&) = delete;
  /// Does not free anything: call destroy() to return the tables.
  ~PageTable() = default;

  /// The physical address of the PML4 (what CR3 holds).
  PhysAddr root() const noexcept { return root_; }

  /// Maps one page of `size` at `virt` to `phys`. Both must be aligned to the page size and
  /// `virt` canonical (else Error::InvalidArgument); any part already mapped is Error::Exists.
  /// Error::NoMemory when a table frame cannot be had (nothing is left half-mapped).
  Result<void> map(VirtAddr virt, PhysAddr phys, PageSize size, PageFlags flags) noexcept;

  /// Maps [virt, virt + length) to [phys, phys + length), using 1 GiB and 2 MiB pages where
  /// alignment allows and `largest` permits, 4 KiB pages elsewhere. Same errors as map(); on
  /// failure nothing is mapped (the whole range is checked and its tables reserved first).
  Result<void> map_range(VirtAddr virt, PhysAddr phys, std::uint64_t length, PageFlags flags,
                         PageSize largest = PageSize::Size1G) noexcept;

  /// Unmaps every page in [virt, virt + length) (4 KiB aligned). Large pages partly inside the
  /// range are split first, keeping the outside parts mapped. Tables left empty are freed.
  /// Unmapped holes in the range are skipped. `visitor`, if given, hears of each page removed,
  /// before this call's TLB flush (on one CPU nothing can use the stale entry in between).
  /// Ranges (here and in map_range, protect) must be non-empty and lie in one canonical half.
  /// Error::NoMemory if a split needs a table frame that cannot be had (nothing changed then).
  Result<void> unmap(VirtAddr virt, std::uint64_t length, UnmapVisitor* visitor = nullptr) noexcept;

  /// Sets the flags of every page in [virt, virt + length) (4 KiB aligned), splitting large
  /// pages partly inside. Error::NoEntry if any page in the range is not mapped (nothing changed
  /// then); Error::NoMemory as for unmap.
  Result<void> protect(VirtAddr virt, std::uint64_t length, PageFlags flags) noexcept;

  /// Where `virt` leads, if it is mapped.
  std::optional<Translation> query(VirtAddr virt) const noexcept;

  /// Makes the upper half (PML4 entries 256..511) the same as in `kernel`, so that every
  /// address space shares the kernel's mappings. The kernel's upper-half tables must all exist
  /// (they are never freed).
  void share_kernel_half(const PageTable& kernel) noexcept;

  /// Frees every table of the lower half (not the frames they map) and, when `include_root`, the
  /// PML4. The upper half is left alone (it is shared with the kernel).
  void destroy(bool include_root) noexcept;

  /// How many table frames this hierarchy owns now (the root included).
  std::uint64_t table_frames() const noexcept { return table_frames_; }

  /// Takes table frames from `frames` from now on (the kernel's table moves from the boot-time
  /// source to the frame allocator once that exists).
  void use_frame_source(FrameSource& frames) noexcept { frames_ = &frames; }

  /// Whether the CPU's no-execute bit is used (EFER.NXE). Off, mappings are always executable.
  void set_no_execute_supported(bool supported) noexcept { nx_supported_ = supported; }

 private:
  PageTable(PhysAddr root, FrameSource& frames, PhysMap phys_map) noexcept
      : root_(root), frames_(&frames), phys_map_(phys_map) {}

  PhysAddr root_;
  FrameSource* frames_ = nullptr;
  PhysMap phys_map_;
  std::uint64_t table_frames_ = 0;
  bool nx_supported_ = true;
};

}  // namespace mos::mm
