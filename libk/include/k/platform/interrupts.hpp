#pragma once
/// Platform contract: masking interrupts on the current CPU.

#include <concepts>

namespace mos::platform {

/// Whether interrupts were enabled before a save_and_disable.
enum class InterruptState : bool { Disabled = false, Enabled = true };

/// A platform's interrupt-control facet.
template <class T>
concept InterruptControl = requires(InterruptState state) {
  { T::save_and_disable() } noexcept -> std::same_as<InterruptState>;
  { T::restore(state) } noexcept -> std::same_as<void>;
  { T::enabled() } noexcept -> std::same_as<bool>;
};

/// Disables interrupts on this CPU and returns whether they were enabled.
InterruptState interrupts_save_and_disable() noexcept;
/// Re-enables interrupts if `state` says they were enabled.
void interrupts_restore(InterruptState state) noexcept;
/// Whether interrupts are enabled on this CPU now.
bool interrupts_enabled() noexcept;

}  // namespace mos::platform
