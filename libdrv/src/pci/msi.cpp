// MSI and MSI-X programming. [pci-3.0] 6.8.1 (MSI), 6.8.2 (MSI-X)
#include <drv/pci_capabilities.hpp>
#include <drv/pci.hpp>

namespace mos::drv {

namespace {

// MSI message control. [pci-3.0] 6.8.1.3
constexpr std::uint16_t kMsiEnable = 1u << 0;
constexpr std::uint16_t kMsiMultipleEnableMask = 0x7u << 4;
constexpr std::uint16_t kMsi64Bit = 1u << 7;
constexpr std::uint16_t kMsiPerVectorMask = 1u << 8;

// MSI-X message control and table entries. [pci-3.0] 6.8.2.3, 6.8.2.6 - 6.8.2.9
constexpr std::uint16_t kMsixTableSizeMask = 0x7ff;
constexpr std::uint16_t kMsixFunctionMask = 1u << 14;
constexpr std::uint16_t kMsixEnable = 1u << 15;
constexpr std::uint32_t kMsixEntryMasked = 1u << 0;

Result<std::uint8_t> find_cap(PciConfigSpace& config, PciAddress address,
                              std::uint8_t id) noexcept {
  auto found = PciCapabilityList::read(config, address).find(id);
  if (!found) return Error::NoDevice;
  return *found;
}

}  // namespace

Result<void> pci_program_msi(PciConfigSpace& config, PciAddress address,
                             const MsiMessage& message) noexcept {
  const std::uint8_t cap = MOS_TRY(find_cap(config, address, pci_cap::kMsi));
  const std::uint16_t control_at = cap + 2;
  std::uint16_t control = config.read16(address, control_at);
  const bool wide = (control & kMsi64Bit) != 0;
  if (!wide && (message.address >> 32) != 0) return Error::InvalidArgument;
  if ((message.address & 0x3u) != 0 || message.data > 0xffffu) return Error::InvalidArgument;
  // Disabled while the message changes, so the device cannot send half of the new one.
  control &= static_cast<std::uint16_t>(~(kMsiEnable | kMsiMultipleEnableMask));
  config.write16(address, control_at, control);
  config.write32(address, cap + 4, static_cast<std::uint32_t>(message.address));
  std::uint16_t data_at = cap + 8;
  if (wide) {
    config.write32(address, cap + 8, static_cast<std::uint32_t>(message.address >> 32));
    data_at = cap + 12;
  }
  config.write16(address, data_at, static_cast<std::uint16_t>(message.data));
  if (control & kMsiPerVectorMask) {
    // The mask bits follow the data register's dword; clearing bit 0 unmasks our one vector.
    const std::uint16_t mask_at = data_at + 4;
    config.write32(address, mask_at, config.read32(address, mask_at) & ~1u);
  }
  config.write16(address, control_at, control | kMsiEnable);
  pci_enable(config, address, pci_command::kInterruptDisable);
  return {};
}

Result<void> pci_disable_msi(PciConfigSpace& config, PciAddress address) noexcept {
  const std::uint8_t cap = MOS_TRY(find_cap(config, address, pci_cap::kMsi));
  const std::uint16_t control = config.read16(address, cap + 2);
  config.write16(address, cap + 2, control & static_cast<std::uint16_t>(~kMsiEnable));
  return {};
}

Result<PciMsix> PciMsix::find(PciConfigSpace& config, PciAddress address) noexcept {
  PciMsix msix;
  msix.cap_ = MOS_TRY(find_cap(config, address, pci_cap::kMsix));
  const std::uint16_t control = config.read16(address, msix.cap_ + 2);
  msix.table_size_ = static_cast<std::uint16_t>((control & kMsixTableSizeMask) + 1);
  const std::uint32_t table = config.read32(address, msix.cap_ + 4);
  msix.table_bar_ = static_cast<std::uint8_t>(table & 0x7u);
  msix.table_offset_ = table & ~0x7u;
  if (msix.table_bar_ > 5) return Error::NoDevice;  // BIR 6 and 7 are reserved.
  return msix;
}

Result<void> PciMsix::program(MmioWindow& bar, std::uint16_t entry,
                              const MsiMessage& message) const noexcept {
  if (entry >= table_size_) return Error::InvalidArgument;
  const std::uint64_t at = std::uint64_t{table_offset_} + std::uint64_t{entry} * kEntryBytes;
  if (at + kEntryBytes > bar.size()) return Error::InvalidArgument;
  if ((message.address & 0x3u) != 0) return Error::InvalidArgument;
  const std::uint32_t vector_control = bar.read32(at + 12);
  bar.write32(at + 12, vector_control | kMsixEntryMasked);
  bar.write32(at + 0, static_cast<std::uint32_t>(message.address));
  bar.write32(at + 4, static_cast<std::uint32_t>(message.address >> 32));
  bar.write32(at + 8, message.data);
  bar.write32(at + 12, vector_control & ~kMsixEntryMasked);
  return {};
}

Result<void> PciMsix::mask(MmioWindow& bar, std::uint16_t entry) const noexcept {
  if (entry >= table_size_) return Error::InvalidArgument;
  const std::uint64_t at = std::uint64_t{table_offset_} + std::uint64_t{entry} * kEntryBytes;
  if (at + kEntryBytes > bar.size()) return Error::InvalidArgument;
  bar.write32(at + 12, bar.read32(at + 12) | kMsixEntryMasked);
  return {};
}

void PciMsix::enable(PciConfigSpace& config, PciAddress address) const noexcept {
  std::uint16_t control = config.read16(address, cap_ + 2);
  control = static_cast<std::uint16_t>((control | kMsixEnable) & ~kMsixFunctionMask);
  config.write16(address, cap_ + 2, control);
  pci_enable(config, address, pci_command::kInterruptDisable);
}

void PciMsix::disable(PciConfigSpace& config, PciAddress address) const noexcept {
  const std::uint16_t control = config.read16(address, cap_ + 2);
  config.write16(address, cap_ + 2, control & static_cast<std::uint16_t>(~kMsixEnable));
}

}  // namespace mos::drv
