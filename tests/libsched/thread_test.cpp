// Threads under every policy: spawning, exit codes, join and detach (and their misuse), names
// and ids, states, yield ordering, resources given back, errno and thread-local data.

#include <sched/policy.hpp>
#include <sched/scheduler.hpp>
#include <sched/thread.hpp>

#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <string>
#include <vector>

using namespace mos::sched;
namespace sched = mos::sched;
using mos::Error;
using test::must_join;
using test::must_spawn;

namespace {

void set_flag(void* flag) noexcept { *static_cast<int*>(flag) = 42; }

}  // namespace

TEST_CASE("threads: a spawned thread runs, and join returns its exit code") {
  int flag = 0;
  auto t = spawn(&set_flag, &flag, {.name = "setter"});
  REQUIRE(t.has_value());
  CHECK((*t)->name() == "setter");
  CHECK(must_join(**t) == 0);  // Returning from the entry is exit(0).
  CHECK(flag == 42);

  Thread& quitter = must_spawn([] { sched::exit(7); });
  CHECK(must_join(quitter) == 7);
}

TEST_CASE("threads: callables carry their captures, ids are unique and names truncated") {
  std::array<int, 8> results{};
  std::vector<Thread*> threads;
  for (int i = 0; i < 8; ++i) {
    threads.push_back(&must_spawn([&results, i] { results[static_cast<std::size_t>(i)] = i * i; },
                                  {.name = "a-rather-long-thread-name-that-gets-cut-here"}));
  }
  for (std::size_t i = 0; i < threads.size(); ++i) {
    CHECK(threads[i]->name().size() == kThreadNameBytes - 1);
    for (std::size_t j = 0; j < i; ++j) CHECK(threads[i]->id() != threads[j]->id());
    CHECK(threads[i]->id() > 1);
  }
  for (Thread* t : threads) must_join(*t);
  for (int i = 0; i < 8; ++i) CHECK(results[static_cast<std::size_t>(i)] == i * i);
}

TEST_CASE("threads: states from ready to exited, as seen from outside") {
  std::atomic<bool> go{false};
  Thread& t = must_spawn([&go] {
    while (!go.load()) sched::yield();
  });
  CHECK(t.state() == ThreadState::Ready);
  sched::yield();  // Let it run and yield back.
  CHECK((t.state() == ThreadState::Ready || t.state() == ThreadState::Running));
  go = true;
  sched::sleep_for(1'000'000);  // It ends meanwhile; a joinable ended thread stays until joined.
  CHECK(t.state() == ThreadState::Exited);
  CHECK(state_name(t.state()) == "exited");
  must_join(t);
  CHECK(current().state() == ThreadState::Running);
  CHECK(&current() == &Scheduler::on_this_cpu().boot_thread());
}

TEST_CASE("threads: join and detach refuse misuse") {
  CHECK(join(current()).error() == Error::Deadlock);
  CHECK(detach(Scheduler::on_this_cpu().boot_thread()).error() == Error::InvalidArgument);
  Thread& t = must_spawn([] {});
  CHECK(detach(t).has_value());
  CHECK(detach(t).error() == Error::InvalidArgument);
  CHECK(join(t).error() == Error::InvalidArgument);
  sched::sleep_for(1'000'000);  // It ends and frees itself.

  Thread& sleeper = must_spawn([] { sched::sleep_for(5'000'000); });
  Thread* target = &sleeper;
  Thread& joiner = must_spawn([target] { (void)join(*target); });
  sched::sleep_for(1'000'000);  // joiner is in join(sleeper) now: a second joiner is refused.
  CHECK(join(sleeper).error() == Error::InvalidArgument);
  CHECK(detach(sleeper).error() == Error::InvalidArgument);
  must_join(joiner);
}

TEST_CASE("threads: a join with a deadline times out and leaves the thread joinable") {
  Thread& sleeper = must_spawn([] { sched::sleep_for(20 * kNanosPerMilli); });
  const std::uint64_t start = now();
  CHECK(join(sleeper, Deadline::after(5 * kNanosPerMilli)).error() == Error::TimedOut);
  CHECK(now() - start >= 5 * kNanosPerMilli);
  CHECK(join(sleeper, Deadline::at(0)).error() == Error::TimedOut);  // Passed: no wait at all.
  CHECK(join(sleeper, Deadline::after(1000 * kNanosPerMilli)).value() == 0);
}

TEST_CASE("threads: ended threads give their stacks back (joined or detached)") {
  const std::size_t before = test::stacks().outstanding();
  std::vector<Thread*> joinable;
  for (int i = 0; i < 50; ++i) joinable.push_back(&must_spawn([] { sched::yield(); }));
  for (int i = 0; i < 50; ++i) must_spawn([] { sched::yield(); }, {.detached = Detached::Yes});
  CHECK(test::stacks().outstanding() == before + 100);
  for (Thread* t : joinable) must_join(*t);
  // The detached ones end and are freed by the next switch; on a loaded host that may take a
  // while of real time, so wait for it, boundedly.
  for (int i = 0; i < 2000 && test::stacks().outstanding() != before; ++i) {
    sched::sleep_for(1'000'000);
  }
  CHECK(test::stacks().outstanding() == before);
  CHECK(Scheduler::on_this_cpu().stats().threads == 2);  // Only boot and idle remain.
}

TEST_CASE("threads: yield lets the other runnable threads run in turn") {
  std::vector<int> log;
  std::vector<Thread*> threads;
  for (int id = 0; id < 3; ++id) {
    threads.push_back(&must_spawn([&log, id] {
      for (int round = 0; round < 4; ++round) {
        log.push_back(id);
        sched::yield();
      }
    }));
  }
  for (Thread* t : threads) must_join(*t);
  REQUIRE(log.size() == 12);
  // Every round has each thread once, in the same order.
  for (std::size_t i = 0; i < log.size(); ++i) CHECK(log[i] == log[i % 3]);
  CHECK(log[0] != log[1]);
  CHECK(log[1] != log[2]);
  CHECK(log[0] != log[2]);
}

TEST_CASE("threads: errno and thread-local data are per thread") {
  auto key = tls_key_create();
  REQUIRE(key.has_value());
  REQUIRE(tls_set(*key, &key).has_value());
  thread_errno() = 5;
  std::array<int, 4> seen_errno{};
  std::array<void*, 4> seen_tls{};
  std::vector<Thread*> threads;
  for (int i = 0; i < 4; ++i) {
    threads.push_back(&must_spawn([&, i] {
      const auto slot = static_cast<std::size_t>(i);
      seen_errno[slot] = thread_errno();  // Starts at 0.
      seen_tls[slot] = tls_get(*key);     // Starts unset.
      thread_errno() = 100 + i;
      (void)tls_set(*key, &seen_errno[slot]);
      sched::yield();
      seen_errno[slot] = thread_errno();
      seen_tls[slot] = tls_get(*key);
    }));
  }
  for (Thread* t : threads) must_join(*t);
  for (int i = 0; i < 4; ++i) {
    const auto slot = static_cast<std::size_t>(i);
    CHECK(seen_errno[slot] == 100 + i);
    CHECK(seen_tls[slot] == &seen_errno[slot]);
  }
  CHECK(thread_errno() == 5);
  CHECK(tls_get(*key) == &key);
  CHECK(tls_set(kTlsSlots, nullptr).error() == Error::InvalidArgument);
  CHECK(tls_get(kTlsSlots + 3) == nullptr);
}

TEST_CASE("threads: a stack size the source cannot make is refused; parameters are checked") {
  auto huge = spawn([] {}, {.stack_bytes = std::size_t{1} << 40});
  CHECK(huge.error() == Error::InvalidArgument);
  if (bound_policy::name() == "fair") {
    CHECK(spawn([] {}, {.params = {.nice = 40}}).error() == Error::InvalidArgument);
    CHECK(set_params(current(), {.nice = -30}).error() == Error::InvalidArgument);
  }
  CHECK(set_params(current(), {}).has_value());
}

TEST_CASE("threads: statistics count switches and threads") {
  const SchedulerStats before = Scheduler::on_this_cpu().stats();
  Thread& t = must_spawn([] {
    for (int i = 0; i < 10; ++i) sched::yield();
  });
  must_join(t);
  const SchedulerStats after = Scheduler::on_this_cpu().stats();
  CHECK(after.context_switches > before.context_switches);
  CHECK(after.threads_made == before.threads_made + 1);
}
