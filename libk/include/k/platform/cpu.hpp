#pragma once
/// Platform contract: hints to the current CPU.

#include <concepts>

namespace mos::platform {

/// A platform's CPU-hint facet.
template <class T>
concept CpuHints = requires {
  { T::relax() } noexcept -> std::same_as<void>;
};

/// Tells the CPU that the caller is spinning (x86 `pause`), saving power and letting a sibling
/// hyperthread run.
void cpu_relax() noexcept;

}  // namespace mos::platform
