// The guest scheduling benchmarks: the same three measurements as bench/linux/sched_ref.c makes
// on Linux in the same QEMU (see bench/README.md). Under -icount the TSC counts instructions,
// so the numbers are guest instructions per operation, identical from run to run.
#include "bench.hpp"

#include <sched/semaphore.hpp>
#include <sched/thread.hpp>

#include <k/log.hpp>
#include <k/platform/cycle_counter.hpp>

namespace mos::bench {
namespace {

constexpr int kYields = 2000;
constexpr int kRoundTrips = 2000;
constexpr int kSpawns = 200;

void yielder() noexcept {
  for (int i = 0; i < kYields; ++i) sched::yield();
}

}  // namespace

bool run_sched() noexcept {
  // Two threads yielding to each other: every yield is a switch.
  std::uint64_t start = platform::cycle_counter();
  auto a = sched::spawn(&yielder);
  auto b = sched::spawn(&yielder);
  if (!a || !b) return false;
  (void)sched::join(**a);
  (void)sched::join(**b);
  report("sched.yield_switch", (platform::cycle_counter() - start) / (2 * kYields));

  // A semaphore ping-pong: each round trip is two wakeups and two switches.
  sched::Semaphore ping;
  sched::Semaphore pong;
  auto ponger = sched::spawn([&ping, &pong] {
    for (int i = 0; i < kRoundTrips; ++i) {
      (void)ping.wait();
      (void)pong.post();
    }
  });
  if (!ponger) return false;
  start = platform::cycle_counter();
  for (int i = 0; i < kRoundTrips; ++i) {
    (void)ping.post();
    (void)pong.wait();
  }
  report("sched.wake_switch", (platform::cycle_counter() - start) / (2 * kRoundTrips));
  (void)sched::join(**ponger);

  // Creating a thread and joining it after it ended.
  start = platform::cycle_counter();
  for (int i = 0; i < kSpawns; ++i) {
    auto t = sched::spawn([] {});
    if (!t) return false;
    (void)sched::join(**t);
  }
  report("sched.spawn_join", (platform::cycle_counter() - start) / kSpawns);
  return true;
}

}  // namespace mos::bench
