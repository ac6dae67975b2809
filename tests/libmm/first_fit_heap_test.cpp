// FirstFitHeap beyond the Heap contract: first fit in address order, merging in every order,
// fence posts between arenas, and aligned allocations that give their gap back.

#include <mm/first_fit_heap.hpp>

#include "arena_page_source.hpp"
#include "must_allocate.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

using mos::mm::FirstFitHeap;
using mos::mm::testing::ArenaPageSource;
using mos::test::must_allocate;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;
// An arena of kMinGrowBytes has this much payload in its one free block: arena record, two
// fence posts and the block's header come off.
constexpr std::size_t kArenaPayload = FirstFitHeap::kMinGrowBytes - 64;

}  // namespace

TEST_CASE("first fit: the lowest free block that fits is taken") {
  ArenaPageSource source(64 * kMiB);
  FirstFitHeap heap(source);
  void* a = must_allocate(heap, 100);
  void* b = must_allocate(heap, 100);
  void* c = must_allocate(heap, 300);
  void* d = must_allocate(heap, 100);
  heap.free(c);
  heap.free(a);
  // Both holes hold 50 bytes; the lower one wins.
  void* e = must_allocate(heap, 50);
  CHECK(e == a);
  // Only the upper hole holds 200.
  void* f = must_allocate(heap, 200);
  CHECK(f == c);
  for (void* p : {b, d, e, f}) heap.free(p);
  CHECK(heap.validate());
}

TEST_CASE("first fit: neighbours merge whatever the order of frees") {
  ArenaPageSource source(64 * kMiB);
  FirstFitHeap heap(source);
  int order[4] = {0, 1, 2, 3};
  do {
    void* p[4];
    for (void*& q : p) q = must_allocate(heap, 200);
    for (int i : order) {
      heap.free(p[i]);
      REQUIRE(heap.validate());
    }
    auto s = heap.stats();
    CHECK(s.largest_free_block == kArenaPayload);
    CHECK(s.bytes_free == kArenaPayload);
  } while (std::next_permutation(order, order + 4));
  CHECK(source.grants() == 1);
}

TEST_CASE("first fit: fence posts keep adjacent arenas apart") {
  ArenaPageSource source(64 * kMiB);
  FirstFitHeap heap(source);
  // Each fills most of an arena, so the second needs an arena of its own, right after the first
  // in memory.
  void* a = must_allocate(heap, 40 * 1024);
  void* b = must_allocate(heap, 40 * 1024);
  REQUIRE(source.grants() == 2);
  heap.free(a);
  heap.free(b);
  auto s = heap.stats();
  CHECK(s.bytes_free == 2 * kArenaPayload);
  CHECK(s.largest_free_block == kArenaPayload);  // Not one block across both.
  CHECK(heap.validate());
}

TEST_CASE("first fit: an aligned allocation leaves its gap as a free block") {
  ArenaPageSource source(64 * kMiB);
  FirstFitHeap heap(source);
  void* a = must_allocate(heap, 16);
  void* p = must_allocate(heap, 100, 4096);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % 4096 == 0);
  CHECK(heap.usable_size(p) == 112);
  // The gap between a and p is free and serves the next small request.
  void* q = must_allocate(heap, 16);
  CHECK(q > a);
  CHECK(q < p);
  for (void* x : {a, p, q}) heap.free(x);
  CHECK(heap.stats().bytes_free == kArenaPayload);
  CHECK(heap.validate());
}

TEST_CASE("first fit: a request larger than the minimum arena gets an arena of its size") {
  ArenaPageSource source(64 * kMiB);
  FirstFitHeap heap(source);
  void* p = must_allocate(heap, 1 * kMiB);
  CHECK(source.bytes_granted() >= 1 * kMiB);
  CHECK(source.bytes_granted() <= 1 * kMiB + 2 * 4096);
  heap.free(p);
  CHECK(heap.stats().largest_free_block >= 1 * kMiB);
  CHECK(heap.validate());
}
