// AddressSpace (mm/address_space.hpp) on simulated RAM: regions, demand paging, copy-on-write,
// brk, fault reasons, frame accounting, and a randomised run against a reference model. User
// accesses go through a small MMU emulation: the page tables are checked as the CPU would check
// them, and only a fault the CPU would raise is handed to handle_fault.

#include <mm/address_space.hpp>
#include <mm/frame_ref_counts.hpp>
#include <mm/page_table.hpp>

#include "child_process.hpp"
#include "host_tlb.hpp"
#include "random.hpp"
#include "simulated_ram.hpp"

#include <absl/container/btree_map.h>
#include <absl/container/flat_hash_map.h>
#include <absl/random/distributions.h>
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace {

using mos::Error;
using mos::PhysAddr;
using mos::Result;
using mos::VirtAddr;
using mos::mm::AddressSpace;
using mos::mm::CachePolicy;
using mos::mm::FaultAccess;
using mos::mm::FaultError;
using mos::mm::FaultReason;
using mos::mm::FrameRefCounts;
using mos::mm::MapPlacement;
using mos::mm::PageFlags;
using mos::mm::PageTable;
using mos::mm::PhysRange;
using mos::mm::Protection;
using mos::mm::Region;
using mos::mm::RegionKind;
using mos::mm::Translation;
using mos::mm::testing::CountingFrameSource;
using mos::mm::testing::SimulatedRam;

constexpr std::uint64_t kPage = mos::mm::kPageSize;
constexpr std::uint64_t kRamBase = 0x100000;
constexpr std::uint64_t kRamSize = 64ULL << 20;
constexpr std::uint64_t kBase = 0x40000000;  // Where most tests map.

constexpr Protection kNone = Protection::None;
constexpr Protection kR = Protection::Read;
constexpr Protection kRW = Protection::Read | Protection::Write;
constexpr Protection kRX = Protection::Read | Protection::Execute;
constexpr Protection kRWX = Protection::Read | Protection::Write | Protection::Execute;

VirtAddr va(std::uint64_t v) {
  return VirtAddr(v);
}
std::uint64_t page(std::uint64_t n) {
  return kBase + n * kPage;
}

// Simulated RAM, a counting frame source over it, and reference counts covering all of it.
struct Machine {
  SimulatedRam ram{PhysAddr(kRamBase), kRamSize};
  CountingFrameSource frames{ram, ram.base(), kRamSize / kPage};
  std::vector<FrameRefCounts::Count> counts =
      std::vector<FrameRefCounts::Count>(kRamSize / kPage, 0x5a5a);
  FrameRefCounts refs{PhysRange{ram.base(), ram.end()}, counts};

  AddressSpace space(const PageTable* kernel = nullptr) {
    auto created = AddressSpace::create(frames, ram.phys_map(), refs, kernel);
    REQUIRE(created.has_value());
    return std::move(*created);
  }
  std::byte* bytes(PhysAddr p) { return ram.at(p); }
  bool all_equal(PhysAddr frame, std::uint8_t value) {
    const std::byte* b = bytes(frame);
    for (std::uint64_t i = 0; i < kPage; ++i) {
      if (b[i] != std::byte{value}) return false;
    }
    return true;
  }
};

std::optional<Translation> pte(const AddressSpace& s, std::uint64_t addr) {
  return s.page_table().query(va(addr));
}

enum class Access { Read, Write, Execute };

FaultAccess fault_access(Access a, bool user = true) {
  return FaultAccess{.write = a == Access::Write, .execute = a == Access::Execute, .user = user};
}

// Whether the CPU lets the access through without a fault (CR0.WP set, no SMAP/SMEP needed for
// the kernel reads and writes the tests make).
bool permits(const Translation& t, Access a, bool user) {
  if (user && !has(t.flags, PageFlags::User)) return false;
  if (a == Access::Write && !has(t.flags, PageFlags::Writable)) return false;
  if (a == Access::Execute && !has(t.flags, PageFlags::Executable)) return false;
  return true;
}

// An access as the CPU makes it: a fault goes to handle_fault, and the retried access must then
// pass.
Result<void, FaultError> touch(AddressSpace& s, std::uint64_t addr, Access a, bool user = true) {
  if (auto t = pte(s, addr); t && permits(*t, a, user)) return {};
  auto resolved = s.handle_fault(va(addr), fault_access(a, user));
  if (!resolved) return resolved;
  auto t = pte(s, addr);
  REQUIRE(t.has_value());
  REQUIRE(permits(*t, a, user));
  return {};
}

void store(Machine& m, AddressSpace& s, std::uint64_t addr, std::uint8_t value) {
  REQUIRE(touch(s, addr, Access::Write).has_value());
  *m.bytes(pte(s, addr)->phys) = std::byte{value};
}

std::uint8_t load(Machine& m, AddressSpace& s, std::uint64_t addr) {
  REQUIRE(touch(s, addr, Access::Read).has_value());
  return static_cast<std::uint8_t>(*m.bytes(pte(s, addr)->phys));
}

PhysAddr frame_of(const AddressSpace& s, std::uint64_t addr) {
  auto t = pte(s, addr);
  REQUIRE(t.has_value());
  return t->frame;
}

struct Span {
  std::uint64_t start;
  std::uint64_t end;
  Protection protection;
  bool operator==(const Span&) const = default;
};

std::vector<Span> spans(const AddressSpace& s) {
  std::vector<Span> out;
  for (const Region& r : s.regions()) out.push_back({r.start.value(), r.end.value(), r.protection});
  return out;
}

std::string describe(const std::vector<Span>& v) {
  std::string out;
  for (const Span& s : v) {
    char buffer[80];
    std::snprintf(buffer, sizeof buffer, "[%#llx-%#llx %u] ",
                  static_cast<unsigned long long>(s.start), static_cast<unsigned long long>(s.end),
                  static_cast<unsigned>(s.protection));
    out += buffer;
  }
  return out;
}

}  // namespace

// Region lists print as [start-end protection] in failure messages.
template <>
struct doctest::StringMaker<std::vector<Span>> {
  static doctest::String convert(const std::vector<Span>& v) { return describe(v).c_str(); }
};

TEST_CASE("an empty address space costs its PML4 only, and destroy returns it") {
  Machine m;
  std::uint64_t before = m.frames.outstanding_frames();
  {
    AddressSpace s = m.space();
    CHECK(m.frames.outstanding_frames() == before + 1);
    CHECK(s.regions().empty());
    CHECK(s.resident_pages() == 0);
    CHECK(m.frames.is_outstanding(s.page_table().root()));
  }
  CHECK(m.frames.outstanding_frames() == before);
}

TEST_CASE("a moved-from address space owns nothing; the new owner frees everything") {
  Machine m;
  std::uint64_t before = m.frames.outstanding_frames();
  AddressSpace a = m.space();
  REQUIRE(a.map_anonymous(va(kBase), 4 * kPage, kRW, MapPlacement::Fixed).has_value());
  store(m, a, page(1), 7);
  AddressSpace b = std::move(a);
  CHECK(b.resident_pages() == 1);
  CHECK(load(m, b, page(1)) == 7);
  AddressSpace c = m.space();
  c = std::move(b);  // c's own PML4 goes back to the source.
  CHECK(load(m, c, page(1)) == 7);
  c.destroy();
  CHECK(m.frames.outstanding_frames() == before);
  c.destroy();  // A second destroy does nothing.
  CHECK(m.frames.outstanding_frames() == before);
}

TEST_CASE("demand zero: nothing until touched, a zeroed frame on first touch, nothing after") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 3 * kPage, kRW, MapPlacement::Fixed).has_value());
  // A second region shows that mapping takes no frame at all once the region table exists.
  std::uint64_t allocations = m.frames.allocations();
  REQUIRE(s.map_anonymous(va(page(8)), 100 * kPage, kRW, MapPlacement::Fixed).has_value());
  CHECK(m.frames.allocations() == allocations);
  CHECK(s.resident_pages() == 0);
  CHECK_FALSE(pte(s, page(0)).has_value());

  REQUIRE(touch(s, page(1) + 123, Access::Read).has_value());
  std::uint64_t first_touch = m.frames.allocations() - allocations;
  CHECK(first_touch == 4);  // The frame, and a PDPT, a PD and a PT.
  auto t = pte(s, page(1));
  REQUIRE(t.has_value());
  CHECK(m.all_equal(t->frame, 0));  // CountingFrameSource filled it with 0xa5 garbage.
  CHECK(m.refs.count(t->frame) == 1);
  CHECK(s.resident_pages() == 1);
  CHECK(s.regions()[0].populated);
  CHECK_FALSE(s.regions()[1].populated);

  allocations = m.frames.allocations();
  REQUIRE(touch(s, page(1), Access::Write).has_value());
  REQUIRE(touch(s, page(1) + 4095, Access::Read).has_value());
  CHECK(m.frames.allocations() == allocations);
  CHECK(frame_of(s, page(1)) == t->frame);

  REQUIRE(touch(s, page(2), Access::Write).has_value());  // Same page table: one frame.
  CHECK(m.frames.allocations() == allocations + 1);
  CHECK(s.resident_pages() == 2);
}

TEST_CASE("a read fault maps the page with the region's protection; a write then needs nothing") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 2 * kPage, kRW, MapPlacement::Fixed).has_value());
  REQUIRE(s.map_anonymous(va(page(4)), kPage, kR, MapPlacement::Fixed).has_value());

  REQUIRE(s.handle_fault(va(page(0) + 8), fault_access(Access::Read)).has_value());
  auto t = pte(s, page(0));
  REQUIRE(t.has_value());
  CHECK(has(t->flags, PageFlags::User | PageFlags::Writable));
  CHECK_FALSE(has(t->flags, PageFlags::Executable));
  std::uint64_t allocations = m.frames.allocations();
  // The write fault a racing thread might still deliver finds the page ready.
  REQUIRE(s.handle_fault(va(page(0) + 8), fault_access(Access::Write)).has_value());
  CHECK(m.frames.allocations() == allocations);
  CHECK(frame_of(s, page(0)) == t->frame);

  // Read-only region: the read maps a read-only page, the write is refused.
  REQUIRE(touch(s, page(4), Access::Read).has_value());
  CHECK_FALSE(has(pte(s, page(4))->flags, PageFlags::Writable));
  auto refused = touch(s, page(4), Access::Write);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().reason == FaultReason::WriteToReadOnly);
  // Made writable, the page (its only user) becomes writable without a fault.
  REQUIRE(s.protect(va(page(4)), kPage, kRW).has_value());
  CHECK(has(pte(s, page(4))->flags, PageFlags::Writable));
}

TEST_CASE("copy-on-write: the child's write copies, the parent keeps its page") {
  Machine m;
  std::uint64_t start = m.frames.outstanding_frames();
  AddressSpace parent = m.space();
  REQUIRE(parent.map_anonymous(va(kBase), 4 * kPage, kRW, MapPlacement::Fixed).has_value());
  for (int i = 0; i < 4; ++i) store(m, parent, page(i) + 10, static_cast<std::uint8_t>(0x10 + i));
  PhysAddr original = frame_of(parent, page(1));

  std::uint64_t invalidations = mos::platform::host::tlb_invalidations();
  auto cloned = parent.clone();
  REQUIRE(cloned.has_value());
  AddressSpace child = std::move(*cloned);
  // The parent's four writable pages became read-only, each with its TLB entry invalidated.
  CHECK(mos::platform::host::tlb_invalidations() >= invalidations + 4);
  CHECK(child.resident_pages() == 4);
  CHECK(spans(child) == spans(parent));
  CHECK(frame_of(child, page(1)) == original);
  CHECK(m.refs.count(original) == 2);
  CHECK_FALSE(has(pte(parent, page(1))->flags, PageFlags::Writable));
  CHECK_FALSE(has(pte(child, page(1))->flags, PageFlags::Writable));

  std::uint64_t allocations = m.frames.allocations();
  store(m, child, page(1) + 20, 0x77);
  CHECK(m.frames.allocations() == allocations + 1);
  PhysAddr copy = frame_of(child, page(1));
  CHECK(copy != original);
  CHECK(has(pte(child, page(1))->flags, PageFlags::Writable));
  CHECK(m.refs.count(original) == 1);
  CHECK(m.refs.count(copy) == 1);
  CHECK(load(m, child, page(1) + 10) == 0x11);  // The copy has the old contents...
  CHECK(load(m, child, page(1) + 20) == 0x77);  // ...and the child's write.
  CHECK(load(m, parent, page(1) + 10) == 0x11);
  CHECK(load(m, parent, page(1) + 20) == 0);  // The parent does not see it.
  CHECK(frame_of(parent, page(1)) == original);

  // The child exits: the parent's write finds the count at 1 and just makes the page writable.
  child.destroy();
  CHECK(m.refs.count(frame_of(parent, page(2))) == 1);
  allocations = m.frames.allocations();
  store(m, parent, page(2), 0x99);
  CHECK(m.frames.allocations() == allocations);
  CHECK(m.refs.count(frame_of(parent, page(2))) == 1);
  CHECK(load(m, parent, page(2) + 10) == 0x12);
  parent.destroy();
  CHECK(m.frames.outstanding_frames() == start);
}

TEST_CASE("a page shared three ways is copied twice and reused by the last writer") {
  Machine m;
  std::uint64_t start = m.frames.outstanding_frames();
  {
    AddressSpace a = m.space();
    REQUIRE(a.map_anonymous(va(kBase), kPage, kRW, MapPlacement::Fixed).has_value());
    store(m, a, kBase, 1);
    AddressSpace b = std::move(*a.clone());
    AddressSpace c = std::move(*b.clone());
    PhysAddr shared = frame_of(a, kBase);
    CHECK(frame_of(b, kBase) == shared);
    CHECK(frame_of(c, kBase) == shared);
    CHECK(m.refs.count(shared) == 3);

    std::uint64_t allocations = m.frames.allocations();
    store(m, b, kBase, 2);
    CHECK(m.refs.count(shared) == 2);
    store(m, a, kBase, 3);
    CHECK(m.refs.count(shared) == 1);
    CHECK(m.frames.allocations() == allocations + 2);
    store(m, c, kBase, 4);  // The last sharer keeps the original frame.
    CHECK(m.frames.allocations() == allocations + 2);
    CHECK(frame_of(c, kBase) == shared);
    CHECK(load(m, a, kBase) == 3);
    CHECK(load(m, b, kBase) == 2);
    CHECK(load(m, c, kBase) == 4);
  }
  CHECK(m.frames.outstanding_frames() == start);
}

TEST_CASE("a copy-on-write page alone in its page table is replaced without losing the table") {
  Machine m;
  AddressSpace a = m.space();
  // One page per 2 MiB: each is alone in its page table, and its neighbour is unmapped.
  REQUIRE(a.map_anonymous(va(kBase), 8ULL << 20, kRW, MapPlacement::Fixed).has_value());
  for (std::uint64_t mib = 0; mib < 8; mib += 2) store(m, a, kBase + (mib << 20), 5);
  store(m, a, kBase + (6ULL << 20) + kPage, 6);  // This one's neighbour is mapped.
  AddressSpace b = std::move(*a.clone());
  std::uint64_t tables = a.page_table().table_frames();
  for (std::uint64_t mib = 0; mib < 8; mib += 2) {
    CAPTURE(mib);
    std::uint64_t at = kBase + (mib << 20);
    std::uint64_t allocations = m.frames.allocations();
    store(m, a, at + 1, 9);
    // Only the copy is allocated: the page table was never freed and taken again.
    CHECK(m.frames.allocations() == allocations + 1);
    CHECK(load(m, a, at) == 5);
    CHECK(load(m, a, at + 1) == 9);
    // The placeholder beside the page is gone again (at 6 MiB the neighbour is a real page).
    CHECK(pte(a, at ^ kPage).has_value() == (mib == 6));
  }
  CHECK(a.page_table().table_frames() == tables);
  CHECK(a.resident_pages() == 5);
  CHECK(load(m, b, kBase + 1) == 0);
}

TEST_CASE("the kernel half is shared, not owned") {
  Machine m;
  auto kernel = PageTable::create(m.frames, m.ram.phys_map());
  REQUIRE(kernel.has_value());
  constexpr std::uint64_t kKernelPage = PageTable::kKernelHalfStart + 0x200000;
  REQUIRE(kernel
              ->map(va(kKernelPage), PhysAddr(0x5000000), mos::mm::PageSize::Size4K,
                    PageFlags::Writable | PageFlags::Global)
              .has_value());
  std::uint64_t before = m.frames.outstanding_frames();
  {
    AddressSpace s = m.space(&*kernel);
    REQUIRE(s.map_anonymous(va(kBase), kPage, kRW, MapPlacement::Fixed).has_value());
    store(m, s, kBase, 1);
    auto t = pte(s, kKernelPage);
    REQUIRE(t.has_value());
    CHECK(t->frame == PhysAddr(0x5000000));
    // Clones share it too.
    AddressSpace child = std::move(*s.clone());
    CHECK(pte(child, kKernelPage).has_value());
    auto refused = touch(child, kKernelPage, Access::Read);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().reason == FaultReason::UserAccessToKernel);
  }
  CHECK(m.frames.outstanding_frames() == before);
  CHECK(kernel->query(va(kKernelPage)).has_value());
  kernel->destroy(true);
}

TEST_CASE("protect splits regions at its boundaries, updates present pages, and merges back") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 8 * kPage, kRW, MapPlacement::Fixed).has_value());
  for (int i = 0; i < 8; ++i) store(m, s, page(i), static_cast<std::uint8_t>(i + 1));

  REQUIRE(s.protect(va(page(3)), 2 * kPage, kR).has_value());
  CHECK(spans(s) == std::vector<Span>{
                        {page(0), page(3), kRW}, {page(3), page(5), kR}, {page(5), page(8), kRW}});
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(has(pte(s, page(i))->flags, PageFlags::Writable) == (i < 3 || i >= 5));
  }
  REQUIRE(s.protect(va(page(4)), kPage, kRX).has_value());
  CHECK(has(pte(s, page(4))->flags, PageFlags::Executable));
  CHECK(spans(s).size() == 4);

  // Back to read-write in one call: one region again, every page writable, contents kept.
  REQUIRE(s.protect(va(page(2)), 4 * kPage, kRW).has_value());
  CHECK(spans(s) == std::vector<Span>{{page(0), page(8), kRW}});
  for (int i = 0; i < 8; ++i) {
    CHECK(has(pte(s, page(i))->flags, PageFlags::Writable));
    CHECK(load(m, s, page(i)) == i + 1);
  }

  // PROT_NONE keeps the contents out of reach of ring 3; restoring brings them back.
  REQUIRE(s.protect(va(page(6)), kPage, kNone).has_value());
  auto hidden = pte(s, page(6));
  REQUIRE(hidden.has_value());
  CHECK_FALSE(has(hidden->flags, PageFlags::User));
  CHECK_FALSE(has(hidden->flags, PageFlags::Writable));
  CHECK_FALSE(has(hidden->flags, PageFlags::Executable));
  auto refused = touch(s, page(6), Access::Read);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().reason == FaultReason::NoAccess);
  REQUIRE(s.protect(va(page(6)), kPage, kRW).has_value());
  CHECK(load(m, s, page(6)) == 7);
  CHECK(s.resident_pages() == 8);

  SUBCASE("a hole anywhere in the range is ENOMEM and changes nothing") {
    REQUIRE(s.map_anonymous(va(page(10)), 2 * kPage, kRW, MapPlacement::Fixed).has_value());
    auto before = spans(s);
    auto result = s.protect(va(page(6)), 6 * kPage, kR);  // Pages 8 and 9 are not mapped.
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == Error::NoMemory);
    CHECK(spans(s) == before);
    CHECK(has(pte(s, page(6))->flags, PageFlags::Writable));
    CHECK(s.protect(va(page(20)), kPage, kR).error() == Error::NoMemory);
    CHECK(s.protect(va(AddressSpace::kUserEnd - kPage), 2 * kPage, kR).error() == Error::NoMemory);
  }
  SUBCASE("zero length is a no-op; an unaligned address or unknown bit is EINVAL") {
    CHECK(s.protect(va(page(1)), 0, kR).has_value());
    CHECK(s.protect(va(page(1) + 1), kPage, kR).error() == Error::InvalidArgument);
    CHECK(s.protect(va(page(1)), kPage, static_cast<Protection>(8)).error() ==
          Error::InvalidArgument);
    CHECK(spans(s) == std::vector<Span>{{page(0), page(8), kRW}});
  }
  SUBCASE("the length is rounded up to whole pages") {
    REQUIRE(s.protect(va(page(1)), kPage + 1, kR).has_value());
    CHECK(spans(s) == std::vector<Span>{{page(0), page(1), kRW},
                                        {page(1), page(3), kR},
                                        {page(3), page(8), kRW}});
  }
}

TEST_CASE("a copy-on-write page stays read-only when its region becomes writable") {
  Machine m;
  AddressSpace parent = m.space();
  REQUIRE(parent.map_anonymous(va(kBase), 2 * kPage, kR, MapPlacement::Fixed).has_value());
  CHECK(load(m, parent, page(0)) == 0);
  CHECK(load(m, parent, page(1)) == 0);
  AddressSpace child = std::move(*parent.clone());
  PhysAddr shared = frame_of(parent, page(0));
  CHECK(m.refs.count(shared) == 2);
  REQUIRE(parent.protect(va(kBase), 2 * kPage, kRW).has_value());
  CHECK_FALSE(has(pte(parent, page(0))->flags, PageFlags::Writable));
  store(m, parent, page(0), 42);
  CHECK(frame_of(parent, page(0)) != shared);
  CHECK(load(m, child, page(0)) == 0);
  // The child gives page 1 up; the parent's page 1 is then its own and turns writable directly.
  REQUIRE(child.unmap(va(page(1)), kPage).has_value());
  REQUIRE(parent.protect(va(kBase), 2 * kPage, kR).has_value());
  REQUIRE(parent.protect(va(kBase), 2 * kPage, kRW).has_value());
  CHECK(has(pte(parent, page(1))->flags, PageFlags::Writable));
}

TEST_CASE("a partial unmap splits the region and frees exactly the frames it covered") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 8 * kPage, kRW, MapPlacement::Fixed).has_value());
  std::vector<PhysAddr> frames;
  for (int i = 0; i < 8; ++i) {
    store(m, s, page(i), static_cast<std::uint8_t>(0x40 + i));
    frames.push_back(frame_of(s, page(i)));
  }
  std::uint64_t outstanding = m.frames.outstanding_frames();

  REQUIRE(s.unmap(va(page(3)), 2 * kPage).has_value());
  CHECK(spans(s) == std::vector<Span>{{page(0), page(3), kRW}, {page(5), page(8), kRW}});
  CHECK(m.frames.outstanding_frames() == outstanding - 2);
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    bool gone = i == 3 || i == 4;
    CHECK(m.frames.is_outstanding(frames[i]) == !gone);
    CHECK(pte(s, page(i)).has_value() == !gone);
  }
  CHECK(s.resident_pages() == 6);
  auto refused = touch(s, page(3), Access::Read);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().reason == FaultReason::NoMapping);

  // Trimming both ends across the hole; unmapping the hole itself again is fine.
  REQUIRE(s.unmap(va(page(2)), 4 * kPage).has_value());
  CHECK(spans(s) == std::vector<Span>{{page(0), page(2), kRW}, {page(6), page(8), kRW}});
  CHECK(m.frames.outstanding_frames() == outstanding - 4);
  REQUIRE(s.unmap(va(page(2)), 4 * kPage).has_value());
  CHECK(m.frames.outstanding_frames() == outstanding - 4);
  CHECK(load(m, s, page(1)) == 0x41);
  CHECK(load(m, s, page(6)) == 0x46);

  // Everything: the page tables go too.
  REQUIRE(s.unmap(va(kBase), 8 * kPage).has_value());
  CHECK(s.regions().empty());
  CHECK(s.resident_pages() == 0);
  CHECK(s.page_table().table_frames() == 1);

  SUBCASE("bad arguments") {
    CHECK(s.unmap(va(kBase), 0).error() == Error::InvalidArgument);
    CHECK(s.unmap(va(kBase + 1), kPage).error() == Error::InvalidArgument);
    CHECK(s.unmap(va(AddressSpace::kUserEnd - kPage), 2 * kPage).error() == Error::InvalidArgument);
    CHECK(s.unmap(va(PageTable::kKernelHalfStart), kPage).error() == Error::InvalidArgument);
    CHECK(s.unmap(va(0), kPage).has_value());  // Nothing there, but a valid range.
  }
}

TEST_CASE("brk grows and shrinks the heap and refuses to grow into another mapping") {
  Machine m;
  AddressSpace s = m.space();
  CHECK(s.brk(va(kBase)).error() == Error::InvalidArgument);  // No base yet.
  CHECK(s.set_brk_base(va(kBase + 1)).error() == Error::InvalidArgument);
  CHECK(s.set_brk_base(va(0)).error() == Error::InvalidArgument);
  REQUIRE(s.set_brk_base(va(kBase)).has_value());
  CHECK(s.current_brk() == va(kBase));
  CHECK(s.regions().empty());

  auto grown = s.brk(va(kBase + 3 * kPage + 100));
  REQUIRE(grown.has_value());
  CHECK(*grown == va(kBase + 3 * kPage + 100));
  CHECK(s.current_brk() == *grown);
  CHECK(spans(s) == std::vector<Span>{{page(0), page(4), kRW}});
  CHECK(s.set_brk_base(va(page(10))).error() == Error::Busy);
  for (int i = 0; i < 4; ++i) store(m, s, page(i), 0x33);
  std::uint64_t outstanding = m.frames.outstanding_frames();

  // Growing again extends the same region.
  REQUIRE(s.brk(va(page(6))).has_value());
  CHECK(spans(s) == std::vector<Span>{{page(0), page(6), kRW}});
  CHECK(m.frames.outstanding_frames() == outstanding);
  store(m, s, page(5), 0x55);

  // Shrinking frees the pages above the new break (page 1 keeps its first 10 bytes' page).
  REQUIRE(s.brk(va(page(1) + 10)).has_value());
  CHECK(spans(s) == std::vector<Span>{{page(0), page(2), kRW}});
  CHECK(m.frames.outstanding_frames() == outstanding - 2);
  CHECK(s.resident_pages() == 2);

  // A mapping in the way: growth is refused and the break stays.
  REQUIRE(s.map_anonymous(va(page(4)), kPage, kR, MapPlacement::Fixed).has_value());
  CHECK(s.brk(va(page(5))).error() == Error::NoMemory);
  CHECK(s.current_brk() == va(page(1) + 10));
  REQUIRE(s.brk(va(page(4))).has_value());  // Up to it is fine.
  CHECK(spans(s) == std::vector<Span>{{page(0), page(4), kRW}, {page(4), page(5), kR}});
  // Regrown pages are fresh.
  CHECK(load(m, s, page(3)) == 0);
  CHECK(load(m, s, page(0)) == 0x33);

  CHECK(s.brk(va(kBase - 1)).error() == Error::InvalidArgument);
  CHECK(s.brk(va(AddressSpace::kUserEnd + kPage)).error() == Error::NoMemory);
  REQUIRE(s.brk(va(kBase)).has_value());  // Back to empty.
  CHECK(spans(s) == std::vector<Span>{{page(4), page(5), kR}});
  CHECK(s.resident_pages() == 0);
  REQUIRE(s.set_brk_base(va(page(10))).has_value());  // An empty heap may move.
}

TEST_CASE("a Fixed mapping replaces what it overlaps, freeing the frames underneath") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 6 * kPage, kRW, MapPlacement::Fixed).has_value());
  std::vector<PhysAddr> frames;
  for (int i = 0; i < 6; ++i) {
    store(m, s, page(i), 0x11);
    frames.push_back(frame_of(s, page(i)));
  }
  auto placed = s.map_anonymous(va(page(2)), 2 * kPage, kRX, MapPlacement::Fixed);
  REQUIRE(placed.has_value());
  CHECK(*placed == va(page(2)));
  CHECK(spans(s) == std::vector<Span>{
                        {page(0), page(2), kRW}, {page(2), page(4), kRX}, {page(4), page(6), kRW}});
  CHECK_FALSE(m.frames.is_outstanding(frames[2]));
  CHECK_FALSE(m.frames.is_outstanding(frames[3]));
  CHECK(m.frames.is_outstanding(frames[4]));
  CHECK_FALSE(pte(s, page(2)).has_value());
  CHECK(load(m, s, page(2)) == 0);  // New, demand-zero memory.
  CHECK(touch(s, page(2), Access::Execute).has_value());
  CHECK(load(m, s, page(4)) == 0x11);

  // Replacing with the same protection merges everything back into one region.
  REQUIRE(s.map_anonymous(va(page(1)), 4 * kPage, kRW, MapPlacement::Fixed).has_value());
  CHECK(spans(s) == std::vector<Span>{{page(0), page(6), kRW}});
  CHECK(s.resident_pages() == 2);
}

TEST_CASE("map_anonymous rejects bad arguments") {
  Machine m;
  AddressSpace s = m.space();
  struct Case {
    const char* name;
    std::uint64_t addr;
    std::uint64_t size;
    Protection protection;
    MapPlacement placement;
    Error error;
  };
  const std::uint64_t end = AddressSpace::kUserEnd;
  const Case cases[] = {
      {"zero size", kBase, 0, kRW, MapPlacement::Fixed, Error::InvalidArgument},
      {"zero size anywhere", 0, 0, kRW, MapPlacement::Anywhere, Error::InvalidArgument},
      {"unaligned fixed", kBase + 8, kPage, kRW, MapPlacement::Fixed, Error::InvalidArgument},
      {"page zero", 0, kPage, kRW, MapPlacement::Fixed, Error::InvalidArgument},
      {"past user space", end - kPage, 2 * kPage, kRW, MapPlacement::Fixed, Error::InvalidArgument},
      {"kernel half", PageTable::kKernelHalfStart, kPage, kRW, MapPlacement::Fixed,
       Error::InvalidArgument},
      {"huge", kBase, ~0ULL, kRW, MapPlacement::Fixed, Error::InvalidArgument},
      {"huge anywhere", 0, end, kRW, MapPlacement::Anywhere, Error::NoMemory},
      {"unknown protection bit", kBase, kPage, static_cast<Protection>(0x10), MapPlacement::Fixed,
       Error::InvalidArgument},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto result = s.map_anonymous(va(c.addr), c.size, c.protection, c.placement);
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error() == c.error);
      CHECK(s.regions().empty());
    }
  }
  CHECK(s.map_anonymous(va(end - kPage), kPage, kRW, MapPlacement::Fixed).has_value());
  CHECK(s.map_anonymous(va(kPage), kPage, kRW, MapPlacement::Fixed).has_value());
}

TEST_CASE("Anywhere placement goes top-down below the mmap base, around existing regions") {
  Machine m;
  AddressSpace s = m.space();
  CHECK(s.mmap_base() == va(AddressSpace::kUserEnd));
  CHECK(s.set_mmap_base(va(page(16) + 1)).error() == Error::InvalidArgument);
  REQUIRE(s.set_mmap_base(va(page(16))).has_value());

  auto a = s.map_anonymous(va(0), 2 * kPage, kRW, MapPlacement::Anywhere);
  REQUIRE(a.has_value());
  CHECK(*a == va(page(14)));
  auto b = s.map_anonymous(va(0), 3 * kPage, kR, MapPlacement::Anywhere);
  REQUIRE(b.has_value());
  CHECK(*b == va(page(11)));
  // A region straddling the base, then a hole between regions that fits exactly.
  REQUIRE(s.map_anonymous(va(page(15)), 4 * kPage, kRX, MapPlacement::Fixed).has_value());
  REQUIRE(s.unmap(va(page(12)), kPage).has_value());
  REQUIRE(s.map_anonymous(va(page(8)), 2 * kPage, kRX, MapPlacement::Fixed).has_value());
  // Free: [.., 8) and [10, 11) and [12, 13).
  auto c = s.map_anonymous(va(0), kPage, kR, MapPlacement::Anywhere);
  REQUIRE(c.has_value());
  CHECK(*c == va(page(12)));
  auto d = s.map_anonymous(va(0), 2 * kPage, kR, MapPlacement::Anywhere);
  REQUIRE(d.has_value());
  CHECK(*d == va(page(6)));  // [10, 11) is too small.

  // A free hint is taken as it is (rounded up to a page); a taken one is ignored.
  auto hinted = s.map_anonymous(va(page(40) + 5), kPage, kR, MapPlacement::Anywhere);
  REQUIRE(hinted.has_value());
  CHECK(*hinted == va(page(41)));
  auto ignored = s.map_anonymous(va(page(14)), kPage, kR, MapPlacement::Anywhere);
  REQUIRE(ignored.has_value());
  CHECK(*ignored == va(page(10)));

  // Nothing below the base: the lowest possible base leaves room for one page only.
  REQUIRE(s.set_mmap_base(va(2 * kPage)).has_value());
  auto low = s.map_anonymous(va(0), kPage, kR, MapPlacement::Anywhere);
  REQUIRE(low.has_value());
  CHECK(*low == va(kPage));
  CHECK(s.map_anonymous(va(0), kPage, kR, MapPlacement::Anywhere).error() == Error::NoMemory);

  for (std::size_t i = 1; i < s.regions().size(); ++i) {
    CHECK(s.regions()[i - 1].end <= s.regions()[i].start);
  }
}

TEST_CASE("map_physical maps eagerly, never owns the frames, and clones share them") {
  Machine m;
  std::uint64_t start = m.frames.outstanding_frames();
  constexpr std::uint64_t kMmio = 0xfe000000;  // Outside the simulated RAM: never touched.
  {
    AddressSpace s = m.space();
    auto placed = s.map_physical(va(kBase), PhysAddr(kMmio), 4 * kPage, kRW, CachePolicy::Uncached);
    REQUIRE(placed.has_value());
    CHECK(s.resident_pages() == 0);
    for (int i = 0; i < 4; ++i) {
      auto t = pte(s, page(i));
      REQUIRE(t.has_value());
      CHECK(t->frame == PhysAddr(kMmio + i * kPage));
      CHECK(has(t->flags, PageFlags::User | PageFlags::Writable | PageFlags::CacheDisable |
                              PageFlags::WriteThrough));
      CHECK(touch(s, page(i), Access::Write).has_value());  // No fault needed.
    }
    REQUIRE(s.regions().size() == 1);
    CHECK(s.regions()[0].kind == RegionKind::Physical);
    CHECK(touch(s, page(0), Access::Execute).error().reason == FaultReason::ExecuteNoExecute);

    REQUIRE(s.map_physical(va(page(8)), PhysAddr(kMmio), kPage, kR, CachePolicy::WriteThrough)
                .has_value());
    auto wt = pte(s, page(8));
    CHECK(has(wt->flags, PageFlags::WriteThrough));
    CHECK_FALSE(has(wt->flags, PageFlags::CacheDisable));
    CHECK_FALSE(has(wt->flags, PageFlags::Writable));

    // Partial protect and unmap keep the physical offsets right.
    REQUIRE(s.protect(va(page(1)), kPage, kR).has_value());
    CHECK_FALSE(has(pte(s, page(1))->flags, PageFlags::Writable));
    CHECK(has(pte(s, page(1))->flags, PageFlags::CacheDisable));
    REQUIRE(s.unmap(va(page(2)), kPage).has_value());
    CHECK(spans(s).size() == 4);
    CHECK(s.regions()[2].phys == PhysAddr(kMmio + 3 * kPage));
    REQUIRE(s.protect(va(page(1)), kPage, kRW).has_value());
    CHECK(spans(s).size() == 3);  // Pages 0 and 1 merge again: physically contiguous.

    // A hole in the middle: the upper piece leads where it did before.
    REQUIRE(s.map_physical(va(page(20)), PhysAddr(kMmio), 4 * kPage, kR, CachePolicy::Uncached)
                .has_value());
    REQUIRE(s.unmap(va(page(21)), kPage).has_value());
    const Region* upper = s.find_region(va(page(22)));
    REQUIRE(upper != nullptr);
    CHECK(upper->start == va(page(22)));
    CHECK(upper->phys == PhysAddr(kMmio + 2 * kPage));

    AddressSpace child = std::move(*s.clone());
    CHECK(pte(child, page(3))->frame == PhysAddr(kMmio + 3 * kPage));
    CHECK(pte(child, page(23))->frame == PhysAddr(kMmio + 3 * kPage));
    CHECK_FALSE(pte(child, page(21)).has_value());
    CHECK(has(pte(child, page(3))->flags, PageFlags::Writable));
    CHECK(child.resident_pages() == 0);
    // Replacing it with anonymous memory takes nothing from the frame source for the old part.
    REQUIRE(child.map_anonymous(va(kBase), 4 * kPage, kRW, MapPlacement::Fixed).has_value());
    CHECK(load(m, child, page(0)) == 0);
  }
  CHECK(m.frames.outstanding_frames() == start);

  AddressSpace s = m.space();
  CHECK(s.map_physical(va(kBase), PhysAddr(kMmio + 1), kPage, kRW, CachePolicy::Uncached).error() ==
        Error::InvalidArgument);
  CHECK(s.map_physical(va(kBase), PhysAddr(~0ULL << 12), 2 * kPage, kRW, CachePolicy::Uncached)
            .error() == Error::InvalidArgument);
  auto anywhere = s.map_physical(va(0), PhysAddr(kMmio), kPage, kR, CachePolicy::Uncached,
                                 MapPlacement::Anywhere);
  REQUIRE(anywhere.has_value());
  CHECK(*anywhere == va(AddressSpace::kUserEnd - kPage));
}

namespace {

// A MemoryObject over simulated RAM: frames allocated on first use, a size in pages, and a
// count of the regions that map it.
class FakeObject final : public mos::mm::MemoryObject {
 public:
  FakeObject(Machine& m, std::uint64_t pages) : m_(m), frames_(pages) {}
  ~FakeObject() {
    for (PhysAddr f : frames_) {
      if (f.value() != 0) m_.frames.free_frames(f, 0);
    }
  }
  Result<PhysAddr> frame(std::uint64_t index) noexcept override {
    if (index >= frames_.size()) return Error::OutOfRange;
    if (frames_[index].value() == 0) {
      frames_[index] = MOS_TRY(m_.frames.allocate_frames(0));
      std::memset(m_.bytes(frames_[index]), 0, kPage);
    }
    return frames_[index];
  }
  void acquire_mapping() noexcept override { ++mappings; }
  void release_mapping() noexcept override { --mappings; }
  void resize(std::uint64_t pages) { frames_.resize(pages); }

  int mappings = 0;

 private:
  Machine& m_;
  std::vector<PhysAddr> frames_;
};

}  // namespace

TEST_CASE("shared mappings see one another's writes, clones included, and hold the object") {
  Machine m;
  FakeObject object(m, 8);
  {
    AddressSpace a = m.space();
    AddressSpace b = m.space();
    REQUIRE(a.map_shared(va(kBase), 4 * kPage, kRW, object, 0, MapPlacement::Fixed).has_value());
    // b maps the object from its third page on, elsewhere.
    auto at = b.map_shared(va(0), 2 * kPage, kRW, object, 2 * kPage, MapPlacement::Anywhere);
    REQUIRE(at.has_value());
    CHECK(object.mappings == 2);
    CHECK(load(m, a, page(2)) == 0);  // Shared memory starts zeroed.
    store(m, a, page(2), 42);
    CHECK(load(m, b, at->value()) == 42);  // The same frame: page 2 of the object.
    CHECK(frame_of(a, page(2)) == frame_of(b, at->value()));
    store(m, b, at->value() + kPage, 9);
    CHECK(load(m, a, page(3)) == 9);
    CHECK(a.resident_pages() == 0);  // Shared pages are the object's, not the space's.

    // A clone shares the pages (no copy-on-write) and takes its own mapping reference.
    auto cloned = a.clone();
    REQUIRE(cloned.has_value());
    CHECK(object.mappings == 3);
    store(m, *cloned, page(2), 77);
    CHECK(load(m, a, page(2)) == 77);
    CHECK(load(m, b, at->value()) == 77);

    // A hole in the middle leaves two regions, each holding the object.
    REQUIRE(a.unmap(va(page(1)), kPage).has_value());
    CHECK(a.regions().size() == 2);
    CHECK(object.mappings == 4);
    CHECK(a.regions()[1].object_offset == 2 * kPage);
    CHECK(load(m, a, page(2)) == 77);  // The upper piece still maps page 2 there.
    // Read-only now: present pages lose their write permission, the object keeps its data.
    REQUIRE(a.protect(va(page(2)), 2 * kPage, kR).has_value());
    CHECK_FALSE(has(pte(a, page(2))->flags, PageFlags::Writable));
    CHECK(touch(a, page(2), Access::Write).error().reason == FaultReason::WriteToReadOnly);
  }
  CHECK(object.mappings == 0);  // Every region is gone, and with it every reference.
}

TEST_CASE("a shared mapping beyond its object's end faults as a bus error") {
  Machine m;
  FakeObject object(m, 2);
  AddressSpace s = m.space();
  REQUIRE(s.map_shared(va(kBase), 4 * kPage, kRW, object, 0, MapPlacement::Fixed).has_value());
  CHECK(load(m, s, page(1)) == 0);
  auto beyond = touch(s, page(2), Access::Read);
  REQUIRE_FALSE(beyond.has_value());
  CHECK(beyond.error().reason == FaultReason::BeyondObject);
  CHECK(beyond.error().error() == Error::BadAddress);
  object.resize(4);  // Grown: the same address works now.
  CHECK(load(m, s, page(2)) == 0);
  CHECK(s.map_shared(va(kBase), kPage, kRW, object, 100, MapPlacement::Fixed).error() ==
        Error::InvalidArgument);  // An unaligned offset.
}

TEST_CASE("every refused fault names its reason and changes nothing") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(page(0)), kPage, kR, MapPlacement::Fixed).has_value());
  REQUIRE(s.map_anonymous(va(page(1)), kPage, kRW, MapPlacement::Fixed).has_value());
  REQUIRE(s.map_anonymous(va(page(2)), kPage, kNone, MapPlacement::Fixed).has_value());
  REQUIRE(s.map_anonymous(va(page(3)), kPage, kRX, MapPlacement::Fixed).has_value());
  store(m, s, page(1), 1);

  struct Case {
    const char* name;
    std::uint64_t addr;
    Access access;
    bool user;
    FaultReason reason;
    const char* text;
  };
  const Case cases[] = {
      {"no mapping", page(9), Access::Read, true, FaultReason::NoMapping, "no mapping at"},
      {"null page", 0x10, Access::Read, true, FaultReason::NoMapping, "no mapping at"},
      {"write to read-only", page(0), Access::Write, true, FaultReason::WriteToReadOnly,
       "write to a read-only mapping"},
      {"execute in read-write", page(1), Access::Execute, true, FaultReason::ExecuteNoExecute,
       "execute in a no-execute mapping"},
      {"PROT_NONE read", page(2), Access::Read, true, FaultReason::NoAccess, "PROT_NONE"},
      {"PROT_NONE by the kernel", page(2), Access::Write, false, FaultReason::NoAccess,
       "PROT_NONE"},
      {"write to read-execute", page(3), Access::Write, true, FaultReason::WriteToReadOnly,
       "read-only"},
      {"user to kernel", PageTable::kKernelHalfStart + 0x1000, Access::Read, true,
       FaultReason::UserAccessToKernel, "user access to kernel memory"},
      {"user to non-canonical", AddressSpace::kUserEnd, Access::Read, true,
       FaultReason::UserAccessToKernel, "kernel memory"},
      {"kernel outside user space", PageTable::kKernelHalfStart, Access::Write, false,
       FaultReason::KernelAddress, "outside user space"},
      {"kernel executes user memory", page(3), Access::Execute, false,
       FaultReason::KernelExecuteUser, "kernel execution of user memory"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      std::uint64_t allocations = m.frames.allocations();
      auto regions = spans(s);
      auto result = s.handle_fault(va(c.addr), fault_access(c.access, c.user));
      REQUIRE_FALSE(result.has_value());
      const FaultError& e = result.error();
      CHECK(e.reason == c.reason);
      CHECK(e.address == va(c.addr));
      CHECK(e.access.user == c.user);
      CHECK(e.error() == Error::BadAddress);
      char buffer[160];
      std::size_t n = mos::format_to_buffer(buffer, "{}", e);
      std::string text(buffer, n);
      CAPTURE(text);
      CHECK(text.find(c.text) != std::string::npos);
      CHECK(m.frames.allocations() == allocations);
      CHECK(spans(s) == regions);
      CHECK(s.resident_pages() == 1);
      if (c.addr < AddressSpace::kUserEnd && c.addr != page(1)) {
        CHECK_FALSE(pte(s, c.addr).has_value());
      }
    }
  }
}

TEST_CASE("FaultError formats its reason, address and access") {
  FaultError e{FaultReason::WriteToReadOnly, va(0x401000),
               FaultAccess{.write = true, .user = true}};
  char buffer[128];
  std::size_t n = mos::format_to_buffer(buffer, "{}", e);
  CHECK(std::string(buffer, n) ==
        "write to a read-only mapping at 0x0000000000401000 (user write)");
  FaultError oom{FaultReason::OutOfMemory, va(0x1000), FaultAccess{}};
  n = mos::format_to_buffer(buffer, "{}", oom);
  CHECK(std::string(buffer, n) == "out of memory at 0x0000000000001000 (kernel read)");
  CHECK(oom.error() == Error::NoMemory);
  mos::platform::PageFault pf;
  pf.write = true;
  pf.user = true;
  FaultAccess access = FaultAccess::of(pf);
  CHECK(access.write);
  CHECK(access.user);
  CHECK_FALSE(access.execute);
}

TEST_CASE("running out of frames during a fault leaves everything as it was") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 4 * kPage, kRW, MapPlacement::Fixed).has_value());
  REQUIRE(s.map_anonymous(va(kBase + (1ULL << 30)), kPage, kRW, MapPlacement::Fixed).has_value());
  store(m, s, page(0), 0x21);
  AddressSpace child = std::move(*s.clone());

  auto expect_oom = [&](std::uint64_t addr, Access a) {
    std::uint64_t outstanding = m.frames.outstanding_frames();
    auto parent_pte = pte(s, addr);
    auto result = s.handle_fault(va(addr), fault_access(a));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().reason == FaultReason::OutOfMemory);
    CHECK(result.error().error() == Error::NoMemory);
    CHECK(m.frames.outstanding_frames() == outstanding);
    auto after = pte(s, addr);
    CHECK(after.has_value() == parent_pte.has_value());
    if (after && parent_pte) {
      CHECK(after->frame == parent_pte->frame);
      CHECK(after->flags == parent_pte->flags);
    }
  };
  SUBCASE("no frame for a demand-zero page") {
    m.frames.set_limit(m.frames.outstanding_frames());
    expect_oom(page(1), Access::Read);
    CHECK(s.resident_pages() == 1);
  }
  SUBCASE("a frame for the page but none for its page tables") {
    m.frames.set_limit(m.frames.outstanding_frames() + 1);
    expect_oom(kBase + (1ULL << 30), Access::Write);  // Needs a PD and a PT as well.
  }
  SUBCASE("no frame for a copy") {
    m.frames.set_limit(m.frames.outstanding_frames());
    expect_oom(page(0), Access::Write);
    CHECK(m.refs.count(frame_of(s, page(0))) == 2);
    // The read still works: nothing to allocate.
    CHECK(load(m, s, page(0)) == 0x21);
  }
  m.frames.set_limit(kRamSize / kPage);
  store(m, s, page(0), 0x22);
  store(m, s, page(1), 0x23);
  store(m, s, kBase + (1ULL << 30), 0x24);
  CHECK(load(m, child, page(0)) == 0x21);
  CHECK(s.resident_pages() == 3);
}

TEST_CASE("a failed clone releases what it took and leaves the parent usable") {
  Machine m;
  AddressSpace s = m.space();
  REQUIRE(s.map_anonymous(va(kBase), 64 * kPage, kRW, MapPlacement::Fixed).has_value());
  for (int i = 0; i < 64; ++i) store(m, s, page(i), static_cast<std::uint8_t>(i));
  std::uint64_t outstanding = m.frames.outstanding_frames();
  bool cloned = false;
  for (std::uint64_t extra = 0; extra < 6 && !cloned; ++extra) {
    CAPTURE(extra);
    m.frames.set_limit(outstanding + extra);
    auto clone = s.clone();
    if (clone.has_value()) {
      CHECK(extra == 5);  // PML4, region table, PDPT, PD and PT.
      cloned = true;
      continue;
    }
    CHECK(clone.error() == Error::NoMemory);
    CHECK(m.frames.outstanding_frames() == outstanding);
    for (int i = 0; i < 64; ++i) CHECK(m.refs.count(frame_of(s, page(i))) == 1);
  }
  CHECK(cloned);
  m.frames.set_limit(kRamSize / kPage);
  CHECK(m.frames.outstanding_frames() == outstanding);
  for (int i = 0; i < 64; ++i) CHECK(load(m, s, page(i)) == i);
}

TEST_CASE("a frame whose count is saturated is copied for the child instead of shared") {
  Machine m;
  std::uint64_t start = m.frames.outstanding_frames();
  {
    AddressSpace s = m.space();
    REQUIRE(s.map_anonymous(va(kBase), 2 * kPage, kRW, MapPlacement::Fixed).has_value());
    store(m, s, page(0), 0x61);
    store(m, s, page(1), 0x62);
    PhysAddr full = frame_of(s, page(0));
    while (m.refs.count(full) < FrameRefCounts::kMaxCount) (void)m.refs.increment(full);
    CHECK(m.refs.increment(full).error() == Error::Overflow);

    AddressSpace child = std::move(*s.clone());
    CHECK(frame_of(child, page(0)) != full);
    CHECK(has(pte(child, page(0))->flags, PageFlags::Writable));
    CHECK(has(pte(s, page(0))->flags, PageFlags::Writable));
    CHECK(frame_of(child, page(1)) == frame_of(s, page(1)));
    CHECK(load(m, child, page(0)) == 0x61);
    CHECK(m.refs.count(full) == FrameRefCounts::kMaxCount);
    while (m.refs.count(full) > 1) m.refs.decrement(full);
  }
  CHECK(m.frames.outstanding_frames() == start);
}

TEST_CASE("the region table grows up to kMaxRegions, then refuses with ENOMEM") {
  Machine m;
  std::uint64_t start = m.frames.outstanding_frames();
  constexpr std::size_t kMax = AddressSpace::kMaxRegions;
  auto alternate = [](std::size_t i) { return i % 2 ? kR : kRW; };
  {
    AddressSpace s = m.space();
    // Alternating protections keep neighbours from merging.
    for (std::size_t i = 0; i < kMax; ++i) {
      REQUIRE(s.map_anonymous(va(page(i)), kPage, alternate(i), MapPlacement::Fixed).has_value());
    }
    CHECK(s.regions().size() == kMax);
    CHECK(s.map_anonymous(va(page(kMax + 1)), kPage, kR, MapPlacement::Fixed).error() ==
          Error::NoMemory);
    CHECK(s.map_anonymous(va(0), kPage, kR, MapPlacement::Anywhere).error() == Error::NoMemory);
    // Extending a region, or replacing one, needs no new region.
    REQUIRE(s.map_anonymous(va(page(kMax)), 2 * kPage, alternate(kMax - 1), MapPlacement::Fixed)
                .has_value());
    REQUIRE(s.map_anonymous(va(page(5)), kPage, kRWX, MapPlacement::Fixed).has_value());
    CHECK(s.regions().size() == kMax);
    REQUIRE(s.set_brk_base(va(page(kMax + 2))).has_value());
    CHECK(s.brk(va(page(kMax + 3))).error() == Error::NoMemory);
    // The last region is three pages now. Cutting a hole, or protecting part of it, needs one.
    const std::uint64_t last = page(kMax - 1);
    CHECK(s.unmap(va(last + kPage), kPage).error() == Error::NoMemory);
    CHECK(s.protect(va(last + kPage), kPage, kRW).error() == Error::NoMemory);
    CHECK(s.protect(va(last), kPage, alternate(kMax)).error() == Error::NoMemory);
    CHECK(spans(s).back() == Span{last, last + 3 * kPage, alternate(kMax - 1)});
    // Mapping the same protection into its middle cuts and merges back: allowed.
    REQUIRE(s.map_anonymous(va(last + kPage), kPage, alternate(kMax - 1), MapPlacement::Fixed)
                .has_value());
    CHECK(spans(s).back() == Span{last, last + 3 * kPage, alternate(kMax - 1)});
    // Trimming an end needs no region; a whole region gone makes room for the hole.
    REQUIRE(s.unmap(va(last + 2 * kPage), kPage).has_value());
    REQUIRE(s.unmap(va(page(5)), kPage).has_value());
    REQUIRE(s.unmap(va(page(1)), kPage).has_value());
    CHECK(s.regions().size() == kMax - 2);
    REQUIRE(s.map_anonymous(va(page(kMax + 4)), 3 * kPage, kR, MapPlacement::Fixed).has_value());
    REQUIRE(s.unmap(va(page(kMax + 5)), kPage).has_value());
    CHECK(s.regions().size() == kMax);
  }
  CHECK(m.frames.outstanding_frames() == start);
}

TEST_CASE("FrameRefCounts counts, saturates and panics on misuse") {
  std::vector<FrameRefCounts::Count> storage(16, 0xffff);
  FrameRefCounts refs(PhysRange{PhysAddr(0x10000), PhysAddr(0x20000)}, storage);
  CHECK(FrameRefCounts::entries_for(refs.range()) == 16);
  CHECK(refs.count(PhysAddr(0x10000)) == 0);  // Storage garbage is cleared.
  refs.set_first(PhysAddr(0x1f000));
  CHECK(refs.count(PhysAddr(0x1f000)) == 1);
  REQUIRE(refs.increment(PhysAddr(0x1f000)).has_value());
  CHECK(refs.decrement(PhysAddr(0x1f000)) == 1);
  CHECK(refs.decrement(PhysAddr(0x1f000)) == 0);
  CHECK(refs.covers(PhysAddr(0x1ffff)));
  CHECK_FALSE(refs.covers(PhysAddr(0x20000)));

  struct Case {
    const char* name;
    void (*body)(FrameRefCounts&);
    const char* text;
  };
  const Case cases[] = {
      {"decrement below zero", [](FrameRefCounts& r) { r.decrement(PhysAddr(0x10000)); },
       "unreferenced"},
      {"set_first twice",
       [](FrameRefCounts& r) {
         r.set_first(PhysAddr(0x11000));
         r.set_first(PhysAddr(0x11000));
       },
       "handed out"},
      {"increment of a free frame", [](FrameRefCounts& r) { (void)r.increment(PhysAddr(0x12000)); },
       "current > 0"},
      {"frame outside", [](FrameRefCounts& r) { (void)r.count(PhysAddr(0x30000)); }, "covers"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto outcome = mos::host::run_in_child([&] { c.body(refs); });
      CHECK(outcome.exit_status == 101);
      CHECK(outcome.output.find(c.text) != std::string::npos);
    }
  }
}

// --- randomised ---------------------------------------------------------------------------------

namespace {

// What one page of one address space should be.
struct PageModel {
  Protection protection;
  bool present = false;    // Touched since it was mapped.
  std::uint8_t value = 0;  // Every byte of the page.
};
using SpaceModel = absl::btree_map<std::uint64_t, PageModel>;

struct Instance {
  AddressSpace space;
  SpaceModel model;
};

constexpr std::uint64_t kWindowPages = 128;
constexpr std::uint64_t kWindow = kBase - 32 * kPage;  // mmap base at kBase + 96 pages.

// The address Anywhere must choose for `length` bytes: the hint if free, else top-down.
std::uint64_t expected_anywhere(const SpaceModel& model, std::uint64_t hint, std::uint64_t length,
                                std::uint64_t mmap_base) {
  auto free = [&](std::uint64_t start) {
    auto it = model.lower_bound(start);
    return it == model.end() || it->first >= start + length;
  };
  if (hint != 0 && hint % kPage == 0 && hint >= kPage && free(hint)) return hint;
  std::uint64_t top = mmap_base;
  while (top >= kPage + length) {
    auto it = model.lower_bound(top - length);
    if (it == model.end() || it->first >= top) return top - length;
    top = it->first;  // The lowest mapped page in the candidate; everything above is taken.
  }
  return 0;
}

// What the model says a fault-free access (after any fault) should do.
std::optional<FaultReason> expected_refusal(const SpaceModel& model, std::uint64_t addr, Access a) {
  auto it = model.find(addr & ~(kPage - 1));
  if (it == model.end()) return FaultReason::NoMapping;
  Protection p = it->second.protection;
  if (p == kNone) return FaultReason::NoAccess;
  if (a == Access::Write && !has(p, Protection::Write)) return FaultReason::WriteToReadOnly;
  if (a == Access::Execute && !has(p, Protection::Execute)) return FaultReason::ExecuteNoExecute;
  return std::nullopt;
}

void check_instances(Machine& m, std::vector<Instance>& instances) {
  absl::flat_hash_map<std::uint64_t, int> mappings;  // Frame -> pages mapping it.
  std::uint64_t tables = 0;
  for (std::size_t n = 0; n < instances.size(); ++n) {
    CAPTURE(n);
    Instance& in = instances[n];
    const AddressSpace& s = in.space;
    tables += s.page_table().table_frames();
    // Regions describe exactly the model's pages, merged as far as they can be.
    std::uint64_t region_pages = 0;
    const Region* previous = nullptr;
    for (const Region& r : s.regions()) {
      REQUIRE(r.start < r.end);
      if (previous != nullptr) {
        REQUIRE(previous->end <= r.start);
        CHECK_FALSE((previous->end == r.start && previous->protection == r.protection));
      }
      previous = &r;
      for (std::uint64_t p = r.start.value(); p < r.end.value(); p += kPage) {
        auto it = in.model.find(p);
        REQUIRE(it != in.model.end());
        REQUIRE(it->second.protection == r.protection);
        ++region_pages;
      }
    }
    REQUIRE(region_pages == in.model.size());
    std::uint64_t present = 0;
    for (const auto& [addr, pm] : in.model) {
      CAPTURE(addr);
      auto t = pte(s, addr);
      REQUIRE(t.has_value() == pm.present);
      if (!t) continue;
      ++present;
      ++mappings[t->frame.value()];
      CHECK(has(t->flags, PageFlags::User) == (pm.protection != kNone));
      CHECK(has(t->flags, PageFlags::Executable) == has(pm.protection, Protection::Execute));
      if (has(t->flags, PageFlags::Writable)) {
        CHECK(has(pm.protection, Protection::Write));
        CHECK(m.refs.count(t->frame) == 1);
      }
      const std::byte* b = m.bytes(t->frame);
      REQUIRE(b[0] == std::byte{pm.value});
      REQUIRE(b[kPage / 2 + 7] == std::byte{pm.value});
      REQUIRE(b[kPage - 1] == std::byte{pm.value});
    }
    for (std::uint64_t p = kWindow; p < kWindow + kWindowPages * kPage; p += kPage) {
      if (!in.model.contains(p)) REQUIRE_FALSE(pte(s, p).has_value());
    }
    CHECK(s.resident_pages() == present);
  }
  for (const auto& [frame, count] : mappings) {
    REQUIRE(m.refs.count(PhysAddr(frame)) == count);
    REQUIRE(m.frames.is_outstanding(PhysAddr(frame)));
  }
  // What is outstanding: the data frames, the tables, and at most one region block each.
  std::uint64_t accounted = mappings.size() + tables;
  REQUIRE(m.frames.outstanding_frames() >= accounted);
  REQUIRE(m.frames.outstanding_frames() <= accounted + instances.size());
}

Protection random_protection(std::mt19937_64& gen) {
  static constexpr Protection kAll[] = {kNone, kR, kRW, kRX, kRWX, kR, kRW, kRW};
  return kAll[absl::Uniform<std::size_t>(gen, 0, std::size(kAll))];
}

}  // namespace

TEST_CASE("random map, unmap, protect, fault and clone sequences match a reference model") {
  Machine m;
  std::mt19937_64 gen = mos::test::make_bitgen(0xa5ace);
  const std::uint64_t start = m.frames.outstanding_frames();
  const std::uint64_t mmap_base = kWindow + 128 * kPage;
  {
    std::vector<Instance> instances;
    instances.push_back({m.space(), {}});
    REQUIRE(instances[0].space.set_mmap_base(va(mmap_base)).has_value());
    constexpr int kSteps = 4000;
    for (int step = 0; step < kSteps; ++step) {
      CAPTURE(step);
      std::size_t index = absl::Uniform<std::size_t>(gen, 0, instances.size());
      Instance& in = instances[index];
      AddressSpace& s = in.space;
      std::uint64_t first = absl::Uniform<std::uint64_t>(gen, 0, kWindowPages);
      std::uint64_t count = absl::Uniform<std::uint64_t>(gen, 1, 9);
      count = std::min(count, kWindowPages - first);
      std::uint64_t addr = kWindow + first * kPage;
      std::uint64_t length = count * kPage;
      int op = absl::Uniform<int>(gen, 0, 100);
      if (op < 14) {  // Fixed mapping.
        Protection p = random_protection(gen);
        auto placed = s.map_anonymous(
            va(addr), length - absl::Uniform<std::uint64_t>(gen, 0, kPage), p, MapPlacement::Fixed);
        REQUIRE(placed.has_value());
        REQUIRE(*placed == va(addr));
        for (std::uint64_t i = 0; i < count; ++i) in.model[addr + i * kPage] = PageModel{p};
      } else if (op < 22) {  // Anywhere, sometimes with a hint.
        Protection p = random_protection(gen);
        std::uint64_t hint = absl::Bernoulli(gen, 0.3) ? addr : 0;
        std::uint64_t expected = expected_anywhere(in.model, hint, length, mmap_base);
        REQUIRE(expected != 0);
        auto placed = s.map_anonymous(va(hint), length, p, MapPlacement::Anywhere);
        REQUIRE(placed.has_value());
        REQUIRE(placed->value() == expected);
        for (std::uint64_t i = 0; i < count; ++i) in.model[expected + i * kPage] = PageModel{p};
      } else if (op < 32) {  // Unmap.
        REQUIRE(s.unmap(va(addr), length).has_value());
        in.model.erase(in.model.lower_bound(addr), in.model.lower_bound(addr + length));
      } else if (op < 44) {  // Protect.
        Protection p = random_protection(gen);
        bool covered = true;
        for (std::uint64_t i = 0; i < count; ++i)
          covered = covered && in.model.contains(addr + i * kPage);
        auto result = s.protect(va(addr), length, p);
        REQUIRE(result.has_value() == covered);
        if (covered) {
          for (std::uint64_t i = 0; i < count; ++i) in.model[addr + i * kPage].protection = p;
        } else {
          CHECK(result.error() == Error::NoMemory);
        }
      } else if (op < 88) {  // An access, sometimes with frames exhausted.
        static constexpr Access kAccesses[] = {Access::Read, Access::Write, Access::Write,
                                               Access::Execute};
        Access a = kAccesses[absl::Uniform<std::size_t>(gen, 0, 4)];
        std::uint64_t at = addr + absl::Uniform<std::uint64_t>(gen, 0, kPage);
        bool starve = absl::Bernoulli(gen, 0.1);
        if (starve) m.frames.set_limit(m.frames.outstanding_frames());
        auto result = touch(s, at, a);
        m.frames.set_limit(kRamSize / kPage);
        std::optional<FaultReason> refusal = expected_refusal(in.model, at, a);
        if (starve && !result.has_value() && result.error().reason == FaultReason::OutOfMemory) {
          REQUIRE_FALSE(refusal.has_value());  // Only a permitted access gets that far.
        } else if (refusal) {
          REQUIRE_FALSE(result.has_value());
          REQUIRE(result.error().reason == *refusal);
        } else {
          REQUIRE(result.has_value());
          PageModel& pm = in.model[at & ~(kPage - 1)];
          pm.present = true;
          auto t = pte(s, at);
          if (a == Access::Write) {
            pm.value = absl::Uniform<std::uint8_t>(gen, 1, 255);
            std::memset(m.bytes(t->frame), pm.value, kPage);
          } else {
            REQUIRE(*m.bytes(t->phys) == std::byte{pm.value});
          }
        }
      } else if (op < 94) {  // Clone, sometimes with frames running out halfway.
        if (instances.size() >= 4) continue;
        bool starve = absl::Bernoulli(gen, 0.3);
        std::uint64_t outstanding = m.frames.outstanding_frames();
        if (starve) m.frames.set_limit(outstanding + absl::Uniform<std::uint64_t>(gen, 0, 8));
        auto clone = s.clone();
        m.frames.set_limit(kRamSize / kPage);
        if (!clone.has_value()) {
          REQUIRE(starve);
          REQUIRE(clone.error() == Error::NoMemory);
          REQUIRE(m.frames.outstanding_frames() == outstanding);
        } else {
          SpaceModel copy = in.model;
          instances.push_back({std::move(*clone), std::move(copy)});
        }
      } else {  // An instance exits.
        if (instances.size() <= 1) continue;
        instances.erase(instances.begin() + static_cast<std::ptrdiff_t>(index));
      }
      check_instances(m, instances);
    }
  }
  CHECK(m.frames.outstanding_frames() == start);
}
