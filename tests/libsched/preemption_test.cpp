// Preemption under the preemptive policies (rr, prio, fair): threads that never yield still
// share the CPU, and a sleeping thread gets its turn back while others spin. (The host delivers
// its timer interrupt with a signal; see platforms/host.)

#include <sched/policy.hpp>
#include <sched/scheduler.hpp>
#include <sched/thread.hpp>

#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

using namespace mos::sched;
namespace sched = mos::sched;
using test::kMs;
using test::must_join;
using test::must_spawn;

namespace {

// Spins until `stop`, counting.
struct Spinner {
  std::atomic<bool>* stop;
  std::atomic<std::uint64_t>* count;
  void operator()() const noexcept {
    while (!stop->load(std::memory_order_relaxed)) count->fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace

TEST_CASE("preemption: busy threads that never yield all make progress") {
  std::atomic<bool> stop{false};
  std::array<std::atomic<std::uint64_t>, 3> counts{};
  std::vector<Thread*> threads;
  for (auto& count : counts) threads.push_back(&must_spawn(Spinner{&stop, &count}));
  const std::uint64_t start = now();
  sched::sleep_for(300 * kMs);  // Wakes while they spin: the timer preempts one of them.
  const std::uint64_t slept = now() - start;
  stop = true;
  sched::sleep_for(1 * kMs);
  std::uint64_t total = 0;
  for (Thread* t : threads) total += t->runtime_ns();
  for (std::size_t i = 0; i < threads.size(); ++i) {
    CAPTURE(i);
    CHECK(counts[i].load() > 0);
    // Equal shares within a generous margin (real time on a shared machine).
    CHECK(threads[i]->runtime_ns() * 8 > total);
  }
  CHECK(slept >= 300 * kMs);
  CHECK(slept < 2000 * kMs);  // The sleeper was not starved.
  for (Thread* t : threads) must_join(*t);
}

TEST_CASE("preemption: fair shares follow nice values") {
  if (bound_policy::name() != "fair") return;  // Compiled into the fair test only; see meson.
  std::atomic<bool> stop{false};
  std::array<std::atomic<std::uint64_t>, 2> counts{};
  Thread& favoured = must_spawn(Spinner{&stop, &counts[0]}, {.params = {.nice = -5}});
  Thread& niced = must_spawn(Spinner{&stop, &counts[1]}, {.params = {.nice = 5}});
  sched::sleep_for(400 * kMs);
  stop = true;
  sched::sleep_for(1 * kMs);
  // Weights 3121 and 335: about 9 to 1.
  const double ratio = static_cast<double>(favoured.runtime_ns()) /
                       static_cast<double>(niced.runtime_ns() + 1);
  CAPTURE(ratio);
  CHECK(ratio > 4.0);
  CHECK(ratio < 20.0);
  must_join(favoured);
  must_join(niced);
}
