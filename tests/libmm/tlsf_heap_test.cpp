// TlsfHeap beyond the Heap contract: the mapping of sizes to (fl, sl) classes, good fit without
// list walks, the head-of-own-class fallback, merging, and bounded operation times.

#include <mm/first_fit_heap.hpp>
#include <mm/tlsf_heap.hpp>

#include "arena_page_source.hpp"
#include "must_allocate.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

using mos::mm::FirstFitHeap;
using mos::mm::TlsfClass;
using mos::mm::TlsfHeap;
using mos::mm::testing::ArenaPageSource;
using mos::test::must_allocate;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

}  // namespace

TEST_CASE("tlsf: sizes map to first- and second-level classes") {
  struct Row {
    std::size_t size;
    TlsfClass insert;  // The list a free block of this size goes on.
    TlsfClass search;  // The first list a request of this size searches.
  };
  // fl 0 holds sizes below 512 in 16-byte classes; fl f >= 1 holds [2^(f+8), 2^(f+9)) in 32
  // classes of 2^(f+3) bytes.
  const Row rows[] = {
      {16, {0, 1}, {0, 1}},
      {32, {0, 2}, {0, 2}},
      {496, {0, 31}, {0, 31}},
      {512, {1, 0}, {1, 0}},
      {528, {1, 1}, {1, 1}},
      {1008, {1, 31}, {1, 31}},
      {1024, {2, 0}, {2, 0}},
      {1040, {2, 0}, {2, 1}},  // Classes of 32 bytes: 1040 is inside class 0, search rounds up.
      {1056, {2, 1}, {2, 1}},
      {2032, {2, 31}, {3, 0}},  // The last class of fl 2 rounds up into fl 3.
      {4096, {4, 0}, {4, 0}},
      {4112, {4, 0}, {4, 1}},
      {65536, {8, 0}, {8, 0}},
      {100000, {8, 16}, {8, 17}},
      {std::size_t{1} << 47, {39, 0}, {39, 0}},
      {(std::size_t{1} << 47) + 16, {39, 0}, {39, 1}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.size);
    CHECK(TlsfHeap::class_of(row.size) == row.insert);
    CHECK(TlsfHeap::search_class(row.size) == row.search);
  }
  CHECK(TlsfHeap::kFlCount == 40);
  CHECK(TlsfHeap::class_start({1, 0}) == 512);
  CHECK(TlsfHeap::class_start({2, 1}) == 1056);
  CHECK(TlsfHeap::class_start({8, 16}) == 98304);
}

TEST_CASE("tlsf: every size lies in its class, and the search class holds every block") {
  auto check = [](std::size_t size) {
    CAPTURE(size);
    TlsfClass c = TlsfHeap::class_of(size);
    REQUIRE(c.fl < TlsfHeap::kFlCount);
    REQUIRE(c.sl < TlsfHeap::kSlCount);
    std::size_t start = TlsfHeap::class_start(c);
    REQUIRE(start <= size);
    // The next class starts above size.
    TlsfClass next =
        c.sl + 1 < TlsfHeap::kSlCount ? TlsfClass{c.fl, c.sl + 1} : TlsfClass{c.fl + 1, 0};
    REQUIRE(TlsfHeap::class_start(next) > size);
    // The search starts at the first class whose smallest size is at least size, so any block
    // found there or above fits, and it skips less than one class width.
    std::size_t rounded = TlsfHeap::round_up_to_class(size);
    REQUIRE(rounded >= size);
    REQUIRE(TlsfHeap::class_start(TlsfHeap::search_class(size)) == rounded);
    REQUIRE(TlsfHeap::class_start(TlsfHeap::class_of(rounded)) == rounded);
    REQUIRE(rounded - size < (size < TlsfHeap::kSmallBlock ? 16 : size / 32 + 1));
  };
  for (std::size_t size = 16; size <= 1 * kMiB; size += 16) check(size);
  auto gen = mos::test::make_bitgen(51);
  for (int i = 0; i < 100000; ++i) {
    std::size_t size = absl::Uniform<std::size_t>(gen, 16, std::size_t{1} << 47) & ~std::size_t{15};
    check(size);
  }
}

TEST_CASE("tlsf: allocation takes a list head found through the bitmaps, never walks a list") {
  ArenaPageSource source(64 * kMiB);
  TlsfHeap heap(source);
  // Free blocks in one class (1024..1055 bytes, class (2, 0)): a fitting one of 1040 bytes
  // first, so that it ends up last on the LIFO list, then many of 1024 that do not fit a request
  // of 1040. Used blocks between them keep them apart.
  const std::size_t fitting = 1040;
  std::vector<void*> separators;
  void* deep = must_allocate(heap, fitting);
  separators.push_back(must_allocate(heap, 16));
  std::vector<void*> small;
  for (int i = 0; i < 200; ++i) {
    small.push_back(must_allocate(heap, 1024));
    separators.push_back(must_allocate(heap, 16));
  }
  heap.free(deep);
  for (void* p : small) heap.free(p);
  REQUIRE(heap.validate());

  // A list walk would find `deep`. TLSF rounds 1040 up to class (2, 1), which is empty, and the
  // head of (2, 0) is too small, so the block comes from elsewhere.
  void* p = must_allocate(heap, fitting);
  CHECK(p != deep);
  // A request of the class start is met by the head, the last block freed.
  void* q = must_allocate(heap, 1024);
  CHECK(q == small.back());
  heap.free(p);
  heap.free(q);
  for (void* s : separators) heap.free(s);
  CHECK(heap.validate());
  CHECK(heap.stats().live_allocations == 0);
}

TEST_CASE("tlsf: when the rounded search fails, the head of the request's own class is tried") {
  // One pool, then no more memory.
  ArenaPageSource source(TlsfHeap::kMinPoolBytes);
  TlsfHeap heap(source);
  void* a = must_allocate(heap, 1040);
  void* fence = must_allocate(heap, 16);
  // Use up the rest of the pool.
  std::vector<void*> rest;
  for (;;) {
    auto r = heap.allocate(256);
    if (!r.has_value()) break;
    rest.push_back(*r);
  }
  heap.free(a);
  // 1040 bytes lie in class (2, 0) and the search starts at (2, 1); without the fallback this
  // would need a new pool, which the source refuses.
  auto again = heap.allocate(1040);
  REQUIRE(again.has_value());
  CHECK(*again == a);
  CHECK(source.grants() == 1);
  heap.free(*again);
  heap.free(fence);
  for (void* p : rest) heap.free(p);
  CHECK(heap.validate());
}

TEST_CASE("tlsf: freeing merges with both neighbours back into one block per pool") {
  ArenaPageSource source(64 * kMiB);
  TlsfHeap heap(source);
  void* blocks[3];
  for (void*& b : blocks) b = must_allocate(heap, 1000);
  const std::size_t whole = TlsfHeap::kMinPoolBytes - 48;  // Pool record, header, sentinel.
  // Every order of freeing three neighbours ends with one free block.
  int order[3] = {0, 1, 2};
  do {
    void* p[3];
    for (int i = 0; i < 3; ++i) p[i] = must_allocate(heap, 1000);
    for (int i : order) heap.free(p[i]);
    REQUIRE(heap.validate());
  } while (std::next_permutation(order, order + 3));
  for (void* b : blocks) heap.free(b);
  auto s = heap.stats();
  CHECK(s.bytes_free == whole);
  CHECK(s.largest_free_block == TlsfHeap::class_start(TlsfHeap::class_of(whole)));
  CHECK(heap.validate());
}

TEST_CASE("tlsf: operation time does not grow with the number of free blocks") {
  // Times a steady allocate/free loop on a heap whose lists hold few free blocks and on one
  // whose lists hold tens of thousands. TLSF must not care; address-ordered first fit, which
  // walks its list, is shown for contrast.
  auto run = [](auto& heap, std::size_t fragments) {
    std::vector<void*> keep;
    std::vector<void*> holes;
    for (std::size_t i = 0; i < fragments; ++i) {
      holes.push_back(*heap.allocate(16 + 16 * (i % 24)));
      keep.push_back(*heap.allocate(16));
    }
    for (void* h : holes) heap.free(h);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 20000; ++i) {
      void* p = *heap.allocate(2048 + 16 * (i % 64));
      heap.free(p);
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    for (void* k : keep) heap.free(k);
    return std::chrono::duration<double, std::micro>(elapsed).count();
  };
  ArenaPageSource few_source(256 * kMiB);
  ArenaPageSource many_source(256 * kMiB);
  auto few_heap = std::make_unique<TlsfHeap>(few_source);
  auto many_heap = std::make_unique<TlsfHeap>(many_source);
  double few = run(*few_heap, 10);
  double many = run(*many_heap, 30000);
  MESSAGE("tlsf: 20000 allocate/free pairs take ", few, " us with 10 free blocks, ", many,
          " us with 30000");
  CHECK(many < 10 * few + 20000);

  ArenaPageSource ff_few_source(256 * kMiB);
  ArenaPageSource ff_many_source(256 * kMiB);
  FirstFitHeap ff_few(ff_few_source);
  FirstFitHeap ff_many(ff_many_source);
  double ff_a = run(ff_few, 10);
  double ff_b = run(ff_many, 3000);
  MESSAGE("first fit, for contrast: ", ff_a, " us with 10 free blocks, ", ff_b, " us with 3000");
}
