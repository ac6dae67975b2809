#pragma once
/// Platform contract: a cheap, monotonic count of CPU cycles for measurements. On x86_64 this
/// is the TSC; under QEMU with -icount shift=0 it counts executed guest instructions exactly, so
/// differences are repeatable from run to run. Not a clock: its rate is not known here.

#include <concepts>
#include <cstdint>

namespace mos::platform {

/// A platform's cycle-counter facet.
template <class T>
concept CycleCounterSource = requires {
  { T::read() } noexcept -> std::same_as<std::uint64_t>;
};

/// The current cycle count of this CPU.
std::uint64_t cycle_counter() noexcept;

}  // namespace mos::platform
