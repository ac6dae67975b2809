#pragma once
/// PCI capabilities: the list walked once and bounded, and the two interrupt capabilities
/// drivers program — MSI (in configuration space) and MSI-X (a table in a BAR). The interrupt
/// routing layer chooses the vector and supplies the message (MsiMessage); these helpers only
/// put it into the device.

#include <drv/mmio.hpp>
#include <drv/pci_config_space.hpp>

#include <k/result.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace mos::drv {

/// Capability ids. [pci-3.0] appendix H
namespace pci_cap {
inline constexpr std::uint8_t kMsi = 0x05;
inline constexpr std::uint8_t kVendorSpecific = 0x09;  ///< virtio's structures use it.
inline constexpr std::uint8_t kMsix = 0x11;
}  // namespace pci_cap

/// One entry of the capability list.
struct PciCapability {
  std::uint8_t offset = 0;  ///< Where it starts in configuration space.
  std::uint8_t id = 0;
};

/// A function's capability list as read once. Capabilities live at dword-aligned offsets
/// 0x40..0xFC, so a well-formed list has at most 48 entries; the walk stops after 48, at an
/// offset below 0x40, or at an offset already seen, so a looping list from a broken device ends.
/// [pci-3.0] 6.7
class PciCapabilityList {
 public:
  /// The most entries a list can have.
  static constexpr unsigned kMaxEntries = 48;

  /// Walks the list of `address` (empty if status bit 4 is clear).
  static PciCapabilityList read(PciConfigSpace& config, PciAddress address) noexcept;

  /// The entries in list order.
  std::span<const PciCapability> entries() const noexcept { return {entries_.data(), count_}; }
  /// The offset of the first capability with `id`, if any.
  std::optional<std::uint8_t> find(std::uint8_t id) const noexcept;
  /// Whether the walk stopped at a loop, a bad pointer or the entry limit rather than at the end.
  bool malformed() const noexcept { return malformed_; }

 private:
  std::array<PciCapability, kMaxEntries> entries_{};
  std::size_t count_ = 0;
  bool malformed_ = false;
};

/// An MSI message as the interrupt routing layer composes it: the address the device writes and
/// the data it writes there.
struct MsiMessage {
  std::uint64_t address;
  std::uint32_t data;
};

/// Programs the MSI capability for one vector with `message`: address (and upper address on a
/// 64-bit capable function), data, one vector (multiple message enable 0), vector 0 unmasked if
/// per-vector masking exists, then the enable bit, and legacy INTx disabled in the command
/// register. [pci-3.0] 6.8.1. Errors: Error::NoDevice (no MSI capability),
/// Error::InvalidArgument (an address above 4 GiB for a 32-bit-only capability).
Result<void> pci_program_msi(PciConfigSpace& config, PciAddress address,
                             const MsiMessage& message) noexcept;
/// Clears the MSI enable bit (the function goes back to INTx); Error::NoDevice without MSI.
Result<void> pci_disable_msi(PciConfigSpace& config, PciAddress address) noexcept;

/// A function's MSI-X capability: where the table is, and enabling it. [pci-3.0] 6.8.2
class PciMsix {
 public:
  /// Bytes per table entry.
  static constexpr std::uint32_t kEntryBytes = 16;

  /// Reads the capability of `address`; Error::NoDevice if there is none.
  static Result<PciMsix> find(PciConfigSpace& config, PciAddress address) noexcept;

  /// Table entries the function has.
  std::uint16_t table_size() const noexcept { return table_size_; }
  /// The BAR holding the table (0..5).
  std::uint8_t table_bar() const noexcept { return table_bar_; }
  /// The table's offset inside that BAR.
  std::uint32_t table_offset() const noexcept { return table_offset_; }
  /// Bytes from table_offset() the table covers (map at least this much).
  std::uint32_t table_bytes() const noexcept { return table_size_ * kEntryBytes; }
  /// Where the capability is in configuration space.
  std::uint8_t offset() const noexcept { return cap_; }

  /// Writes `message` into table entry `entry` and unmasks it. `bar` is the mapping of the
  /// table's BAR (offsets from the BAR's start). The entry is masked while it changes, so the
  /// device never sends half a message. Error::InvalidArgument for an entry past the table or a
  /// table outside the mapping.
  Result<void> program(MmioWindow& bar, std::uint16_t entry, const MsiMessage& message) const
      noexcept;
  /// Masks table entry `entry` (Error::InvalidArgument as for program).
  Result<void> mask(MmioWindow& bar, std::uint16_t entry) const noexcept;
  /// Sets the MSI-X enable bit, clears the function mask and disables legacy INTx. Entries
  /// never programmed stay masked (their reset state).
  void enable(PciConfigSpace& config, PciAddress address) const noexcept;
  /// Clears the MSI-X enable bit.
  void disable(PciConfigSpace& config, PciAddress address) const noexcept;

 private:
  std::uint8_t cap_ = 0;
  std::uint16_t table_size_ = 0;
  std::uint8_t table_bar_ = 0;
  std::uint32_t table_offset_ = 0;
};

}  // namespace mos::drv
