// Event counters (eventfd semantics) and IPC semaphores (POSIX semantics) with real threads.

#include <ipc/event_counter.hpp>
#include <ipc/poll.hpp>
#include <ipc/semaphore.hpp>

#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <vector>

using namespace mos::ipc;
namespace sched = mos::sched;
using mos::Error;
using sched::Deadline;
using sched::test::kMs;
using sched::test::must_join;
using sched::test::must_spawn;

TEST_CASE("event counter: reads take everything (or one in semaphore mode), writes add") {
  auto counter = EventCounter::create(3);
  REQUIRE(counter.has_value());
  auto& c = **counter;
  REQUIRE(c.write(4, Blocking::No).has_value());
  CHECK(c.read(Blocking::No).value() == 7);
  CHECK(c.read(Blocking::No).error() == Error::TryAgain);
  CHECK(c.read(Blocking::Yes, Deadline::after(2 * kMs)).error() == Error::TimedOut);

  auto semaphore_mode = EventCounter::create(2, EventCounter::Mode::Semaphore);
  REQUIRE(semaphore_mode.has_value());
  CHECK((*semaphore_mode)->read(Blocking::No).value() == 1);
  CHECK((*semaphore_mode)->read(Blocking::No).value() == 1);
  CHECK((*semaphore_mode)->read(Blocking::No).error() == Error::TryAgain);
}

TEST_CASE("event counter: overflow waits or fails; ~0 is refused; readers wake on writes") {
  auto counter = EventCounter::create(EventCounter::kMaxValue - 1);
  REQUIRE(counter.has_value());
  auto& c = **counter;
  CHECK(c.write(~std::uint64_t{0}, Blocking::No).error() == Error::InvalidArgument);
  REQUIRE(c.write(1, Blocking::No).has_value());  // Exactly the maximum.
  CHECK(c.write(1, Blocking::No).error() == Error::TryAgain);
  std::atomic<bool> added{false};
  sched::Thread& writer = must_spawn([&] { added = c.write(5, Blocking::Yes).has_value(); });
  sched::sleep_for(1 * kMs);
  CHECK_FALSE(added.load());
  CHECK(c.read(Blocking::No).value() == EventCounter::kMaxValue);
  must_join(writer);
  CHECK(added.load());
  CHECK(c.value() == 5);
  CHECK(EventCounter::create(~std::uint64_t{0}).error() == Error::InvalidArgument);

  std::atomic<std::uint64_t> got{0};
  (void)c.read(Blocking::No);
  sched::Thread& reader = must_spawn([&] {
    auto v = c.read(Blocking::Yes);
    got = v ? *v : 0;
  });
  sched::sleep_for(1 * kMs);
  REQUIRE(c.write(9, Blocking::No).has_value());
  must_join(reader);
  CHECK(got == 9);
  PollItem item{&c, PollEvents::Readable | PollEvents::Writable};
  CHECK(poll(std::span(&item, 1), Deadline::at(0)).value() == 1);
  CHECK(item.revents == PollEvents::Writable);
}

TEST_CASE("ipc semaphore: POSIX counting, try, timed waits, overflow, and many waiters") {
  CHECK(Semaphore::create(Semaphore::kMaxValue + 1).error() == Error::InvalidArgument);
  auto created = Semaphore::create(1);
  REQUIRE(created.has_value());
  auto& s = **created;
  CHECK(s.try_wait().has_value());
  CHECK(s.try_wait().error() == Error::TryAgain);
  const std::uint64_t start = sched::now();
  CHECK(s.wait(Deadline::after(3 * kMs)).error() == Error::TimedOut);
  CHECK(sched::now() - start >= 3 * kMs);
  std::atomic<int> acquired{0};
  std::vector<sched::Thread*> waiters;
  for (int i = 0; i < 5; ++i) {
    waiters.push_back(&must_spawn([&] {
      if (s.wait()) ++acquired;
    }));
  }
  sched::sleep_for(1 * kMs);
  for (int i = 0; i < 5; ++i) REQUIRE(s.post().has_value());
  for (sched::Thread* t : waiters) must_join(*t);
  CHECK(acquired == 5);
  CHECK(s.value() == 0);
  auto full = Semaphore::create(Semaphore::kMaxValue);
  REQUIRE(full.has_value());
  CHECK((*full)->post().error() == Error::Overflow);
}
