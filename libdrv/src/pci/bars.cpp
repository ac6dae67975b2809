// BAR decoding and sizing, and the command register. [pci-3.0] 6.2.2, 6.2.5.1
#include <drv/pci.hpp>

#include <bit>

namespace mos::drv {

namespace {

constexpr std::uint32_t kBarIo = 0x1;         // Bit 0: I/O space.
constexpr std::uint32_t kBarTypeMask = 0x6;   // Bits 2:1 of a memory BAR: its width.
constexpr std::uint32_t kBarType64 = 0x4;
constexpr std::uint32_t kBarPrefetchable = 0x8;

std::uint16_t bar_offset(unsigned index) noexcept {
  return static_cast<std::uint16_t>(pci_reg::kBar0 + 4 * index);
}

// Writes all ones to a BAR and returns what reads back; the original goes back afterwards.
std::uint32_t probe(PciConfigSpace& config, PciAddress a, unsigned index,
                    std::uint32_t original) noexcept {
  config.write32(a, bar_offset(index), 0xffffffffu);
  const std::uint32_t mask = config.read32(a, bar_offset(index));
  config.write32(a, bar_offset(index), original);
  return mask;
}

}  // namespace

std::uint16_t pci_read_command(PciConfigSpace& config, PciAddress address) noexcept {
  return config.read16(address, pci_reg::kCommand);
}

void pci_set_command(PciConfigSpace& config, PciAddress address, std::uint16_t command) noexcept {
  config.write32(address, pci_reg::kCommand, command);
}

void pci_enable(PciConfigSpace& config, PciAddress address, std::uint16_t bits) noexcept {
  pci_set_command(config, address, static_cast<std::uint16_t>(pci_read_command(config, address) | bits));
}

std::array<PciBar, 6> pci_size_bars(PciConfigSpace& config, PciAddress address,
                                    unsigned count) noexcept {
  std::array<PciBar, 6> bars{};
  if (count > bars.size()) count = static_cast<unsigned>(bars.size());
  if (count == 0) return bars;
  const std::uint16_t command = pci_read_command(config, address);
  // The transient all-ones value would make the device decode a range that overlaps others.
  pci_set_command(config, address,
                  command & ~(pci_command::kIoSpace | pci_command::kMemorySpace));
  for (unsigned i = 0; i < count; ++i) {
    const std::uint32_t original = config.read32(address, bar_offset(i));
    PciBar& bar = bars[i];
    if (original & kBarIo) {
      // Bits 31:16 may be hardwired to 0 on I/O BARs, so the size is the lowest set mask bit.
      const std::uint32_t mask = probe(config, address, i, original) & ~0x3u;
      if (mask == 0) continue;
      bar.kind = PciBarKind::Io;
      bar.base = original & ~0x3u;
      bar.size = std::uint64_t{1} << std::countr_zero(mask);
      continue;
    }
    const bool wide = (original & kBarTypeMask) == kBarType64 && i + 1 < count;
    std::uint64_t mask = probe(config, address, i, original) & ~0xfu;
    std::uint64_t base = original & ~0xfu;
    if (wide) {
      const std::uint32_t high = config.read32(address, bar_offset(i + 1));
      mask |= std::uint64_t{probe(config, address, i + 1, high)} << 32;
      base |= std::uint64_t{high} << 32;
    }
    if (mask != 0) {
      bar.kind = wide ? PciBarKind::Memory64 : PciBarKind::Memory32;
      bar.prefetchable = (original & kBarPrefetchable) != 0;
      bar.base = base;
      bar.size = std::uint64_t{1} << std::countr_zero(mask);
    }
    if (wide) ++i;  // The upper half is not a BAR of its own; it stays None.
  }
  pci_set_command(config, address, command);
  return bars;
}

}  // namespace mos::drv
