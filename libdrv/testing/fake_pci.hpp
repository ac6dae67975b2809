#pragma once
/// A PCI configuration space for host tests: functions are 256-byte register files with a
/// write mask per bit (read-only bits keep their value), so BAR sizing behaves as in hardware
/// (write all ones, read back the size mask), and capabilities are laid out by helpers. Absent
/// functions read as all ones. Every write is logged, and BAR writes made while the function
/// decodes I/O or memory are counted (sizing must switch decoding off).

#include <drv/pci.hpp>
#include <drv/pci_capabilities.hpp>
#include <drv/pci_config_space.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

namespace mos::testing {

/// One function's configuration registers.
class FakePciFunction {
 public:
  std::array<std::uint8_t, 256> bytes{};     ///< Current values.
  std::array<std::uint8_t, 256> writable{};  ///< 1 bits take writes.
  unsigned bar_writes_while_decoding = 0;    ///< See the file comment.

  std::uint32_t get(std::uint16_t offset, int width) const {
    std::uint32_t v = 0;
    for (int i = 0; i < width; ++i) v |= std::uint32_t{bytes[offset + i]} << (8 * i);
    return v;
  }
  /// Sets a register regardless of the write mask.
  void set(std::uint16_t offset, std::uint32_t value, int width) {
    for (int i = 0; i < width; ++i) bytes[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  /// Sets the write mask of a register.
  void set_writable(std::uint16_t offset, std::uint32_t mask, int width) {
    for (int i = 0; i < width; ++i) writable[offset + i] = static_cast<std::uint8_t>(mask >> (8 * i));
  }
  /// A write through the masks.
  void write(std::uint16_t offset, std::uint32_t value, int width) {
    for (int i = 0; i < width; ++i) {
      const auto b = static_cast<std::uint8_t>(value >> (8 * i));
      bytes[offset + i] = static_cast<std::uint8_t>((bytes[offset + i] & ~writable[offset + i]) |
                                                    (b & writable[offset + i]));
    }
  }

  /// A memory BAR (64-bit ones take `index` and index + 1) or an I/O BAR of `size` bytes
  /// (a power of two) at `base`.
  void add_memory_bar(unsigned index, std::uint64_t base, std::uint64_t size, bool wide,
                      bool prefetchable = false) {
    const std::uint16_t at = static_cast<std::uint16_t>(0x10 + 4 * index);
    const std::uint64_t mask = ~(size - 1);
    std::uint32_t low = static_cast<std::uint32_t>(base) & ~0xfu;
    if (wide) low |= 0x4;
    if (prefetchable) low |= 0x8;
    set(at, low, 4);
    set_writable(at, static_cast<std::uint32_t>(mask) & ~0xfu, 4);
    if (wide) {
      set(at + 4, static_cast<std::uint32_t>(base >> 32), 4);
      set_writable(at + 4, static_cast<std::uint32_t>(mask >> 32), 4);
    }
  }
  /// An I/O BAR; bits 31:16 are hardwired to zero, as on many devices.
  void add_io_bar(unsigned index, std::uint32_t base, std::uint32_t size) {
    const std::uint16_t at = static_cast<std::uint16_t>(0x10 + 4 * index);
    set(at, (base & ~0x3u) | 0x1, 4);
    set_writable(at, ~(size - 1) & 0xfffcu, 4);
  }

  /// Appends a capability of `length` bytes (id and next included) to the list; returns its
  /// offset. Sets status bit 4.
  std::uint8_t add_capability(std::uint8_t id, std::uint8_t length) {
    const std::uint8_t at = next_cap_;
    next_cap_ = static_cast<std::uint8_t>(next_cap_ + ((length + 3) & ~3));
    bytes[at] = id;
    bytes[at + 1] = 0;
    if (last_cap_ == 0) {
      bytes[0x34] = at;
    } else {
      bytes[last_cap_ + 1] = at;
    }
    last_cap_ = at;
    bytes[0x06] |= 0x10;
    return at;
  }
  /// An MSI capability: 64-bit capable or not, with per-vector masking or not, 4 vectors
  /// requestable (MMC 2).
  std::uint8_t add_msi(bool wide, bool per_vector_mask) {
    const std::uint8_t length = static_cast<std::uint8_t>(wide ? (per_vector_mask ? 24 : 16)
                                                               : (per_vector_mask ? 20 : 12));
    const std::uint8_t at = add_capability(drv::pci_cap::kMsi, length);
    std::uint16_t control = 2u << 1;
    if (wide) control |= 1u << 7;
    if (per_vector_mask) control |= 1u << 8;
    set(at + 2, control, 2);
    set_writable(at + 2, 0x0071, 2);  // Enable and multiple message enable.
    set_writable(at + 4, 0xfffffffc, 4);
    const std::uint16_t data_at = wide ? at + 12 : at + 8;
    if (wide) set_writable(at + 8, 0xffffffff, 4);
    set_writable(data_at, 0xffff, 2);
    if (per_vector_mask) {
      set(data_at + 4, 0xf, 4);  // Masked out of reset, as a test of the unmask.
      set_writable(data_at + 4, 0xf, 4);
    }
    return at;
  }
  /// An MSI-X capability with `entries` entries, the table in `bar` at `offset`.
  std::uint8_t add_msix(std::uint16_t entries, std::uint8_t bar, std::uint32_t offset) {
    const std::uint8_t at = add_capability(drv::pci_cap::kMsix, 12);
    set(at + 2, static_cast<std::uint32_t>(entries - 1), 2);
    set_writable(at + 2, 0xc000, 2);  // Enable and function mask.
    set(at + 4, offset | bar, 4);
    set(at + 8, (offset + 0x800) | bar, 4);
    return at;
  }

 private:
  std::uint8_t next_cap_ = 0x40;
  std::uint8_t last_cap_ = 0;
};

/// See the file comment.
class FakePciConfigSpace final : public drv::PciConfigSpace {
 public:
  /// One logged write.
  struct Write {
    drv::PciAddress address;
    std::uint16_t offset;
    std::uint32_t value;
  };

  /// Adds a function with a general (0) or bridge (1) header; `multifunction` sets bit 7 of the
  /// header type. Command bits I/O, memory, bus master and INTx disable are writable.
  FakePciFunction& add(drv::PciAddress a, std::uint16_t vendor, std::uint16_t device,
                       std::uint8_t class_code, std::uint8_t subclass,
                       std::uint8_t header_type = 0, bool multifunction = false) {
    FakePciFunction& f = functions_[key(a)];
    f.set(0x00, vendor, 2);
    f.set(0x02, device, 2);
    f.set(0x08, 0x01, 1);  // Revision 1.
    f.set(0x0a, subclass, 1);
    f.set(0x0b, class_code, 1);
    f.set(0x0e, static_cast<std::uint32_t>(header_type | (multifunction ? 0x80 : 0)), 1);
    f.set_writable(0x04, 0x0407, 2);
    f.set_writable(0x3c, 0xff, 1);  // Interrupt line.
    return f;
  }
  /// A PCI-to-PCI bridge whose secondary bus is `secondary`.
  FakePciFunction& add_bridge(drv::PciAddress a, std::uint8_t secondary) {
    FakePciFunction& f = add(a, 0x8086, 0x244e, 0x06, 0x04, 1);
    f.set(0x18, a.bus, 1);
    f.set(0x19, secondary, 1);
    f.set(0x1a, secondary, 1);
    return f;
  }
  /// The function at `a` (it must exist).
  FakePciFunction& at(drv::PciAddress a) { return functions_.at(key(a)); }

  std::uint32_t read32(drv::PciAddress a, std::uint16_t offset) noexcept override {
    ++reads_;
    auto it = functions_.find(key(a));
    if (it == functions_.end() || offset > 0xfc) return 0xffffffffu;
    return it->second.get(offset & 0xfc, 4);
  }
  void write32(drv::PciAddress a, std::uint16_t offset, std::uint32_t value) noexcept override {
    offset &= 0xfc;
    writes_.push_back({a, offset, value});
    auto it = functions_.find(key(a));
    if (it == functions_.end() || offset > 0xfc) return;
    FakePciFunction& f = it->second;
    if (offset >= 0x10 && offset < 0x28 && (f.get(0x04, 2) & 0x3) != 0) {
      ++f.bar_writes_while_decoding;
    }
    f.write(offset, value, 4);
  }

  /// Every write, in order.
  const std::vector<Write>& writes() const { return writes_; }
  /// Reads so far.
  std::uint64_t reads() const { return reads_; }

 private:
  static std::tuple<int, int, int> key(drv::PciAddress a) { return {a.bus, a.device, a.function}; }
  std::map<std::tuple<int, int, int>, FakePciFunction> functions_;
  std::vector<Write> writes_;
  std::uint64_t reads_ = 0;
};

}  // namespace mos::testing
