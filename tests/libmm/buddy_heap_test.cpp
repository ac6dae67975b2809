// BuddyHeap beyond the Heap contract: block sizes, merging back to whole chunks, grants beyond
// whole chunks, large spans and their reuse, and checks at free.

#include <mm/buddy_heap.hpp>

#include "arena_page_source.hpp"
#include "child_process.hpp"
#include "must_allocate.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using mos::mm::BuddyHeap;
using mos::mm::kPageSize;
using mos::mm::testing::ArenaPageSource;
using mos::test::must_allocate;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

}  // namespace

TEST_CASE("buddy: a request takes the smallest power-of-two block that holds header and payload") {
  struct Row {
    std::size_t size;
    std::size_t alignment;
    std::size_t usable;
  };
  const Row rows[] = {
      {0, 0, 16},
      {1, 0, 16},
      {16, 0, 16},
      {17, 0, 48},
      {48, 0, 48},
      {49, 0, 112},
      {1000, 0, 1008},
      {BuddyHeap::kChunkBytes - 16, 0, BuddyHeap::kChunkBytes - 16},
      // Too big for a chunk: a span of whole pages.
      {BuddyHeap::kChunkBytes - 15, 0, BuddyHeap::kChunkBytes + kPageSize - 16},
      // Alignment above 16: the payload sits one alignment into its block.
      {100, 256, 256},
      {0, 32, 32},
      {4000, 4096, 4096},
  };
  ArenaPageSource source(64 * kMiB);
  BuddyHeap heap(source);
  for (const Row& row : rows) {
    CAPTURE(row.size);
    CAPTURE(row.alignment);
    void* p = must_allocate(heap, row.size, row.alignment);
    CHECK(heap.usable_size(p) == row.usable);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % (row.alignment < 16 ? 16 : row.alignment) == 0);
    heap.free(p);
  }
  CHECK(heap.validate());
}

TEST_CASE("buddy: freeing everything merges back to whole chunks") {
  ArenaPageSource source(64 * kMiB);
  BuddyHeap heap(source);
  auto gen = mos::test::make_bitgen(61);
  std::vector<void*> live;
  for (int i = 0; i < 5000; ++i) {
    std::size_t size = absl::Uniform<std::size_t>(absl::IntervalClosed, gen, 0, 3000);
    live.push_back(must_allocate(heap, size, absl::Bernoulli(gen, 0.1) ? 64 : 0));
  }
  const std::size_t chunks = source.bytes_granted() / BuddyHeap::kChunkBytes;
  CHECK(chunks > 1);
  CHECK(source.bytes_granted() == chunks * BuddyHeap::kChunkBytes);
  // Some smaller blocks are free now (the halves split off), none of chunk size.
  CHECK(heap.free_blocks(BuddyHeap::kMaxOrder) == 0);
  for (std::size_t i = live.size(); i > 1; --i) {
    std::swap(live[i - 1], live[absl::Uniform<std::size_t>(gen, 0, i)]);
  }
  for (std::size_t i = 0; i < live.size(); ++i) {
    heap.free(live[i]);
    if (i % 500 == 0) REQUIRE(heap.validate());
  }
  CHECK(heap.free_blocks(BuddyHeap::kMaxOrder) == chunks);
  for (unsigned order = BuddyHeap::kMinOrder; order < BuddyHeap::kMaxOrder; ++order) {
    CAPTURE(order);
    CHECK(heap.free_blocks(order) == 0);
  }
  auto s = heap.stats();
  CHECK(s.bytes_free == chunks * (BuddyHeap::kChunkBytes - 16));
  CHECK(s.largest_free_block == BuddyHeap::kChunkBytes - 16);
  CHECK(heap.validate());
}

TEST_CASE("buddy: memory a grant has beyond a chunk becomes smaller chunks") {
  // Three extra pages per grant: 1 MiB + 8 KiB + 4 KiB.
  ArenaPageSource source(64 * kMiB, 3);
  BuddyHeap heap(source);
  void* p = must_allocate(heap, 100);
  heap.free(p);
  CHECK(source.bytes_granted() == BuddyHeap::kChunkBytes + 3 * kPageSize);
  CHECK(heap.free_blocks(BuddyHeap::kMaxOrder) == 1);
  CHECK(heap.free_blocks(13) == 1);
  CHECK(heap.free_blocks(12) == 1);
  // The small chunks serve requests that fit them; they never merge with the big one.
  void* q = must_allocate(heap, 8000);
  CHECK(heap.free_blocks(13) == 0);
  heap.free(q);
  CHECK(heap.free_blocks(13) == 1);
  CHECK(heap.stats().bytes_free == (BuddyHeap::kChunkBytes - 16) + (8192 - 16) + (4096 - 16));
  CHECK(heap.validate());
}

TEST_CASE("buddy: large spans are kept when freed and reused before the heap grows") {
  ArenaPageSource source(64 * kMiB);
  BuddyHeap heap(source);
  void* big = must_allocate(heap, 3 * kMiB);
  const std::size_t granted = source.bytes_granted();
  CHECK(granted == 3 * kMiB + kPageSize);
  heap.free(big);
  CHECK(heap.free_spans() == 1);
  CHECK(heap.stats().largest_free_block == 3 * kMiB + kPageSize - 16);

  // A smaller large request takes the span and keeps the tail (at least a chunk) as a span.
  void* two = must_allocate(heap, 2 * kMiB - 16);
  CHECK(two == big);
  CHECK(source.bytes_granted() == granted);
  CHECK(heap.free_spans() == 1);
  CHECK(heap.usable_size(two) == 2 * kMiB - 16);

  // A chunk-sized need breaks the free tail into chunks instead of growing.
  void* small = must_allocate(heap, 64);
  CHECK(source.bytes_granted() == granted);
  CHECK(heap.free_spans() == 0);
  heap.free(small);
  heap.free(two);
  CHECK(heap.validate());
}

TEST_CASE("buddy: a second free is caught even after the block merged with its buddy") {
  ArenaPageSource source(64 * kMiB);
  BuddyHeap heap(source);
  void* a = must_allocate(heap, 16);
  void* b = must_allocate(heap, 16);  // a's buddy.
  CHECK(static_cast<char*>(b) - static_cast<char*>(a) == 32);
  heap.free(b);
  heap.free(a);  // Merges with b, and upwards.
  char expected[64];
  std::snprintf(expected, sizeof expected, "heap: double free of %#lx",
                static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(b)));
  auto outcome = mos::host::run_in_child([&] { heap.free(b); });
  CHECK(outcome.exit_status == 101);
  CHECK_MESSAGE(outcome.output.find(expected) != std::string::npos, outcome.output);
}

TEST_CASE("buddy: a header whose order disagrees with its place is reported as corrupted") {
  ArenaPageSource source(64 * kMiB);
  BuddyHeap heap(source);
  void* a = must_allocate(heap, 16);
  void* b = must_allocate(heap, 16);
  // b's header sits in the 16 bytes before it; claim a larger order than its offset allows.
  auto* order = static_cast<unsigned char*>(b) - 16 + 12;
  *order = 6;
  auto outcome = mos::host::run_in_child([&] { heap.free(b); });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("heap: corrupted block header") != std::string::npos);
  *order = 5;
  heap.free(a);
  heap.free(b);
  CHECK(heap.validate());
}
