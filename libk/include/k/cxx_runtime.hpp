#pragma once
/// Entry points of the freestanding C++ runtime that the platform's boot code calls.

#include <cstdint>

namespace mos {

/// Runs the constructors of objects with static storage (.init_array), in link order.
void run_global_constructors() noexcept;

/// Sets the stack-protector canary. Call before any function built with the stack protector
/// runs, from a function built without it (frames protected with the old value would fail).
void set_stack_guard(std::uintptr_t value) noexcept;

}  // namespace mos
