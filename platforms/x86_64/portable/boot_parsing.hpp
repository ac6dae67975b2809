#pragma once
// What the Multiboot2 and PVH parsers share: little-endian field loads from untrusted bytes, the
// E820 memory types both protocols use, and the ACPI RSDP checks.

#include <k/boot_info.hpp>
#include <k/panic.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mos::x86_64::detail {

/// Loads a `width`-byte little-endian field at `offset`. Byte by byte, because loader structures
/// need not be aligned for the host; callers have checked the bounds already.
inline std::uint64_t load_le(std::span<const std::byte> bytes, std::size_t offset,
                             std::size_t width) noexcept {
  MOS_ASSERT(offset <= bytes.size() && width <= bytes.size() - offset && width <= 8);
  std::uint64_t value = 0;
  for (std::size_t i = width; i-- > 0;) {
    value = (value << 8) | std::to_integer<std::uint64_t>(bytes[offset + i]);
  }
  return value;
}

/// A byte field.
inline std::uint8_t load_u8(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  return static_cast<std::uint8_t>(load_le(bytes, offset, 1));
}
/// A 32-bit little-endian field.
inline std::uint32_t load_u32(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  return static_cast<std::uint32_t>(load_le(bytes, offset, 4));
}
/// A 64-bit little-endian field.
inline std::uint64_t load_u64(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  return load_le(bytes, offset, 8);
}

/// Whether [base, base + length) wraps past 2^64 (its end would not be representable).
constexpr bool range_wraps(std::uint64_t base, std::uint64_t length) noexcept {
  return length > ~std::uint64_t{0} - base;
}

/// The kind of an E820-numbered memory type, which Multiboot2's memory map shares: 1 usable,
/// 3 ACPI reclaimable, 4 ACPI NVS, 5 defective, anything else reserved. [acpi] 15.1
constexpr MemoryRegion::Kind region_kind(std::uint32_t type) noexcept {
  switch (type) {
    case 1:
      return MemoryRegion::Kind::Usable;
    case 3:
      return MemoryRegion::Kind::AcpiReclaimable;
    case 4:
      return MemoryRegion::Kind::AcpiNvs;
    case 5:
      return MemoryRegion::Kind::Defective;
    default:
      return MemoryRegion::Kind::Reserved;
  }
}

/// Size of an ACPI 1.0 RSDP, which its checksum covers. [acpi] 5.2.5.3
inline constexpr std::size_t kRsdpV1Size = 20;
/// Size of an ACPI 2.0 RSDP, the smallest valid value of its length field.
inline constexpr std::size_t kRsdpV2Size = 36;

/// Checks the ACPI 1.0 part of an RSDP (signature, checksum over the first 20 bytes of
/// `bytes`, which holds at least that many) and fills root.revision and root.rsdt_address. The
/// error is a static sentence naming the problem.
Result<void, std::string_view> check_rsdp_v1(std::span<const std::byte> bytes,
                                             AcpiRoot& root) noexcept;

/// The length field of an ACPI 2.0 RSDP; `bytes` holds at least kRsdpV2Size bytes.
inline std::uint32_t rsdp_length(std::span<const std::byte> bytes) noexcept {
  return load_u32(bytes, 20);
}

/// Checks the extended checksum of an ACPI 2.0 RSDP over all of `bytes` (exactly its length
/// field, at least kRsdpV2Size) and fills root.xsdt_address.
Result<void, std::string_view> check_rsdp_v2(std::span<const std::byte> bytes,
                                             AcpiRoot& root) noexcept;

}  // namespace mos::x86_64::detail
