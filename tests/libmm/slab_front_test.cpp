// SlabFront beyond the Heap contract: size classes, what goes to slabs and what to the heap
// behind, LIFO reuse, the magazines and their drain, giving empty slab runs back, and misuse of
// slab objects (double frees in a magazine or on a slab's free list, objects never handed out).

#include <mm/slab_front.hpp>
#include <mm/tlsf_heap.hpp>

#include "arena_page_source.hpp"
#include "child_process.hpp"
#include "must_allocate.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using mos::mm::kPageSize;
using mos::mm::SlabFront;
using mos::mm::TlsfHeap;
using mos::mm::testing::ArenaPageSource;
using mos::test::must_allocate;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;
using Front = SlabFront<TlsfHeap>;

}  // namespace

TEST_CASE("slab front: small sizes round up to their class and come from slabs") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  std::size_t ci = 0;
  for (std::size_t size = 0; size <= Front::kMaxSlabSize; ++size) {
    while (Front::kSizeClasses[ci] < size) ++ci;
    void* p = must_allocate(*front, size);
    CAPTURE(size);
    REQUIRE(front->usable_size(p) == Front::kSizeClasses[ci]);
    REQUIRE(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    front->free(p);
  }
  // All of that lived in slabs: the heap behind holds one run of slab pages and nothing else.
  CHECK(front->backing().stats().live_allocations == 1);
  CHECK(front->slab_runs() == 1);
}

TEST_CASE("slab front: larger sizes and larger alignments go to the heap behind") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  void* small = must_allocate(*front, 64);
  const std::size_t behind = front->backing().stats().live_allocations;
  void* large = must_allocate(*front, Front::kMaxSlabSize + 1);
  void* aligned = must_allocate(*front, 64, 64);
  void* paged = must_allocate(*front, 5000, kPageSize);
  CHECK(front->backing().stats().live_allocations == behind + 3);
  CHECK(front->usable_size(large) >= Front::kMaxSlabSize + 1);
  CHECK(reinterpret_cast<std::uintptr_t>(aligned) % 64 == 0);
  CHECK(reinterpret_cast<std::uintptr_t>(paged) % kPageSize == 0);
  for (void* p : {small, large, aligned, paged}) front->free(p);
  CHECK(front->backing().stats().live_allocations == behind);
  CHECK(front->stats().live_allocations == 0);
}

TEST_CASE("slab front: the most recently freed object of a class is reused first") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  void* a = must_allocate(*front, 100);
  void* b = must_allocate(*front, 100);
  void* keep = must_allocate(*front, 128);  // Keeps the slab from emptying (and being reset).
  CHECK(static_cast<char*>(b) - static_cast<char*>(a) == 128);  // Neighbours in one slab.
  front->free(a);
  front->free(b);
  CHECK(must_allocate(*front, 120) == b);
  CHECK(must_allocate(*front, 97) == a);
  for (void* p : {a, b, keep}) front->free(p);
}

TEST_CASE("slab front: empty slab runs go back to the heap beyond a small cache") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  // 40 slabs of 16-byte objects: six runs of seven pages.
  const std::size_t per_slab = (kPageSize - 128) / 16;
  std::vector<void*> objects;
  for (std::size_t i = 0; i < 40 * per_slab; ++i) objects.push_back(must_allocate(*front, 16));
  const std::size_t runs = front->slab_runs();
  CHECK(runs >= 40 / Front::kPagesPerSlabRun);
  for (void* p : objects) front->free(p);
  // The magazine keeps the most recently freed objects (and so their slabs) until a drain.
  CHECK(front->magazine_objects(16) == Front::kMagazineBytes / 16);
  front->drain_magazines();
  CHECK(front->magazine_objects(16) == 0);
  // What stays is at most the cache plus the pages of runs that are not wholly empty.
  CHECK(front->empty_slabs() <= Front::kCachedEmptySlabs + Front::kPagesPerSlabRun);
  CHECK(front->slab_runs() < runs);
  CHECK(front->backing().stats().live_allocations == front->slab_runs());
  CHECK(front->stats().live_allocations == 0);
  CHECK(front->stats().bytes_allocated == 0);
  CHECK(front->backing().validate());
}

TEST_CASE("slab front: double frees of slab objects are caught, also once the slab is empty") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  void* keep = must_allocate(*front, 48);
  void* p = must_allocate(*front, 48);
  front->free(p);  // Its slab still has `keep`.
  void* lone = must_allocate(*front, 768);
  front->free(lone);  // Its slab is empty now and back in the cache.
  for (void* victim : {p, lone}) {
    char expected[64];
    std::snprintf(expected, sizeof expected, "heap: double free of %#lx",
                  static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(victim)));
    auto outcome = mos::host::run_in_child([&] { front->free(victim); });
    CHECK(outcome.exit_status == 101);
    CHECK_MESSAGE(outcome.output.find(expected) != std::string::npos, outcome.output);
  }
  front->free(keep);
}

namespace {

// Runs `action` in a child and checks that it panics with `message` about `p`.
void check_panics(const std::function<void()>& action, const char* message, const void* p) {
  char expected[128];
  std::snprintf(expected, sizeof expected, "%s%#lx", message,
                static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(p)));
  auto outcome = mos::host::run_in_child(action);
  CHECK(outcome.exit_status == 101);
  CHECK_MESSAGE(outcome.output.find(expected) != std::string::npos, outcome.output);
}

}  // namespace

TEST_CASE("slab front: frees beyond a full magazine go to their slabs, and are checked there") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  // The 1024-byte class holds kMinMagazine objects in its magazine.
  std::vector<void*> objects;
  for (std::size_t i = 0; i < 3 * Front::kMinMagazine; ++i) {
    objects.push_back(must_allocate(*front, 1000));
  }
  for (void* p : objects) front->free(p);
  CHECK(front->magazine_objects(1000) == Front::kMinMagazine);
  // The first frees filled the magazine; the later ones went to slab free lists.
  check_panics([&] { front->free(objects.back()); }, "heap: double free of ", objects.back());
  check_panics([&] { front->free(objects.front()); }, "heap: double free of ", objects.front());
  // Everything comes back: the magazine first (newest first), then the slabs.
  std::vector<void*> again;
  for (std::size_t i = 0; i < objects.size(); ++i) again.push_back(must_allocate(*front, 1024));
  CHECK(again.front() == objects[Front::kMinMagazine - 1]);
  std::sort(objects.begin(), objects.end());
  std::sort(again.begin(), again.end());
  CHECK(again == objects);
  for (void* p : again) front->free(p);
}

TEST_CASE("slab front: a live object that holds the free key in its second word frees normally") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  void* keep = must_allocate(*front, 32);
  void* freed = must_allocate(*front, 32);
  void* live = must_allocate(*front, 32);
  front->free(freed);
  // A free object's second word is the front's key; a live object may hold the same bytes.
  std::memcpy(static_cast<char*>(live) + 8, static_cast<char*>(freed) + 8, 8);
  front->free(live);
  CHECK(front->stats().live_allocations == 1);
  check_panics([&] { front->free(live); }, "heap: double free of ", live);
  front->free(keep);
}

TEST_CASE("slab front: objects of a slab that were never handed out are foreign") {
  ArenaPageSource source(64 * kMiB);
  auto front = std::make_unique<Front>(source);
  void* first = must_allocate(*front, 64);
  void* next = static_cast<char*>(first) + 64;  // The bump index has not reached it.
  check_panics([&] { front->free(next); }, "heap: free of a pointer the heap never returned: ",
               next);
  void* header = static_cast<char*>(first) - 16;  // Inside the slab header.
  check_panics([&] { front->free(header); }, "heap: free of a pointer the heap never returned: ",
               header);
  front->free(first);
}
