#include <sched/time.hpp>
#include <sched/wall_clock.hpp>

#include <atomic>

namespace mos::sched {
namespace {

// The wall clock minus the monotonic clock. One atomic word: readers never see half an update.
std::atomic<std::int64_t> g_offset_ns{0};

}  // namespace

std::int64_t wall_clock_ns() noexcept {
  return static_cast<std::int64_t>(now()) + g_offset_ns.load(std::memory_order_relaxed);
}

void set_wall_clock(std::int64_t unix_ns) noexcept {
  g_offset_ns.store(unix_ns - static_cast<std::int64_t>(now()), std::memory_order_relaxed);
}

}  // namespace mos::sched
