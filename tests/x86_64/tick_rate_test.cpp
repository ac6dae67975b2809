#include <x86_64/tick_rate.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>

using mos::x86_64::TickRate;

TEST_CASE("tick rate: conversions are exact to a tick for common frequencies") {
  for (std::uint64_t hz : {std::uint64_t{1'000'000'000}, std::uint64_t{2'596'000'000},
                           std::uint64_t{1'193'182}, std::uint64_t{62'500'000},
                           std::uint64_t{3'999'999'999}}) {
    CAPTURE(hz);
    TickRate rate(hz);
    CHECK(rate.hz() == hz);
    // One second of ticks is one second, within a nanosecond per ... second.
    CHECK(rate.to_ns(hz) <= 1'000'000'000);
    CHECK(rate.to_ns(hz) >= 1'000'000'000 - 1);
    CHECK(rate.to_ticks(1'000'000'000) <= hz);
    CHECK(rate.to_ticks(1'000'000'000) >= hz - 1);
    // Round trips lose at most one unit of the coarser clock.
    for (std::uint64_t ns : {std::uint64_t{1}, std::uint64_t{999}, std::uint64_t{10'000'000},
                             std::uint64_t{123'456'789'012}}) {
      const std::uint64_t back = rate.to_ns(rate.to_ticks(ns));
      CHECK(back <= ns);
      CHECK(ns - back <= 1'000'000'000 / hz + 1);
    }
  }
}

TEST_CASE("tick rate: a century of ticks does not overflow") {
  TickRate rate(5'000'000'000);  // 5 GHz.
  const std::uint64_t century_ns = 100ULL * 365 * 24 * 3600 * 1'000'000'000ULL;
  const std::uint64_t ticks = rate.to_ticks(century_ns);
  CHECK(ticks > century_ns);  // More ticks than nanoseconds at 5 GHz.
  const std::uint64_t back = rate.to_ns(ticks);
  CHECK(back <= century_ns);
  CHECK(century_ns - back < 1'000'000);  // Within a millisecond over a century.
}

TEST_CASE("tick rate: out-of-range frequencies are clamped, never divide by zero") {
  CHECK(TickRate(0).hz() == TickRate::kMinHz);
  CHECK(TickRate(~std::uint64_t{0}).hz() == TickRate::kMaxHz);
  CHECK(TickRate().hz() == TickRate::kMinHz);
}
