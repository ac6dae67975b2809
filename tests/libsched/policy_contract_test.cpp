// The SchedulingPolicy contract (sched/policy.hpp), checked on every policy: queue bookkeeping,
// ordering among equals, yields and wakeups, and, on a simulated CPU (libsched/testing), that
// preemptive policies let every runnable thread run, that priorities are obeyed, and that the
// fair policy shares the CPU by weight. Randomised operation sequences are checked against
// reference models.

#include <sched/fair_policy.hpp>
#include <sched/fifo_policy.hpp>
#include <sched/priority_policy.hpp>
#include <sched/round_robin_policy.hpp>

#include "random.hpp"
#include "simulated_cpu.hpp"

#include <absl/container/btree_set.h>
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

using mos::sched::Enqueue;
using mos::sched::FairPolicy;
using mos::sched::FifoPolicy;
using mos::sched::kNanosPerMilli;
using mos::sched::kUnlimitedSlice;
using mos::sched::PriorityPolicy;
using mos::sched::RoundRobinPolicy;
using mos::sched::SchedParams;
using mos::sched::Thread;
using mos::sched::testing::SimulatedCpu;

TYPE_TO_STRING_AS("FifoPolicy", FifoPolicy);
TYPE_TO_STRING_AS("RoundRobinPolicy", RoundRobinPolicy);
TYPE_TO_STRING_AS("PriorityPolicy", PriorityPolicy);
TYPE_TO_STRING_AS("FairPolicy", FairPolicy);

#define MOS_ALL_POLICIES FifoPolicy, RoundRobinPolicy, PriorityPolicy, FairPolicy
#define MOS_PREEMPTIVE_POLICIES RoundRobinPolicy, PriorityPolicy, FairPolicy

namespace {

constexpr std::uint64_t kMs = kNanosPerMilli;

// Bare thread descriptors with the policy's data, released at the end.
template <class P>
struct Threads {
  explicit Threads(P& policy, std::size_t n, SchedParams params = {}) : policy_(policy) {
    for (std::size_t i = 0; i < n; ++i) add(params);
  }
  ~Threads() {
    for (auto& t : items) policy_.release_thread(*t);
  }
  Thread& add(SchedParams params = {}) {
    items.push_back(std::make_unique<Thread>("t" + std::to_string(items.size()), params));
    policy_.init_thread(*items.back());
    policy_.apply_params(*items.back(), params);
    return *items.back();
  }
  Thread& operator[](std::size_t i) { return *items[i]; }
  std::size_t index(const Thread* t) const {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].get() == t) return i;
    }
    return items.size();
  }

  P& policy_;
  std::vector<std::unique_ptr<Thread>> items;
};

}  // namespace

TEST_CASE_TEMPLATE("policy: every queued thread is picked exactly once, and counts follow",
                   P, MOS_ALL_POLICIES) {
  P policy;
  Threads<P> threads(policy, 20);
  CHECK(policy.runnable() == 0);
  CHECK(policy.pick_next(0) == nullptr);
  for (std::size_t i = 0; i < 20; ++i) policy.enqueue(threads[i], Enqueue::New, 0);
  CHECK(policy.runnable() == 20);
  policy.remove(threads[7]);
  policy.remove(threads[13]);
  CHECK(policy.runnable() == 18);
  std::vector<bool> seen(20, false);
  for (std::size_t i = 0; i < 18; ++i) {
    Thread* t = policy.pick_next(0);
    REQUIRE(t != nullptr);
    const std::size_t k = threads.index(t);
    CHECK_FALSE(seen[k]);
    seen[k] = true;
  }
  CHECK(policy.pick_next(0) == nullptr);
  CHECK(policy.runnable() == 0);
  CHECK_FALSE(seen[7]);
  CHECK_FALSE(seen[13]);
  CHECK_FALSE(policy.name().empty());
}

TEST_CASE_TEMPLATE("policy: equal threads run in the order they became runnable", P,
                   MOS_ALL_POLICIES) {
  P policy;
  Threads<P> threads(policy, 8);
  for (std::size_t i = 0; i < 8; ++i) policy.enqueue(threads[i], Enqueue::New, 0);
  for (std::size_t i = 0; i < 8; ++i) CHECK(policy.pick_next(0) == &threads[i]);
}

TEST_CASE_TEMPLATE("policy: a yielding thread goes behind every runnable thread", P,
                   MOS_ALL_POLICIES) {
  P policy;
  Threads<P> threads(policy, 4);
  for (std::size_t i = 0; i < 4; ++i) policy.enqueue(threads[i], Enqueue::New, 0);
  // Each in turn runs a little and yields: the order comes round again.
  std::vector<std::size_t> order;
  for (int round = 0; round < 12; ++round) {
    Thread* t = policy.pick_next(0);
    REQUIRE(t != nullptr);
    order.push_back(threads.index(t));
    policy.account(*t, 100'000);
    policy.enqueue(*t, Enqueue::Yielded, 0);
  }
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i % 4);
  while (policy.pick_next(0) != nullptr) {
  }
}

TEST_CASE_TEMPLATE("policy: cooperative and preemptive slices", P, MOS_ALL_POLICIES) {
  P policy;
  Threads<P> threads(policy, 2);
  policy.enqueue(threads[0], Enqueue::New, 0);
  policy.enqueue(threads[1], Enqueue::New, 0);
  Thread* t = policy.pick_next(0);
  REQUIRE(t != nullptr);
  const std::uint64_t slice = policy.slice_left(*t);
  if constexpr (std::is_same_v<P, FifoPolicy>) {
    CHECK(slice == kUnlimitedSlice);
    policy.account(*t, 1'000'000'000);
    CHECK(policy.slice_left(*t) == kUnlimitedSlice);
  } else {
    REQUIRE(slice > 0);
    REQUIRE(slice < kUnlimitedSlice);
    policy.account(*t, slice / 2);
    CHECK(policy.slice_left(*t) == slice - slice / 2);
    policy.account(*t, slice);
    CHECK(policy.slice_left(*t) == 0);
    // Back in the queue with its slice used up, the other thread goes first, and t's next
    // turn starts afresh.
    policy.enqueue(*t, Enqueue::SliceExpired, 0);
    Thread* other = policy.pick_next(0);
    CHECK(other != t);
    Thread* again = other;
    for (int turn = 0; turn < 100 && again != t; ++turn) {
      policy.account(*again, policy.slice_left(*again));
      policy.enqueue(*again, Enqueue::SliceExpired, 0);
      again = policy.pick_next(0);
    }
    REQUIRE(again == t);
    CHECK(policy.slice_left(*again) > 0);
  }
  while (policy.pick_next(0) != nullptr) {
  }
}

TEST_CASE("prio: the highest priority runs first; a higher-priority wakeup preempts") {
  PriorityPolicy policy;
  Threads<PriorityPolicy> threads(policy, 0);
  Thread& low = threads.add({.priority = 200});
  Thread& mid = threads.add({.priority = 100});
  Thread& high = threads.add({.priority = 3});
  Thread& mid2 = threads.add({.priority = 100});
  for (Thread* t : {&low, &mid, &high, &mid2}) policy.enqueue(*t, Enqueue::New, 0);
  CHECK(policy.pick_next(0) == &high);
  CHECK(policy.pick_next(0) == &mid);
  CHECK(policy.pick_next(0) == &mid2);
  CHECK(policy.pick_next(0) == &low);
  CHECK(policy.preempts(high, low));
  CHECK_FALSE(policy.preempts(low, high));
  CHECK_FALSE(policy.preempts(mid, mid2));  // Equals wait their turn.
  CHECK(policy.waits_before(high, mid));
  CHECK_FALSE(policy.waits_before(mid, mid2));
  // A preempted thread resumes before its equals, with the rest of its slice.
  policy.enqueue(mid2, Enqueue::New, 0);
  policy.account(mid, policy.slice() / 4);
  policy.enqueue(mid, Enqueue::Preempted, 0);
  Thread* resumed = policy.pick_next(0);
  CHECK(resumed == &mid);
  CHECK(policy.slice_left(mid) == policy.slice() - policy.slice() / 4);
  CHECK(policy.pick_next(0) == &mid2);
}

TEST_CASE("fair: new threads start behind, sleepers get bounded credit, wakeups may preempt") {
  FairPolicy policy;
  Threads<FairPolicy> threads(policy, 3);
  policy.enqueue(threads[0], Enqueue::New, 0);
  Thread* running = policy.pick_next(0);
  REQUIRE(running == &threads[0]);
  policy.account(*running, 50 * kMs);  // Runs a long time alone.
  CHECK(policy.min_vruntime() == FairPolicy::vruntime(*running));
  // A thread that slept long gets at most half a latency of credit.
  policy.enqueue(threads[1], Enqueue::Woken, 0);
  CHECK(FairPolicy::vruntime(threads[1]) >= policy.min_vruntime() - FairPolicy::kLatencyNs / 2);
  CHECK(policy.preempts(threads[1], *running));
  // A new thread starts no earlier than min_vruntime.
  policy.enqueue(threads[2], Enqueue::New, 0);
  CHECK(FairPolicy::vruntime(threads[2]) >= policy.min_vruntime());
  CHECK_FALSE(policy.preempts(threads[2], threads[1]));
  policy.enqueue(*running, Enqueue::Preempted, 0);
  CHECK(policy.pick_next(0) == &threads[1]);
  while (policy.pick_next(0) != nullptr) {
  }
}

TEST_CASE("fair: nice values outside -20..19 are refused, and weights follow nice") {
  FairPolicy policy;
  Thread t;
  CHECK(policy.check_params(t, {.nice = -21}).error() == mos::Error::InvalidArgument);
  CHECK(policy.check_params(t, {.nice = 20}).error() == mos::Error::InvalidArgument);
  CHECK(policy.check_params(t, {.nice = 19}).has_value());
  CHECK(FairPolicy::weight_of(0) == FairPolicy::kNiceZeroWeight);
  for (int nice = -20; nice < 19; ++nice) {
    // Each step is about 1.25x: ten percent of CPU between neighbours.
    const double ratio = static_cast<double>(FairPolicy::weight_of(nice)) /
                         static_cast<double>(FairPolicy::weight_of(nice + 1));
    CHECK(ratio >= 1.19);
    CHECK(ratio <= 1.3);
  }
}

TEST_CASE_TEMPLATE("simulated: every busy thread runs under a preemptive policy", P,
                   MOS_PREEMPTIVE_POLICIES) {
  SimulatedCpu<P> cpu;
  for (int i = 0; i < 10; ++i) cpu.add();
  cpu.run(1000 * kMs);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    CAPTURE(i);
    CHECK(cpu.thread(i).ran_ns > 0);
    CHECK(cpu.thread(i).runs > 1);
    total += cpu.thread(i).ran_ns;
  }
  CHECK(total == 1000 * kMs);
  if constexpr (!std::is_same_v<P, FairPolicy>) {
    // Equal slices in turn: within one slice of each other.
    for (std::size_t i = 0; i < cpu.size(); ++i) {
      CHECK(cpu.thread(i).ran_ns >= 100 * kMs - 10 * kMs);
      CHECK(cpu.thread(i).ran_ns <= 100 * kMs + 10 * kMs);
    }
  }
}

TEST_CASE("simulated: a cooperative busy thread keeps the CPU (fifo)") {
  SimulatedCpu<FifoPolicy> cpu;
  cpu.add();
  cpu.add();
  cpu.run(500 * kMs);
  CHECK(cpu.thread(0).ran_ns == 500 * kMs);
  CHECK(cpu.thread(1).ran_ns == 0);
}

TEST_CASE("simulated: a thread that blocks lets the next one run (fifo)") {
  SimulatedCpu<FifoPolicy> cpu;
  cpu.add({}, 10 * kMs, 5 * kMs);
  cpu.add({}, 10 * kMs, 5 * kMs);
  cpu.run(200 * kMs);
  CHECK(cpu.thread(0).ran_ns == 100 * kMs);
  CHECK(cpu.thread(1).ran_ns == 100 * kMs);
}

TEST_CASE("simulated: priority order holds (prio)") {
  SimulatedCpu<PriorityPolicy> cpu;
  const auto high = cpu.add({.priority = 10}, 20 * kMs, 30 * kMs);  // Runs 20, sleeps 30.
  const auto mid = cpu.add({.priority = 20});                       // Busy.
  const auto low = cpu.add({.priority = 30});                       // Busy.
  cpu.run(1000 * kMs);
  // high runs every time it is awake: 20 ms of each 50.
  CHECK(cpu.thread(high).ran_ns == 400 * kMs);
  // mid takes everything else; low never runs while mid is busy.
  CHECK(cpu.thread(mid).ran_ns == 600 * kMs);
  CHECK(cpu.thread(low).ran_ns == 0);
  // Every wakeup of high preempted mid at once: each 20 ms burst is two 10 ms slices.
  CHECK(cpu.thread(high).runs == 40);
}

TEST_CASE("simulated: fair shares the CPU by weight within 2 percent") {
  SimulatedCpu<FairPolicy> cpu;
  const std::array<std::int8_t, 6> nices = {-5, 0, 0, 3, 5, 10};
  for (std::int8_t nice : nices) cpu.add({.nice = nice});
  const std::uint64_t duration = 10'000 * kMs;
  cpu.run(duration);
  double total_weight = 0;
  for (std::int8_t nice : nices) total_weight += FairPolicy::weight_of(nice);
  for (std::size_t i = 0; i < nices.size(); ++i) {
    const double expected = FairPolicy::weight_of(nices[i]) / total_weight;
    const double share = static_cast<double>(cpu.thread(i).ran_ns) / static_cast<double>(duration);
    CAPTURE(nices[i]);
    CAPTURE(share);
    CAPTURE(expected);
    CHECK(std::abs(share - expected) <= 0.02 * expected + 0.0005);
  }
}

TEST_CASE("simulated: fair gives an interactive thread its share and prompt turns") {
  SimulatedCpu<FairPolicy> cpu;
  const auto busy = cpu.add();
  const auto interactive = cpu.add({}, 1 * kMs, 9 * kMs);  // Wants 10% of the CPU.
  cpu.run(2000 * kMs);
  CHECK(cpu.thread(interactive).ran_ns >= 190 * kMs);  // It gets nearly all it asks for.
  CHECK(cpu.thread(busy).ran_ns + cpu.thread(interactive).ran_ns == 2000 * kMs);
}

TEST_CASE_TEMPLATE("randomised: picks match a reference model", P, FifoPolicy, RoundRobinPolicy,
                   PriorityPolicy) {
  auto gen = mos::test::make_bitgen(0x5c4ed);
  P policy;
  constexpr std::size_t kThreads = 64;
  Threads<P> threads(policy, 0);
  for (std::size_t i = 0; i < kThreads; ++i) {
    const auto priority = static_cast<std::uint8_t>(absl::Uniform(gen, 0, 4) * 50);
    threads.add({.priority = priority});
  }
  // The model: one FIFO per level (a single level for fifo and rr); Preempted goes first.
  constexpr bool kLevels = std::is_same_v<P, PriorityPolicy>;
  std::array<std::deque<std::size_t>, 256> model;
  std::vector<bool> queued(kThreads, false);
  auto level = [&](std::size_t i) { return kLevels ? threads[i].params().priority : 0; };
  std::size_t in_model = 0;
  for (int step = 0; step < 20000; ++step) {
    const int op = absl::Uniform(gen, 0, 10);
    const std::size_t i = absl::Uniform<std::size_t>(gen, 0, kThreads);
    if (op < 5 && !queued[i]) {
      const auto reason = static_cast<Enqueue>(absl::Uniform(gen, 0, 5));
      policy.enqueue(threads[i], reason, 0);
      auto& q = model[level(i)];
      if (kLevels && reason == Enqueue::Preempted) {
        q.push_front(i);
      } else {
        q.push_back(i);
      }
      queued[i] = true;
      ++in_model;
    } else if (op < 7 && queued[i]) {
      policy.remove(threads[i]);
      auto& q = model[level(i)];
      q.erase(std::find(q.begin(), q.end(), i));
      queued[i] = false;
      --in_model;
    } else if (op >= 7) {
      Thread* picked = policy.pick_next(0);
      std::size_t expected = kThreads;
      for (auto& q : model) {
        if (!q.empty()) {
          expected = q.front();
          q.pop_front();
          break;
        }
      }
      if (expected == kThreads) {
        REQUIRE(picked == nullptr);
      } else {
        REQUIRE(picked == &threads[expected]);
        queued[expected] = false;
        --in_model;
      }
    }
    REQUIRE(policy.runnable() == in_model);
  }
  while (policy.pick_next(0) != nullptr) {
  }
}

TEST_CASE("randomised: fair always picks the least virtual runtime, first come among equals") {
  auto gen = mos::test::make_bitgen(0xfa12);
  FairPolicy policy;
  constexpr std::size_t kThreads = 64;
  Threads<FairPolicy> threads(policy, 0);
  for (std::size_t i = 0; i < kThreads; ++i) {
    threads.add({.nice = static_cast<std::int8_t>(absl::Uniform(gen, -20, 20))});
  }
  std::vector<bool> queued(kThreads, false);
  std::vector<std::uint64_t> order(kThreads, 0);  // When each was last queued.
  std::uint64_t clock = 0;
  std::uint64_t last_min = 0;
  for (int step = 0; step < 20000; ++step) {
    const std::size_t i = absl::Uniform<std::size_t>(gen, 0, kThreads);
    const int op = absl::Uniform(gen, 0, 10);
    if (op < 5 && !queued[i]) {
      policy.enqueue(threads[i], static_cast<Enqueue>(absl::Uniform(gen, 0, 5)), 0);
      queued[i] = true;
      order[i] = ++clock;
    } else if (op < 6 && queued[i]) {
      policy.remove(threads[i]);
      queued[i] = false;
    } else if (op >= 6) {
      // The expected pick: the least (vruntime, time queued) among the queued.
      std::size_t expected = kThreads;
      for (std::size_t k = 0; k < kThreads; ++k) {
        if (!queued[k]) continue;
        if (expected == kThreads ||
            FairPolicy::vruntime(threads[k]) < FairPolicy::vruntime(threads[expected]) ||
            (FairPolicy::vruntime(threads[k]) == FairPolicy::vruntime(threads[expected]) &&
             order[k] < order[expected])) {
          expected = k;
        }
      }
      Thread* picked = policy.pick_next(0);
      if (expected == kThreads) {
        REQUIRE(picked == nullptr);
        continue;
      }
      REQUIRE(picked == &threads[expected]);
      queued[expected] = false;
      policy.account(*picked, absl::Uniform<std::uint64_t>(gen, 0, 5 * kMs));
      CHECK(policy.min_vruntime() >= last_min);  // Monotonic.
      last_min = policy.min_vruntime();
      policy.enqueue(*picked, Enqueue::SliceExpired, 0);
      queued[expected] = true;
      order[expected] = ++clock;
    }
  }
  while (policy.pick_next(0) != nullptr) {
  }
}
