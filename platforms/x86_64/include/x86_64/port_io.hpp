#pragma once
/// The real x86 I/O-port space, as a mos::platform::PortIo provider.

#include <k/platform/io.hpp>

#include <cstdint>

namespace mos::x86_64 {

/// in/out instructions. Stateless: every instance reaches the same port space.
struct PortIoSpace {
  std::uint8_t read8(std::uint16_t port) noexcept {
    std::uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
  }
  std::uint16_t read16(std::uint16_t port) noexcept {
    std::uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
  }
  std::uint32_t read32(std::uint16_t port) noexcept {
    std::uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
  }
  void write8(std::uint16_t port, std::uint8_t v) noexcept {
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
  }
  void write16(std::uint16_t port, std::uint16_t v) noexcept {
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
  }
  void write32(std::uint16_t port, std::uint32_t v) noexcept {
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
  }
};
static_assert(platform::PortIo<PortIoSpace>);

}  // namespace mos::x86_64
