#pragma once
// Interrupts (vectors 32..255) on this platform: which vector is what, and the table of
// handlers the common interrupt path (interrupt_stubs.S) dispatches to.

#include <cstdint>

namespace mos::x86_64 {

/// The legacy PIC's IRQs 0..15 are remapped to 0x20..0x2f (and masked) so that they can never
/// be mistaken for exceptions.
inline constexpr std::uint8_t kPicVectorBase = 0x20;
/// The local APIC timer.
inline constexpr std::uint8_t kLapicTimerVector = 0x30;
/// The local APIC's spurious-interrupt vector (no EOI for it).
inline constexpr std::uint8_t kSpuriousVector = 0xff;

/// Runs in interrupt context, interrupts disabled; it may switch threads. A handler of an
/// APIC-delivered vector sends the EOI itself (before switching away).
using InterruptHandler = void (*)(std::uint8_t vector) noexcept;

/// Installs the handler of `vector` (32..255; nullptr: none, the vector is counted as stray).
void set_interrupt_handler(std::uint8_t vector, InterruptHandler handler) noexcept;

/// How many interrupts arrived on vectors without a handler (spurious ones included).
std::uint64_t stray_interrupts() noexcept;

}  // namespace mos::x86_64
