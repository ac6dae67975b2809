// The priority policy (prio): the highest priority runs, a higher-priority thread preempts at
// once, and priority inheritance keeps a low-priority mutex owner from being starved by
// medium-priority threads while a high-priority thread waits for the mutex.

#include <sched/event.hpp>
#include <sched/mutex.hpp>
#include <sched/scheduler.hpp>
#include <sched/thread.hpp>

#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <array>
#include <cstdint>
#include <vector>

using namespace mos::sched;
namespace sched = mos::sched;
using test::kMs;
using test::must_join;
using test::must_spawn;
using test::spin_for;

namespace {

// Runs the body with the calling (boot) thread at `priority`, then restores it.
struct PriorityScope {
  explicit PriorityScope(std::uint8_t priority) {
    REQUIRE(set_params(current(), {.priority = priority}).has_value());
  }
  ~PriorityScope() { (void)set_params(current(), {}); }
};

}  // namespace

TEST_CASE("prio: a higher-priority thread runs before spawn returns") {
  std::atomic<bool> ran{false};
  Thread& high = must_spawn([&] { ran = true; }, {.params = {.priority = 10}});
  CHECK(ran.load());
  must_join(high);
}

TEST_CASE("prio: a lower-priority thread does not run while a higher one is busy") {
  PriorityScope scope(20);
  std::atomic<bool> ran{false};
  Thread& low = must_spawn([&] { ran = true; }, {.params = {.priority = 200}});
  spin_for(30 * kMs);  // Timer interrupts come and go; low stays queued.
  CHECK_FALSE(ran.load());
  CHECK(low.state() == ThreadState::Ready);
  must_join(low);  // Blocking lets it run.
  CHECK(ran.load());
}

TEST_CASE("prio: a woken higher-priority thread preempts a busy lower one") {
  std::atomic<std::uint64_t> woke_at{0};
  std::atomic<std::uint64_t> deadline{0};
  Thread& high = must_spawn(
      [&] {
        deadline = now() + 5 * kMs;
        sched::sleep_until(Deadline::at(deadline));
        woke_at = now();
      },
      {.params = {.priority = 10}});
  // The boot thread (128) spins without yielding; high must get in after 5 ms anyway. On a
  // loaded host the process may not run for a while, so spin until it did, for 2 s at most.
  const std::uint64_t give_up = now() + 2000 * kMs;
  while (woke_at.load() == 0 && now() < give_up) spin_for(kMs);
  CHECK(woke_at.load() != 0);
  CHECK(woke_at.load() >= deadline.load());
  CHECK(woke_at.load() - deadline.load() < 500 * kMs);  // Real time on a shared machine.
  must_join(high);
}

TEST_CASE("prio: priority inheritance lets a low-priority owner finish for a high waiter") {
  PriorityScope scope(5);  // The test runner outranks everyone, and sleeps to let them run.
  Mutex mutex;
  Event owner_holds;
  std::atomic<bool> stop_medium{false};
  std::atomic<bool> medium_done_before_high{false};
  std::atomic<bool> high_got_it{false};
  std::atomic<int> owner_priority_seen{-1};

  std::atomic<bool> checked{false};
  Thread& low = must_spawn(
      [&] {
        (void)mutex.lock();
        owner_holds.set();
        // The critical section needs the CPU to finish: it lasts until the test runner has
        // looked at the priorities (or two seconds, should it never).
        const std::uint64_t start = now();
        while (!checked.load() && now() - start < 2000 * kMs) {
        }
        owner_priority_seen = current().effective_priority();
        (void)mutex.unlock();
      },
      {.params = {.priority = 200}});
  (void)owner_holds.wait();
  Thread& medium = must_spawn(
      [&] {
        const std::uint64_t start = now();
        while (!stop_medium.load() && now() - start < 2000 * kMs) {
        }
        if (!high_got_it.load()) medium_done_before_high = true;
      },
      {.params = {.priority = 100}});
  Thread& high = must_spawn(
      [&] {
        (void)mutex.lock();  // Blocks: low holds it, and must inherit priority 10.
        high_got_it = true;
        stop_medium = true;
        (void)mutex.unlock();
      },
      {.params = {.priority = 10}});
  sched::sleep_for(1 * kMs);
  CHECK(low.effective_priority() == 10);  // Lent while high waits.
  CHECK(low.params().priority == 200);
  checked = true;
  must_join(high);
  must_join(medium);
  must_join(low);
  CHECK(high_got_it.load());
  CHECK_FALSE(medium_done_before_high.load());  // Without inheritance medium would run first.
  CHECK(owner_priority_seen.load() == 10);
}

TEST_CASE("prio: waiters of a mutex are woken highest priority first") {
  PriorityScope scope(5);
  Mutex mutex;
  REQUIRE(mutex.lock().has_value());
  std::atomic<int> order_index{0};
  std::array<std::atomic<int>, 3> order{};
  const std::array<std::uint8_t, 3> priorities = {150, 50, 100};
  std::vector<Thread*> threads;
  for (int i = 0; i < 3; ++i) {
    threads.push_back(&must_spawn(
        [&, i] {
          (void)mutex.lock();
          order[static_cast<std::size_t>(order_index++)] = i;
          (void)mutex.unlock();
        },
        {.params = {.priority = priorities[static_cast<std::size_t>(i)]}}));
  }
  sched::sleep_for(1 * kMs);  // All three wait now.
  CHECK(current().effective_priority() == 5);
  CHECK(mutex.unlock().has_value());
  for (Thread* t : threads) must_join(*t);
  CHECK(order[0] == 1);  // Priority 50.
  CHECK(order[1] == 2);  // 100.
  CHECK(order[2] == 0);  // 150.
}
