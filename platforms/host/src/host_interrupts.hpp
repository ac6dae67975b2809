#pragma once
// How the host platform's interrupt flag (interrupts.cpp), its timer (timer.cpp) and the signal
// that stands in for the timer interrupt work together.

namespace mos::platform::host {

/// Called from the timer's signal handler with the signal's ucontext: runs the interrupt now if
/// interrupts are enabled and the program's own code was interrupted, else marks it pending.
void raise_interrupt(const void* signal_context) noexcept;
/// Runs the interrupt handlers now, with interrupts disabled while they run.
void deliver_interrupt() noexcept;
/// Marks an interrupt pending (delivered when interrupts are next enabled).
void mark_interrupt_pending() noexcept;
/// Whether an interrupt is pending.
bool interrupt_pending() noexcept;
/// What an interrupt does: the timer's check of its deadline (timer.cpp).
void run_interrupt_handlers() noexcept;

}  // namespace mos::platform::host
