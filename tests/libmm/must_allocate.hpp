#pragma once
// Allocation from a heap under test, where running out is a test failure rather than a case to
// handle.

#include <doctest/doctest.h>

#include <cstddef>

namespace mos::test {

/// heap.allocate(size, alignment), failing the test (REQUIRE) if the heap returns an error.
template <class H>
void* must_allocate(H& heap, std::size_t size, std::size_t alignment = 0) {
  auto r = heap.allocate(size, alignment);
  REQUIRE_MESSAGE(r.has_value(), "allocate(", size, ", ", alignment, ") failed");
  return *r;
}

}  // namespace mos::test
