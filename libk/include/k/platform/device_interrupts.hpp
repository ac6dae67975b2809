#pragma once
/// Platform contract, for drivers (libdrv): delivering a device's interrupts to its driver.
/// A driver asks for a route — a legacy ISA line (the 16550 on IRQ 4, the keyboard on IRQ 1)
/// or a message-signalled interrupt (a PCI device's MSI/MSI-X) — and gets a vector whose
/// interrupts call its handler. On x86_64 ISA lines go through the I/O APIC, honouring the
/// MADT's overrides, and messages target the local APIC directly; the platform acknowledges the
/// interrupt (EOI) after the handler returns, then runs the interrupt-exit hook (libsched's
/// preemption point). The host platform has no devices: routing gives Error::NotImplemented and
/// host tests call drivers' interrupt methods themselves.

#include <k/result.hpp>

#include <concepts>
#include <cstdint>

namespace mos::platform {

/// A device interrupt's handler: runs in interrupt context, interrupts disabled, on the current
/// thread's stack. It must not block; it may wake threads (sched::Event::set).
using DeviceInterruptHandler = void (*)(void* context) noexcept;
/// Runs after every device interrupt, once it is acknowledged: where a wakeup the handler did
/// can switch threads at once (libsched installs it).
using InterruptExitHook = void (*)() noexcept;

/// What a device writes to raise a message-signalled interrupt (its MSI or MSI-X entry).
struct MessageRoute {
  std::uint64_t address = 0;
  std::uint32_t data = 0;
  std::uint8_t vector = 0;  ///< The vector it arrives on (for release_interrupt).
};

/// A platform's device-interrupt facet.
template <class T>
concept DeviceInterruptRouting = requires(std::uint8_t irq, DeviceInterruptHandler handler,
                                          void* context, InterruptExitHook hook) {
  { T::route_isa(irq, handler, context) } noexcept -> std::same_as<Result<std::uint8_t>>;
  { T::route_message(handler, context) } noexcept -> std::same_as<Result<MessageRoute>>;
  { T::release(irq) } noexcept -> std::same_as<void>;
  { T::set_exit_hook(hook) } noexcept -> std::same_as<void>;
};

/// Routes ISA IRQ `irq` (0..15) to a free vector that calls handler(context), and unmasks it.
/// Returns the vector. Error::InvalidArgument for irq > 15, Error::Busy if it is routed already,
/// Error::NoDevice if no interrupt controller serves it, Error::NoBufferSpace when no vector is
/// free, Error::NotImplemented on a platform without devices.
Result<std::uint8_t> route_isa_interrupt(std::uint8_t irq, DeviceInterruptHandler handler,
                                         void* context) noexcept;

/// Takes a free vector that calls handler(context) and returns the message that raises it (to
/// program into a device's MSI or MSI-X capability). Error::NoBufferSpace when no vector is
/// free, Error::NotImplemented on a platform without devices.
Result<MessageRoute> route_message_interrupt(DeviceInterruptHandler handler,
                                             void* context) noexcept;

/// Masks and frees a vector that a route returned (its handler is not called again).
void release_interrupt(std::uint8_t vector) noexcept;

/// Installs the hook run at the end of every device interrupt (nullptr: none).
void set_interrupt_exit_hook(InterruptExitHook hook) noexcept;

}  // namespace mos::platform
