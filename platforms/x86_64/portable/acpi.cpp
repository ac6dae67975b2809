// Reading the MADT through the RSDT or XSDT. [acpi] 5.2.7 (RSDT), 5.2.8 (XSDT), 5.2.12 (MADT)
#include <x86_64/acpi.hpp>

#include "boot_parsing.hpp"

namespace mos::x86_64 {
namespace {

constexpr std::size_t kHeaderSize = 36;  // The common system description table header.
// No real table comes near this; a larger length is corruption (and must not become a huge read).
constexpr std::uint32_t kMaxTableSize = 1024 * 1024;

// MADT entry types.
constexpr std::uint8_t kLocalApic = 0;
constexpr std::uint8_t kIoApic = 1;
constexpr std::uint8_t kSourceOverride = 2;
constexpr std::uint8_t kLocalApicAddressOverride = 5;
constexpr std::uint8_t kLocalX2Apic = 9;

AcpiError error(Error code, std::string_view what, std::uint64_t address) noexcept {
  return AcpiError{code, what, address};
}

bool signature_is(std::span<const std::byte> header, std::string_view signature) noexcept {
  for (std::size_t i = 0; i < 4; ++i) {
    if (header[i] != static_cast<std::byte>(signature[i])) return false;
  }
  return true;
}

// Reads the whole table at `address`: its header first, for the length, then all of it, with
// the checksum checked.
Result<std::span<const std::byte>, AcpiError> read_table(PhysAddr address,
                                                         PhysicalReader reader) noexcept {
  auto header = reader.read(address, kHeaderSize);
  if (!header) return error(header.error(), "table header not readable", address.value());
  const std::uint32_t length = detail::load_u32(*header, 4);
  if (length < kHeaderSize) return error(Error::BadMessage, "table shorter than its header",
                                         address.value());
  if (length > kMaxTableSize) return error(Error::BadMessage, "table length implausibly large",
                                           address.value());
  auto table = reader.read(address, length);
  if (!table) return error(table.error(), "table not readable", address.value());
  std::uint8_t sum = 0;
  for (std::byte b : *table) sum = static_cast<std::uint8_t>(sum + std::to_integer<std::uint8_t>(b));
  if (sum != 0) return error(Error::BadMessage, "table checksum does not sum to zero",
                             address.value());
  return *table;
}

Result<MadtInfo, AcpiError> parse_madt(std::span<const std::byte> table, PhysAddr at) noexcept {
  if (table.size() < kHeaderSize + 8) {
    return error(Error::BadMessage, "MADT shorter than its fixed fields", at.value());
  }
  MadtInfo info;
  info.local_apic = PhysAddr(detail::load_u32(table, 36));
  info.has_8259 = (detail::load_u32(table, 40) & 1) != 0;
  for (std::size_t offset = kHeaderSize + 8; offset < table.size();) {
    if (table.size() - offset < 2) {
      return error(Error::BadMessage, "MADT entry header runs past the table", at.value());
    }
    const std::uint8_t type = detail::load_u8(table, offset);
    const std::uint8_t length = detail::load_u8(table, offset + 1);
    if (length < 2 || length > table.size() - offset) {
      return error(Error::BadMessage, "MADT entry runs past the table (or has length < 2)",
                   at.value());
    }
    const auto entry = table.subspan(offset, length);
    switch (type) {
      case kLocalApic:
      case kLocalX2Apic: {
        const std::size_t flags_at = type == kLocalApic ? 4 : 8;
        if (length < flags_at + 4) return error(Error::BadMessage, "short local APIC entry",
                                                at.value());
        // Enabled, or online capable (ACPI 6.3): a processor that can run.
        if ((detail::load_u32(entry, flags_at) & 3) != 0) ++info.processors;
        break;
      }
      case kIoApic: {
        if (length < 12) return error(Error::BadMessage, "short I/O APIC entry", at.value());
        IoApicInfo io{detail::load_u8(entry, 2), PhysAddr(detail::load_u32(entry, 4)),
                      detail::load_u32(entry, 8)};
        if (!info.io_apics.push_back(io)) {
          return error(Error::NoBufferSpace, "more I/O APICs than supported", at.value());
        }
        break;
      }
      case kSourceOverride: {
        if (length < 10) {
          return error(Error::BadMessage, "short interrupt source override", at.value());
        }
        const std::uint16_t flags = static_cast<std::uint16_t>(detail::load_le(entry, 8, 2));
        // Polarity bits 0-1 (3: active low), trigger bits 2-3 (3: level); 0 means "as the bus".
        IrqOverride o{detail::load_u8(entry, 3), detail::load_u32(entry, 4), (flags & 3) == 3,
                      ((flags >> 2) & 3) == 3};
        if (detail::load_u8(entry, 2) != 0) break;  // Only the ISA bus (0) is defined.
        if (!info.overrides.push_back(o)) {
          return error(Error::NoBufferSpace, "more interrupt overrides than supported",
                       at.value());
        }
        break;
      }
      case kLocalApicAddressOverride:
        if (length < 12) {
          return error(Error::BadMessage, "short local APIC address override", at.value());
        }
        info.local_apic = PhysAddr(detail::load_u64(entry, 4));
        break;
      default:
        break;  // NMI sources, x2APIC NMI, GIC entries: nothing this platform uses.
    }
    offset += length;
  }
  if (!info.local_apic.is_aligned(4096)) {
    return error(Error::BadMessage, "local APIC address not page aligned", at.value());
  }
  return info;
}

}  // namespace

IrqOverride MadtInfo::isa_irq(std::uint8_t irq) const noexcept {
  for (const IrqOverride& o : overrides) {
    if (o.isa_irq == irq) return o;
  }
  return IrqOverride{irq, irq, false, false};
}

Result<MadtInfo, AcpiError> read_madt(const AcpiRoot& root, PhysicalReader reader) noexcept {
  const bool extended = root.revision >= 2 && root.xsdt_address != 0;
  const PhysAddr root_address(extended ? root.xsdt_address : root.rsdt_address);
  if (root_address.value() == 0) return error(Error::NoEntry, "no RSDT or XSDT address", 0);
  auto root_table = read_table(root_address, reader);
  if (!root_table) return root_table.error();
  if (!signature_is(*root_table, extended ? "XSDT" : "RSDT")) {
    return error(Error::BadMessage, extended ? "root table signature is not XSDT"
                                             : "root table signature is not RSDT",
                 root_address.value());
  }
  const std::size_t entry_size = extended ? 8 : 4;
  const std::size_t entries = (root_table->size() - kHeaderSize) / entry_size;
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t at = kHeaderSize + i * entry_size;
    const PhysAddr table_address(extended ? detail::load_u64(*root_table, at)
                                          : detail::load_u32(*root_table, at));
    auto header = reader.read(table_address, kHeaderSize);
    if (!header || !signature_is(*header, "APIC")) continue;  // Not the MADT (or unreadable).
    auto madt = read_table(table_address, reader);
    if (!madt) return madt.error();
    return parse_madt(*madt, table_address);
  }
  return error(Error::NoEntry, "no MADT among the root table's entries", root_address.value());
}

}  // namespace mos::x86_64
