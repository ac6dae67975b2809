#pragma once
// Helpers shared by the boot-protocol parser tests: little-endian byte assembly, valid ACPI
// RSDPs, exact-size buffers (so that AddressSanitizer sees any read past the end) and the
// printed form of a BootInfoError.

#include <x86_64/boot_protocols.hpp>

#include "exact_buffer.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mos::test {

using ByteVector = std::vector<std::byte>;

/// Writes `value` as `width` little-endian bytes at `offset`, growing `bytes` if needed.
inline void put_le(ByteVector& bytes, std::size_t offset, std::uint64_t value, std::size_t width) {
  if (bytes.size() < offset + width) bytes.resize(offset + width);
  for (std::size_t i = 0; i < width; ++i) {
    bytes[offset + i] = static_cast<std::byte>(value >> (8 * i));
  }
}
inline void put_u8(ByteVector& b, std::size_t offset, std::uint8_t v) {
  put_le(b, offset, v, 1);
}
inline void put_u16(ByteVector& b, std::size_t offset, std::uint16_t v) {
  put_le(b, offset, v, 2);
}
inline void put_u32(ByteVector& b, std::size_t offset, std::uint32_t v) {
  put_le(b, offset, v, 4);
}
inline void put_u64(ByteVector& b, std::size_t offset, std::uint64_t v) {
  put_le(b, offset, v, 8);
}

/// Appends little-endian fields and text.
inline void append_u32(ByteVector& b, std::uint32_t v) {
  put_u32(b, b.size(), v);
}
inline void append_u64(ByteVector& b, std::uint64_t v) {
  put_u64(b, b.size(), v);
}
inline void append_text(ByteVector& b, std::string_view text) {
  for (char c : text) b.push_back(static_cast<std::byte>(c));
}
/// Appends `text` and its terminating NUL.
inline void append_c_string(ByteVector& b, std::string_view text) {
  append_text(b, text);
  b.push_back(std::byte{0});
}

/// Reads a little-endian u32 (for tests that patch fields in place).
inline std::uint32_t get_u32(const ByteVector& b, std::size_t offset) {
  std::uint32_t v = 0;
  for (std::size_t i = 4; i-- > 0;) v = (v << 8) | std::to_integer<std::uint32_t>(b[offset + i]);
  return v;
}

/// Sets byte `checksum_at` so that bytes [from, to) sum to zero modulo 256.
inline void fix_checksum(ByteVector& b, std::size_t from, std::size_t to, std::size_t checksum_at) {
  b[checksum_at] = std::byte{0};
  std::uint8_t sum = 0;
  for (std::size_t i = from; i < to; ++i)
    sum = static_cast<std::uint8_t>(sum + std::to_integer<std::uint8_t>(b[i]));
  b[checksum_at] = static_cast<std::byte>(static_cast<std::uint8_t>(-sum));
}

/// A valid RSDP: 20 bytes for revision 0 (or 1), `length` bytes (36 by default) for revision 2 or
/// later, with both checksums right. [acpi] 5.2.5.3
inline ByteVector make_rsdp(std::uint8_t revision, std::uint32_t rsdt, std::uint64_t xsdt = 0,
                            std::uint32_t length = 36) {
  ByteVector b;
  append_text(b, "RSD PTR ");
  b.push_back(std::byte{0});  // Checksum.
  append_text(b, "MOSAIC");
  b.push_back(static_cast<std::byte>(revision));
  append_u32(b, rsdt);
  if (revision >= 2) {
    append_u32(b, length);
    append_u64(b, xsdt);
    b.push_back(std::byte{0});  // Extended checksum.
    b.resize(length > 36 ? length : 36, std::byte{0});
    fix_checksum(b, 0, 20, 8);
    fix_checksum(b, 0, b.size(), 32);
  } else {
    fix_checksum(b, 0, 20, 8);
  }
  return b;
}


/// The printed form of an error. No doctest assertion inside: it runs lazily within INFO.
inline std::string describe(const x86_64::BootInfoError& e) {
  char buffer[512];
  std::size_t n = format_to_buffer(buffer, "{}", e);
  return std::string(buffer, n < sizeof buffer ? n : sizeof buffer);
}

/// Why a parse failed, or nothing when it did not: for messages that doctest may evaluate
/// whatever the outcome (with --success), where error() of a value would panic.
template <class T>
std::string why(const Result<T, x86_64::BootInfoError>& result) {
  return result.has_value() ? std::string() : describe(result.error());
}

}  // namespace mos::test
