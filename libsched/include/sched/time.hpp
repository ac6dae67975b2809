#pragma once
/// Time for the scheduler: nanoseconds of the platform's monotonic clock, and deadlines for
/// waits that may time out.

#include <cstdint>
#include <limits>

namespace mos::sched {

inline constexpr std::uint64_t kNanosPerMicro = 1'000;
inline constexpr std::uint64_t kNanosPerMilli = 1'000'000;
inline constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

/// A point on the monotonic clock (nanoseconds since the clock started), or never.
class Deadline {
 public:
  /// No deadline: wait for as long as it takes.
  static constexpr Deadline never() noexcept { return Deadline(kNever); }
  /// The instant `ns` on the monotonic clock.
  static constexpr Deadline at(std::uint64_t ns) noexcept { return Deadline(ns); }
  /// `ns` from now (saturating: a timeout too large to represent is never).
  static Deadline after(std::uint64_t ns) noexcept;

  constexpr bool is_never() const noexcept { return ns_ == kNever; }
  /// The instant; kNever's value for never().
  constexpr std::uint64_t ns() const noexcept { return ns_; }
  friend constexpr bool operator==(Deadline, Deadline) noexcept = default;

 private:
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
  constexpr explicit Deadline(std::uint64_t ns) noexcept : ns_(ns) {}
  std::uint64_t ns_;
};

/// Nanoseconds on the monotonic clock now.
std::uint64_t now() noexcept;

}  // namespace mos::sched
