#pragma once
/// PCI functions: enumeration of every bus (depth first through PCI-to-PCI bridges from bus 0),
/// what identifies a function, its BARs decoded and sized, and the command register.

#include <drv/pci_config_space.hpp>

#include <k/result.hpp>

#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace mos::drv {

/// What a base address register decodes. [pci-3.0] 6.2.5.1
enum class PciBarKind : std::uint8_t {
  None,      ///< Unimplemented (reads back 0 after sizing), or the upper half of a 64-bit BAR.
  Io,        ///< I/O space.
  Memory32,  ///< Memory space below 4 GiB.
  Memory64,  ///< Memory space anywhere; it takes this BAR and the next one.
};

/// One decoded and sized BAR.
struct PciBar {
  PciBarKind kind = PciBarKind::None;
  bool prefetchable = false;  ///< Memory BARs: reads have no side effects.
  std::uint64_t base = 0;     ///< Address the firmware assigned (type bits masked off).
  std::uint64_t size = 0;     ///< Bytes decoded; 0 for None.

  /// Whether it decodes memory (32 or 64-bit).
  constexpr bool is_memory() const noexcept {
    return kind == PciBarKind::Memory32 || kind == PciBarKind::Memory64;
  }
};

/// Header types (the low 7 bits of the header-type register). [pci-3.0] 6.1
namespace pci_header {
inline constexpr std::uint8_t kGeneral = 0x00;
inline constexpr std::uint8_t kBridge = 0x01;
inline constexpr std::uint8_t kCardBus = 0x02;
inline constexpr std::uint8_t kMultifunction = 0x80;  ///< Bit 7, meaningful in function 0.
}  // namespace pci_header

/// What enumeration reports for one function.
struct PciFunction {
  PciAddress address;
  std::uint16_t vendor_id = 0xffff;
  std::uint16_t device_id = 0xffff;
  std::uint8_t class_code = 0;
  std::uint8_t subclass = 0;
  std::uint8_t prog_if = 0;
  std::uint8_t revision = 0;
  std::uint8_t header_type = 0;  ///< Bit 7 (multifunction) cleared; see pci_header.
  bool multifunction = false;    ///< Function 0's header type had bit 7 set.
  std::uint8_t interrupt_line = 0xff;  ///< The legacy INTx line firmware routed (0xff: none).
  std::uint8_t interrupt_pin = 0;      ///< 0: no INTx; 1..4: INTA#..INTD#.
  std::uint8_t secondary_bus = 0;      ///< Bridges: the bus behind it.
  std::array<PciBar, 6> bars{};        ///< 6 for general devices, 2 for bridges, else none.
};

/// How many BARs a header type has.
constexpr unsigned pci_bar_count(std::uint8_t header_type) noexcept {
  switch (header_type & 0x7fu) {
    case pci_header::kGeneral: return 6;
    case pci_header::kBridge: return 2;
    default: return 0;
  }
}

/// Receives enumerated functions.
class PciVisitor {
 public:
  /// One present function, fully read (BARs sized).
  virtual void visit(const PciFunction& function) noexcept = 0;

 protected:
  ~PciVisitor() = default;
};

/// Reads one function's identity, interrupt registers and (sizing them) BARs; Error::NoDevice
/// if it is absent (vendor 0xFFFF).
Result<PciFunction> pci_read_function(PciConfigSpace& config, PciAddress address) noexcept;

/// Calls visitor.visit for every present function of every reachable bus, in bus order depth
/// first: bus 0, and behind each PCI-to-PCI bridge its secondary bus (each bus once, so a
/// misconfigured bridge cannot make it loop). Functions 1..7 are probed only where function 0
/// says it is multifunction. BARs are sized (see pci_size_bars), so call it before drivers
/// start the devices. Returns how many functions it visited.
unsigned pci_enumerate(PciConfigSpace& config, PciVisitor& visitor) noexcept;

/// pci_enumerate with any callable taking a `const PciFunction&`.
template <class F>
  requires std::is_invocable_v<F&, const PciFunction&>
unsigned pci_enumerate(PciConfigSpace& config, F&& f) noexcept {
  struct Adapter final : PciVisitor {
    explicit Adapter(F& f) noexcept : f_(f) {}
    void visit(const PciFunction& function) noexcept override { f_(function); }
    F& f_;
  } adapter(f);
  return pci_enumerate(config, static_cast<PciVisitor&>(adapter));
}

/// Decodes and sizes the first `count` BARs: for each, writes all ones and reads back the size
/// mask (both halves of a 64-bit BAR), then restores the original value. I/O and memory decoding
/// are off in the command register meanwhile (so the device does not answer at the transient
/// addresses) and the command register is restored afterwards. [pci-3.0] 6.2.5.1
std::array<PciBar, 6> pci_size_bars(PciConfigSpace& config, PciAddress address,
                                    unsigned count) noexcept;

/// The command register.
std::uint16_t pci_read_command(PciConfigSpace& config, PciAddress address) noexcept;
/// Writes the command register, with zeroes to the status register (whose error bits are
/// write-1-to-clear, so this leaves them as they are).
void pci_set_command(PciConfigSpace& config, PciAddress address, std::uint16_t command) noexcept;
/// Sets `bits` (pci_command::k...) in the command register, e.g. memory space and bus master
/// before a driver starts a DMA device.
void pci_enable(PciConfigSpace& config, PciAddress address, std::uint16_t bits) noexcept;

}  // namespace mos::drv
