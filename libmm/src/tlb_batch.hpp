#pragma once
/// The TLB invalidations one page-table operation owes, collected so that a large change costs
/// one full flush instead of thousands of single-page ones.

#include <k/address.hpp>
#include <k/fixed_vector.hpp>
#include <k/platform/tlb.hpp>

#include <cstddef>

namespace mos::mm {

/// Pages whose translations changed, flushed by flush(). Beyond kMaxPages pages one
/// tlb_invalidate_all() replaces the single invalidations. A full flush keeps global
/// translations, so changed global pages are always invalidated one by one (and at once).
class TlbBatch {
 public:
  /// Up to this many pages are invalidated one by one.
  static constexpr std::size_t kMaxPages = 32;

  TlbBatch() noexcept = default;
  TlbBatch(const TlbBatch&) = delete;
  TlbBatch& operator=(const TlbBatch&) = delete;
  /// Flushes what is still pending.
  ~TlbBatch() { flush(); }

  /// Records that the translation of the page at `page` (of any size: one invlpg anywhere in a
  /// large page drops all of its TLB entries, [intel-sdm vol3] 4.10.4.1) changed. `global`: the
  /// old entry had G set.
  void add(VirtAddr page, bool global) noexcept {
    if (global) {
      platform::tlb_invalidate_page(page);
      return;
    }
    if (all_) return;
    // A split and the change that follows it often name the same page twice in a row.
    if (!pages_.empty() && pages_.back() == page) return;
    if (pages_.full()) {
      all_ = true;
      pages_.clear();
      return;
    }
    (void)pages_.push_back(page);  // Cannot fail: not full.
  }

  /// Records that a non-leaf entry that pointed to a table was cleared or replaced. Any
  /// invlpg, and a CR3 reload, drops all paging-structure caches of the current PCID
  /// ([intel-sdm vol3] 4.10.4.1), so this asks for one invalidation only if none is pending.
  void add_table_change(VirtAddr page) noexcept {
    if (!all_ && pages_.empty()) (void)pages_.push_back(page);
  }

  /// Asks for a full flush of the non-global translations (after a change to many pages).
  void add_all() noexcept {
    all_ = true;
    pages_.clear();
  }

  /// Performs the pending invalidations.
  void flush() noexcept {
    if (all_) {
      platform::tlb_invalidate_all();
    } else {
      for (VirtAddr page : pages_) platform::tlb_invalidate_page(page);
    }
    all_ = false;
    pages_.clear();
  }

 private:
  FixedVector<VirtAddr, kMaxPages> pages_;
  bool all_ = false;
};

}  // namespace mos::mm
