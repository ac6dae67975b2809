// Host benchmarks of libsched's policies: the cost of one scheduling decision (pick the next
// thread, charge it a little CPU time, queue it again as its slice expires) with 10, 1000 and
// 100000 runnable threads, to show how each policy scales: O(1) for fifo, rr and prio, O(log n)
// for fair. Bare thread descriptors; no thread runs. See bench/README.md.
#include <sched/fair_policy.hpp>
#include <sched/fifo_policy.hpp>
#include <sched/priority_policy.hpp>
#include <sched/round_robin_policy.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace mos::sched;

template <class P>
void pick_next(benchmark::State& state, std::size_t n) {
  auto policy = std::make_unique<P>();
  std::vector<std::unique_ptr<Thread>> threads;
  std::mt19937_64 rng(0x5c4e);
  for (std::size_t i = 0; i < n; ++i) {
    // Spread priorities and nice values so that prio and fair have real work to order.
    SchedParams params{.priority = static_cast<std::uint8_t>(rng() % 4 * 10 + 100),
                       .nice = static_cast<std::int8_t>(rng() % 11 - 5)};
    threads.push_back(std::make_unique<Thread>("bench", params));
    policy->init_thread(*threads.back());
    policy->apply_params(*threads.back(), params);
    policy->enqueue(*threads.back(), Enqueue::New, 0);
  }
  std::uint64_t now = 0;
  for (auto _ : state) {
    Thread* t = policy->pick_next(now);
    benchmark::DoNotOptimize(t);
    now += 1000;
    policy->account(*t, 1000 + (now & 0xfff));
    policy->enqueue(*t, Enqueue::SliceExpired, now);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  while (policy->pick_next(now) != nullptr) {
  }
  for (auto& t : threads) policy->release_thread(*t);
}

template <class P>
void register_policy(const char* name) {
  for (std::size_t n : {10, 1000, 100000}) {
    const std::string label = "pick/" + std::string(name) + "/runnable:" + std::to_string(n);
    benchmark::RegisterBenchmark(label.c_str(), [n](benchmark::State& state) {
      pick_next<P>(state, n);
    })->MinTime(0.05);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_policy<FifoPolicy>("fifo");
  register_policy<RoundRobinPolicy>("rr");
  register_policy<PriorityPolicy>("prio");
  register_policy<FairPolicy>("fair");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
