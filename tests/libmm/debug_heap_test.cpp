// DebugHeap beyond the Heap contract: fresh and freed fill patterns, red zones on both sides
// (with every alignment), double frees, and the leak report.

#include <mm/debug_heap.hpp>
#include <mm/slab_front.hpp>
#include <mm/tlsf_heap.hpp>

#include <k/output_sink.hpp>

#include "arena_page_source.hpp"
#include "child_process.hpp"
#include "must_allocate.hpp"
#include "string_sink.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

using mos::mm::DebugHeap;
using mos::mm::SlabFront;
using mos::mm::TlsfHeap;
using mos::mm::testing::ArenaPageSource;
using mos::test::must_allocate;
using mos::test::StringSink;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;
using Debug = DebugHeap<TlsfHeap>;

std::string hex(const void* p) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%#lx",
                static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(p)));
  return buffer;
}

bool all_bytes(const void* p, std::size_t n, unsigned char value) {
  auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) {
    if (b[i] != value) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("debug heap: fresh memory is 0xa5 and freed memory 0xde") {
  ArenaPageSource source(64 * kMiB);
  auto heap = std::make_unique<Debug>(source);
  void* p = must_allocate(*heap, 200);
  void* after = must_allocate(*heap, 16);  // Keeps p's block from merging upwards.
  CHECK(heap->usable_size(p) == 200);      // Exactly what was asked for.
  CHECK(all_bytes(p, 200, Debug::kFreshByte));
  heap->free(p);
  // The heap behind keeps its links at the start of its block, ahead of our header; the payload
  // itself stays poisoned.
  CHECK(all_bytes(p, 200, Debug::kFreedByte));
  heap->free(after);
}

TEST_CASE("debug heap: statistics count the sizes asked for") {
  ArenaPageSource source(64 * kMiB);
  auto heap = std::make_unique<Debug>(source);
  void* a = must_allocate(*heap, 1);
  void* b = must_allocate(*heap, 1000, 256);
  void* c = must_allocate(*heap, 0);
  auto s = heap->stats();
  CHECK(s.bytes_allocated == 1001);
  CHECK(s.live_allocations == 3);
  CHECK(heap->backing().stats().live_allocations == 3);
  for (void* p : {a, b, c}) heap->free(p);
  CHECK(heap->stats().bytes_allocated == 0);
  CHECK(heap->stats().peak_bytes_allocated == 1001);
  CHECK(heap->backing().validate());
}

TEST_CASE("debug heap: writing past the end or before the start panics at free") {
  ArenaPageSource source(64 * kMiB);
  auto heap = std::make_unique<Debug>(source);
  for (std::size_t alignment : {std::size_t{0}, std::size_t{32}, std::size_t{4096}}) {
    for (std::size_t size : {std::size_t{1}, std::size_t{40}, std::size_t{1000}}) {
      CAPTURE(alignment);
      CAPTURE(size);
      auto* p = static_cast<unsigned char*>(must_allocate(*heap, size, alignment));
      auto outcome = mos::host::run_in_child([&] {
        p[size] = 0;  // One byte too far.
        heap->free(p);
      });
      CHECK(outcome.exit_status == 101);
      CHECK_MESSAGE(outcome.output.find("heap: red zone overrun after " + hex(p) + " (size " +
                                        std::to_string(size) + ")") != std::string::npos,
                    outcome.output);

      outcome = mos::host::run_in_child([&] {
        p[-1] = 0;  // One byte before.
        heap->free(p);
      });
      CHECK(outcome.exit_status == 101);
      CHECK_MESSAGE(outcome.output.find("heap: red zone underrun before " + hex(p) + " (size " +
                                        std::to_string(size) + ")") != std::string::npos,
                    outcome.output);

      // Far past the end, into the slack the heap behind rounded up to: still caught.
      std::size_t front = alignment <= 16 ? 48 : (48 + alignment - 1) / alignment * alignment;
      std::size_t slack = heap->backing().usable_size(p - front) - front - size;
      outcome = mos::host::run_in_child([&] {
        p[size + slack - 1] = 0;
        heap->free(p);
      });
      CHECK(outcome.exit_status == 101);
      CHECK(outcome.output.find("heap: red zone overrun") != std::string::npos);

      // Untouched, it frees quietly.
      heap->free(p);
    }
  }
  CHECK(heap->stats().live_allocations == 0);
}

TEST_CASE("debug heap: a double free and a foreign pointer panic") {
  ArenaPageSource source(64 * kMiB);
  auto heap = std::make_unique<Debug>(source);
  void* p = must_allocate(*heap, 64);
  void* q = must_allocate(*heap, 64);
  heap->free(p);
  auto outcome = mos::host::run_in_child([&] { heap->free(p); });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("heap: double free of " + hex(p)) != std::string::npos);
  void* inside = static_cast<char*>(q) + 32;
  outcome = mos::host::run_in_child([&] { heap->free(inside); });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("heap: free of a pointer the heap never returned: " + hex(inside)) !=
        std::string::npos);
  heap->free(q);
}

TEST_CASE("debug heap: the leak report lists live allocations, oldest first") {
  ArenaPageSource source(64 * kMiB);
  auto heap = std::make_unique<DebugHeap<SlabFront<TlsfHeap>>>(source);
  StringSink none;
  CHECK(heap->report_leaks(none) == 0);
  CHECK(none.text().empty());

  void* a = *heap->allocate(24);
  void* b = *heap->allocate(5000);
  void* c = *heap->allocate(0, 64);
  heap->free(b);
  StringSink sink;
  CHECK(heap->report_leaks(sink) == 2);
  CHECK(sink.text() ==
        "heap: leak of 24 bytes at " + hex(a) + "\nheap: leak of 0 bytes at " + hex(c) + "\n");
  heap->free(a);
  heap->free(c);
  StringSink after;
  CHECK(heap->report_leaks(after) == 0);
}
