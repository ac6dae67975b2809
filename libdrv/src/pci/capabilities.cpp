// The capability list. [pci-3.0] 6.7
#include <drv/pci_capabilities.hpp>

namespace mos::drv {

PciCapabilityList PciCapabilityList::read(PciConfigSpace& config, PciAddress address) noexcept {
  PciCapabilityList list;
  if ((config.read16(address, pci_reg::kStatus) & kPciStatusCapabilities) == 0) return list;
  // One bit per dword of 0x40..0xFF: an offset met twice means the list loops.
  std::uint64_t seen = 0;
  std::uint8_t offset = config.read8(address, pci_reg::kCapabilities) & 0xfcu;
  while (offset != 0) {
    if (offset < 0x40 || list.count_ == kMaxEntries) {
      list.malformed_ = true;
      break;
    }
    const std::uint64_t bit = std::uint64_t{1} << ((offset - 0x40) / 4);
    if (seen & bit) {
      list.malformed_ = true;
      break;
    }
    seen |= bit;
    const std::uint16_t header = config.read16(address, offset);
    list.entries_[list.count_++] = {offset, static_cast<std::uint8_t>(header)};
    offset = static_cast<std::uint8_t>(header >> 8) & 0xfcu;
  }
  return list;
}

std::optional<std::uint8_t> PciCapabilityList::find(std::uint8_t id) const noexcept {
  for (const PciCapability& cap : entries()) {
    if (cap.id == id) return cap.offset;
  }
  return std::nullopt;
}

}  // namespace mos::drv
