#pragma once
/// Platform contract, for libsched: a monotonic clock in nanoseconds and one one-shot timer per
/// CPU whose expiry interrupts the running code. With it the scheduler is tickless: it arms the
/// timer for the next event (a sleeper's deadline, the end of a time slice) and nothing else.
/// On x86_64: the TSC (calibrated) and the local APIC timer; on the host: virtual time and a
/// signal.

#include <k/result.hpp>

#include <concepts>
#include <cstdint>

namespace mos::platform {

/// Runs in interrupt context (interrupts disabled, on the interrupted thread's stack) when an
/// armed deadline has passed. It may switch threads.
using TimerHandler = void (*)() noexcept;

/// A platform's timer facet.
template <class T>
concept TimerDevice = requires(std::uint64_t deadline, TimerHandler handler) {
  { T::init() } noexcept -> std::same_as<Result<void>>;
  { T::now() } noexcept -> std::same_as<std::uint64_t>;
  { T::set_handler(handler) } noexcept -> std::same_as<void>;
  { T::arm(deadline) } noexcept -> std::same_as<void>;
  { T::disarm() } noexcept -> std::same_as<void>;
  { T::idle_wait() } noexcept -> std::same_as<void>;
};

/// Starts the clock and the timer (x86_64: checks the TSC, calibrates it and the local APIC
/// timer against the PIT, masks the legacy PIC). Once, before the functions below. An error
/// says why no usable clock or timer was found.
Result<void> timer_init() noexcept;

/// Nanoseconds since timer_init, never decreasing.
std::uint64_t monotonic_ns() noexcept;

/// Installs the handler the timer calls.
void timer_set_handler(TimerHandler handler) noexcept;

/// Requests one call of the handler once monotonic_ns() >= deadline (promptly if that has
/// passed already), replacing any earlier request. Called with interrupts disabled.
void timer_arm(std::uint64_t deadline_ns) noexcept;

/// Cancels the pending request, if any.
void timer_disarm() noexcept;

/// Waits with interrupts enabled until an interrupt has been handled, then returns with them
/// disabled again. Called with interrupts disabled, so that a wakeup arriving between the
/// caller's last check and the wait is not lost (x86_64: `sti; hlt`).
void idle_wait() noexcept;

}  // namespace mos::platform
