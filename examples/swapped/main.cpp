// example-swapped: one source built into two images that differ only in their scheduling policy
// and kernel heap (examples/swapped/meson.build). Four worker threads each do four steps of busy
// work, allocating and checksumming a heap block in every step, and note each step in a shared
// trace. The checksum is the same under every policy; the trace and the heap's rounding are
// not: a cooperative policy (fifo) lets each worker run to its end, a preemptive one (fair)
// makes them take turns, and each heap rounds a request up its own way.
#include <sched/mutex.hpp>
#include <sched/policy.hpp>
#include <sched/thread.hpp>
#include <sched/time.hpp>

#include <mm/c_allocation.hpp>
#include <mm/kernel_memory.hpp>

#include <k/app.hpp>
#include <k/fixed_vector.hpp>
#include <k/log.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

// The heap's name, which libmm does not expose at run time: meson.build passes the same string
// it puts in the image's `heap` entry.
#ifndef MOS_EXAMPLE_HEAP
#error "meson.build defines MOS_EXAMPLE_HEAP to the name of the image's heap"
#endif

namespace {

namespace sched = mos::sched;
using mos::log::info;

constexpr int kWorkers = 4;
constexpr int kSteps = 4;
/// Long enough for a preemptive policy's timer to end a slice in the middle of a step.
constexpr std::uint64_t kStepNs = 5 * sched::kNanosPerMilli;

/// What the workers share.
struct Shared {
  sched::Mutex lock;
  std::uint64_t checksum = 0;                       // Guarded by lock.
  mos::FixedVector<char, kWorkers * kSteps> trace;  // Guarded by lock: worker ids, step by step.
};

/// The sum of a block of `bytes` bytes from malloc, filled with a pattern that depends on
/// `seed`; 0 if the heap ran out.
std::uint64_t checksum_block(std::size_t bytes, std::uint64_t seed) {
  auto* block = static_cast<std::uint8_t*>(malloc(bytes));
  if (block == nullptr) return 0;
  for (std::size_t i = 0; i < bytes; ++i) block[i] = static_cast<std::uint8_t>(i * seed + seed);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < bytes; ++i) sum += block[i];
  free(block);
  return sum;
}

void work(Shared& shared, int id) {
  for (int step = 0; step < kSteps; ++step) {
    const std::uint64_t start = sched::now();
    const std::uint64_t sum = checksum_block(1000 + static_cast<std::size_t>(id) * 100,
                                             static_cast<std::uint64_t>(id * kSteps + step + 1));
    // Busy for the rest of the step without yielding: only a preemptive policy takes the CPU
    // away here.
    while (sched::now() - start < kStepNs) {
    }
    sched::MutexGuard guard(shared.lock);
    shared.checksum += sum;
    (void)shared.trace.push_back(static_cast<char>('0' + id));
  }
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo&) noexcept {
  info("example-swapped: scheduler {} (from sched::bound_policy::name())",
       sched::bound_policy::name());
  info("example-swapped: heap {} (from meson.build)", std::string_view(MOS_EXAMPLE_HEAP));
  // With no slab front (see meson.build) the heap itself answers: TLSF rounds a request up to
  // 16 bytes, the buddy heap to a power of two less its 16-byte header.
  if (void* probe = malloc(200); probe != nullptr) {
    info("example-swapped: malloc(200) gave {} usable bytes", mm::kernel_heap_usable_size(probe));
    free(probe);
  }

  Shared shared;
  sched::Thread* workers[kWorkers] = {};
  int failures = 0;
  for (int id = 0; id < kWorkers; ++id) {
    auto thread = sched::spawn([&shared, id] { work(shared, id); });
    if (!thread) {
      log::error("example-swapped: spawn: {}", thread.error());
      ++failures;
      continue;
    }
    workers[id] = *thread;
  }
  for (sched::Thread* worker : workers) {
    if (worker != nullptr && !sched::join(*worker)) ++failures;
  }

  sched::MutexGuard guard(shared.lock);
  info("example-swapped: trace {}", std::string_view(shared.trace.data(), shared.trace.size()));
  info("example-swapped: checksum {}", shared.checksum);
  if (failures != 0 || shared.trace.size() != kWorkers * kSteps) {
    log::error("example-swapped: FAILED");
    return platform::kExitFailure;
  }
  info("example-swapped: done");
  return platform::kExitSuccess;
}
