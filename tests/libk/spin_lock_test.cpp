#include <k/spin_lock.hpp>

#include "random.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

// On the host platform "interrupts" are a per-thread flag (platforms/host/src/contract.cpp),
// enabled at thread start, so each std::thread below starts with interrupts enabled.

namespace {

using mos::SpinLock;
using mos::SpinLockGuard;
using mos::platform::interrupts_enabled;
using mos::platform::InterruptState;

// Runs `body` on a fresh thread and waits for it: a second "CPU" for the duration of a check.
template <class F>
void on_other_thread(F body) {
  std::thread thread(body);
  thread.join();
}

}  // namespace

TEST_CASE("lock disables interrupts while held and unlock restores them") {
  REQUIRE(interrupts_enabled());
  SpinLock lock;
  CHECK_FALSE(lock.is_locked());
  InterruptState state = lock.lock();
  CHECK(state == InterruptState::Enabled);
  CHECK(lock.is_locked());
  CHECK_FALSE(interrupts_enabled());
  lock.unlock(state);
  CHECK_FALSE(lock.is_locked());
  CHECK(interrupts_enabled());
}

TEST_CASE("a lock taken with interrupts already disabled leaves them disabled") {
  REQUIRE(interrupts_enabled());
  InterruptState outer = mos::platform::interrupts_save_and_disable();
  SpinLock lock;
  InterruptState state = lock.lock();
  CHECK(state == InterruptState::Disabled);
  lock.unlock(state);
  CHECK_FALSE(interrupts_enabled());  // Still inside the outer critical section.
  mos::platform::interrupts_restore(outer);
  CHECK(interrupts_enabled());
}

TEST_CASE("nested locks restore the interrupt state in order") {
  SpinLock a, b;
  InterruptState state_a = a.lock();
  InterruptState state_b = b.lock();
  CHECK(state_a == InterruptState::Enabled);
  CHECK(state_b == InterruptState::Disabled);
  b.unlock(state_b);
  CHECK_FALSE(interrupts_enabled());
  a.unlock(state_a);
  CHECK(interrupts_enabled());
}

TEST_CASE("try_lock fails while the lock is held and leaves interrupts as they were") {
  SpinLock lock;
  SUBCASE("held by this thread") {
    InterruptState held = lock.lock();
    InterruptState state{};
    CHECK_FALSE(lock.try_lock(state));
    CHECK_FALSE(interrupts_enabled());  // Still held, so still disabled.
    lock.unlock(held);
  }
  SUBCASE("held by another thread") {
    InterruptState held = lock.lock();
    bool acquired = true;
    bool enabled_after = false;
    on_other_thread([&] {
      InterruptState state{};
      acquired = lock.try_lock(state);
      enabled_after = interrupts_enabled();
    });
    CHECK_FALSE(acquired);
    CHECK(enabled_after);  // The failed attempt restored the other thread's interrupts.
    lock.unlock(held);
  }
  CHECK(interrupts_enabled());
  CHECK_FALSE(lock.is_locked());

  SUBCASE("succeeds once released") {
    InterruptState state{};
    REQUIRE(lock.try_lock(state));
    CHECK(state == InterruptState::Enabled);
    CHECK(lock.is_locked());
    CHECK_FALSE(interrupts_enabled());
    lock.unlock(state);
    CHECK(interrupts_enabled());
  }
}

TEST_CASE("SpinLockGuard holds the lock for its scope") {
  SpinLock lock;
  {
    SpinLockGuard guard(lock);
    CHECK(lock.is_locked());
    CHECK_FALSE(interrupts_enabled());
    bool acquired = true;
    on_other_thread([&] {
      InterruptState state{};
      acquired = lock.try_lock(state);
    });
    CHECK_FALSE(acquired);
  }
  CHECK_FALSE(lock.is_locked());
  CHECK(interrupts_enabled());
}

TEST_CASE("threads incrementing under the lock reach the exact total") {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 20000;
  SpinLock lock;
  // Plain, non-atomic: only the lock keeps the increments from being lost.
  long counter = 0;
  std::atomic<int> interrupts_seen_enabled{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        SpinLockGuard guard(lock);
        if (interrupts_enabled()) interrupts_seen_enabled.fetch_add(1);
        ++counter;
      }
      if (!interrupts_enabled()) interrupts_seen_enabled.fetch_add(1000000);
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(counter == long{kThreads} * kIncrements);
  CHECK(interrupts_seen_enabled.load() == 0);
  CHECK_FALSE(lock.is_locked());
}

TEST_CASE("a two-part invariant never appears broken to another lock holder") {
  // Each thread does random amounts of work inside and outside the critical section, in which
  // it breaks the invariant a == b and mends it again; a holder that saw it broken would mean
  // two holders at once.
  constexpr int kThreads = 4;
  SpinLock lock;
  // volatile, so that the compiler keeps the two updates apart and the window between them open.
  volatile long a = 0, b = 0;
  volatile int delay = 0;
  std::atomic<int> broken_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto gen = mos::test::make_bitgen(0x5910c + static_cast<std::uint64_t>(t));
      for (int round = 0; round < 5000; ++round) {
        int inside = absl::Uniform(gen, 0, 20);
        int outside = absl::Uniform(gen, 0, 20);
        {
          SpinLockGuard guard(lock);
          if (a != b) broken_seen.fetch_add(1);
          a = a + 1;
          for (int i = 0; i < inside; ++i) delay = i;
          b = b + 1;
        }
        for (int i = 0; i < outside; ++i) delay = i;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(broken_seen.load() == 0);
  CHECK(a == kThreads * 5000L);
  CHECK(b == kThreads * 5000L);
}
