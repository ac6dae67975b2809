// The host has no devices: no port space (reads give all ones, as from an absent ISA device)
// and no interrupt controller (routes fail with ENOSYS). Host tests drive drivers against fakes
// and call their interrupt methods themselves.
#include <k/platform/device_interrupts.hpp>
#include <k/platform/io.hpp>

namespace mos::platform {
namespace {

struct HostDeviceInterrupts {
  static Result<std::uint8_t> route_isa(std::uint8_t, DeviceInterruptHandler, void*) noexcept {
    return Error::NotImplemented;
  }
  static Result<MessageRoute> route_message(DeviceInterruptHandler, void*) noexcept {
    return Error::NotImplemented;
  }
  static void release(std::uint8_t) noexcept {}
  static void set_exit_hook(InterruptExitHook) noexcept {}
};
static_assert(DeviceInterruptRouting<HostDeviceInterrupts>);

}  // namespace

std::uint8_t port_read8(std::uint16_t) noexcept { return 0xff; }
std::uint16_t port_read16(std::uint16_t) noexcept { return 0xffff; }
std::uint32_t port_read32(std::uint16_t) noexcept { return 0xffffffff; }
void port_write8(std::uint16_t, std::uint8_t) noexcept {}
void port_write16(std::uint16_t, std::uint16_t) noexcept {}
void port_write32(std::uint16_t, std::uint32_t) noexcept {}

Result<std::uint8_t> route_isa_interrupt(std::uint8_t irq, DeviceInterruptHandler handler,
                                         void* context) noexcept {
  return HostDeviceInterrupts::route_isa(irq, handler, context);
}
Result<MessageRoute> route_message_interrupt(DeviceInterruptHandler handler,
                                             void* context) noexcept {
  return HostDeviceInterrupts::route_message(handler, context);
}
void release_interrupt(std::uint8_t vector) noexcept { HostDeviceInterrupts::release(vector); }
void set_interrupt_exit_hook(InterruptExitHook hook) noexcept {
  HostDeviceInterrupts::set_exit_hook(hook);
}

}  // namespace mos::platform
