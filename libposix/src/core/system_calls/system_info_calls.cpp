// The system calls about the machine: clocks, the kernel log, yielding.
#include "calls.hpp"

#include <sched/thread.hpp>
#include <sched/wall_clock.hpp>

#include <k/log.hpp>
#include <k/platform/timer.hpp>

namespace mos::posix::sys {

using detail::negative;

long clock_gettime(int clock, Timespec* out) noexcept {
  constexpr int kRealtime = 0, kMonotonic = 1, kProcessCpu = 2, kThreadCpu = 3, kRaw = 4,
                kBoottime = 7;
  std::int64_t ns;
  switch (clock) {
    case kRealtime:
      ns = sched::wall_clock_ns();
      break;
    case kMonotonic:
    case kRaw:
    case kBoottime:
      ns = static_cast<std::int64_t>(platform::monotonic_ns());
      break;
    case kProcessCpu:
    case kThreadCpu: {
      Process* self = current_process();
      ns = static_cast<std::int64_t>(self != nullptr ? self->cpu_ns()
                                                     : sched::current().runtime_ns());
      break;
    }
    default:
      return negative(Error::InvalidArgument);
  }
  out->seconds = ns / 1'000'000'000;
  out->nanoseconds = ns % 1'000'000'000;
  return 0;
}

long sched_yield() noexcept {
  sched::yield();
  return 0;
}

long uptime_seconds() noexcept {
  return static_cast<long>(platform::monotonic_ns() / 1'000'000'000);
}

long read_kernel_log(char* buffer, unsigned long size) noexcept {
  return static_cast<long>(log::copy_history({buffer, size}));
}

long kernel_log_size() noexcept {
  return static_cast<long>(log::kHistoryBytes);
}

}  // namespace mos::posix::sys
