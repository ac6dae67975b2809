#pragma once
// Byte-string helpers for the crypto tests: test vectors are written as the RFCs print them.

#include <cstddef>
#include <string_view>
#include <vector>

namespace mos::test {

/// The bytes of a hex dump; anything that is not a hex digit (spaces, colons) separates nothing
/// and is skipped, so RFC dumps paste as they are once their offsets and ASCII columns are cut.
inline std::vector<std::byte> hex(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::byte> out;
  int high = -1;
  for (char c : text) {
    int d = digit(c);
    if (d < 0) continue;
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<std::byte>(high << 4 | d));
      high = -1;
    }
  }
  return out;
}

/// The bytes of a string, without its terminator.
inline std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

}  // namespace mos::test
