#pragma once
/// The ACPI tables the platform needs, read from physical memory: the MADT ("APIC"), which says
/// where the local APIC and the I/O APICs are and how ISA interrupts are wired to them. Every
/// table is untrusted: a bad signature, checksum or length, or an entry running past its table,
/// gives an AcpiError, never a crash or a read outside what was asked for. Plain portable code,
/// tested on the host. [acpi] 5.2.7, 5.2.8, 5.2.12

#include <x86_64/boot_protocols.hpp>

#include <k/address.hpp>
#include <k/boot_info.hpp>
#include <k/error.hpp>
#include <k/fixed_vector.hpp>
#include <k/format.hpp>
#include <k/result.hpp>

#include <cstdint>
#include <string_view>

namespace mos::x86_64 {

/// One I/O APIC: its id, registers, and the first global system interrupt (GSI) it serves.
struct IoApicInfo {
  std::uint8_t id = 0;
  PhysAddr address;
  std::uint32_t gsi_base = 0;
};

/// An ISA interrupt that does not arrive on the GSI of its own number, or not as ISA default
/// (active high, edge triggered).
struct IrqOverride {
  std::uint8_t isa_irq = 0;
  std::uint32_t gsi = 0;
  bool active_low = false;
  bool level_triggered = false;
};

/// What the MADT says.
struct MadtInfo {
  static constexpr std::size_t kMaxIoApics = 8;
  static constexpr std::size_t kMaxOverrides = 24;

  PhysAddr local_apic;           ///< The local APIC's registers (after any 64-bit override).
  bool has_8259 = false;         ///< PC-AT compatible: a legacy PIC is there (to mask).
  std::uint32_t processors = 0;  ///< Enabled (or online-capable) local APICs.
  FixedVector<IoApicInfo, kMaxIoApics> io_apics;
  FixedVector<IrqOverride, kMaxOverrides> overrides;

  /// How ISA IRQ `irq` arrives: its override, or the identity with ISA defaults.
  IrqOverride isa_irq(std::uint8_t irq) const noexcept;
};

/// Why the tables were not usable.
struct AcpiError {
  /// Error::NoEntry when a table is missing, Error::BadMessage for a malformed one,
  /// Error::NoBufferSpace for more entries than MadtInfo holds, or the reader's error.
  Error code = Error::BadMessage;
  std::string_view what;  ///< A static sentence naming the problem.
  std::uint64_t address = 0;  ///< The physical address of the table concerned.
};

/// Finds the MADT through the root table (the XSDT from revision 2 on, else the RSDT) and reads
/// it.
Result<MadtInfo, AcpiError> read_madt(const AcpiRoot& root, PhysicalReader reader) noexcept;

}  // namespace mos::x86_64

namespace mos {

/// Prints e.g. "ACPI table at 0x7fe1234: MADT entry runs past the table (EBADMSG)".
template <>
struct Formatter<x86_64::AcpiError> {
  static void format(OutputSink& sink, const x86_64::AcpiError& e, const FormatSpec&) noexcept {
    format_to(sink, "ACPI table at {:#x}: {} ({})", e.address, e.what, e.code);
  }
};

}  // namespace mos
