#pragma once
/// The wall clock (CLOCK_REALTIME): the monotonic clock plus an offset that whoever knows the
/// date sets — the RTC driver at boot, settimeofday later. Until then it counts from the Unix
/// epoch as the monotonic clock does from boot, as a machine without a clock would.

#include <cstdint>

namespace mos::sched {

/// Nanoseconds since 1970-01-01 00:00:00 UTC now.
std::int64_t wall_clock_ns() noexcept;
/// Makes the wall clock read `unix_ns` now; it advances with the monotonic clock from here.
void set_wall_clock(std::int64_t unix_ns) noexcept;

}  // namespace mos::sched
