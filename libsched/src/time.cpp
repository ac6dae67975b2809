#include <sched/time.hpp>

#include <k/platform/timer.hpp>

namespace mos::sched {

Deadline Deadline::after(std::uint64_t ns) noexcept {
  const std::uint64_t start = platform::monotonic_ns();
  return ns >= kNever - start ? never() : at(start + ns);
}

std::uint64_t now() noexcept { return platform::monotonic_ns(); }

}  // namespace mos::sched
