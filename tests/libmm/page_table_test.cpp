// x86-64 page tables on simulated RAM: translation of every page size, the entry format read
// back raw, splitting, freeing of empty tables, errors that change nothing, TLB invalidations,
// and a randomised sequence of operations against a reference model.

#include <mm/page_table.hpp>

#include "host_tlb.hpp"
#include "random.hpp"
#include "simulated_ram.hpp"

#include <absl/container/btree_map.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace {

using mos::Error;
using mos::PhysAddr;
using mos::VirtAddr;
using mos::mm::kPageSize;
using mos::mm::page_bytes;
using mos::mm::PageFlags;
using mos::mm::PageSize;
using mos::mm::PageTable;
using mos::mm::PhysMap;
using mos::mm::Translation;
using mos::mm::UnmapVisitor;
using mos::mm::testing::CountingFrameSource;
using mos::mm::testing::SimulatedRam;

constexpr std::uint64_t k4K = 4096;
constexpr std::uint64_t k2M = 2ULL << 20;
constexpr std::uint64_t k1G = 1ULL << 30;

// Entry bits, written out here independently of the implementation. [intel-sdm vol3] 4.5.4
constexpr std::uint64_t kP = 1ULL << 0;
constexpr std::uint64_t kRW = 1ULL << 1;
constexpr std::uint64_t kUS = 1ULL << 2;
constexpr std::uint64_t kPWT = 1ULL << 3;
constexpr std::uint64_t kPCD = 1ULL << 4;
constexpr std::uint64_t kPS = 1ULL << 7;
constexpr std::uint64_t kG = 1ULL << 8;
constexpr std::uint64_t kXD = 1ULL << 63;
constexpr std::uint64_t kAddr = 0x000ffffffffff000ULL;

constexpr PageFlags kRW_ = PageFlags::Writable;
constexpr PageFlags kAllFlags = PageFlags::Writable | PageFlags::User | PageFlags::Executable |
                                PageFlags::Global | PageFlags::WriteThrough |
                                PageFlags::CacheDisable;

std::uint64_t tlb_count() {
  return mos::platform::host::tlb_invalidations();
}

PageTable make_table(CountingFrameSource& frames, PhysMap map) {
  mos::Result<PageTable> table = PageTable::create(frames, map);
  REQUIRE(table.has_value());
  return std::move(table).value();
}

// Tables come from 256 MiB of simulated RAM at 16 MiB; the frames that mappings point to need not
// exist (nothing reads them).
struct Machine {
  SimulatedRam ram{PhysAddr(16ULL << 20), 256ULL << 20};
  CountingFrameSource frames{ram, ram.base(), 1ULL << 20};
  PageTable table = make_table(frames, ram.phys_map());

  // Entry `index` of the table at `table`, straight from memory.
  std::uint64_t raw(PhysAddr table_frame, unsigned index) const {
    return ram.phys_map().at<std::uint64_t>(table_frame)[index];
  }
  // The entry at `level` (4 = PML4E ... 1 = PTE) on the path to `va`, walked with the bits above;
  // 0 if the walk stops earlier.
  std::uint64_t raw_entry(std::uint64_t va, int level) const {
    std::uint64_t table_frame = table.root().value();
    for (int l = 4;; --l) {
      std::uint64_t e = raw(PhysAddr(table_frame), (va >> (12 + 9 * (l - 1))) & 511);
      if (l == level) return e;
      if (!(e & kP) || (e & kPS)) return 0;
      table_frame = e & kAddr;
    }
  }
  void limit_to(std::uint64_t more) { frames.set_limit(frames.outstanding_frames() + more); }
  void unlimit() { frames.set_limit(1ULL << 20); }
};

// A query result that compares whole.
struct Seen {
  bool mapped = false;
  std::uint64_t page = 0, frame = 0, phys = 0;
  int size = 0;
  std::uint32_t flags = 0;
  bool operator==(const Seen&) const = default;
};
Seen seen(const PageTable& table, std::uint64_t va) {
  std::optional<Translation> t = table.query(VirtAddr(va));
  if (!t) return {};
  return {true,
          t->page.value(),
          t->frame.value(),
          t->phys.value(),
          static_cast<int>(t->size),
          static_cast<std::uint32_t>(t->flags)};
}

// What queries of a sample of addresses around [base, base + 4 GiB) see: every 4 KiB page of the
// first and last 4 MiB of each GiB, plus every 2 MiB and odd offsets.
std::vector<Seen> snapshot(const PageTable& table, std::uint64_t base) {
  std::vector<Seen> out;
  for (std::uint64_t g = 0; g < 4; ++g) {
    std::uint64_t gib = base + g * k1G;
    for (std::uint64_t off = 0; off < 4 * k2M; off += k4K) {
      out.push_back(seen(table, gib + off));
      out.push_back(seen(table, gib + k1G - 4 * k2M + off + 123));
    }
    for (std::uint64_t off = 0; off < k1G; off += k2M) out.push_back(seen(table, gib + off + 7));
  }
  return out;
}

struct Recorded {
  std::uint64_t page, frame;
  PageSize size;
};
struct RecordingVisitor final : UnmapVisitor {
  std::vector<Recorded> pages;
  void unmapped(VirtAddr page, PhysAddr frame, PageSize size) noexcept override {
    pages.push_back({page.value(), frame.value(), size});
  }
};

// Counts the pages of each size that map [va, va + length), checking each translates linearly
// to phys.
struct Layout {
  int n4k = 0, n2m = 0, n1g = 0;
  bool linear = true;
};
Layout layout(const PageTable& table, std::uint64_t va, std::uint64_t phys, std::uint64_t length) {
  Layout l;
  for (std::uint64_t at = va; at < va + length;) {
    std::optional<Translation> t = table.query(VirtAddr(at));
    if (!t || t->page.value() != at || t->phys.value() != phys + (at - va)) {
      l.linear = false;
      return l;
    }
    switch (t->size) {
      case PageSize::Size4K:
        ++l.n4k;
        break;
      case PageSize::Size2M:
        ++l.n2m;
        break;
      case PageSize::Size1G:
        ++l.n1g;
        break;
    }
    at += page_bytes(t->size);
  }
  return l;
}

}  // namespace

TEST_CASE("page table: a new table is one zeroed frame and maps nothing") {
  Machine m;
  CHECK(m.frames.outstanding_frames() == 1);
  CHECK(m.table.table_frames() == 1);
  CHECK(m.frames.is_outstanding(m.table.root()));
  for (unsigned i = 0; i < 512; ++i) CHECK(m.raw(m.table.root(), i) == 0);  // Not the 0xa5 fill.
  CHECK_FALSE(m.table.query(VirtAddr(0)).has_value());
  CHECK_FALSE(m.table.query(VirtAddr(0xffffffff80000000ULL)).has_value());
  m.table.destroy(true);
  CHECK(m.frames.outstanding_frames() == 0);
  CHECK(m.table.table_frames() == 0);
  m.table.destroy(true);  // Nothing left to free (a second free would abort the test).
  CHECK(m.frames.outstanding_frames() == 0);
}

TEST_CASE("page table: every page size translates every offset inside the page") {
  struct Case {
    PageSize size;
    std::uint64_t virt, phys;
    std::uint64_t tables;  // Including the root.
  };
  const Case cases[] = {
      {PageSize::Size4K, 0x0000'7fff'ffff'f000ULL, 0x1234'5000ULL, 4},
      {PageSize::Size2M, 0x0000'0040'0020'0000ULL, 0x000f'ffff'ffe0'0000ULL, 3},
      {PageSize::Size1G, 0xffff'ffff'c000'0000ULL, 0x0000'1234'4000'0000ULL, 2},
      {PageSize::Size4K, 0xffff'8000'0000'0000ULL, 0, 4},
  };
  for (const Case& c : cases) {
    CAPTURE(c.virt);
    Machine m;
    const std::uint64_t bytes = page_bytes(c.size);
    REQUIRE(m.table.map(VirtAddr(c.virt), PhysAddr(c.phys), c.size, kRW_).has_value());
    CHECK(m.table.table_frames() == c.tables);
    CHECK(m.frames.outstanding_frames() == c.tables);
    auto gen = mos::test::make_bitgen(c.virt);
    std::vector<std::uint64_t> offsets = {0, 1, 8, k4K - 1, bytes / 2 + 3, bytes - 1};
    if (bytes > k4K) offsets.push_back(k4K);
    for (int i = 0; i < 200; ++i) offsets.push_back(absl::Uniform<std::uint64_t>(gen, 0, bytes));
    for (std::uint64_t off : offsets) {
      CAPTURE(off);
      std::optional<Translation> t = m.table.query(VirtAddr(c.virt + off));
      REQUIRE(t.has_value());
      CHECK(t->page.value() == c.virt);
      CHECK(t->frame.value() == c.phys);
      CHECK(t->phys.value() == c.phys + off);
      CHECK(t->size == c.size);
      CHECK(t->flags == (PageFlags::Writable));
    }
    if (c.virt != 0xffff'8000'0000'0000ULL) CHECK_FALSE(m.table.query(VirtAddr(c.virt - 1)));
    if (c.virt + bytes != 0 && c.virt + bytes != PageTable::kUserEnd) {
      CHECK_FALSE(m.table.query(VirtAddr(c.virt + bytes)));
    }
    // Unmapping frees the lower half's tables; the upper half's stay.
    REQUIRE(m.table.unmap(VirtAddr(c.virt), bytes).has_value());
    CHECK_FALSE(m.table.query(VirtAddr(c.virt)));
    CHECK_FALSE(m.table.query(VirtAddr(c.virt + bytes - 1)));
    CHECK(m.table.table_frames() == (c.virt < PageTable::kUserEnd ? 1 : c.tables));
    CHECK(m.frames.outstanding_frames() == m.table.table_frames());
  }
}

TEST_CASE("page table: flags round-trip through query for each page size") {
  const PageFlags flag_sets[] = {
      PageFlags::None,
      PageFlags::Writable,
      PageFlags::User,
      PageFlags::Executable,
      PageFlags::Global,
      PageFlags::WriteThrough,
      PageFlags::CacheDisable,
      PageFlags::User | PageFlags::Writable | PageFlags::Executable,
      PageFlags::Global | PageFlags::CacheDisable | PageFlags::WriteThrough,
      kAllFlags,
  };
  for (PageSize size : {PageSize::Size4K, PageSize::Size2M, PageSize::Size1G}) {
    Machine m;
    std::uint64_t va = 4 * k1G;
    for (PageFlags flags : flag_sets) {
      CAPTURE(static_cast<int>(size));
      CAPTURE(static_cast<std::uint32_t>(flags));
      REQUIRE(m.table.map(VirtAddr(va), PhysAddr(va), size, flags).has_value());
      std::optional<Translation> t = m.table.query(VirtAddr(va));
      REQUIRE(t.has_value());
      CHECK(t->flags == flags);
      va += k1G;
    }
  }
}

TEST_CASE("page table: entries have the x86-64 format") {
  Machine m;
  SUBCASE("a 4 KiB user page, not executable: NX in bit 63, permissive intermediates") {
    const std::uint64_t va = 0x0000'1234'5678'9000ULL;
    const std::uint64_t pa = 0x000f'edcb'a987'6000ULL;
    REQUIRE(m.table
                .map(VirtAddr(va), PhysAddr(pa), PageSize::Size4K,
                     PageFlags::User | PageFlags::Writable)
                .has_value());
    CHECK(m.raw_entry(va, 1) == (pa | kP | kRW | kUS | kXD));
    for (int level = 4; level >= 2; --level) {
      CAPTURE(level);
      std::uint64_t e = m.raw_entry(va, level);
      CHECK((e & ~kAddr) == (kP | kRW | kUS));  // No PS, no NX, no caching bits.
      CHECK(m.frames.is_outstanding(PhysAddr(e & kAddr)));
    }
    CHECK(m.raw(m.table.root(), (va >> 39) & 511) == m.raw_entry(va, 4));
  }
  SUBCASE("a kernel 2 MiB page: PS in bit 7 of the PDE, no user bit anywhere") {
    const std::uint64_t va = 0xffff'8000'4000'0000ULL + 3 * k2M;
    const std::uint64_t pa = 0x8000'0000ULL + 5 * k2M;
    REQUIRE(m.table
                .map(VirtAddr(va), PhysAddr(pa), PageSize::Size2M,
                     PageFlags::Global | PageFlags::Executable | PageFlags::Writable)
                .has_value());
    CHECK(m.raw_entry(va, 2) == (pa | kP | kRW | kPS | kG));
    CHECK((m.raw_entry(va, 3) & ~kAddr) == (kP | kRW));
    CHECK((m.raw_entry(va, 4) & ~kAddr) == (kP | kRW));
  }
  SUBCASE("a 1 GiB uncached page: PS in the PDPTE, PCD and PWT in bits 4 and 3") {
    const std::uint64_t va = 7 * k1G;
    const std::uint64_t pa = 0x0000'00ff'c000'0000ULL;
    REQUIRE(m.table
                .map(VirtAddr(va), PhysAddr(pa), PageSize::Size1G,
                     PageFlags::CacheDisable | PageFlags::WriteThrough)
                .has_value());
    CHECK(m.raw_entry(va, 3) == (pa | kP | kPS | kPCD | kPWT | kXD));
  }
  SUBCASE("without NX support no entry has bit 63, and every page is executable") {
    m.table.set_no_execute_supported(false);
    const std::uint64_t va = 5 * k1G;
    REQUIRE(
        m.table.map(VirtAddr(va), PhysAddr(va), PageSize::Size4K, PageFlags::Writable).has_value());
    CHECK(m.raw_entry(va, 1) == (va | kP | kRW));
    CHECK(m.table.query(VirtAddr(va))->flags == (PageFlags::Writable | PageFlags::Executable));
  }
  SUBCASE("a user page next to a kernel page: intermediates gain the user bit, leaves decide") {
    const std::uint64_t va = 9 * k1G;
    REQUIRE(m.table.map(VirtAddr(va), PhysAddr(va), PageSize::Size4K, kRW_).has_value());
    CHECK((m.raw_entry(va, 2) & kUS) == 0);
    REQUIRE(m.table.map(VirtAddr(va + k4K), PhysAddr(va), PageSize::Size4K, PageFlags::User)
                .has_value());
    for (int level = 4; level >= 2; --level) CHECK((m.raw_entry(va, level) & kUS) != 0);
    CHECK((m.raw_entry(va, 1) & kUS) == 0);
    CHECK(m.table.query(VirtAddr(va))->flags == kRW_);
    CHECK(m.table.query(VirtAddr(va + k4K))->flags == PageFlags::User);
  }
}

TEST_CASE("page table: map_range picks 1 GiB, 2 MiB and 4 KiB pages by alignment and largest") {
  // 4 KiB, then 2 MiB up to a GiB boundary, a GiB, 2 MiB and 4 KiB again.
  const std::uint64_t va = 3 * k1G - k2M - k4K;
  const std::uint64_t length = k4K + k2M + k1G + k2M + k4K;
  struct Case {
    std::uint64_t phys;
    PageSize largest;
    Layout expected;
  };
  const Case cases[] = {
      {va + 8 * k1G, PageSize::Size1G, {2, 2, 1}},
      {va + 8 * k1G, PageSize::Size2M, {2, 514, 0}},
      {va + 8 * k1G, PageSize::Size4K, {2 + 514 * 512, 0, 0}},
      // Physical alignment differs from virtual by 4 KiB: only 4 KiB pages fit.
      {va + 8 * k1G + k4K, PageSize::Size1G, {2 + 514 * 512, 0, 0}},
      // Same 2 MiB alignment, different 1 GiB alignment: 2 MiB pages at most.
      {va + 8 * k1G + k2M, PageSize::Size1G, {2, 514, 0}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.phys);
    CAPTURE(static_cast<int>(c.largest));
    Machine m;
    std::uint64_t before = tlb_count();
    REQUIRE(m.table.map_range(VirtAddr(va), PhysAddr(c.phys), length, kRW_, c.largest).has_value());
    CHECK(tlb_count() == before);  // Fresh entries: nothing cached to invalidate.
    Layout l = layout(m.table, va, c.phys, length);
    CHECK(l.linear);
    CHECK(l.n4k == c.expected.n4k);
    CHECK(l.n2m == c.expected.n2m);
    CHECK(l.n1g == c.expected.n1g);
    CHECK_FALSE(m.table.query(VirtAddr(va - 1)));
    CHECK_FALSE(m.table.query(VirtAddr(va + length)));
    CHECK(m.table.table_frames() == m.frames.outstanding_frames());
    REQUIRE(m.table.unmap(VirtAddr(va), length).has_value());
    CHECK(m.frames.outstanding_frames() == 1);
  }
}

TEST_CASE("page table: unmapping part of a 1 GiB page splits it only as far as needed") {
  Machine m;
  const std::uint64_t va = 2 * k1G, pa = 16 * k1G;
  const PageFlags flags = PageFlags::User | PageFlags::Writable | PageFlags::Global;
  REQUIRE(m.table.map(VirtAddr(va), PhysAddr(pa), PageSize::Size1G, flags).has_value());
  REQUIRE(m.table.table_frames() == 2);

  SUBCASE("one 4 KiB page: a PD of 2 MiB pages, and one PT for the 2 MiB page around it") {
    const std::uint64_t hole = va + 5 * k2M + 7 * k4K;
    RecordingVisitor visitor;
    std::uint64_t before = tlb_count();
    REQUIRE(m.table.unmap(VirtAddr(hole), k4K, &visitor).has_value());
    CHECK(tlb_count() > before);
    CHECK(m.table.table_frames() == 4);
    CHECK(m.frames.outstanding_frames() == 4);
    REQUIRE(visitor.pages.size() == 1);
    CHECK(visitor.pages[0].page == hole);
    CHECK(visitor.pages[0].frame == pa + (hole - va));
    CHECK(visitor.pages[0].size == PageSize::Size4K);
    CHECK_FALSE(m.table.query(VirtAddr(hole)));
    Layout below = layout(m.table, va, pa, hole - va);
    CHECK(below.linear);
    CHECK(below.n2m == 5);
    CHECK(below.n4k == 7);
    Layout above = layout(m.table, hole + k4K, pa + (hole + k4K - va), va + k1G - hole - k4K);
    CHECK(above.linear);
    CHECK(above.n4k == 512 - 8);
    CHECK(above.n2m == 512 - 6);
    CHECK(above.n1g == 0);
    for (std::uint64_t at : {va, hole - k4K, hole + k4K, va + k1G - 1}) {
      CHECK(m.table.query(VirtAddr(at))->flags == flags);
    }
    // The split keeps the entry bits (G, U, RW, NX) and moves nothing else.
    CHECK(m.raw_entry(va, 2) == (pa | kP | kRW | kUS | kPS | kG | kXD));
    CHECK(m.raw_entry(hole + k4K, 1) == ((pa + hole + k4K - va) | kP | kRW | kUS | kG | kXD));
    // Mapping the hole back and unmapping everything leaves the root alone.
    REQUIRE(
        m.table.map(VirtAddr(hole), PhysAddr(pa + hole - va), PageSize::Size4K, flags).has_value());
    CHECK(layout(m.table, va, pa, k1G).linear);
    REQUIRE(m.table.unmap(VirtAddr(va), k1G).has_value());
    CHECK(m.frames.outstanding_frames() == 1);
    CHECK(m.table.table_frames() == 1);
  }
  SUBCASE("a 2 MiB aligned part: only the PD") {
    REQUIRE(m.table.unmap(VirtAddr(va + k2M), 3 * k2M).has_value());
    CHECK(m.table.table_frames() == 3);
    Layout l = layout(m.table, va + 4 * k2M, pa + 4 * k2M, k1G - 4 * k2M);
    CHECK(l.linear);
    CHECK(l.n2m == 508);
    CHECK(l.n4k == 0);
    CHECK(layout(m.table, va, pa, k2M).n2m == 1);
    for (std::uint64_t at = va + k2M; at < va + 4 * k2M; at += k4K) {
      REQUIRE_FALSE(m.table.query(VirtAddr(at)));
    }
  }
  SUBCASE("both ends inside one 2 MiB page: one PD and one PT") {
    REQUIRE(m.table.unmap(VirtAddr(va + 3 * k4K), 2 * k4K).has_value());
    CHECK(m.table.table_frames() == 4);
    CHECK(layout(m.table, va, pa, 3 * k4K).n4k == 3);
    CHECK(layout(m.table, va + 5 * k4K, pa + 5 * k4K, k2M - 5 * k4K).n4k == 512 - 5);
  }
  SUBCASE("protect of one 4 KiB page changes it alone") {
    const std::uint64_t at = va + k1G - k4K;
    REQUIRE(m.table.protect(VirtAddr(at), k4K, PageFlags::None).has_value());
    CHECK(m.table.table_frames() == 4);
    CHECK(m.table.query(VirtAddr(at))->flags == PageFlags::None);
    CHECK(m.table.query(VirtAddr(at))->phys.value() == pa + k1G - k4K);
    CHECK(m.table.query(VirtAddr(at - 1))->flags == flags);
    CHECK(m.table.query(VirtAddr(va))->flags == flags);
    CHECK(m.table.query(VirtAddr(va))->size == PageSize::Size2M);
  }
  SUBCASE("protect with the flags it has splits nothing and invalidates nothing") {
    std::uint64_t before = tlb_count();
    REQUIRE(m.table.protect(VirtAddr(va + k4K), k4K, flags).has_value());
    CHECK(tlb_count() == before);
    CHECK(m.table.table_frames() == 2);
    CHECK(m.table.query(VirtAddr(va))->size == PageSize::Size1G);
  }
}

TEST_CASE("page table: unmap and protect of part of a 2 MiB page split it into 4 KiB pages") {
  Machine m;
  const std::uint64_t va = 0x0000'7000'0060'0000ULL, pa = 0x4000'0000ULL + 3 * k2M;
  const PageFlags flags = PageFlags::Writable | PageFlags::Executable | PageFlags::WriteThrough;
  REQUIRE(m.table.map(VirtAddr(va), PhysAddr(pa), PageSize::Size2M, flags).has_value());
  REQUIRE(m.table.table_frames() == 3);
  REQUIRE(m.table.protect(VirtAddr(va + 16 * k4K), 16 * k4K, PageFlags::User).has_value());
  CHECK(m.table.table_frames() == 4);
  REQUIRE(m.table.unmap(VirtAddr(va + 100 * k4K), 12 * k4K).has_value());
  CHECK(m.table.table_frames() == 4);
  for (std::uint64_t i = 0; i < 512; ++i) {
    CAPTURE(i);
    std::optional<Translation> t = m.table.query(VirtAddr(va + i * k4K + 5));
    if (i >= 100 && i < 112) {
      CHECK_FALSE(t);
      continue;
    }
    REQUIRE(t);
    CHECK(t->size == PageSize::Size4K);
    CHECK(t->phys.value() == pa + i * k4K + 5);
    CHECK(t->flags == (i >= 16 && i < 32 ? PageFlags::User : flags));
  }
  // What is left is one PT under the PD: unmapping it all frees the PT, PD and PDPT.
  REQUIRE(m.table.unmap(VirtAddr(va), k2M).has_value());
  CHECK(m.table.table_frames() == 1);
  CHECK(m.frames.outstanding_frames() == 1);
}

TEST_CASE("page table: empty tables are freed, holes are skipped, destroy frees the rest") {
  Machine m;
  auto gen = mos::test::make_bitgen(7);
  std::vector<std::uint64_t> pages;
  for (int i = 0; i < 300; ++i) {
    // Scattered over 64 GiB of the lower half, so that many PDPT, PD and PT frames are needed.
    std::uint64_t va = absl::Uniform<std::uint64_t>(gen, 0, (64 * k1G) / k4K) * k4K;
    if (m.table.query(VirtAddr(va))) continue;
    REQUIRE(m.table.map(VirtAddr(va), PhysAddr(va), PageSize::Size4K, kRW_).has_value());
    pages.push_back(va);
  }
  REQUIRE(m.table.map(VirtAddr(100 * k1G), PhysAddr(0), PageSize::Size1G, kRW_).has_value());
  REQUIRE(m.table.map(VirtAddr(101 * k1G), PhysAddr(0), PageSize::Size2M, kRW_).has_value());
  CHECK(m.table.table_frames() == m.frames.outstanding_frames());
  CHECK(m.frames.outstanding_frames() > 200);

  SUBCASE("unmapping page by page frees every table but the root") {
    for (std::uint64_t va : pages) REQUIRE(m.table.unmap(VirtAddr(va), k4K).has_value());
    REQUIRE(m.table.unmap(VirtAddr(100 * k1G), 2 * k1G).has_value());
    CHECK(m.frames.outstanding_frames() == 1);
    CHECK(m.table.table_frames() == 1);
    for (unsigned i = 0; i < 512; ++i) CHECK(m.raw(m.table.root(), i) == 0);
  }
  SUBCASE("one unmap of the whole lower half does the same, and reports each page") {
    RecordingVisitor visitor;
    REQUIRE(m.table.unmap(VirtAddr(0), PageTable::kUserEnd, &visitor).has_value());
    CHECK(visitor.pages.size() == pages.size() + 2);
    CHECK(m.frames.outstanding_frames() == 1);
    m.table.destroy(true);
    CHECK(m.frames.outstanding_frames() == 0);
  }
  SUBCASE("destroy(false) keeps the root, empty; destroy(true) frees it") {
    std::uint64_t before = tlb_count();
    m.table.destroy(false);
    CHECK(tlb_count() == before + 1);  // One full flush: the root may be live.
    CHECK(m.frames.outstanding_frames() == 1);
    CHECK(m.table.table_frames() == 1);
    CHECK_FALSE(m.table.query(VirtAddr(pages[0])));
    m.table.destroy(true);
    CHECK(m.frames.outstanding_frames() == 0);
    CHECK(m.table.table_frames() == 0);
  }
}

TEST_CASE("page table: bad arguments are InvalidArgument and change nothing") {
  Machine m;
  REQUIRE(m.table.map(VirtAddr(k1G), PhysAddr(0), PageSize::Size2M, kRW_).has_value());
  const std::uint64_t frames = m.frames.outstanding_frames();
  const std::uint64_t hole = PageTable::kUserEnd;
  const PageFlags bad_flags = static_cast<PageFlags>(1u << 6);

  SUBCASE("map") {
    struct Case {
      std::uint64_t virt, phys;
      PageSize size;
      PageFlags flags;
    };
    const Case cases[] = {
        {hole, 0, PageSize::Size4K, kRW_},                      // Non-canonical.
        {0xffff'7fff'ffff'f000ULL, 0, PageSize::Size4K, kRW_},  // Non-canonical.
        {0x0001'0000'0000'0000ULL, 0, PageSize::Size4K, kRW_},  // Non-canonical.
        {hole - k1G, 0, PageSize::Size1G, kRW_},                // Canonical: control.
        {8 * k1G + k4K, 0, PageSize::Size2M, kRW_},             // Virt misaligned.
        {8 * k1G, k2M, PageSize::Size1G, kRW_},                 // Phys misaligned.
        {8 * k1G + 1, 0, PageSize::Size4K, kRW_},               // Virt misaligned.
        {8 * k1G, 1ULL << 52, PageSize::Size4K, kRW_},          // Beyond MAXPHYADDR.
        {8 * k1G, 0, PageSize::Size4K, bad_flags},              // Unknown flag.
        {8 * k1G, 0, static_cast<PageSize>(3), kRW_},           // Unknown size.
    };
    for (const Case& c : cases) {
      CAPTURE(c.virt);
      CAPTURE(c.phys);
      mos::Result<void> r = m.table.map(VirtAddr(c.virt), PhysAddr(c.phys), c.size, c.flags);
      if (c.virt == hole - k1G) {
        CHECK(r.has_value());
        REQUIRE(m.table.unmap(VirtAddr(c.virt), k1G).has_value());
        continue;
      }
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == Error::InvalidArgument);
    }
  }
  SUBCASE("ranges") {
    struct Case {
      std::uint64_t virt, length;
    };
    const Case cases[] = {
        {hole - k4K, 2 * k4K},                // Runs into the non-canonical hole.
        {0xffff'ffff'ffff'f000ULL, 2 * k4K},  // Wraps past 2^64.
        {8 * k1G, 0},                         // Empty.
        {8 * k1G, k4K + 1},                   // Length misaligned.
        {8 * k1G + 12, k4K},                  // Start misaligned.
        {0, ~std::uint64_t{0} - k4K + 1},     // Both halves and the hole.
    };
    for (const Case& c : cases) {
      CAPTURE(c.virt);
      CAPTURE(c.length);
      mos::Result<void> mapped = m.table.map_range(VirtAddr(c.virt), PhysAddr(0), c.length, kRW_);
      REQUIRE_FALSE(mapped.has_value());
      CHECK(mapped.error() == Error::InvalidArgument);
      mos::Result<void> unmapped = m.table.unmap(VirtAddr(c.virt), c.length);
      REQUIRE_FALSE(unmapped.has_value());
      CHECK(unmapped.error() == Error::InvalidArgument);
      mos::Result<void> protected_ = m.table.protect(VirtAddr(c.virt), c.length, kRW_);
      REQUIRE_FALSE(protected_.has_value());
      CHECK(protected_.error() == Error::InvalidArgument);
    }
    mos::Result<void> r = m.table.map_range(VirtAddr(8 * k1G), PhysAddr(3), k4K, kRW_);
    CHECK(r.error() == Error::InvalidArgument);
    r = m.table.map_range(VirtAddr(8 * k1G), PhysAddr((1ULL << 52) - k4K), 2 * k4K, kRW_);
    CHECK(r.error() == Error::InvalidArgument);
    r = m.table.protect(VirtAddr(k1G), k4K, bad_flags);
    CHECK(r.error() == Error::InvalidArgument);
    r = m.table.map_range(VirtAddr(8 * k1G), PhysAddr(0), k4K, kRW_, static_cast<PageSize>(7));
    CHECK(r.error() == Error::InvalidArgument);
  }
  CHECK(m.frames.outstanding_frames() == frames);
  CHECK(layout(m.table, k1G, 0, k2M).n2m == 1);
  CHECK(m.table.query(VirtAddr(k1G))->flags == kRW_);
}

TEST_CASE("page table: overlaps are Exists and holes under protect are NoEntry, changing nothing") {
  Machine m;
  const std::uint64_t base = 4 * k1G;
  REQUIRE(m.table.map(VirtAddr(base), PhysAddr(0), PageSize::Size1G, kRW_).has_value());
  REQUIRE(m.table.map(VirtAddr(base + k1G + k2M), PhysAddr(0), PageSize::Size2M, kRW_).has_value());
  REQUIRE(m.table.map(VirtAddr(base + 2 * k1G + 5 * k4K), PhysAddr(0), PageSize::Size4K, kRW_)
              .has_value());
  const std::vector<Seen> before = snapshot(m.table, base);
  const std::uint64_t frames = m.frames.outstanding_frames();
  const std::uint64_t tlb = tlb_count();

  struct MapCase {
    std::uint64_t virt;
    PageSize size;
  };
  const MapCase maps[] = {
      {base, PageSize::Size1G},                        // The same page.
      {base + 3 * k2M, PageSize::Size2M},              // Inside the 1 GiB page.
      {base + k1G - k4K, PageSize::Size4K},            // Inside the 1 GiB page.
      {base + k1G, PageSize::Size1G},                  // Over the 2 MiB page.
      {base + k1G + k2M + 9 * k4K, PageSize::Size4K},  // Inside the 2 MiB page.
      {base + 2 * k1G, PageSize::Size2M},              // Over the 4 KiB page.
      {base + 2 * k1G, PageSize::Size1G},              // Over the 4 KiB page.
      {base + 2 * k1G + 5 * k4K, PageSize::Size4K},    // The same page.
  };
  for (const MapCase& c : maps) {
    CAPTURE(c.virt);
    mos::Result<void> r = m.table.map(VirtAddr(c.virt), PhysAddr(0), c.size, kRW_);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == Error::Exists);
  }
  // A range that is free at first and overlaps at its end.
  mos::Result<void> r =
      m.table.map_range(VirtAddr(base + 2 * k1G - 64 * k4K), PhysAddr(0), 80 * k4K, kRW_);
  CHECK(r.error() == Error::Exists);
  r = m.table.map_range(VirtAddr(base - 64 * k4K), PhysAddr(0), 65 * k4K, kRW_);
  CHECK(r.error() == Error::Exists);

  // Protect: a hole at the start, in the middle, at the end.
  r = m.table.protect(VirtAddr(base - k4K), 2 * k4K, PageFlags::None);
  CHECK(r.error() == Error::NoEntry);
  r = m.table.protect(VirtAddr(base + k1G - k4K), k2M + 2 * k4K, PageFlags::None);
  CHECK(r.error() == Error::NoEntry);
  r = m.table.protect(VirtAddr(base + 2 * k1G + 5 * k4K), 2 * k4K, PageFlags::None);
  CHECK(r.error() == Error::NoEntry);
  r = m.table.protect(VirtAddr(base + 3 * k1G), k4K, PageFlags::None);
  CHECK(r.error() == Error::NoEntry);

  CHECK(snapshot(m.table, base) == before);
  CHECK(m.frames.outstanding_frames() == frames);
  CHECK(m.table.table_frames() == frames);
  CHECK(tlb_count() == tlb);
  // Unmapping a hole is fine and changes nothing either.
  REQUIRE(m.table.unmap(VirtAddr(base + 3 * k1G), k1G).has_value());
  CHECK(snapshot(m.table, base) == before);
  CHECK(m.frames.outstanding_frames() == frames);
}

TEST_CASE("page table: NoMemory while mapping leaves the table exactly as before") {
  Machine m;
  const std::uint64_t base = 8 * k1G;
  REQUIRE(m.table.map(VirtAddr(base + 3 * k4K), PhysAddr(0), PageSize::Size4K, kRW_).has_value());
  REQUIRE(m.table.map(VirtAddr(base + k1G), PhysAddr(0), PageSize::Size1G, kRW_).has_value());
  const std::vector<Seen> before = snapshot(m.table, base);
  const std::uint64_t frames = m.frames.outstanding_frames();

  struct Case {
    std::uint64_t virt, length;
    PageSize largest;
    std::uint64_t available;  // Frames the source may still hand out: one too few.
  };
  const Case cases[] = {
      {base + 2 * k1G + 5 * k4K, k4K, PageSize::Size4K, 0},  // Needs a PD and a PT.
      {base + 2 * k1G + 5 * k4K, k4K, PageSize::Size4K, 1},
      {base + 512 * k1G, k4K, PageSize::Size4K, 2},  // Needs a PDPT, PD and PT.
      // 16 MiB of 4 KiB pages across base + 3 GiB: a PD and 4 PTs on each side.
      {base + 3 * k1G - 4 * k2M, 8 * k2M, PageSize::Size4K, 9},
      {base + 3 * k1G - 4 * k2M, 8 * k2M, PageSize::Size4K, 0},
      // 1 GiB of 4 KiB pages: 512 PTs and a PD.
      {base + 3 * k1G, k1G, PageSize::Size4K, 512},
      {base + 3 * k1G, k1G, PageSize::Size4K, 300},
  };
  for (const Case& c : cases) {
    CAPTURE(c.virt);
    CAPTURE(c.available);
    m.limit_to(c.available);
    mos::Result<void> r =
        m.table.map_range(VirtAddr(c.virt), PhysAddr(0), c.length, kRW_, c.largest);
    m.unlimit();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == Error::NoMemory);
    CHECK(m.frames.outstanding_frames() == frames);
    CHECK(m.table.table_frames() == frames);
    CHECK(snapshot(m.table, base) == before);
  }
  // A 2 MiB page in the PD the 4 KiB page made needs no frame at all.
  m.limit_to(0);
  CHECK(m.table.map(VirtAddr(base + 2 * k2M), PhysAddr(0), PageSize::Size2M, kRW_).has_value());
  // With exactly enough frames it works.
  m.limit_to(513);
  REQUIRE(m.table.map_range(VirtAddr(base + 3 * k1G), PhysAddr(0), k1G, kRW_, PageSize::Size4K)
              .has_value());
  CHECK(m.frames.outstanding_frames() == frames + 513);
  CHECK(layout(m.table, base + 3 * k1G, 0, k1G).n4k == 512 * 512);
}

TEST_CASE("page table: NoMemory while splitting leaves the table exactly as before") {
  Machine m;
  const std::uint64_t base = 8 * k1G;
  const PageFlags flags = PageFlags::Writable | PageFlags::Global;
  REQUIRE(m.table.map(VirtAddr(base), PhysAddr(0), PageSize::Size1G, flags).has_value());
  REQUIRE(m.table.map(VirtAddr(base + k1G), PhysAddr(0), PageSize::Size2M, flags).has_value());
  const std::vector<Seen> before = snapshot(m.table, base);
  const std::uint64_t frames = m.frames.outstanding_frames();
  const std::uint64_t tlb = tlb_count();

  struct Case {
    std::uint64_t virt, length, available;
  };
  const Case cases[] = {
      {base + k4K, k4K, 0},                                  // 1 GiB -> 2 MiB -> 4 KiB: needs 2.
      {base + k4K, k4K, 1},           {base + k2M, k2M, 0},  // 1 GiB -> 2 MiB: needs 1.
      {base + k1G - k4K, 2 * k4K, 2},                        // Both pages split: needs 3.
      {base + k4K, k1G - 2 * k4K, 2},  // Both ends of the 1 GiB page: needs 3.
      {base + k1G + k4K, k4K, 0},      // 2 MiB -> 4 KiB: needs 1.
  };
  for (const Case& c : cases) {
    CAPTURE(c.virt);
    CAPTURE(c.available);
    for (int protect = 0; protect < 2; ++protect) {
      CAPTURE(protect);
      m.limit_to(c.available);
      mos::Result<void> r = protect ? m.table.protect(VirtAddr(c.virt), c.length, PageFlags::User)
                                    : m.table.unmap(VirtAddr(c.virt), c.length);
      m.unlimit();
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == Error::NoMemory);
      CHECK(m.frames.outstanding_frames() == frames);
      CHECK(m.table.table_frames() == frames);
      CHECK(snapshot(m.table, base) == before);
      CHECK(tlb_count() == tlb);
    }
  }
  // With exactly as many frames as the split needs, it works.
  m.limit_to(3);
  REQUIRE(m.table.unmap(VirtAddr(base + k4K), k1G - 2 * k4K).has_value());
  CHECK(m.frames.outstanding_frames() == frames + 3);
  CHECK(m.table.query(VirtAddr(base))->size == PageSize::Size4K);
  CHECK(m.table.query(VirtAddr(base + k1G - k4K))->size == PageSize::Size4K);
  CHECK_FALSE(m.table.query(VirtAddr(base + k2M)));
}

TEST_CASE("page table: TLB invalidations follow changes to live entries only") {
  Machine m;
  const std::uint64_t base = 16 * k1G;
  std::uint64_t before = tlb_count();
  REQUIRE(m.table.map_range(VirtAddr(base), PhysAddr(0), 64 * k4K, kRW_).has_value());
  REQUIRE(m.table.map(VirtAddr(base + k1G), PhysAddr(0), PageSize::Size1G, kRW_).has_value());
  CHECK(tlb_count() == before);

  SUBCASE("protecting 3 pages invalidates those 3") {
    before = tlb_count();
    REQUIRE(m.table.protect(VirtAddr(base), 3 * k4K, PageFlags::None).has_value());
    CHECK(tlb_count() == before + 3);
    before = tlb_count();
    REQUIRE(m.table.protect(VirtAddr(base), 3 * k4K, PageFlags::None).has_value());
    CHECK(tlb_count() == before);  // No change, nothing to drop.
  }
  SUBCASE("unmapping 64 pages is one full flush") {
    before = tlb_count();
    REQUIRE(m.table.unmap(VirtAddr(base), 64 * k4K).has_value());
    CHECK(tlb_count() == before + 1);
  }
  SUBCASE("unmapping 2 pages invalidates 2 (the freed tables need no more)") {
    REQUIRE(m.table.unmap(VirtAddr(base + 2 * k4K), 62 * k4K).has_value());
    before = tlb_count();
    REQUIRE(m.table.unmap(VirtAddr(base), 2 * k4K).has_value());
    CHECK(tlb_count() == before + 2);
  }
  SUBCASE("a split invalidates the large page") {
    before = tlb_count();
    REQUIRE(m.table.protect(VirtAddr(base + k1G + 5 * k4K), k4K, PageFlags::None).has_value());
    // The 1 GiB page that was split (once, though split twice) and the page that changed.
    CHECK(tlb_count() == before + 2);
  }
  SUBCASE("global pages are invalidated one by one: a full flush keeps them") {
    REQUIRE(m.table.map_range(VirtAddr(base + 2 * k1G), PhysAddr(0), 64 * k4K, PageFlags::Global)
                .has_value());
    before = tlb_count();
    REQUIRE(m.table.unmap(VirtAddr(base + 2 * k1G), 64 * k4K).has_value());
    CHECK(tlb_count() == before + 64 + 1);  // And one for the freed tables.
  }
}

TEST_CASE("page table: the kernel half is shared, never freed, and empty tables are reused") {
  SimulatedRam ram(PhysAddr(16ULL << 20), 64ULL << 20);
  CountingFrameSource frames(ram, ram.base(), 1ULL << 20);
  PageTable kernel = make_table(frames, ram.phys_map());
  const std::uint64_t kva = 0xffff'ffff'8000'0000ULL;
  REQUIRE(
      kernel.map(VirtAddr(kva), PhysAddr(k2M), PageSize::Size4K, PageFlags::Global).has_value());
  REQUIRE(kernel.table_frames() == 4);

  PageTable user = make_table(frames, ram.phys_map());
  user.share_kernel_half(kernel);
  CHECK(user.table_frames() == 1);
  REQUIRE(user.query(VirtAddr(kva)).has_value());
  CHECK(user.query(VirtAddr(kva))->phys.value() == k2M);
  REQUIRE(user.map(VirtAddr(k1G), PhysAddr(0), PageSize::Size4K, PageFlags::User).has_value());
  CHECK(user.table_frames() == 4);
  CHECK(frames.outstanding_frames() == 8);

  // A kernel mapping made after sharing is seen through the shared PDPT.
  REQUIRE(kernel.map(VirtAddr(kva + k2M), PhysAddr(0), PageSize::Size2M, kRW_).has_value());
  CHECK(user.query(VirtAddr(kva + k2M)).has_value());

  // Unmapping in the upper half keeps its tables; a 2 MiB page may then replace the empty PT.
  REQUIRE(kernel.unmap(VirtAddr(kva), k4K).has_value());
  CHECK_FALSE(user.query(VirtAddr(kva)));
  CHECK(kernel.table_frames() == 4);
  std::uint64_t before = tlb_count();
  REQUIRE(kernel.map(VirtAddr(kva), PhysAddr(0), PageSize::Size2M, kRW_).has_value());
  CHECK(kernel.table_frames() == 3);
  CHECK(tlb_count() == before + 1);  // The PDE pointed to a table a CPU may have cached.
  CHECK(user.query(VirtAddr(kva + 5))->size == PageSize::Size2M);

  user.destroy(true);
  CHECK(user.table_frames() == 0);
  CHECK(frames.outstanding_frames() == kernel.table_frames());
  CHECK(kernel.query(VirtAddr(kva)).has_value());

  // Adopting the kernel's root counts its tables.
  PageTable adopted = PageTable::adopt(kernel.root(), frames, ram.phys_map());
  CHECK(adopted.table_frames() == kernel.table_frames());
  CHECK(seen(adopted, kva + 77) == seen(kernel, kva + 77));
  kernel.destroy(true);  // Leaves the upper half alone, as documented.
  CHECK(frames.outstanding_frames() == 2);
}

TEST_CASE("page table: randomised map/unmap/protect against a reference model") {
  struct Expect {
    std::uint64_t frame;
    PageFlags flags;
  };
  Machine m;
  auto gen = mos::test::make_bitgen(0x9a6e7ab1e);
  // Page number -> what the page maps.
  absl::btree_map<std::uint64_t, Expect> model;
  const std::uint64_t window = 4 * k1G;  // [window, window + span)
  const std::uint64_t span = 3 * k1G;
  const std::uint64_t window_pages = span / k4K;

  auto random_flags = [&] { return static_cast<PageFlags>(absl::Uniform(gen, 0u, 64u)); };
  auto model_count = [&](std::uint64_t va, std::uint64_t length) {
    auto first = model.lower_bound(va / k4K);
    auto last = model.lower_bound((va + length) / k4K);
    return static_cast<std::uint64_t>(std::distance(first, last));
  };
  std::uint64_t large_pages_seen = 0;  // Queries answered by a 2 MiB or 1 GiB page.
  // The first difference between the table and the model over [va, va + length), or "".
  auto check_range = [&](std::uint64_t va, std::uint64_t length) -> std::string {
    auto it = model.lower_bound(va / k4K);
    for (std::uint64_t page = va / k4K; page < (va + length) / k4K; ++page) {
      std::uint64_t at = page * k4K + (page * 97) % k4K;
      std::optional<Translation> t = m.table.query(VirtAddr(at));
      bool expected = it != model.end() && it->first == page;
      if (!expected) {
        if (t) return "page " + std::to_string(page) + " mapped, the model says not";
        continue;
      }
      const Expect& e = it->second;
      ++it;
      if (!t) return "page " + std::to_string(page) + " not mapped";
      large_pages_seen += t->size != PageSize::Size4K;
      if (t->phys.value() != e.frame + at % k4K) return "page " + std::to_string(page) + " phys";
      if (t->flags != e.flags) return "page " + std::to_string(page) + " flags";
      if (t->page.value() > at || at - t->page.value() >= page_bytes(t->size) ||
          t->phys.value() - t->frame.value() != at - t->page.value()) {
        return "page " + std::to_string(page) + " inconsistent translation";
      }
    }
    return "";
  };
  auto random_range = [&](std::uint64_t& va, std::uint64_t& length) {
    std::uint64_t align = absl::Bernoulli(gen, 0.3) ? k2M / k4K : 1;
    std::uint64_t first = absl::Uniform<std::uint64_t>(gen, 0, window_pages) / align * align;
    std::uint64_t pages = absl::Bernoulli(gen, 0.01)
                              ? absl::Uniform<std::uint64_t>(gen, 1, window_pages / 6)
                              : absl::Uniform<std::uint64_t>(gen, 1, 2048);
    if (absl::Bernoulli(gen, 0.3)) pages = (pages + align - 1) / align * align;
    pages = std::min(pages, window_pages - first);
    va = window + first * k4K;
    length = pages * k4K;
  };

  int maps = 0, unmaps = 0, protects = 0, no_memory = 0;
  for (int step = 0; step < 2500; ++step) {
    CAPTURE(step);
    const std::uint64_t tables_before = m.frames.outstanding_frames();
    const bool starve = absl::Bernoulli(gen, 0.15);
    if (starve) m.limit_to(absl::Uniform<std::uint64_t>(gen, 0, 3));
    const int op = absl::Uniform(gen, 0, 100);
    std::uint64_t va = 0, length = 0;
    mos::Result<void> r;
    if (op < 45) {
      ++maps;
      PageSize size = PageSize::Size4K;
      int pick = absl::Uniform(gen, 0, 200);
      if (pick < 1)
        size = PageSize::Size1G;
      else if (pick < 30)
        size = PageSize::Size2M;
      const std::uint64_t bytes = page_bytes(size);
      va = window + absl::Uniform<std::uint64_t>(gen, 0, span / bytes) * bytes;
      std::uint64_t pa = absl::Uniform<std::uint64_t>(gen, 0, (1ULL << 40) / bytes) * bytes;
      PageFlags flags = random_flags();
      if (size == PageSize::Size4K && absl::Bernoulli(gen, 0.5)) {
        // A run of pages, some 2 MiB aligned so that map_range can use large pages.
        std::uint64_t pages = absl::Uniform<std::uint64_t>(gen, 1, 1200);
        if (absl::Bernoulli(gen, 0.5)) {
          va = va / k2M * k2M;
          pa = pa / k2M * k2M + (absl::Bernoulli(gen, 0.8) ? 0 : k4K);
        }
        length = std::min(pages * k4K, window + span - va);
        auto largest = static_cast<PageSize>(absl::Uniform(gen, 0, 3));
        r = m.table.map_range(VirtAddr(va), PhysAddr(pa), length, flags, largest);
      } else {
        length = bytes;
        r = m.table.map(VirtAddr(va), PhysAddr(pa), size, flags);
      }
      if (model_count(va, length) != 0) {
        REQUIRE_FALSE(r.has_value());
        REQUIRE(r.error() == Error::Exists);
      } else if (!r.has_value()) {
        REQUIRE(starve);
        REQUIRE(r.error() == Error::NoMemory);
      } else {
        for (std::uint64_t off = 0; off < length; off += k4K) {
          model[(va + off) / k4K] = Expect{pa + off, flags};
        }
      }
    } else if (op < 75) {
      ++unmaps;
      random_range(va, length);
      RecordingVisitor visitor;
      std::uint64_t expected_pages = model_count(va, length);
      r = m.table.unmap(VirtAddr(va), length, &visitor);
      if (!r.has_value()) {
        REQUIRE(starve);
        REQUIRE(r.error() == Error::NoMemory);
        REQUIRE(visitor.pages.empty());
      } else {
        // The visitor heard of exactly the model's pages in the range, with their frames.
        std::uint64_t bytes = 0;
        bool heard_right = true;
        for (const Recorded& p : visitor.pages) {
          bytes += page_bytes(p.size);
          auto it = model.find(p.page / k4K);
          heard_right = heard_right && it != model.end() && it->second.frame == p.frame &&
                        p.page >= va && p.page + page_bytes(p.size) <= va + length;
        }
        REQUIRE(heard_right);
        REQUIRE(bytes == expected_pages * k4K);
        model.erase(model.lower_bound(va / k4K), model.lower_bound((va + length) / k4K));
      }
    } else {
      ++protects;
      random_range(va, length);
      PageFlags flags = random_flags();
      r = m.table.protect(VirtAddr(va), length, flags);
      if (model_count(va, length) != length / k4K) {
        REQUIRE_FALSE(r.has_value());
        REQUIRE(r.error() == Error::NoEntry);
      } else if (!r.has_value()) {
        REQUIRE(starve);
        REQUIRE(r.error() == Error::NoMemory);
      } else {
        for (auto it = model.lower_bound(va / k4K); it != model.lower_bound((va + length) / k4K);
             ++it) {
          it->second.flags = flags;
        }
      }
    }
    if (starve) m.unlimit();
    if (!r.has_value()) {
      no_memory += r.error() == Error::NoMemory;
      REQUIRE(m.frames.outstanding_frames() == tables_before);
    }
    // Every touched page, and the rest of the 2 MiB pages around the ends (which splits touch).
    const std::uint64_t around = va / k2M * k2M;
    std::string diff = check_range(around, (va + length + k2M - 1) / k2M * k2M - around);
    REQUIRE_MESSAGE(diff.empty(), diff);
    REQUIRE(m.table.table_frames() == m.frames.outstanding_frames());
    if (step % 1000 == 999) {
      diff = check_range(window, span);
      REQUIRE_MESSAGE(diff.empty(), diff);
    }
  }
  CHECK(maps > 1000);
  CHECK(unmaps > 600);
  CHECK(protects > 500);
  CHECK(no_memory > 10);
  CHECK(large_pages_seen > 1000);
  CHECK(model.size() > 1000);

  REQUIRE(m.table.unmap(VirtAddr(window), span).has_value());
  CHECK(m.frames.outstanding_frames() == 1);
  CHECK(m.table.table_frames() == 1);
  m.table.destroy(true);
  CHECK(m.frames.outstanding_frames() == 0);
}
