// The cooperative policy (fifo): a running thread keeps the CPU until it blocks, yields or ends,
// whatever the timer does meanwhile.

#include <sched/scheduler.hpp>
#include <sched/thread.hpp>

#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>

using namespace mos::sched;
namespace sched = mos::sched;
using test::kMs;
using test::must_join;
using test::must_spawn;
using test::spin_for;

TEST_CASE("cooperative: a busy thread runs to its end before anyone else, sleepers included") {
  std::atomic<bool> finished{false};
  std::atomic<bool> sleeper_woke_early{false};
  Thread& sleeper = must_spawn([&] {
    sched::sleep_for(kMs);
    if (!finished.load()) sleeper_woke_early = true;
  });
  Thread& busy = must_spawn([&] {
    spin_for(50 * kMs);
    finished = true;
  });
  sched::yield();  // The sleeper runs and sleeps, then busy spins for 50 ms.
  CHECK(finished.load());  // Back here only once busy has ended.
  must_join(busy);
  must_join(sleeper);
  CHECK_FALSE(sleeper_woke_early.load());
}
