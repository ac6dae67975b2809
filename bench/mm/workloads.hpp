#pragma once
/// The heap workloads of the libmm benchmarks (bench/README.md says what each measures), written
/// once for any allocator. Each executable of the suite (mm_bench: the Mosaic heaps and glibc
/// malloc; mm_bench_jemalloc; mm_bench_mimalloc) registers them for its allocators with
/// register_heap_benchmarks<A>(name) and runs them with run_benchmarks().
///
/// Benchmark names, which tools/bench_report.py parses:
///   heap/WORKLOAD/ALLOCATOR   items_per_second = allocate and free calls per second
///   heap_ops/ALLOCATOR        counters cycles_median, cycles_p99, cycles_p999, cycles_max,
///                             cycles_max_raw, cycles_overhead: TSC ticks per single call over
///                             a long random run (see op_cycles)
///
/// Host-only code: it may use the whole standard library and x86 intrinsics.

#include <benchmark/benchmark.h>

#include <x86intrin.h>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace mos::bench {

/// What the workloads need of an allocator: a fresh one per benchmark run, allocate(size) that
/// returns memory (aborting when there is none: a benchmark has no use for the error), and
/// free(p) of a live allocation (never nullptr: jemalloc's dallocx does not accept it).
template <class A>
concept BenchAllocator = std::default_initializable<A> && requires(A& a, std::size_t n, void* p) {
  { a.allocate(n) } -> std::same_as<void*>;
  { a.free(p) } -> std::same_as<void>;
};

/// Minimum measuring time of each timed benchmark, in seconds. Small, so that the whole suite
/// stays well under a minute; `--benchmark_min_time` on the command line does not override it.
inline constexpr double kMinTime = 0.05;

/// Objects kept live by the churn workloads (a power of two: slots are picked with a mask).
inline constexpr std::size_t kWindow = 1024;
/// Allocations per round of the LIFO and FIFO workloads.
inline constexpr std::size_t kBatch = 512;
/// Length of a precomputed trace (a power of two); the timed loops cycle through it.
inline constexpr std::size_t kTraceSteps = std::size_t{1} << 16;

/// Size distributions: Small is uniform over [8, 512] bytes (kernel objects), Mixed is
/// log-uniform over [8 B, 64 KiB] (as many 8-16 B requests as 32-64 KiB ones).
enum class Sizes { Small, Mixed };

/// Which live object a churn step frees: a random one, or the oldest (a FIFO ring).
enum class Victim { Random, Oldest };

/// The order in which a batch is freed: newest first (LIFO) or oldest first (FIFO).
enum class FreeOrder { Lifo, Fifo };

/// Aborts the benchmark run: an allocator failed where it must not.
[[noreturn]] inline void die(const char* what) {
  std::fprintf(stderr, "mm_bench: %s\n", what);
  std::abort();
}

/// Random decisions made before timing starts, so that the timed loops only index arrays.
struct Trace {
  std::vector<std::uint32_t> sizes;    ///< Size of the i-th allocation.
  std::vector<std::uint32_t> victims;  ///< Raw random bits choosing the i-th victim (masked).
};

/// One size from distribution `sizes`.
inline std::uint32_t draw_size(Sizes sizes, std::mt19937_64& rng) {
  if (sizes == Sizes::Small) return std::uniform_int_distribution<std::uint32_t>(8, 512)(rng);
  std::uniform_real_distribution<double> log_size(std::log(8.0), std::log(65536.0));
  const double size = std::exp(log_size(rng));
  return std::clamp<std::uint32_t>(static_cast<std::uint32_t>(size), 8, 65536);
}

/// A trace of kTraceSteps steps of distribution `sizes` from a fixed seed.
inline Trace make_trace(Sizes sizes, std::uint64_t seed) {
  Trace t;
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < kTraceSteps; ++i) {
    t.sizes.push_back(draw_size(sizes, rng));
    t.victims.push_back(static_cast<std::uint32_t>(rng()));
  }
  return t;
}

/// The trace of distribution `sizes`: the same for every allocator and every run.
inline const Trace& trace(Sizes sizes) {
  // 0x6d6d is "mm"; one seed per distribution.
  static const Trace small = make_trace(Sizes::Small, 0x6d6d0001);
  static const Trace mixed = make_trace(Sizes::Mixed, 0x6d6d0002);
  return sizes == Sizes::Small ? small : mixed;
}

/// A fresh allocator, made out of line. Inlined with GCC 12 at -O3, where the allocator's whole
/// life (operator new to delete) is in one function, op_cycles on SlabFront<TlsfHeap> panics in
/// IntrusiveList::unlink ("node.is_linked()"): a list head is not reloaded after an unlink. Any
/// of -O2, -fno-tree-fre, -fno-tree-pta, -fno-strict-aliasing, this out-of-line call, or making
/// the allocator with aligned_alloc and placement new instead of operator new makes it go away;
/// the host tests (sanitizers on) find nothing. Whether it is a GCC bug around operator new or
/// undefined behaviour in libk/libmm is not settled. Nothing timed is affected.
template <BenchAllocator A>
[[gnu::noinline]] std::unique_ptr<A> make_allocator() {
  return std::make_unique<A>();
}

/// Writes the first byte of a new allocation, as every real user does; the allocator's cache
/// misses on the object then count, and no allocator can hand out memory it never mapped.
inline void* touch(void* p) {
  *static_cast<unsigned char*>(p) = 1;
  benchmark::DoNotOptimize(p);
  return p;
}

/// Steady-state churn: kWindow live objects; each step frees one (random or oldest) and
/// allocates a new one of the next trace size in its place. 2 calls per iteration.
template <BenchAllocator A>
void churn(benchmark::State& state, Sizes sizes, Victim victim) {
  const Trace& t = trace(sizes);
  auto allocator = make_allocator<A>();
  std::vector<void*> live(kWindow);
  for (std::size_t i = 0; i < kWindow; ++i) live[i] = touch(allocator->allocate(t.sizes[i]));
  std::size_t step = kWindow;
  for (auto _ : state) {
    const std::size_t k = step & (kTraceSteps - 1);
    const std::size_t slot = (victim == Victim::Random ? t.victims[k] : step) & (kWindow - 1);
    allocator->free(live[slot]);
    live[slot] = touch(allocator->allocate(t.sizes[k]));
    ++step;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(2 * state.iterations()));
  for (void* p : live) allocator->free(p);
}

/// Rounds of kBatch allocations (Mixed sizes) freed all together, newest or oldest first: the
/// heap empties every round, so merging of free neighbours and reuse order matter. 2 * kBatch
/// calls per iteration.
template <BenchAllocator A>
void batch(benchmark::State& state, FreeOrder order) {
  const Trace& t = trace(Sizes::Mixed);
  auto allocator = make_allocator<A>();
  std::vector<void*> objects(kBatch);
  std::size_t next = 0;
  auto round = [&] {
    for (std::size_t i = 0; i < kBatch; ++i) {
      objects[i] = touch(allocator->allocate(t.sizes[next++ & (kTraceSteps - 1)]));
    }
    if (order == FreeOrder::Lifo) {
      for (std::size_t i = kBatch; i-- > 0;) allocator->free(objects[i]);
    } else {
      for (std::size_t i = 0; i < kBatch; ++i) allocator->free(objects[i]);
    }
  };
  round();  // Untimed: a fresh heap takes its memory from its source in the first round.
  for (auto _ : state) round();
  state.SetItemsProcessed(static_cast<std::int64_t>(2 * kBatch * state.iterations()));
}

/// A TSC reading that no earlier instruction is still running under and no later one started
/// before. [intel-sdm vol2b] RDTSC: "If software requires RDTSC to be executed only after all
/// previous instructions have executed ... it can execute LFENCE immediately before RDTSC", and
/// LFENCE after it keeps later instructions from starting early.
inline std::uint64_t tsc_fenced() {
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}

/// Operations timed one by one by op_cycles, after kWarmupOps untimed ones.
inline constexpr std::size_t kTimedOps = 200'000;
inline constexpr std::size_t kWarmupOps = 50'000;
/// Slots of op_cycles: each operation picks one, frees it if live, else fills it.
inline constexpr std::size_t kOpSlots = 4096;
/// Times op_cycles replays its run; each operation's cost is its cheapest replay.
inline constexpr std::size_t kReplays = 3;

/// The worst-case workload: a long random run of single calls (a random slot of kOpSlots is
/// freed if live, else filled with a Mixed-size allocation; about half the slots stay live), each
/// call timed alone with the TSC. The warm-up lets the heap reach its steady footprint first, so
/// that growing from the source (which TLSF's bound does not cover) is mostly out of the picture.
///
/// An interrupt or a preemption inside one call costs microseconds to milliseconds, far more than
/// any allocator's worst case, and on a busy host it hits every long run. So the run is replayed
/// kReplays times with a fresh allocator (the same seed gives the same calls, and the Mosaic heaps
/// lay out memory the same way each time) and each call counts its cheapest replay: a slow path
/// of the allocator is slow in every replay, an interrupt rarely hits the same call twice.
/// Counters, in TSC ticks: cycles_median, cycles_p99, cycles_p999, cycles_max over those
/// per-call minimums; cycles_max_raw, the largest single timing of the first replay (noise
/// included); cycles_overhead, the median cost of the fenced timing itself (in every figure).
template <BenchAllocator A>
void op_cycles(benchmark::State& state) {
  std::vector<std::uint32_t> ticks(kTimedOps, UINT32_MAX);
  std::uint64_t max_raw = 0;
  for (auto _ : state) {
    for (std::size_t replay = 0; replay < kReplays; ++replay) {
      auto allocator = make_allocator<A>();
      std::vector<void*> slots(kOpSlots, nullptr);
      std::mt19937_64 rng(0x6d6d0003);
      for (std::size_t op = 0; op < kWarmupOps + kTimedOps; ++op) {
        void*& slot = slots[rng() & (kOpSlots - 1)];
        const std::uint32_t size = slot == nullptr ? draw_size(Sizes::Mixed, rng) : 0;
        const std::uint64_t start = tsc_fenced();
        if (slot != nullptr) {
          allocator->free(slot);
          slot = nullptr;
        } else {
          slot = allocator->allocate(size);
        }
        const std::uint64_t cost = tsc_fenced() - start;
        if (slot != nullptr) touch(slot);
        if (op < kWarmupOps) continue;
        std::uint32_t& t = ticks[op - kWarmupOps];
        t = static_cast<std::uint32_t>(std::min<std::uint64_t>(t, cost));
        if (replay == 0) max_raw = std::max(max_raw, cost);
      }
      for (void* p : slots) {
        if (p != nullptr) allocator->free(p);
      }
    }
  }
  std::vector<std::uint32_t> overhead(4096);
  for (std::uint32_t& o : overhead) {
    const std::uint64_t start = tsc_fenced();
    o = static_cast<std::uint32_t>(tsc_fenced() - start);
  }
  std::sort(ticks.begin(), ticks.end());
  std::sort(overhead.begin(), overhead.end());
  auto at = [&](double q) {
    return static_cast<double>(ticks[static_cast<std::size_t>(q * (ticks.size() - 1))]);
  };
  state.counters["cycles_median"] = at(0.5);
  state.counters["cycles_p99"] = at(0.99);
  state.counters["cycles_p999"] = at(0.999);
  state.counters["cycles_max"] = static_cast<double>(ticks.back());
  state.counters["cycles_max_raw"] = static_cast<double>(max_raw);
  state.counters["cycles_overhead"] = static_cast<double>(overhead[overhead.size() / 2]);
}

/// Registers every heap workload for allocator A under `name`.
template <BenchAllocator A>
void register_heap_benchmarks(const std::string& name) {
  auto timed = [&](const char* workload, auto fn) {
    benchmark::RegisterBenchmark(("heap/" + std::string(workload) + "/" + name).c_str(), fn)
        ->MinTime(kMinTime);
  };
  timed("small_random", [](benchmark::State& s) { churn<A>(s, Sizes::Small, Victim::Random); });
  timed("small_oldest", [](benchmark::State& s) { churn<A>(s, Sizes::Small, Victim::Oldest); });
  timed("mixed_random", [](benchmark::State& s) { churn<A>(s, Sizes::Mixed, Victim::Random); });
  timed("mixed_lifo", [](benchmark::State& s) { batch<A>(s, FreeOrder::Lifo); });
  timed("mixed_fifo", [](benchmark::State& s) { batch<A>(s, FreeOrder::Fifo); });
  benchmark::RegisterBenchmark(("heap_ops/" + name).c_str(), op_cycles<A>)->Iterations(1);
}

/// Google Benchmark's main, after the executable registered its benchmarks.
inline int run_benchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace mos::bench
