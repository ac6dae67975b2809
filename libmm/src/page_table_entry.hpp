#pragma once
/// One 64-bit entry of an x86-64 paging structure (PML4E, PDPTE, PDE or PTE), and the level
/// arithmetic of 4-level paging. [intel-sdm vol3] 4.5

#include <mm/page.hpp>
#include <mm/page_table.hpp>

#include <cstdint>

namespace mos::mm {

/// A paging-structure level: 4 is the PML4 (the root), 1 a page table of 4 KiB pages.
using PagingLevel = unsigned;
inline constexpr PagingLevel kRootLevel = 4;
/// Entries in one paging structure (one 4 KiB frame of 8-byte entries).
inline constexpr unsigned kEntriesPerTable = 512;

/// The lowest virtual-address bit that selects an entry at `level`. [intel-sdm vol3] 4.5.4
constexpr unsigned level_shift(PagingLevel level) noexcept {
  return 12 + 9 * (level - 1);
}
/// The bytes of virtual address space one entry at `level` covers.
constexpr std::uint64_t entry_span(PagingLevel level) noexcept {
  return std::uint64_t{1} << level_shift(level);
}
/// The index of the entry at `level` that translates `virt`.
constexpr unsigned entry_index(std::uint64_t virt, PagingLevel level) noexcept {
  return static_cast<unsigned>(virt >> level_shift(level)) & (kEntriesPerTable - 1);
}
/// The level whose entries map pages of `size`.
constexpr PagingLevel leaf_level(PageSize size) noexcept {
  switch (size) {
    case PageSize::Size4K:
      return 1;
    case PageSize::Size2M:
      return 2;
    case PageSize::Size1G:
      return 3;
  }
  return 1;
}
/// The size of the pages that leaf entries at `level` (1..3) map.
constexpr PageSize leaf_size(PagingLevel level) noexcept {
  return level == 3 ? PageSize::Size1G : level == 2 ? PageSize::Size2M : PageSize::Size4K;
}

/// The bits of an entry, with their meaning in the hardware format. Entries are values: tables
/// are read and written whole entries at a time (see PageTable's table access).
class PageTableEntry {
 public:
  // [intel-sdm vol3] 4.5.4, tables 4-15 (PML4E) to 4-20 (PTE).
  static constexpr std::uint64_t kPresent = 1ULL << 0;
  static constexpr std::uint64_t kWritable = 1ULL << 1;
  static constexpr std::uint64_t kUser = 1ULL << 2;
  static constexpr std::uint64_t kWriteThrough = 1ULL << 3;  ///< PWT.
  static constexpr std::uint64_t kCacheDisable = 1ULL << 4;  ///< PCD.
  static constexpr std::uint64_t kAccessed = 1ULL << 5;
  static constexpr std::uint64_t kDirty = 1ULL << 6;       ///< Leaves only.
  static constexpr std::uint64_t kLargePage = 1ULL << 7;   ///< PS, in a PDPTE or PDE.
  static constexpr std::uint64_t kPatSmall = 1ULL << 7;    ///< PAT, in a PTE.
  static constexpr std::uint64_t kGlobal = 1ULL << 8;      ///< Leaves only.
  static constexpr std::uint64_t kPatLarge = 1ULL << 12;   ///< PAT, in a 1 GiB or 2 MiB leaf.
  static constexpr std::uint64_t kNoExecute = 1ULL << 63;  ///< XD, when EFER.NXE is set.
  /// Address bits 12..51 (MAXPHYADDR is at most 52). [intel-sdm vol3] 4.1.4
  static constexpr std::uint64_t kAddressMask = 0x000f'ffff'ffff'f000ULL;
  /// One past the highest physical address an entry can hold.
  static constexpr std::uint64_t kPhysLimit = 1ULL << 52;
  /// The bits PageFlags control in a leaf; protect() replaces these and keeps the others
  /// (address, PS, PAT, accessed, dirty, the bits available to software).
  static constexpr std::uint64_t kFlagBits =
      kWritable | kUser | kWriteThrough | kCacheDisable | kGlobal | kNoExecute;

  constexpr PageTableEntry() noexcept = default;
  constexpr explicit PageTableEntry(std::uint64_t raw) noexcept : raw_(raw) {}

  /// An entry that points to the next-level table at `table`. Intermediate entries are
  /// permissive (present, writable, user when `user`, executable) so that the leaves decide.
  static constexpr PageTableEntry table(PhysAddr table, bool user) noexcept {
    return PageTableEntry((table.value() & kAddressMask) | kPresent | kWritable |
                          (user ? kUser : 0));
  }

  /// A leaf mapping a page of `size` at `frame` with `flags`. NX is set for a page without
  /// PageFlags::Executable only when the CPU uses it (it is a reserved bit otherwise).
  static constexpr PageTableEntry leaf(PhysAddr frame, PageSize size, PageFlags flags,
                                       bool nx_supported) noexcept {
    std::uint64_t raw =
        (frame.value() & kAddressMask) | kPresent | (size == PageSize::Size4K ? 0 : kLargePage);
    return PageTableEntry(raw).with_flags(flags, nx_supported);
  }

  constexpr std::uint64_t raw() const noexcept { return raw_; }
  constexpr bool present() const noexcept { return (raw_ & kPresent) != 0; }
  constexpr bool writable() const noexcept { return (raw_ & kWritable) != 0; }
  constexpr bool user() const noexcept { return (raw_ & kUser) != 0; }
  constexpr bool global() const noexcept { return (raw_ & kGlobal) != 0; }
  constexpr bool no_execute() const noexcept { return (raw_ & kNoExecute) != 0; }

  /// Whether this present entry at `level` maps a page rather than pointing to a table. PS is
  /// reserved in a PML4E, so root entries are never leaves.
  constexpr bool is_leaf(PagingLevel level) const noexcept {
    if (!present()) return false;
    if (level == 1) return true;
    return level < kRootLevel && (raw_ & kLargePage) != 0;
  }

  /// The next-level table of a present non-leaf entry.
  constexpr PhysAddr table_address() const noexcept { return PhysAddr(raw_ & kAddressMask); }

  /// The frame of a leaf at `level`. In large leaves bit 12 is PAT, not address.
  constexpr PhysAddr frame(PagingLevel level) const noexcept {
    return PhysAddr(raw_ & kAddressMask & ~(entry_span(level) - 1));
  }

  /// The PageFlags of a leaf (as the leaf alone says; the path may restrict them further).
  constexpr PageFlags flags(bool nx_supported) const noexcept {
    PageFlags f = PageFlags::None;
    if (raw_ & kWritable) f = f | PageFlags::Writable;
    if (raw_ & kUser) f = f | PageFlags::User;
    if (!nx_supported || !(raw_ & kNoExecute)) f = f | PageFlags::Executable;
    if (raw_ & kGlobal) f = f | PageFlags::Global;
    if (raw_ & kWriteThrough) f = f | PageFlags::WriteThrough;
    if (raw_ & kCacheDisable) f = f | PageFlags::CacheDisable;
    return f;
  }

  /// This leaf with its flag bits set from `flags`, every other bit kept.
  constexpr PageTableEntry with_flags(PageFlags flags, bool nx_supported) const noexcept {
    std::uint64_t raw = raw_ & ~kFlagBits;
    if (has(flags, PageFlags::Writable)) raw |= kWritable;
    if (has(flags, PageFlags::User)) raw |= kUser;
    if (has(flags, PageFlags::Global)) raw |= kGlobal;
    if (has(flags, PageFlags::WriteThrough)) raw |= kWriteThrough;
    if (has(flags, PageFlags::CacheDisable)) raw |= kCacheDisable;
    if (nx_supported && !has(flags, PageFlags::Executable)) raw |= kNoExecute;
    return PageTableEntry(raw);
  }

  /// This non-leaf entry made to allow what a leaf below with `flags` needs (writable, user,
  /// executable), so that the leaf's own bits decide. Permissions are only ever added here.
  constexpr PageTableEntry allowing(PageFlags flags) const noexcept {
    std::uint64_t raw = raw_;
    if (has(flags, PageFlags::Writable)) raw |= kWritable;
    if (has(flags, PageFlags::User)) raw |= kUser;
    if (has(flags, PageFlags::Executable)) raw &= ~kNoExecute;
    return PageTableEntry(raw);
  }

  /// Entry `index` of the table that replaces this large leaf at `level` (2 or 3): the same
  /// page, mapped by 512 pages one level down with the same bits. Bit 12 (PAT) of a large leaf
  /// moves to bit 7 in a PTE, where bit 7 is PAT rather than PS. [intel-sdm vol3] 4.5.4
  constexpr PageTableEntry split_child(PagingLevel level, unsigned index) const noexcept {
    std::uint64_t child_span = entry_span(level - 1);
    std::uint64_t address = frame(level).value() + index * child_span;
    std::uint64_t bits = raw_ & ~(kAddressMask | kLargePage);
    bool pat = (raw_ & kPatLarge) != 0;
    if (level - 1 == 1) return PageTableEntry(bits | address | (pat ? kPatSmall : 0));
    return PageTableEntry(bits | address | kLargePage | (pat ? kPatLarge : 0));
  }

  friend constexpr bool operator==(PageTableEntry a, PageTableEntry b) noexcept = default;

 private:
  std::uint64_t raw_ = 0;
};

static_assert(PageTableEntry::leaf(PhysAddr(0x20'0000), PageSize::Size2M, PageFlags::Writable, true)
                  .raw() == (0x20'0000ULL | 0x83 | (1ULL << 63)));
static_assert(PageTableEntry(0x4000'0000ULL | 0x1083).split_child(3, 1).raw() ==
              (0x4020'0000ULL | 0x1083));
static_assert(PageTableEntry(0x20'0000ULL | 0x1083).split_child(2, 3).raw() ==
              (0x20'3000ULL | 0x83));

}  // namespace mos::mm
