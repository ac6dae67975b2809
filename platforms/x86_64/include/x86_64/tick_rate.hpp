#pragma once
/// Converting between the counts of a clock of known frequency (the TSC, the local APIC timer)
/// and nanoseconds, with fixed-point multipliers: no division on the hot path. Each multiplier
/// is an integer part and a 64-bit binary fraction, so a conversion is one 64x64 multiply and
/// one 64x64->128 multiply, exact to a unit even after a century of uptime. Plain portable code,
/// tested on the host.

#include <cstdint>

namespace mos::x86_64 {

/// A clock frequency, between 1 MHz and 1 THz.
class TickRate {
  static constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

  // x * (whole + fraction / 2^64), for multipliers below 2^64.
  struct Multiplier {
    std::uint64_t whole = 0;
    std::uint64_t fraction = 0;

    static constexpr Multiplier ratio(std::uint64_t numerator, std::uint64_t denominator) noexcept {
      const std::uint64_t whole = numerator / denominator;
      const std::uint64_t rest = numerator % denominator;
      return {whole, static_cast<std::uint64_t>((static_cast<unsigned __int128>(rest) << 64) /
                                                denominator)};
    }
    constexpr std::uint64_t apply(std::uint64_t x) const noexcept {
      return x * whole +
             static_cast<std::uint64_t>((static_cast<unsigned __int128>(x) * fraction) >> 64);
    }
  };

 public:
  static constexpr std::uint64_t kMinHz = 1'000'000;
  static constexpr std::uint64_t kMaxHz = 1'000'000'000'000;

  /// kMinHz, until a measured rate replaces it.
  constexpr TickRate() noexcept : TickRate(kMinHz) {}
  /// A rate of `hz` (clamped to [kMinHz, kMaxHz]).
  constexpr explicit TickRate(std::uint64_t hz) noexcept
      : hz_(hz < kMinHz ? kMinHz : hz > kMaxHz ? kMaxHz : hz),
        ns_per_tick_(Multiplier::ratio(kNsPerSecond, hz_)),
        ticks_per_ns_(Multiplier::ratio(hz_, kNsPerSecond)) {}

  constexpr std::uint64_t hz() const noexcept { return hz_; }

  /// Nanoseconds in `ticks` (rounded down).
  constexpr std::uint64_t to_ns(std::uint64_t ticks) const noexcept {
    return ns_per_tick_.apply(ticks);
  }
  /// Ticks in `ns` (rounded down).
  constexpr std::uint64_t to_ticks(std::uint64_t ns) const noexcept {
    return ticks_per_ns_.apply(ns);
  }

 private:
  std::uint64_t hz_;
  Multiplier ns_per_tick_;
  Multiplier ticks_per_ns_;
};

}  // namespace mos::x86_64
