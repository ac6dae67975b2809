// The RSDP checks shared by the Multiboot2 and PVH parsers. [acpi] 5.2.5.3

#include "boot_parsing.hpp"

namespace mos::x86_64::detail {
namespace {

// The low byte of the sum of `bytes`; zero for a valid ACPI checksum.
std::uint8_t byte_sum(std::span<const std::byte> bytes) noexcept {
  std::uint8_t sum = 0;
  for (std::byte b : bytes) sum = static_cast<std::uint8_t>(sum + std::to_integer<std::uint8_t>(b));
  return sum;
}

}  // namespace

Result<void, std::string_view> check_rsdp_v1(std::span<const std::byte> bytes,
                                             AcpiRoot& root) noexcept {
  MOS_ASSERT(bytes.size() >= kRsdpV1Size);
  constexpr std::string_view kSignature = "RSD PTR ";
  for (std::size_t i = 0; i < kSignature.size(); ++i) {
    if (bytes[i] != static_cast<std::byte>(kSignature[i])) {
      return std::string_view("RSDP signature is not \"RSD PTR \"");
    }
  }
  if (byte_sum(bytes.first(kRsdpV1Size)) != 0) {
    return std::string_view("RSDP checksum over its first 20 bytes does not sum to zero");
  }
  root.revision = load_u8(bytes, 15);
  root.rsdt_address = load_u32(bytes, 16);
  return {};
}

Result<void, std::string_view> check_rsdp_v2(std::span<const std::byte> bytes,
                                             AcpiRoot& root) noexcept {
  MOS_ASSERT(bytes.size() >= kRsdpV2Size);
  if (byte_sum(bytes) != 0) {
    return std::string_view("RSDP extended checksum over its length does not sum to zero");
  }
  root.xsdt_address = load_u64(bytes, 24);
  return {};
}

}  // namespace mos::x86_64::detail
