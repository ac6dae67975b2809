// The synchronisation primitives and time under every policy: mutexes (exclusion under many
// threads, misuse reported, timeouts), semaphores and condition variables (producer/consumer
// with checksums: nothing lost, nothing duplicated), events, sleeps and their order.

#include <sched/condition_variable.hpp>
#include <sched/event.hpp>
#include <sched/mutex.hpp>
#include <sched/scheduler.hpp>
#include <sched/semaphore.hpp>
#include <sched/thread.hpp>
#include <sched/wait_queue.hpp>

#include "random.hpp"
#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <vector>

using namespace mos::sched;
namespace sched = mos::sched;
using mos::Error;
using test::kMs;
using test::must_join;
using test::must_spawn;

namespace {

// Runs `n` threads of `body(i)` and joins them.
template <class F>
void run_threads(int n, F body) {
  std::vector<Thread*> threads;
  for (int i = 0; i < n; ++i) threads.push_back(&must_spawn([body, i] { body(i); }));
  for (Thread* t : threads) must_join(*t);
}

}  // namespace

TEST_CASE("mutex: many threads, exclusive ownership, no update lost") {
  Mutex mutex;
  std::uint64_t counter = 0;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> errors{0};
  run_threads(16, [&](int i) {
    for (int k = 0; k < 200; ++k) {
      if (!mutex.lock()) ++errors;
      if (inside.fetch_add(1) != 0) ++overlaps;
      if (mutex.owner() != &current()) ++errors;
      const std::uint64_t seen = counter;
      if ((k + i) % 3 == 0) sched::yield();  // Others must wait for us meanwhile.
      counter = seen + 1;
      inside.fetch_sub(1);
      if (!mutex.unlock()) ++errors;
    }
  });
  CHECK(counter == 16 * 200);
  CHECK(overlaps == 0);
  CHECK(errors == 0);
  CHECK(mutex.owner() == nullptr);
}

TEST_CASE("mutex: misuse is reported, not fatal") {
  Mutex mutex;
  REQUIRE(mutex.lock().has_value());
  CHECK(mutex.lock().error() == Error::Deadlock);  // Recursive use.
  CHECK(mutex.try_lock().error() == Error::Deadlock);
  std::atomic<int> foreign_unlock{0};
  std::atomic<int> foreign_try{0};
  Thread& other = must_spawn([&] {
    foreign_unlock = static_cast<int>(mutex.unlock().error());
    foreign_try = static_cast<int>(mutex.try_lock().error());
  });
  must_join(other);
  CHECK(foreign_unlock == static_cast<int>(Error::NotPermitted));
  CHECK(foreign_try == static_cast<int>(Error::Busy));
  CHECK(mutex.unlock().has_value());
  CHECK(mutex.unlock().error() == Error::NotPermitted);
  CHECK(mutex.try_lock().has_value());
  CHECK(mutex.unlock().has_value());
}

TEST_CASE("mutex: a timed lock gives up at its deadline, and the mutex stays consistent") {
  Mutex mutex;
  Event release;
  Thread& holder = must_spawn([&] {
    (void)mutex.lock();
    (void)release.wait();
    (void)mutex.unlock();
  });
  sched::sleep_for(1 * kMs);  // holder has the mutex now.
  const std::uint64_t start = now();
  CHECK(mutex.lock(Deadline::after(20 * kMs)).error() == Error::TimedOut);
  CHECK(now() - start >= 20 * kMs);
  CHECK(mutex.lock(Deadline::at(0)).error() == Error::TimedOut);  // A deadline in the past.
  release.set();
  CHECK(mutex.lock(Deadline::after(1000 * kMs)).has_value());
  CHECK(mutex.owner() == &current());
  CHECK(mutex.unlock().has_value());
  must_join(holder);
}

TEST_CASE("mutex: a thread that ends holding a mutex releases it") {
  Mutex mutex;
  Thread& t = must_spawn([&] { (void)mutex.lock(); });
  must_join(t);
  CHECK(mutex.owner() == nullptr);
  CHECK(mutex.try_lock().has_value());
  CHECK(mutex.unlock().has_value());
}

TEST_CASE("semaphore: bounded buffer between producers and consumers loses and duplicates nothing") {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 3;
  constexpr int kItems = 500;  // Per producer.
  constexpr std::size_t kCapacity = 8;
  Semaphore free_slots(kCapacity);
  Semaphore filled(0);
  Mutex buffer_lock;
  std::deque<std::uint64_t> buffer;
  std::array<std::uint64_t, kConsumers> sums{};
  std::array<int, kConsumers> counts{};
  std::atomic<int> errors{0};
  std::vector<Thread*> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.push_back(&must_spawn([&, p] {
      for (int i = 0; i < kItems; ++i) {
        if (!free_slots.wait()) ++errors;
        (void)buffer_lock.lock();
        if (buffer.size() >= kCapacity) ++errors;
        buffer.push_back(static_cast<std::uint64_t>(p) * 100000 + static_cast<std::uint64_t>(i));
        (void)buffer_lock.unlock();
        if (!filled.post()) ++errors;
      }
    }));
  }
  for (int c = 0; c < kConsumers; ++c) {
    threads.push_back(&must_spawn([&, c] {
      const auto slot = static_cast<std::size_t>(c);
      for (;;) {
        if (!filled.wait()) ++errors;
        (void)buffer_lock.lock();
        const std::uint64_t item = buffer.front();
        buffer.pop_front();
        (void)buffer_lock.unlock();
        (void)free_slots.post();
        if (item == UINT64_MAX) return;  // The end marker.
        sums[slot] += item;
        ++counts[slot];
      }
    }));
  }
  for (int p = 0; p < kProducers; ++p) must_join(*threads[static_cast<std::size_t>(p)]);
  for (int c = 0; c < kConsumers; ++c) {
    (void)free_slots.wait();
    (void)buffer_lock.lock();
    buffer.push_back(UINT64_MAX);
    (void)buffer_lock.unlock();
    (void)filled.post();
  }
  for (std::size_t i = kProducers; i < threads.size(); ++i) must_join(*threads[i]);
  std::uint64_t expected = 0;
  for (int p = 0; p < kProducers; ++p) {
    for (int i = 0; i < kItems; ++i) {
      expected += static_cast<std::uint64_t>(p) * 100000 + static_cast<std::uint64_t>(i);
    }
  }
  CHECK(sums[0] + sums[1] + sums[2] == expected);
  CHECK(counts[0] + counts[1] + counts[2] == kProducers * kItems);
  CHECK(errors == 0);
  CHECK(buffer.empty());
  CHECK(free_slots.value() == kCapacity);
}

TEST_CASE("semaphore: try_wait, timed wait and overflow") {
  Semaphore s(1);
  CHECK(s.try_wait().has_value());
  CHECK(s.try_wait().error() == Error::TryAgain);
  const std::uint64_t start = now();
  CHECK(s.wait(Deadline::after(5 * kMs)).error() == Error::TimedOut);
  CHECK(now() - start >= 5 * kMs);
  Thread& poster = must_spawn([&] {
    sched::sleep_for(3 * kMs);
    (void)s.post();
  });
  CHECK(s.wait(Deadline::after(1000 * kMs)).has_value());
  CHECK(s.value() == 0);
  must_join(poster);
  Semaphore full(Semaphore::kMaxValue);
  CHECK(full.post().error() == Error::Overflow);
}

TEST_CASE("condition variable: producer/consumer, notify_all, timeouts keep the mutex") {
  Mutex mutex;
  ConditionVariable changed;
  std::deque<int> queue;
  bool done = false;
  std::atomic<std::uint64_t> sum{0};
  std::atomic<int> errors{0};
  std::vector<Thread*> consumers;
  for (int c = 0; c < 4; ++c) {
    consumers.push_back(&must_spawn([&] {
      (void)mutex.lock();
      for (;;) {
        while (queue.empty() && !done) {
          if (!changed.wait(mutex)) ++errors;
          if (mutex.owner() != &current()) ++errors;
        }
        if (queue.empty()) break;
        sum += static_cast<std::uint64_t>(queue.front());
        queue.pop_front();
      }
      (void)mutex.unlock();
    }));
  }
  for (int i = 1; i <= 1000; ++i) {
    (void)mutex.lock();
    queue.push_back(i);
    changed.notify_one();
    (void)mutex.unlock();
    if (i % 7 == 0) sched::yield();
  }
  (void)mutex.lock();
  done = true;
  changed.notify_all();
  (void)mutex.unlock();
  for (Thread* t : consumers) must_join(*t);
  CHECK(sum == 1000 * 1001 / 2);
  CHECK(errors == 0);

  // A timed wait that nobody notifies: TimedOut, and the mutex is held again.
  REQUIRE(mutex.lock().has_value());
  const std::uint64_t start = now();
  CHECK(changed.wait(mutex, Deadline::after(10 * kMs)).error() == Error::TimedOut);
  CHECK(now() - start >= 10 * kMs);
  CHECK(mutex.owner() == &current());
  CHECK(mutex.unlock().has_value());
  // Waiting without holding the mutex is refused.
  CHECK(changed.wait(mutex).error() == Error::NotPermitted);
}

TEST_CASE("event: manual events wake everyone and stay set; auto events wake one at a time") {
  Event manual(Event::Reset::Manual);
  std::atomic<int> woken{0};
  std::vector<Thread*> waiters;
  for (int i = 0; i < 5; ++i) {
    waiters.push_back(&must_spawn([&] {
      if (manual.wait()) ++woken;
    }));
  }
  sched::sleep_for(1 * kMs);
  CHECK(woken == 0);
  manual.set();
  for (Thread* t : waiters) must_join(*t);
  CHECK(woken == 5);
  CHECK(manual.is_set());
  CHECK(manual.wait(Deadline::after(1 * kMs)).has_value());  // Still set.
  manual.reset();
  CHECK(manual.wait(Deadline::after(1 * kMs)).error() == Error::TimedOut);

  Event single(Event::Reset::Auto);
  single.set();
  CHECK(single.wait(Deadline::after(1 * kMs)).has_value());  // Consumes it.
  CHECK(single.wait(Deadline::after(1 * kMs)).error() == Error::TimedOut);
  std::atomic<int> got{0};
  Thread& a = must_spawn([&] {
    if (single.wait(Deadline::after(50 * kMs))) ++got;
  });
  Thread& b = must_spawn([&] {
    if (single.wait(Deadline::after(50 * kMs))) ++got;
  });
  sched::sleep_for(1 * kMs);
  single.set();
  must_join(a);
  must_join(b);
  CHECK(got == 1);
  CHECK_FALSE(single.is_set());
}

TEST_CASE("time: sleepers wake in deadline order, no earlier than asked") {
  std::vector<int> order;
  std::array<std::uint64_t, 4> late{};
  std::vector<Thread*> threads;
  const std::array<std::uint64_t, 4> delays = {30 * kMs, 10 * kMs, 40 * kMs, 20 * kMs};
  for (int i = 0; i < 4; ++i) {
    threads.push_back(&must_spawn([&, i] {
      const auto slot = static_cast<std::size_t>(i);
      const std::uint64_t start = now();
      sched::sleep_for(delays[slot]);
      late[slot] = now() - start;
      order.push_back(i);
    }));
  }
  for (Thread* t : threads) must_join(*t);
  CHECK(order == std::vector<int>{1, 3, 0, 2});
  for (std::size_t i = 0; i < 4; ++i) CHECK(late[i] >= delays[i]);
  // A deadline that has passed returns at once.
  const std::uint64_t start = now();
  sched::sleep_until(Deadline::at(0));
  CHECK(now() - start < 5 * kMs);
}

TEST_CASE("time: randomised waits with timeouts against wakeups; every waiter ends once") {
  auto gen = mos::test::make_bitgen(0x71e0);
  Semaphore tokens(0);
  constexpr int kWaiters = 40;
  std::atomic<int> acquired{0};
  std::atomic<int> timed_out{0};
  std::atomic<int> errors{0};
  std::vector<Thread*> threads;
  std::vector<std::uint64_t> timeouts;
  for (int i = 0; i < kWaiters; ++i) {
    timeouts.push_back(absl::Uniform<std::uint64_t>(gen, 1, 30) * kMs);
  }
  for (int i = 0; i < kWaiters; ++i) {
    const std::uint64_t timeout = timeouts[static_cast<std::size_t>(i)];
    threads.push_back(&must_spawn([&, timeout] {
      const std::uint64_t start = now();
      auto got = tokens.wait(Deadline::after(timeout));
      if (got) {
        ++acquired;
      } else if (got.error() == Error::TimedOut) {
        ++timed_out;
        if (now() - start < timeout) ++errors;
      } else {
        ++errors;
      }
    }));
  }
  int posted = 0;
  for (int step = 0; step < 20; ++step) {
    sched::sleep_for(absl::Uniform<std::uint64_t>(gen, 0, 3) * kMs);
    (void)tokens.post();
    ++posted;
  }
  for (Thread* t : threads) must_join(*t);
  CHECK(errors == 0);
  CHECK(acquired + timed_out == kWaiters);
  // Every token went to a waiter or is still there: none lost, none given twice.
  CHECK(static_cast<int>(acquired) + static_cast<int>(tokens.value()) == posted);
}

TEST_CASE("interrupt: ends an interruptible wait, spares uninterruptible ones, stays until cleared") {
  WaitQueue queue;
  std::atomic<int> stage{0};
  std::atomic<int> result{-1};
  Thread& waiter = must_spawn([&] {
    SchedulerGuard guard;
    auto waited = queue.wait(guard);  // Interruptible by default.
    result = waited ? 0 : static_cast<int>(waited.error());
  });
  while (waiter.state() != ThreadState::Blocked) sched::yield();
  sched::interrupt(waiter);
  must_join(waiter);
  CHECK(result == static_cast<int>(Error::Interrupted));

  // A pending interruption ends the next interruptible wait at once, but not an uninterruptible
  // one, nor a mutex or a semaphore; clear_interrupt() ends it.
  Semaphore semaphore(0);
  std::atomic<int> early{-1};
  std::atomic<int> after_clear{-1};
  Thread& second = must_spawn([&] {
    sched::interrupt(sched::current());
    {
      SchedulerGuard guard;
      auto waited = queue.wait(guard, Deadline::never(), Interruptible::Yes);
      early = waited ? 0 : static_cast<int>(waited.error());
    }
    if (!sched::interrupt_pending()) return;
    stage = 1;
    (void)semaphore.wait();  // Not interruptible: waits for the post.
    stage = 2;
    sched::clear_interrupt();
    SchedulerGuard guard;
    auto waited = queue.wait(guard, Deadline::after(kMs));
    after_clear = waited ? 0 : static_cast<int>(waited.error());
  });
  while (stage.load() != 1) sched::yield();
  sched::interrupt(second);  // The semaphore wait must not end.
  for (int i = 0; i < 20; ++i) sched::yield();
  CHECK(stage == 1);
  CHECK(semaphore.post().has_value());
  must_join(second);
  CHECK(early == static_cast<int>(Error::Interrupted));
  CHECK(stage == 2);
  CHECK(after_clear == static_cast<int>(Error::TimedOut));
}
