#pragma once
/// Platform contract, for libsched: switching the CPU between threads of execution. A thread
/// that is not running keeps its registers on its own stack and its FPU/SSE state in its
/// ThreadContext, so no thread ever sees another's registers.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::platform {

/// Bytes of FPU/SSE state a context holds: the FXSAVE area (x87, MMX, SSE), the largest state
/// the platforms save. [intel-sdm vol1] 10.5
inline constexpr std::size_t kFpuStateBytes = 512;
/// Alignment the FPU state needs.
inline constexpr std::size_t kFpuStateAlignment = 16;

/// What a thread that is not running needs to resume, and where its stack is.
struct ThreadContext {
  std::uintptr_t stack_pointer = 0;  ///< Where its saved registers are; valid while suspended.
  std::byte* stack_base = nullptr;   ///< The lowest address of its stack.
  std::size_t stack_bytes = 0;       ///< The size of its stack.
  alignas(kFpuStateAlignment) std::byte fpu_state[kFpuStateBytes] = {};
};

/// Where a new context starts. It must never return: a thread ends by switching away for good
/// (context_abandon).
using ContextEntry = void (*)(void* arg) noexcept;

/// A platform's context-switch facet.
template <class T>
concept ContextSwitcher = requires(ThreadContext& context, std::span<std::byte> stack,
                                   ContextEntry entry, void* arg) {
  { T::init(context, stack, entry, arg) } noexcept -> std::same_as<void>;
  { T::adopt_current(context) } noexcept -> std::same_as<void>;
  { T::switch_to(context, context) } noexcept -> std::same_as<void>;
  { T::abandon(context, context) } noexcept -> std::same_as<void>;
};

/// Prepares `context` so that the first switch to it runs entry(arg) on `stack` (at least 4 KiB,
/// 16-byte aligned) with a clean FPU state: registers zeroed, default control words.
void context_init(ThreadContext& context, std::span<std::byte> stack, ContextEntry entry,
                  void* arg) noexcept;

/// Fills `context` for the code running now (the boot thread becoming a thread): its stack's
/// bounds, as far as the platform knows them. It is saved by the first switch away.
void context_adopt_current(ThreadContext& context) noexcept;

/// Saves the caller's registers and FPU state in `from` and resumes `to`; returns when a later
/// switch resumes `from`. Called with interrupts disabled; they stay disabled across it.
void context_switch(ThreadContext& from, ThreadContext& to) noexcept;

/// Like context_switch, for a thread that ends: `from` is never resumed, and its stack may be
/// freed once `to` runs.
[[noreturn]] void context_abandon(ThreadContext& from, ThreadContext& to) noexcept;

}  // namespace mos::platform
