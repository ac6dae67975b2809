// x86-64 4-level page tables. [intel-sdm vol3] 4.5
//
// Every operation that can fail first checks and counts, then reserves the table frames it will
// need, and only then changes entries: an error (Error::Exists, Error::NoEntry, Error::NoMemory)
// leaves the hierarchy exactly as it was, and nothing half-linked is ever visible to a CPU.
//
// Rules the hierarchy keeps:
// - Intermediate entries are permissive (present, writable, executable, and user as soon as one
//   leaf below is): the leaves alone decide what a page allows. Entries adopted from elsewhere are
//   widened the same way when a leaf below needs it; they are never narrowed.
// - A lower-half table left without a present entry by unmap() is freed and its parent entry
//   cleared (the root never is). Upper-half tables are never freed by unmap(): their PML4 entries
//   are copied into every address space (share_kernel_half), so they must stay put; an empty one
//   is reused, or replaced (and freed) when a large page is mapped over it.
// - Large pages are split only as far as a range boundary needs: a boundary inside a 1 GiB page
//   splits it into 2 MiB pages, and one of those into 4 KiB pages if the boundary is not 2 MiB
//   aligned. At most two tables per boundary.
// - TLB: every change to or removal of a present entry is followed by an invalidation (TlbBatch);
//   mapping a non-present entry needs none, since the TLB caches no non-present translation.
//   Tables are freed only after that flush.

#include <mm/page_table.hpp>

#include <k/panic.hpp>
#include <k/platform/tlb.hpp>
#include <k/string.hpp>

#include <initializer_list>
#include <utility>

#include "page_table_entry.hpp"
#include "table_frames.hpp"
#include "tlb_batch.hpp"

namespace mos::mm {
namespace {

constexpr std::uint64_t k1G = page_bytes(PageSize::Size1G);
constexpr std::uint64_t k2M = page_bytes(PageSize::Size2M);
constexpr std::uint32_t kKnownFlags = 0x3f;

// Entries are read and written as single 64-bit accesses: a CPU may walk the table at any time.
PageTableEntry load_entry(PhysMap map, PhysAddr table, unsigned index) noexcept {
  return PageTableEntry(map.at<volatile std::uint64_t>(table)[index]);
}
void store_entry(PhysMap map, PhysAddr table, unsigned index, PageTableEntry e) noexcept {
  map.at<volatile std::uint64_t>(table)[index] = e.raw();
}

bool is_canonical(std::uint64_t virt) noexcept {
  return virt < PageTable::kUserEnd || virt >= PageTable::kKernelHalfStart;
}

bool valid_flags(PageFlags flags) noexcept {
  return (static_cast<std::uint32_t>(flags) & ~kKnownFlags) == 0;
}

bool valid_size(PageSize size) noexcept {
  return size == PageSize::Size4K || size == PageSize::Size2M || size == PageSize::Size1G;
}

// The last byte of [virt, virt + length), which must be non-empty, 4 KiB aligned and lie in one
// canonical half; Error::InvalidArgument otherwise.
Result<std::uint64_t> checked_last(VirtAddr virt, std::uint64_t length) noexcept {
  if (length == 0 || !virt.is_aligned(kPageSize) || !is_aligned(length, kPageSize)) {
    return Error::InvalidArgument;
  }
  std::uint64_t first = virt.value();
  std::uint64_t last = first + (length - 1);
  if (last < first) return Error::InvalidArgument;  // Wrapped past 2^64.
  bool lower = last < PageTable::kUserEnd;
  bool upper = first >= PageTable::kKernelHalfStart;
  if (!lower && !upper) return Error::InvalidArgument;
  return last;
}

// Whether physical [phys, phys + length) fits in what an entry can address.
bool valid_phys(PhysAddr phys, std::uint64_t length) noexcept {
  return phys.value() < PageTableEntry::kPhysLimit &&
         length <= PageTableEntry::kPhysLimit - phys.value();
}

// One operation on the hierarchy: entry access, the table frames it reserves and retires, and
// the TLB invalidations it owes. Ending it flushes the TLB, then frees the retired tables.
class Editor {
 public:
  Editor(PhysMap map, FrameSource* frames, std::uint64_t& owned, bool nx) noexcept
      : map_(map), frames_((MOS_ASSERT(frames != nullptr), *frames), map, owned), nx_(nx) {}
  Editor(const Editor&) = delete;
  Editor& operator=(const Editor&) = delete;
  ~Editor() {
    tlb_.flush();
    frames_.release();
  }

  PageTableEntry load(PhysAddr table, unsigned index) const noexcept {
    return load_entry(map_, table, index);
  }
  void store(PhysAddr table, unsigned index, PageTableEntry e) noexcept {
    store_entry(map_, table, index, e);
  }
  TableFrames& frames() noexcept { return frames_; }
  TlbBatch& tlb() noexcept { return tlb_; }
  bool nx() const noexcept { return nx_; }

 private:
  PhysMap map_;
  TableFrames frames_;
  TlbBatch tlb_;
  bool nx_;
};

// The part of [first, last] that one entry at some level covers.
struct Slot {
  unsigned index;       // Of the entry in its table.
  std::uint64_t base;   // The first address the entry covers.
  std::uint64_t first;  // The part of the range inside the entry.
  std::uint64_t last;
  bool whole;  // The range covers the entry entirely.
};

// Calls f(slot) for each entry of a table at `level` that [first, last] touches (first and last
// inside the table's region), in order, until f returns false. Inclusive bounds, so that a range
// ending at 2^64 needs no special case.
template <class F>
bool for_each_slot(std::uint64_t first, std::uint64_t last, PagingLevel level, F&& f) noexcept {
  std::uint64_t span = entry_span(level);
  for (std::uint64_t at = first;;) {
    std::uint64_t base = align_down(at, span);
    std::uint64_t slot_last = base + (span - 1);
    std::uint64_t part_last = slot_last < last ? slot_last : last;
    Slot slot{entry_index(at, level), base, at, part_last, at == base && part_last == slot_last};
    if (!f(slot)) return false;
    if (part_last == last) return true;
    at = part_last + 1;
  }
}

bool table_is_empty(const Editor& ed, PhysAddr table) noexcept {
  for (unsigned i = 0; i < kEntriesPerTable; ++i) {
    if (ed.load(table, i).present()) return false;
  }
  return true;
}

// Whether no page is mapped through the table at `level`.
bool subtree_is_empty(const Editor& ed, PhysAddr table, PagingLevel level) noexcept {
  for (unsigned i = 0; i < kEntriesPerTable; ++i) {
    PageTableEntry e = ed.load(table, i);
    if (!e.present()) continue;
    if (e.is_leaf(level)) return false;
    if (!subtree_is_empty(ed, e.table_address(), level - 1)) return false;
  }
  return true;
}

// Retires the table at `level` and every table below it (not the frames its leaves map). The
// caller has unlinked it already. Children go first: retiring overwrites a table's first entry.
void retire_subtree(Editor& ed, PhysAddr table, PagingLevel level) noexcept {
  if (level > 1) {
    for (unsigned i = 0; i < kEntriesPerTable; ++i) {
      PageTableEntry e = ed.load(table, i);
      if (e.present() && !e.is_leaf(level)) retire_subtree(ed, e.table_address(), level - 1);
    }
  }
  ed.frames().retire(table);
}

// The number of tables in the hierarchy below (and including) the table at `level`.
std::uint64_t count_tables(PhysMap map, PhysAddr table, PagingLevel level) noexcept {
  std::uint64_t count = 1;
  if (level == 1) return count;
  for (unsigned i = 0; i < kEntriesPerTable; ++i) {
    PageTableEntry e = load_entry(map, table, i);
    if (e.present() && !e.is_leaf(level)) count += count_tables(map, e.table_address(), level - 1);
  }
  return count;
}

// --- map ----------------------------------------------------------------------------------------

// The page size for the next piece of a range: the largest that `largest` allows, both addresses
// are aligned to and the rest of the range holds.
PageSize chunk_size(std::uint64_t virt, std::uint64_t phys, std::uint64_t remaining,
                    PageSize largest) noexcept {
  for (PageSize size : {PageSize::Size1G, PageSize::Size2M}) {
    std::uint64_t bytes = page_bytes(size);
    if (page_bytes(largest) >= bytes && is_aligned(virt, bytes) && is_aligned(phys, bytes) &&
        remaining >= bytes) {
      return size;
    }
  }
  return PageSize::Size4K;
}

// How many tables mapping [virt, virt + length) will create, or Error::Exists if any part of it
// is mapped. Pieces come in ascending order, so a missing table is counted when the first piece
// under it is, and recognised for the pieces after by the region it covers.
Result<std::uint64_t> plan_map(const Editor& ed, PhysAddr root, std::uint64_t virt,
                               std::uint64_t phys, std::uint64_t length,
                               PageSize largest) noexcept {
  constexpr std::uint64_t kNone = 1;  // No region is 1 byte aligned only.
  std::uint64_t counted_region[kRootLevel + 1] = {kNone, kNone, kNone, kNone, kNone};
  std::uint64_t tables = 0;
  for (std::uint64_t done = 0; done < length;) {
    std::uint64_t va = virt + done;
    PageSize size = chunk_size(va, phys + done, length - done, largest);
    PagingLevel target = leaf_level(size);
    PhysAddr table = root;
    bool exists = true;  // Whether `table` exists yet.
    for (PagingLevel level = kRootLevel; level > target; --level) {
      if (exists) {
        PageTableEntry e = ed.load(table, entry_index(va, level));
        if (e.is_leaf(level)) return Error::Exists;
        if (e.present()) {
          table = e.table_address();
          continue;
        }
        exists = false;
      }
      std::uint64_t region = align_down(va, entry_span(level));
      if (counted_region[level] != region) {
        counted_region[level] = region;
        ++tables;
      }
    }
    if (exists) {
      PageTableEntry e = ed.load(table, entry_index(va, target));
      if (e.is_leaf(target)) return Error::Exists;
      if (e.present() && !subtree_is_empty(ed, e.table_address(), target - 1)) {
        return Error::Exists;
      }
    }
    done += page_bytes(size);
  }
  return tables;
}

// Maps [virt, virt + length) as planned by plan_map, whose tables are reserved.
void apply_map(Editor& ed, PhysAddr root, std::uint64_t virt, std::uint64_t phys,
               std::uint64_t length, PageFlags flags, PageSize largest) noexcept {
  bool user = has(flags, PageFlags::User);
  for (std::uint64_t done = 0; done < length;) {
    std::uint64_t va = virt + done;
    PageSize size = chunk_size(va, phys + done, length - done, largest);
    PagingLevel target = leaf_level(size);
    PhysAddr table = root;
    bool path_changed = false;  // A present entry above the leaf changed.
    for (PagingLevel level = kRootLevel; level > target; --level) {
      unsigned index = entry_index(va, level);
      PageTableEntry e = ed.load(table, index);
      if (!e.present()) {
        PhysAddr fresh = ed.frames().take_zeroed();
        ed.store(table, index, PageTableEntry::table(fresh, user));
        table = fresh;
        continue;
      }
      PageTableEntry widened = e.allowing(flags);
      if (widened != e) {
        ed.store(table, index, widened);
        path_changed = true;
      }
      table = e.table_address();
    }
    unsigned index = entry_index(va, target);
    PageTableEntry old = ed.load(table, index);
    ed.store(table, index, PageTableEntry::leaf(PhysAddr(phys + done), size, flags, ed.nx()));
    if (old.present()) {
      // An empty table (plan_map checked) that the large page replaces.
      retire_subtree(ed, old.table_address(), target - 1);
      path_changed = true;
    }
    if (path_changed) ed.tlb().add_table_change(VirtAddr(va));
    done += page_bytes(size);
  }
}

// --- splitting large pages ----------------------------------------------------------------------

// Whether protect() with `flags` (nullptr: unmap) would change the leaf `e`; a leaf it would
// leave alone need not be split.
bool would_change(const Editor& ed, PageTableEntry e, const PageFlags* flags) noexcept {
  return flags == nullptr || e.with_flags(*flags, ed.nx()) != e;
}

// The tables that splitting at some boundaries needs. The large leaves already planned to be
// split are remembered, so that two boundaries in one leaf count it once.
struct SplitPlan {
  static constexpr std::uint64_t kNone = 1;
  std::uint64_t split_1g = kNone;
  std::uint64_t split_2m = kNone;
  std::uint64_t tables = 0;

  void count(std::uint64_t& split, std::uint64_t base) noexcept {
    if (split == base) return;
    split = base;
    ++tables;
  }
};

// Plans the splits that make `boundary` (a 4 KiB aligned address, or the end of a range) fall
// between pages rather than inside one. A 1 GiB aligned boundary is inside no page; this also
// covers the ends of the halves (kUserEnd, and 2^64 which wraps to 0).
void plan_split(const Editor& ed, PhysAddr root, std::uint64_t boundary, const PageFlags* flags,
                SplitPlan& plan) noexcept {
  if (is_aligned(boundary, k1G)) return;
  PageTableEntry e4 = ed.load(root, entry_index(boundary, 4));
  if (!e4.present()) return;
  PageTableEntry e3 = ed.load(e4.table_address(), entry_index(boundary, 3));
  if (!e3.present()) return;
  if (e3.is_leaf(3)) {
    if (!would_change(ed, e3, flags)) return;
    plan.count(plan.split_1g, align_down(boundary, k1G));
    // The 2 MiB page of the split that holds the boundary has e3's bits.
    if (!is_aligned(boundary, k2M)) plan.count(plan.split_2m, align_down(boundary, k2M));
    return;
  }
  if (is_aligned(boundary, k2M)) return;
  PageTableEntry e2 = ed.load(e3.table_address(), entry_index(boundary, 2));
  if (!e2.is_leaf(2) || !would_change(ed, e2, flags)) return;
  plan.count(plan.split_2m, align_down(boundary, k2M));
}

// Replaces the large leaf at `index` of `table` (at `level`, 2 or 3; it maps the page at `page`)
// by a table of 512 pages one size smaller with the same bits. The new table is complete before
// it is linked, so a CPU sees either the large page or the split one.
void split_leaf(Editor& ed, PhysAddr table, unsigned index, PagingLevel level,
                std::uint64_t page) noexcept {
  PageTableEntry e = ed.load(table, index);
  PhysAddr fresh = ed.frames().take_zeroed();
  for (unsigned i = 0; i < kEntriesPerTable; ++i) ed.store(fresh, i, e.split_child(level, i));
  ed.store(table, index, PageTableEntry::table(fresh, e.user()));
  ed.tlb().add(VirtAddr(page), e.global());
}

// Performs what plan_split planned for `boundary` (its tables are reserved).
void split_at(Editor& ed, PhysAddr root, std::uint64_t boundary, const PageFlags* flags) noexcept {
  if (is_aligned(boundary, k1G)) return;
  PageTableEntry e4 = ed.load(root, entry_index(boundary, 4));
  if (!e4.present()) return;
  PhysAddr pdpt = e4.table_address();
  unsigned i3 = entry_index(boundary, 3);
  PageTableEntry e3 = ed.load(pdpt, i3);
  if (!e3.present()) return;
  if (e3.is_leaf(3)) {
    if (!would_change(ed, e3, flags)) return;
    split_leaf(ed, pdpt, i3, 3, align_down(boundary, k1G));
    e3 = ed.load(pdpt, i3);
  }
  if (is_aligned(boundary, k2M)) return;
  PhysAddr pd = e3.table_address();
  unsigned i2 = entry_index(boundary, 2);
  PageTableEntry e2 = ed.load(pd, i2);
  if (!e2.is_leaf(2) || !would_change(ed, e2, flags)) return;
  split_leaf(ed, pd, i2, 2, align_down(boundary, k2M));
}

// Splits what [first, last] needs split at its two ends, or Error::NoMemory with nothing changed.
Result<void> split_ends(Editor& ed, PhysAddr root, std::uint64_t first, std::uint64_t last,
                        const PageFlags* flags) noexcept {
  SplitPlan plan;
  plan_split(ed, root, first, flags, plan);
  plan_split(ed, root, last + 1, flags, plan);
  MOS_TRY(ed.frames().reserve(plan.tables));
  split_at(ed, root, first, flags);
  split_at(ed, root, last + 1, flags);
  return {};
}

// --- unmap and protect --------------------------------------------------------------------------

void unmap_range(Editor& ed, PhysAddr table, PagingLevel level, std::uint64_t first,
                 std::uint64_t last, UnmapVisitor* visitor) noexcept {
  for_each_slot(first, last, level, [&](const Slot& s) {
    PageTableEntry e = ed.load(table, s.index);
    if (!e.present()) return true;
    if (e.is_leaf(level)) {
      MOS_ASSERT(s.whole);  // split_ends made the range's ends page boundaries.
      ed.store(table, s.index, PageTableEntry());
      ed.tlb().add(VirtAddr(s.base), e.global());
      if (visitor != nullptr) {
        visitor->unmapped(VirtAddr(s.base), e.frame(level), leaf_size(level));
      }
      return true;
    }
    PhysAddr child = e.table_address();
    unmap_range(ed, child, level - 1, s.first, s.last, visitor);
    // Upper-half tables stay (see the top of the file). A wholly covered child is empty now.
    if (s.base < PageTable::kUserEnd && (s.whole || table_is_empty(ed, child))) {
      ed.store(table, s.index, PageTableEntry());
      ed.tlb().add_table_change(VirtAddr(s.base));
      ed.frames().retire(child);
    }
    return true;
  });
}

// Whether every page of [first, last] is mapped.
bool range_mapped(const Editor& ed, PhysAddr table, PagingLevel level, std::uint64_t first,
                  std::uint64_t last) noexcept {
  return for_each_slot(first, last, level, [&](const Slot& s) {
    PageTableEntry e = ed.load(table, s.index);
    if (!e.present()) return false;
    if (e.is_leaf(level)) return true;
    return range_mapped(ed, e.table_address(), level - 1, s.first, s.last);
  });
}

// Sets `flags` on the leaves of [first, last]: all mapped (range_mapped), ends split. `widened`:
// an entry above was widened, so cached translations below are stale even where a leaf stays.
void protect_range(Editor& ed, PhysAddr table, PagingLevel level, std::uint64_t first,
                   std::uint64_t last, PageFlags flags, bool widened) noexcept {
  for_each_slot(first, last, level, [&](const Slot& s) {
    PageTableEntry e = ed.load(table, s.index);
    MOS_ASSERT(e.present());
    if (e.is_leaf(level)) {
      PageTableEntry changed = e.with_flags(flags, ed.nx());
      if (changed != e) {
        MOS_ASSERT(s.whole);  // A leaf partly inside that needs a change was split.
        ed.store(table, s.index, changed);
      }
      if (changed != e || widened) ed.tlb().add(VirtAddr(s.base), e.global());
      return true;
    }
    PageTableEntry allowing = e.allowing(flags);
    if (allowing != e) ed.store(table, s.index, allowing);
    protect_range(ed, e.table_address(), level - 1, s.first, s.last, flags,
                  widened || allowing != e);
    return true;
  });
}

}  // namespace

// --- PageTable ----------------------------------------------------------------------------------

Result<PageTable> PageTable::create(FrameSource& frames, PhysMap phys_map) noexcept {
  PhysAddr root = MOS_TRY(frames.allocate_frames(0));
  memory_set(phys_map.at<void>(root), 0, kPageSize);
  PageTable table(root, frames, phys_map);
  table.table_frames_ = 1;
  return Result<PageTable>(std::move(table));
}

PageTable PageTable::adopt(PhysAddr root, FrameSource& frames, PhysMap phys_map) noexcept {
  PageTable table(root, frames, phys_map);
  table.table_frames_ = count_tables(phys_map, root, kRootLevel);
  return table;
}

PageTable::PageTable(PageTable&& other) noexcept
    : root_(std::exchange(other.root_, PhysAddr())),
      frames_(std::exchange(other.frames_, nullptr)),
      phys_map_(other.phys_map_),
      table_frames_(std::exchange(other.table_frames_, 0)),
      nx_supported_(other.nx_supported_) {}

PageTable& PageTable::operator=(PageTable&& other) noexcept {
  if (this != &other) {
    root_ = std::exchange(other.root_, PhysAddr());
    frames_ = std::exchange(other.frames_, nullptr);
    phys_map_ = other.phys_map_;
    table_frames_ = std::exchange(other.table_frames_, 0);
    nx_supported_ = other.nx_supported_;
  }
  return *this;
}

Result<void> PageTable::map(VirtAddr virt, PhysAddr phys, PageSize size, PageFlags flags) noexcept {
  if (!valid_size(size) || !valid_flags(flags)) return Error::InvalidArgument;
  std::uint64_t bytes = page_bytes(size);
  if (!virt.is_aligned(bytes) || !phys.is_aligned(bytes) || !valid_phys(phys, bytes)) {
    return Error::InvalidArgument;
  }
  MOS_TRY(checked_last(virt, bytes));
  Editor ed(phys_map_, frames_, table_frames_, nx_supported_);
  std::uint64_t tables = MOS_TRY(plan_map(ed, root_, virt.value(), phys.value(), bytes, size));
  MOS_TRY(ed.frames().reserve(tables));
  apply_map(ed, root_, virt.value(), phys.value(), bytes, flags, size);
  return {};
}

Result<void> PageTable::map_range(VirtAddr virt, PhysAddr phys, std::uint64_t length,
                                  PageFlags flags, PageSize largest) noexcept {
  if (!valid_size(largest) || !valid_flags(flags)) return Error::InvalidArgument;
  if (!phys.is_aligned(kPageSize) || !valid_phys(phys, length)) return Error::InvalidArgument;
  MOS_TRY(checked_last(virt, length));
  Editor ed(phys_map_, frames_, table_frames_, nx_supported_);
  std::uint64_t tables = MOS_TRY(plan_map(ed, root_, virt.value(), phys.value(), length, largest));
  MOS_TRY(ed.frames().reserve(tables));
  apply_map(ed, root_, virt.value(), phys.value(), length, flags, largest);
  return {};
}

Result<void> PageTable::unmap(VirtAddr virt, std::uint64_t length, UnmapVisitor* visitor) noexcept {
  std::uint64_t last = MOS_TRY(checked_last(virt, length));
  Editor ed(phys_map_, frames_, table_frames_, nx_supported_);
  MOS_TRY(split_ends(ed, root_, virt.value(), last, nullptr));
  unmap_range(ed, root_, kRootLevel, virt.value(), last, visitor);
  return {};
}

Result<void> PageTable::protect(VirtAddr virt, std::uint64_t length, PageFlags flags) noexcept {
  if (!valid_flags(flags)) return Error::InvalidArgument;
  std::uint64_t last = MOS_TRY(checked_last(virt, length));
  Editor ed(phys_map_, frames_, table_frames_, nx_supported_);
  if (!range_mapped(ed, root_, kRootLevel, virt.value(), last)) return Error::NoEntry;
  MOS_TRY(split_ends(ed, root_, virt.value(), last, &flags));
  protect_range(ed, root_, kRootLevel, virt.value(), last, flags, false);
  return {};
}

std::optional<Translation> PageTable::query(VirtAddr virt) const noexcept {
  std::uint64_t va = virt.value();
  if (!is_canonical(va)) return std::nullopt;
  // What the CPU allows is what every entry on the path allows. [intel-sdm vol3] 4.6.1
  bool writable = true;
  bool user = true;
  bool no_execute = false;
  PhysAddr table = root_;
  for (PagingLevel level = kRootLevel; level >= 1; --level) {
    PageTableEntry e = load_entry(phys_map_, table, entry_index(va, level));
    if (!e.present()) return std::nullopt;
    writable = writable && e.writable();
    user = user && e.user();
    no_execute = no_execute || e.no_execute();
    if (!e.is_leaf(level)) {
      table = e.table_address();
      continue;
    }
    PageFlags flags =
        e.flags(nx_supported_) & ~(PageFlags::Writable | PageFlags::User | PageFlags::Executable);
    if (writable) flags = flags | PageFlags::Writable;
    if (user) flags = flags | PageFlags::User;
    if (!nx_supported_ || !no_execute) flags = flags | PageFlags::Executable;
    std::uint64_t span = entry_span(level);
    PhysAddr frame = e.frame(level);
    return Translation{VirtAddr(align_down(va, span)), frame, frame + (va & (span - 1)),
                       leaf_size(level), flags};
  }
  return std::nullopt;
}

void PageTable::share_kernel_half(const PageTable& kernel) noexcept {
  if (&kernel == this) return;
  bool replaced = false;
  for (unsigned i = kEntriesPerTable / 2; i < kEntriesPerTable; ++i) {
    PageTableEntry theirs = load_entry(kernel.phys_map_, kernel.root_, i);
    PageTableEntry mine = load_entry(phys_map_, root_, i);
    if (theirs == mine) continue;
    replaced = replaced || mine.present();
    store_entry(phys_map_, root_, i, theirs);
  }
  // Only if this root had an upper half of its own, which may be cached.
  if (replaced) platform::tlb_invalidate_all();
}

void PageTable::destroy(bool include_root) noexcept {
  if (frames_ == nullptr) return;  // Moved from: owns nothing.
  Editor ed(phys_map_, frames_, table_frames_, nx_supported_);
  bool cleared = false;
  for (unsigned i = 0; i < kEntriesPerTable / 2; ++i) {
    PageTableEntry e = ed.load(root_, i);
    if (!e.present()) continue;
    ed.store(root_, i, PageTableEntry());
    retire_subtree(ed, e.table_address(), kRootLevel - 1);
    cleared = true;
  }
  if (include_root) {
    ed.frames().retire(root_);
    root_ = PhysAddr();
    frames_ = nullptr;  // Owns nothing any more; a second destroy() does nothing.
  } else if (cleared) {
    ed.tlb().add_all();  // The root may still be in CR3, with the lower half cached.
  }
}

}  // namespace mos::mm
