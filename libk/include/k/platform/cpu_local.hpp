#pragma once
/// Platform contract, for libsched: one pointer per CPU, behind which the scheduler keeps its
/// per-CPU data (the running thread, the run queue). On x86_64 it is reached through the GS
/// base, so reading it is one instruction and needs no lock.

#include <concepts>

namespace mos::platform {

/// A platform's CPU-local facet.
template <class T>
concept CpuLocalStorage = requires(void* data) {
  { T::set(data) } noexcept -> std::same_as<void>;
  { T::get() } noexcept -> std::same_as<void*>;
};

/// Sets this CPU's pointer.
void cpu_local_set(void* data) noexcept;
/// This CPU's pointer (nullptr until set).
void* cpu_local() noexcept;

}  // namespace mos::platform
