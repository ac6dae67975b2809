#pragma once
/// Platform contract: hardware access providers. Drivers take a provider as a template parameter
/// (zero cost), so host tests run the real driver code against the fakes in libk/testing/.

#include <concepts>
#include <cstdint>

namespace mos::platform {

/// An x86 I/O-port space: 8, 16 and 32-bit reads and writes at 16-bit port numbers.
template <class T>
concept PortIo = requires(T& io, std::uint16_t port, std::uint8_t v8, std::uint16_t v16,
                          std::uint32_t v32) {
  { io.read8(port) } noexcept -> std::same_as<std::uint8_t>;
  { io.read16(port) } noexcept -> std::same_as<std::uint16_t>;
  { io.read32(port) } noexcept -> std::same_as<std::uint32_t>;
  { io.write8(port, v8) } noexcept -> std::same_as<void>;
  { io.write16(port, v16) } noexcept -> std::same_as<void>;
  { io.write32(port, v32) } noexcept -> std::same_as<void>;
};

/// A memory-mapped register window: volatile accesses at byte offsets from its base.
template <class T>
concept MmioRegion = requires(T& mmio, std::uintptr_t offset, std::uint8_t v8, std::uint16_t v16,
                              std::uint32_t v32, std::uint64_t v64) {
  { mmio.read8(offset) } noexcept -> std::same_as<std::uint8_t>;
  { mmio.read16(offset) } noexcept -> std::same_as<std::uint16_t>;
  { mmio.read32(offset) } noexcept -> std::same_as<std::uint32_t>;
  { mmio.read64(offset) } noexcept -> std::same_as<std::uint64_t>;
  { mmio.write8(offset, v8) } noexcept -> std::same_as<void>;
  { mmio.write16(offset, v16) } noexcept -> std::same_as<void>;
  { mmio.write32(offset, v32) } noexcept -> std::same_as<void>;
  { mmio.write64(offset, v64) } noexcept -> std::same_as<void>;
};

/// The machine's own I/O-port space (x86 in/out). On the host there is no port space: reads
/// give all ones, as from an absent ISA device, and writes go nowhere.
std::uint8_t port_read8(std::uint16_t port) noexcept;
std::uint16_t port_read16(std::uint16_t port) noexcept;
std::uint32_t port_read32(std::uint16_t port) noexcept;
void port_write8(std::uint16_t port, std::uint8_t value) noexcept;
void port_write16(std::uint16_t port, std::uint16_t value) noexcept;
void port_write32(std::uint16_t port, std::uint32_t value) noexcept;

/// The machine's port space as a PortIo provider, for generic drivers (a call per access: an I/O
/// port access costs far more than the call).
struct MachinePortIo {
  std::uint8_t read8(std::uint16_t port) noexcept { return port_read8(port); }
  std::uint16_t read16(std::uint16_t port) noexcept { return port_read16(port); }
  std::uint32_t read32(std::uint16_t port) noexcept { return port_read32(port); }
  void write8(std::uint16_t port, std::uint8_t value) noexcept { port_write8(port, value); }
  void write16(std::uint16_t port, std::uint16_t value) noexcept { port_write16(port, value); }
  void write32(std::uint16_t port, std::uint32_t value) noexcept { port_write32(port, value); }
};
static_assert(PortIo<MachinePortIo>);

}  // namespace mos::platform
