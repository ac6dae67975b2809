// The Heap contract (mm/heap.hpp), checked on every heap and every composition of the
// front-ends: the same suite, instantiated per type.

#include <mm/buddy_heap.hpp>
#include <mm/debug_heap.hpp>
#include <mm/first_fit_heap.hpp>
#include <mm/heap.hpp>
#include <mm/slab_front.hpp>
#include <mm/tlsf_heap.hpp>

#include "arena_page_source.hpp"
#include "child_process.hpp"
#include "random.hpp"

#include <absl/container/btree_map.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

using mos::Error;
using mos::mm::BuddyHeap;
using mos::mm::DebugHeap;
using mos::mm::FirstFitHeap;
using mos::mm::HeapStats;
using mos::mm::kMaxHeapAlignment;
using mos::mm::kMaxHeapAllocation;
using mos::mm::SlabFront;
using mos::mm::TlsfHeap;
using mos::mm::testing::ArenaPageSource;

TYPE_TO_STRING_AS("FirstFitHeap", FirstFitHeap);
TYPE_TO_STRING_AS("BuddyHeap", BuddyHeap);
TYPE_TO_STRING_AS("TlsfHeap", TlsfHeap);
TYPE_TO_STRING_AS("SlabFront<TlsfHeap>", SlabFront<TlsfHeap>);
TYPE_TO_STRING_AS("SlabFront<FirstFitHeap>", SlabFront<FirstFitHeap>);
TYPE_TO_STRING_AS("SlabFront<BuddyHeap>", SlabFront<BuddyHeap>);
TYPE_TO_STRING_AS("DebugHeap<TlsfHeap>", DebugHeap<TlsfHeap>);
TYPE_TO_STRING_AS("DebugHeap<SlabFront<BuddyHeap>>", DebugHeap<SlabFront<BuddyHeap>>);

static_assert(mos::mm::Heap<SlabFront<TlsfHeap>>);
static_assert(mos::mm::Heap<DebugHeap<TlsfHeap>>);
static_assert(mos::mm::Heap<DebugHeap<SlabFront<BuddyHeap>>>);

// Every heap, and the front-ends over the heaps they are most likely to run on.
#define MOS_ALL_HEAPS                                                              \
  FirstFitHeap, BuddyHeap, TlsfHeap, SlabFront<TlsfHeap>, SlabFront<FirstFitHeap>, \
      SlabFront<BuddyHeap>, DebugHeap<TlsfHeap>, DebugHeap<SlabFront<BuddyHeap>>

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// A heap over its own arena. The source outlives the heap (members are destroyed in reverse).
template <class H>
struct Fixture {
  explicit Fixture(std::size_t limit = 256 * kMiB)
      : source(limit), heap(std::make_unique<H>(source)) {}

  void* allocate(std::size_t size, std::size_t alignment = 0) {
    auto r = heap->allocate(size, alignment);
    REQUIRE_MESSAGE(r.has_value(), "allocate(", size, ", ", alignment, ") failed");
    return *r;
  }
  bool validate() const {
    if constexpr (requires(const H& h) { h.validate(); }) {
      return heap->validate();
    } else {
      return true;
    }
  }

  ArenaPageSource source;
  std::unique_ptr<H> heap;
};

std::uint8_t pattern_byte(std::uint64_t id) {
  return static_cast<std::uint8_t>((id * 0x9e3779b97f4a7c15ULL) >> 56);
}

// Fills an allocation with a pattern derived from its id: the id itself at both ends (where it
// fits) and an id-derived byte in between.
void fill(void* p, std::size_t n, std::uint64_t id) {
  auto* b = static_cast<unsigned char*>(p);
  std::memset(b, pattern_byte(id), n);
  if (n >= 8) std::memcpy(b, &id, 8);
  if (n >= 16) std::memcpy(b + n - 8, &id, 8);
}

bool intact(const void* p, std::size_t n, std::uint64_t id) {
  auto* b = static_cast<const unsigned char*>(p);
  std::size_t from = 0;
  std::size_t to = n;
  if (n >= 8) {
    if (std::memcmp(b, &id, 8) != 0) return false;
    from = 8;
  }
  if (n >= 16) {
    if (std::memcmp(b + n - 8, &id, 8) != 0) return false;
    to = n - 8;
  }
  const std::uint8_t v = pattern_byte(id);
  std::uint64_t word = 0x0101010101010101ULL * v;
  std::size_t i = from;
  for (; i + 8 <= to; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, b + i, 8);
    if (w != word) return false;
  }
  for (; i < to; ++i) {
    if (b[i] != v) return false;
  }
  return true;
}

std::string hex(const void* p) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%#lx",
                static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(p)));
  return buffer;
}

// The reference model: live allocations by address, checked for overlap and alignment, with
// their contents' ids and the sums the heap's statistics must match.
struct Model {
  struct Live {
    std::uintptr_t end;  // p + max(usable, 1): a size-0 block still owns its address.
    std::uint64_t id;
    std::size_t size;
    std::size_t usable;
  };

  template <class H>
  void add(Fixture<H>& f, void* p, std::size_t size, std::size_t alignment, std::uint64_t id) {
    REQUIRE(p != nullptr);
    auto a = reinterpret_cast<std::uintptr_t>(p);
    std::size_t align = alignment < 16 ? 16 : alignment;
    REQUIRE_MESSAGE(a % align == 0, "pointer ", hex(p), " not aligned to ", align);
    std::size_t usable = f.heap->usable_size(p);
    REQUIRE(usable >= size);
    std::uintptr_t end = a + (usable == 0 ? 1 : usable);
    REQUIRE(f.source.contains(p, end - a));
    auto next = live.lower_bound(a);
    if (next != live.end()) {
      REQUIRE_MESSAGE(next->first >= end, "new block ", hex(p), " overlaps one at ",
                      hex(reinterpret_cast<void*>(next->first)));
    }
    if (next != live.begin()) {
      auto prev = std::prev(next);
      REQUIRE_MESSAGE(prev->second.end <= a, "new block ", hex(p), " overlaps one at ",
                      hex(reinterpret_cast<void*>(prev->first)));
    }
    live.emplace(a, Live{end, id, size, usable});
    usable_sum += usable;
    requested_sum += size;
    peak_requested = std::max(peak_requested, requested_sum);
    fill(p, usable, id);
  }

  // Checks p's contents and usable size, and forgets it (the caller frees it).
  template <class H>
  void remove(Fixture<H>& f, void* p) {
    auto it = live.find(reinterpret_cast<std::uintptr_t>(p));
    REQUIRE(it != live.end());
    REQUIRE(f.heap->usable_size(p) == it->second.usable);
    REQUIRE_MESSAGE(intact(p, it->second.usable, it->second.id), "contents of ", hex(p), " (id ",
                    it->second.id, ") changed");
    usable_sum -= it->second.usable;
    requested_sum -= it->second.size;
    live.erase(it);
  }

  template <class H>
  void check_stats(const Fixture<H>& f, std::size_t* last_peak = nullptr) const {
    HeapStats s = f.heap->stats();
    REQUIRE(s.live_allocations == live.size());
    REQUIRE(s.bytes_allocated == usable_sum);
    REQUIRE(s.peak_bytes_allocated >= s.bytes_allocated);
    REQUIRE(s.bytes_from_source == f.source.bytes_granted());
    REQUIRE(s.largest_free_block <= s.bytes_free);
    REQUIRE(s.bytes_allocated + s.bytes_free <= s.bytes_from_source);
    if (last_peak != nullptr) {
      REQUIRE(s.peak_bytes_allocated >= *last_peak);
      *last_peak = s.peak_bytes_allocated;
    }
  }

  absl::btree_map<std::uintptr_t, Live> live;
  std::size_t usable_sum = 0;
  std::size_t requested_sum = 0;  // What callers asked for, as opposed to what they got.
  std::size_t peak_requested = 0;
};

// Sizes from a mix of distributions: mostly small, some medium, a few large, and the edges
// around powers of two.
std::size_t random_size(std::mt19937_64& gen, std::size_t max = 64 * 1024) {
  int kind = absl::Uniform(gen, 0, 20);
  if (kind < 10) return absl::Uniform<std::size_t>(absl::IntervalClosed, gen, 1, 128);
  if (kind < 15) return static_cast<std::size_t>(std::exp2(absl::Uniform(gen, 7.0, 12.0)));
  if (kind < 18) {
    auto size = static_cast<std::size_t>(std::exp2(absl::Uniform(gen, 12.0, 16.0)));
    return std::min(max, size);
  }
  std::size_t p = std::size_t{1} << absl::Uniform(gen, 0, 17);
  std::size_t s = p + static_cast<std::size_t>(absl::Uniform(gen, -1, 2));
  return std::min(max, s == 0 ? 1 : s);
}

std::size_t random_alignment(std::mt19937_64& gen) {
  if (absl::Bernoulli(gen, 0.9)) return 0;
  return std::size_t{1} << absl::Uniform(absl::IntervalClosed, gen, 0, 12);
}

}  // namespace

TEST_CASE_TEMPLATE("heap: allocate and free one block, with exact statistics", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  HeapStats empty = f.heap->stats();
  CHECK(empty.bytes_from_source == 0);  // Nothing is taken before the first allocation.
  CHECK(empty.live_allocations == 0);
  CHECK(empty.bytes_allocated == 0);

  void* p = f.allocate(100);
  std::size_t usable = f.heap->usable_size(p);
  CHECK(usable >= 100);
  std::memset(p, 0x11, usable);
  HeapStats s = f.heap->stats();
  CHECK(s.live_allocations == 1);
  CHECK(s.bytes_allocated == usable);
  CHECK(s.peak_bytes_allocated == usable);
  CHECK(s.bytes_from_source == f.source.bytes_granted());
  CHECK(s.bytes_from_source > 0);
  CHECK(f.validate());

  f.heap->free(p);
  f.heap->free(nullptr);  // Ignored.
  s = f.heap->stats();
  CHECK(s.live_allocations == 0);
  CHECK(s.bytes_allocated == 0);
  CHECK(s.peak_bytes_allocated == usable);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: every power-of-two alignment up to kMaxHeapAlignment is honoured", H,
                   MOS_ALL_HEAPS) {
  Fixture<H> f;
  Model model;
  std::uint64_t id = 0;
  const std::size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, 4096, 5000, 70000, 2 * kMiB};
  for (std::size_t align = 1; align <= kMaxHeapAlignment; align *= 2) {
    for (std::size_t size : sizes) {
      CAPTURE(align);
      CAPTURE(size);
      void* p = f.allocate(size, align);
      model.add(f, p, size, align, ++id);
    }
    model.check_stats(f);
  }
  // Alignment 0 means the fundamental alignment.
  void* p = f.allocate(24, 0);
  model.add(f, p, 24, 0, ++id);
  CHECK(f.validate());
  while (!model.live.empty()) {
    void* q = reinterpret_cast<void*>(model.live.begin()->first);
    model.remove(f, q);
    f.heap->free(q);
  }
  model.check_stats(f);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: size 0 gives unique pointers that can be freed", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  Model model;
  for (std::uint64_t i = 0; i < 200; ++i) model.add(f, f.allocate(0), 0, 0, i);
  model.check_stats(f);
  while (!model.live.empty()) {
    void* q = reinterpret_cast<void*>(model.live.begin()->first);
    model.remove(f, q);
    f.heap->free(q);
  }
  model.check_stats(f);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: bad alignments and absurd sizes are InvalidArgument", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  void* keep = f.allocate(64);
  HeapStats before = f.heap->stats();

  SUBCASE("alignments that are not powers of two or exceed kMaxHeapAlignment") {
    const std::size_t bad[] = {3,   5,       6,    12,       24,         48,
                               100, 3 << 10, 8192, 1u << 20, 1ULL << 63, SIZE_MAX};
    for (std::size_t align : bad) {
      CAPTURE(align);
      auto r = f.heap->allocate(16, align);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == Error::InvalidArgument);
    }
  }
  SUBCASE("sizes above kMaxHeapAllocation") {
    const std::size_t bad[] = {kMaxHeapAllocation + 1, std::size_t{1} << 48, std::size_t{1} << 60,
                               SIZE_MAX - 4095,        SIZE_MAX - 15,        SIZE_MAX};
    for (std::size_t size : bad) {
      for (std::size_t align : {std::size_t{0}, kMaxHeapAlignment}) {
        CAPTURE(size);
        CAPTURE(align);
        auto r = f.heap->allocate(size, align);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == Error::InvalidArgument);
      }
    }
  }
  SUBCASE("kMaxHeapAllocation itself is valid but cannot be met") {
    for (std::size_t align : {std::size_t{0}, kMaxHeapAlignment}) {
      auto r = f.heap->allocate(kMaxHeapAllocation, align);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == Error::NoMemory);
    }
  }

  // Nothing changed, and the heap still works.
  HeapStats after = f.heap->stats();
  CHECK(after.live_allocations == before.live_allocations);
  CHECK(after.bytes_allocated == before.bytes_allocated);
  CHECK(after.bytes_from_source == before.bytes_from_source);
  void* p = f.allocate(64);
  f.heap->free(p);
  f.heap->free(keep);
  CHECK(f.heap->stats().live_allocations == 0);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: freed memory is reused before the heap grows", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  auto gen = mos::test::make_bitgen(11);
  void* warm = f.allocate(64 * 1024);
  f.heap->free(warm);
  const std::size_t granted = f.source.bytes_granted();
  for (int i = 0; i < 2000; ++i) {
    std::size_t size = absl::Uniform<std::size_t>(absl::IntervalClosed, gen, 0, 16 * 1024);
    void* p = f.allocate(size);
    std::memset(p, 0x5a, size);
    f.heap->free(p);
  }
  CHECK(f.source.bytes_granted() == granted);
  CHECK(f.heap->stats().live_allocations == 0);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: largest_free_block can be allocated without growing", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  auto gen = mos::test::make_bitgen(12);
  std::vector<void*> live;
  for (int i = 0; i < 300; ++i) live.push_back(f.allocate(random_size(gen)));
  for (std::size_t i = 0; i < live.size(); i += 2) f.heap->free(live[i]);
  HeapStats s = f.heap->stats();
  REQUIRE(s.largest_free_block > 0);
  const std::size_t granted = f.source.bytes_granted();
  void* big = f.allocate(s.largest_free_block);
  CHECK(f.heap->usable_size(big) >= s.largest_free_block);
  CHECK(f.source.bytes_granted() == granted);
  f.heap->free(big);
  for (std::size_t i = 1; i < live.size(); i += 2) f.heap->free(live[i]);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: exhaustion gives NoMemory, and the heap recovers", H, MOS_ALL_HEAPS) {
  Fixture<H> f(4 * kMiB);
  Model model;
  std::uint64_t id = 0;

  // Fills the heap with a fixed sequence of sizes until the source runs dry; returns how many
  // allocations succeeded.
  auto fill_up = [&](std::uint64_t salt) {
    auto gen = mos::test::make_bitgen(salt);
    std::size_t count = 0;
    for (;;) {
      std::size_t size = random_size(gen, 16 * 1024);
      auto r = f.heap->allocate(size, 0);
      if (!r.has_value()) {
        CHECK(r.error() == Error::NoMemory);
        break;
      }
      model.add(f, *r, size, 0, ++id);
      ++count;
      REQUIRE(count < 100000);
    }
    model.check_stats(f);
    CHECK(f.validate());
    return count;
  };
  auto free_all = [&] {
    while (!model.live.empty()) {
      void* q = reinterpret_cast<void*>(model.live.begin()->first);
      model.remove(f, q);
      f.heap->free(q);
    }
  };

  const std::size_t first = fill_up(21);
  CHECK(first > 0);
  CHECK(f.source.failed_grows() > 0);
  CHECK(f.source.bytes_granted() <= 4 * kMiB);

  // Still usable: what is freed can be allocated again.
  std::vector<void*> victims;
  for (auto it = model.live.begin(); it != model.live.end() && victims.size() < 20; ++it) {
    victims.push_back(reinterpret_cast<void*>(it->first));
  }
  for (void* v : victims) {
    std::size_t size = model.live.at(reinterpret_cast<std::uintptr_t>(v)).size;
    model.remove(f, v);
    f.heap->free(v);
    model.add(f, f.allocate(size), size, 0, ++id);
  }
  model.check_stats(f);

  // Everything back: the same sequence fits again (nothing leaked), without more memory.
  free_all();
  model.check_stats(f);
  CHECK(f.validate());
  const std::size_t granted = f.source.bytes_granted();
  const std::size_t second = fill_up(21);
  MESSAGE(doctest::toString<H>(), ": ", first, " allocations before NoMemory, ", second,
          " after a full free");
  CHECK(second >= first - first / 20);
  CHECK(f.source.bytes_granted() == granted);
  free_all();
  model.check_stats(f);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: randomised allocate/free sequences agree with a reference model", H,
                   MOS_ALL_HEAPS) {
  enum class Order { Lifo, Fifo, Random };
  Order order = Order::Random;
  std::uint64_t salt = 0;
  SUBCASE("frees in LIFO order") {
    order = Order::Lifo;
    salt = 31;
  }
  SUBCASE("frees in FIFO order") {
    order = Order::Fifo;
    salt = 32;
  }
  SUBCASE("frees in random order") {
    order = Order::Random;
    salt = 33;
  }

  Fixture<H> f;
  Model model;
  auto gen = mos::test::make_bitgen(salt);
  std::deque<void*> by_age;  // Live pointers, oldest first.
  std::size_t last_peak = 0;
  constexpr int kSteps = 20000;
  for (int step = 0; step < kSteps; ++step) {
    // Phases of growth and shrinkage, so that the heap is both filled and drained.
    double p_alloc = (step / 2500) % 2 == 0 ? 0.65 : 0.35;
    if (by_age.empty() || absl::Bernoulli(gen, p_alloc)) {
      std::size_t size = random_size(gen);
      std::size_t align = random_alignment(gen);
      void* p = f.allocate(size, align);
      model.add(f, p, size, align, static_cast<std::uint64_t>(step));
      by_age.push_back(p);
    } else {
      void* p = nullptr;
      switch (order) {
        case Order::Lifo:
          p = by_age.back();
          by_age.pop_back();
          break;
        case Order::Fifo:
          p = by_age.front();
          by_age.pop_front();
          break;
        case Order::Random: {
          std::size_t i = absl::Uniform<std::size_t>(gen, 0, by_age.size());
          p = by_age[i];
          by_age[i] = by_age.back();
          by_age.pop_back();
          break;
        }
      }
      model.remove(f, p);
      f.heap->free(p);
    }
    model.check_stats(f, &last_peak);
    if (step % 1000 == 0) REQUIRE(f.validate());
  }
  for (void* p : by_age) {
    model.remove(f, p);
    f.heap->free(p);
  }
  model.check_stats(f, &last_peak);
  CHECK(f.heap->stats().live_allocations == 0);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: fragmentation stress", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  Model model;
  auto gen = mos::test::make_bitgen(41);
  std::vector<void*> live;
  std::uint64_t id = 0;
  // Rounds of: fill with small and medium blocks, free a random two thirds (leaving holes), then
  // ask for larger blocks that the holes cannot hold.
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 3000; ++i) {
      std::size_t size = absl::Uniform<std::size_t>(absl::IntervalClosed, gen, 1, 512);
      void* p = f.allocate(size);
      model.add(f, p, size, 0, ++id);
      live.push_back(p);
    }
    for (std::size_t i = 0; i < live.size();) {
      if (absl::Bernoulli(gen, 2.0 / 3.0)) {
        model.remove(f, live[i]);
        f.heap->free(live[i]);
        live[i] = live.back();
        live.pop_back();
      } else {
        ++i;
      }
    }
    for (int i = 0; i < 200; ++i) {
      std::size_t size = absl::Uniform<std::size_t>(absl::IntervalClosed, gen, 2048, 24 * 1024);
      void* p = f.allocate(size);
      model.add(f, p, size, 0, ++id);
      live.push_back(p);
    }
    model.check_stats(f);
  }
  HeapStats s = f.heap->stats();
  MESSAGE(doctest::toString<H>(), ": from source ", s.bytes_from_source / 1024,
          " KiB; peak requested ", model.peak_requested / 1024, " KiB, peak usable ",
          s.peak_bytes_allocated / 1024, " KiB; live now ", s.bytes_allocated / 1024, " KiB in ",
          s.live_allocations, " blocks; free ", s.bytes_free / 1024, " KiB (largest ",
          s.largest_free_block / 1024, " KiB); source / peak requested = ",
          static_cast<double>(s.bytes_from_source) / static_cast<double>(model.peak_requested));
  // A sanity bound, far above what any of the heaps needs, that a leak of whole blocks or
  // arenas would still break.
  CHECK(s.bytes_from_source <= 4 * model.peak_requested + 4 * kMiB);
  for (void* p : live) {
    model.remove(f, p);
    f.heap->free(p);
  }
  model.check_stats(f);
  CHECK(f.validate());
}

TEST_CASE_TEMPLATE("heap: a double free panics", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  for (std::size_t size : {std::size_t{64}, std::size_t{200 * 1024}}) {
    CAPTURE(size);
    void* before = f.allocate(size);
    void* p = f.allocate(size);
    void* after = f.allocate(size);
    auto outcome = mos::host::run_in_child([&] {
      f.heap->free(p);
      f.heap->free(p);
    });
    CHECK(outcome.exit_status == 101);
    CHECK_MESSAGE(outcome.output.find("heap: double free of " + hex(p)) != std::string::npos,
                  outcome.output);
    f.heap->free(before);
    f.heap->free(p);
    f.heap->free(after);
  }
}

TEST_CASE_TEMPLATE("heap: freeing a pointer into the middle of a block panics", H, MOS_ALL_HEAPS) {
  Fixture<H> f;
  for (std::size_t size : {std::size_t{256}, std::size_t{200 * 1024}}) {
    CAPTURE(size);
    void* p = f.allocate(size);
    fill(p, size, 0x1234);
    void* inside = static_cast<char*>(p) + 16;
    auto outcome = mos::host::run_in_child([&] { f.heap->free(inside); });
    CHECK(outcome.exit_status == 101);
    CHECK_MESSAGE(outcome.output.find("heap: free of a pointer the heap never returned: " +
                                      hex(inside)) != std::string::npos,
                  outcome.output);
    void* odd = static_cast<char*>(p) + 8;
    outcome = mos::host::run_in_child([&] { f.heap->free(odd); });
    CHECK(outcome.exit_status == 101);
    CHECK(outcome.output.find("heap: free of a pointer the heap never returned") !=
          std::string::npos);
    f.heap->free(p);
  }
}
