#pragma once
// What libsched's core tests share: the stacks of the scheduler under test, and helpers to
// spawn and join threads where failure is the test's failure.

#include <sched/thread.hpp>

#include "host_stacks.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <utility>

namespace mos::sched::test {

inline constexpr std::uint64_t kMs = kNanosPerMilli;

/// Keeps the CPU busy for `ns` of the monotonic clock, without blocking or yielding.
inline void spin_for(std::uint64_t ns) {
  const std::uint64_t start = now();
  while (now() - start < ns) {
  }
}

/// The StackSource the test scheduler uses (sched_test_main.cpp).
testing::HostStacks& stacks();

/// Spawns f() and returns the thread (the test fails if it cannot).
template <class F>
Thread& must_spawn(F f, const ThreadAttributes& attributes = {}) {
  auto t = spawn(std::move(f), attributes);
  REQUIRE(t.has_value());
  return **t;
}

/// Joins `t` and returns its exit code (the test fails if it cannot).
inline int must_join(Thread& t) {
  auto code = join(t);
  REQUIRE(code.has_value());
  return *code;
}

}  // namespace mos::sched::test
