// Enumeration of every bus: depth first from bus 0 through PCI-to-PCI bridges. [pci-3.0] 6.1,
// [pci-bridge-1.2] 3.2.5.4 (secondary bus number)
#include <drv/pci.hpp>

namespace mos::drv {

namespace {

constexpr std::uint16_t kAbsent = 0xffff;
constexpr std::uint8_t kClassBridge = 0x06;
constexpr std::uint8_t kSubclassPciBridge = 0x04;

// Which buses were scanned already, so a bridge naming a bus seen before (or its own) is not
// followed again.
struct BusSet {
  std::uint64_t bits[4] = {};
  bool insert(std::uint8_t bus) noexcept {
    std::uint64_t& word = bits[bus / 64];
    const std::uint64_t bit = std::uint64_t{1} << (bus % 64);
    if (word & bit) return false;
    word |= bit;
    return true;
  }
};

unsigned scan_bus(PciConfigSpace& config, PciVisitor& visitor, std::uint8_t bus,
                  BusSet& seen) noexcept;

unsigned scan_function(PciConfigSpace& config, PciVisitor& visitor, PciAddress address,
                       BusSet& seen) noexcept {
  auto function = pci_read_function(config, address);
  if (!function) return 0;
  visitor.visit(*function);
  unsigned count = 1;
  if (function->header_type == pci_header::kBridge && function->class_code == kClassBridge &&
      function->subclass == kSubclassPciBridge && function->secondary_bus != 0) {
    count += scan_bus(config, visitor, function->secondary_bus, seen);
  }
  return count;
}

unsigned scan_bus(PciConfigSpace& config, PciVisitor& visitor, std::uint8_t bus,
                  BusSet& seen) noexcept {
  if (!seen.insert(bus)) return 0;
  unsigned count = 0;
  for (std::uint8_t device = 0; device < 32; ++device) {
    const PciAddress first{bus, device, 0};
    if (config.read16(first, pci_reg::kVendorId) == kAbsent) continue;
    const bool multifunction =
        (config.read8(first, pci_reg::kHeaderType) & pci_header::kMultifunction) != 0;
    const std::uint8_t functions = multifunction ? 8 : 1;
    for (std::uint8_t fn = 0; fn < functions; ++fn) {
      count += scan_function(config, visitor, PciAddress{bus, device, fn}, seen);
    }
  }
  return count;
}

}  // namespace

Result<PciFunction> pci_read_function(PciConfigSpace& config, PciAddress address) noexcept {
  const std::uint32_t id = config.read32(address, pci_reg::kVendorId);
  if ((id & 0xffffu) == kAbsent) return Error::NoDevice;
  PciFunction f;
  f.address = address;
  f.vendor_id = static_cast<std::uint16_t>(id);
  f.device_id = static_cast<std::uint16_t>(id >> 16);
  const std::uint32_t class_rev = config.read32(address, pci_reg::kRevision);
  f.revision = static_cast<std::uint8_t>(class_rev);
  f.prog_if = static_cast<std::uint8_t>(class_rev >> 8);
  f.subclass = static_cast<std::uint8_t>(class_rev >> 16);
  f.class_code = static_cast<std::uint8_t>(class_rev >> 24);
  const std::uint8_t header = config.read8(address, pci_reg::kHeaderType);
  f.header_type = header & 0x7fu;
  // Bit 7 describes the device, and is defined in function 0's header.
  f.multifunction = (config.read8(PciAddress{address.bus, address.device, 0},
                                  pci_reg::kHeaderType) &
                     pci_header::kMultifunction) != 0;
  f.interrupt_line = config.read8(address, pci_reg::kInterruptLine);
  f.interrupt_pin = config.read8(address, pci_reg::kInterruptPin);
  if (f.header_type == pci_header::kBridge) {
    f.secondary_bus = config.read8(address, pci_reg::kSecondaryBus);
  }
  f.bars = pci_size_bars(config, address, pci_bar_count(f.header_type));
  return f;
}

unsigned pci_enumerate(PciConfigSpace& config, PciVisitor& visitor) noexcept {
  BusSet seen;
  return scan_bus(config, visitor, 0, seen);
}

}  // namespace mos::drv
