#pragma once
/// PCI configuration space: the abstract provider (PciConfigSpace) every PCI helper reads and
/// writes through, the register offsets of the common header, and the machine's provider over
/// configuration mechanism #1 (ports 0xCF8/0xCFC), templated on a port-I/O provider.

#include <k/platform/io.hpp>
#include <k/spin_lock.hpp>

#include <cstdint>

namespace mos::drv {

/// A function's place on the PCI buses.
struct PciAddress {
  std::uint8_t bus = 0;
  std::uint8_t device = 0;    ///< 0..31.
  std::uint8_t function = 0;  ///< 0..7.

  friend constexpr bool operator==(PciAddress, PciAddress) noexcept = default;
};

/// Offsets in the configuration header shared by every header type. [pci-3.0] 6.1
namespace pci_reg {
inline constexpr std::uint16_t kVendorId = 0x00;
inline constexpr std::uint16_t kDeviceId = 0x02;
inline constexpr std::uint16_t kCommand = 0x04;
inline constexpr std::uint16_t kStatus = 0x06;
inline constexpr std::uint16_t kRevision = 0x08;
inline constexpr std::uint16_t kProgIf = 0x09;
inline constexpr std::uint16_t kSubclass = 0x0a;
inline constexpr std::uint16_t kClass = 0x0b;
inline constexpr std::uint16_t kHeaderType = 0x0e;
inline constexpr std::uint16_t kBar0 = 0x10;
inline constexpr std::uint16_t kSecondaryBus = 0x19;  ///< Bridges (header type 1) only.
inline constexpr std::uint16_t kCapabilities = 0x34;
inline constexpr std::uint16_t kInterruptLine = 0x3c;
inline constexpr std::uint16_t kInterruptPin = 0x3d;
}  // namespace pci_reg

/// Bits of the command register. [pci-3.0] 6.2.2
namespace pci_command {
inline constexpr std::uint16_t kIoSpace = 1u << 0;
inline constexpr std::uint16_t kMemorySpace = 1u << 1;
inline constexpr std::uint16_t kBusMaster = 1u << 2;
inline constexpr std::uint16_t kInterruptDisable = 1u << 10;
}  // namespace pci_command

/// Bit of the status register saying the capability list exists. [pci-3.0] 6.2.3
inline constexpr std::uint16_t kPciStatusCapabilities = 1u << 4;

/// Access to configuration space. read32/write32 are the primitives (offsets dword aligned);
/// the 8/16-bit accesses default to them. A derived write16/write8 rewrites the other bytes of
/// the dword with what it read, which is wrong for write-1-to-clear bits (the status register):
/// write the command register with write32 and a zero status half, as pci_set_command does.
/// Absent functions read as all ones.
class PciConfigSpace {
 public:
  /// The dword at `offset` (rounded down to a multiple of 4).
  virtual std::uint32_t read32(PciAddress a, std::uint16_t offset) noexcept = 0;
  /// Writes the dword at `offset` (rounded down to a multiple of 4).
  virtual void write32(PciAddress a, std::uint16_t offset, std::uint32_t value) noexcept = 0;

  /// The 16 bits at `offset` (even).
  virtual std::uint16_t read16(PciAddress a, std::uint16_t offset) noexcept {
    return static_cast<std::uint16_t>(read32(a, offset) >> ((offset & 2u) * 8));
  }
  /// The byte at `offset`.
  virtual std::uint8_t read8(PciAddress a, std::uint16_t offset) noexcept {
    return static_cast<std::uint8_t>(read32(a, offset) >> ((offset & 3u) * 8));
  }
  /// Writes the 16 bits at `offset` (even); see the class comment.
  virtual void write16(PciAddress a, std::uint16_t offset, std::uint16_t value) noexcept {
    const unsigned shift = (offset & 2u) * 8;
    const std::uint32_t old = read32(a, offset) & ~(0xffffu << shift);
    write32(a, offset, old | (std::uint32_t{value} << shift));
  }
  /// Writes the byte at `offset`; see the class comment.
  virtual void write8(PciAddress a, std::uint16_t offset, std::uint8_t value) noexcept {
    const unsigned shift = (offset & 3u) * 8;
    const std::uint32_t old = read32(a, offset) & ~(0xffu << shift);
    write32(a, offset, old | (std::uint32_t{value} << shift));
  }

 protected:
  ~PciConfigSpace() = default;
};

/// Configuration mechanism #1: the address (enable bit, bus, device, function, register) goes to
/// port 0xCF8, the data moves through 0xCFC..0xCFF. [pci-3.0] 3.2.2.3.2. The two steps hold a
/// spinlock, so threads and interrupt handlers may use one provider concurrently. Offsets above
/// 0xFF (extended configuration space) are not reachable this way and read as all ones.
template <platform::PortIo Io>
class PciPortConfigSpace final : public PciConfigSpace {
 public:
  /// Configuration address port.
  static constexpr std::uint16_t kAddressPort = 0xcf8;
  /// Configuration data port.
  static constexpr std::uint16_t kDataPort = 0xcfc;

  /// Uses the ports through `io` (the machine's port provider).
  explicit PciPortConfigSpace(Io io) noexcept : io_(io) {}

  std::uint32_t read32(PciAddress a, std::uint16_t offset) noexcept override {
    if (offset > 0xff) return 0xffffffffu;
    SpinLockGuard guard(lock_);
    io_.write32(kAddressPort, address(a, offset));
    return io_.read32(kDataPort);
  }
  void write32(PciAddress a, std::uint16_t offset, std::uint32_t value) noexcept override {
    if (offset > 0xff) return;
    SpinLockGuard guard(lock_);
    io_.write32(kAddressPort, address(a, offset));
    io_.write32(kDataPort, value);
  }
  // Narrow accesses go straight to the byte lanes of the data port, so writing the command
  // register never touches the status register beside it.
  std::uint16_t read16(PciAddress a, std::uint16_t offset) noexcept override {
    if (offset > 0xff) return 0xffff;
    SpinLockGuard guard(lock_);
    io_.write32(kAddressPort, address(a, offset));
    return io_.read16(static_cast<std::uint16_t>(kDataPort + (offset & 2u)));
  }
  std::uint8_t read8(PciAddress a, std::uint16_t offset) noexcept override {
    if (offset > 0xff) return 0xff;
    SpinLockGuard guard(lock_);
    io_.write32(kAddressPort, address(a, offset));
    return io_.read8(static_cast<std::uint16_t>(kDataPort + (offset & 3u)));
  }
  void write16(PciAddress a, std::uint16_t offset, std::uint16_t value) noexcept override {
    if (offset > 0xff) return;
    SpinLockGuard guard(lock_);
    io_.write32(kAddressPort, address(a, offset));
    io_.write16(static_cast<std::uint16_t>(kDataPort + (offset & 2u)), value);
  }
  void write8(PciAddress a, std::uint16_t offset, std::uint8_t value) noexcept override {
    if (offset > 0xff) return;
    SpinLockGuard guard(lock_);
    io_.write32(kAddressPort, address(a, offset));
    io_.write8(static_cast<std::uint16_t>(kDataPort + (offset & 3u)), value);
  }

  /// The value written to 0xCF8 for a register. [pci-3.0] 3.2.2.3.2, figure 3-2
  static constexpr std::uint32_t address(PciAddress a, std::uint16_t offset) noexcept {
    return 0x80000000u | (std::uint32_t{a.bus} << 16) | (std::uint32_t{a.device & 0x1fu} << 11) |
           (std::uint32_t{a.function & 0x7u} << 8) | (offset & 0xfcu);
  }

 private:
  Io io_;
  SpinLock lock_;
};

}  // namespace mos::drv
