#pragma once
// A decimal number of up to 800 significant digits that can be multiplied and divided by powers
// of two exactly (digits beyond the capacity only set `truncated`, which is enough to round
// correctly). strtod's slow path: the algorithm of Go's strconv (decimal.go, atof.go), which
// rounds correctly for every input.

#include <cstdint>

namespace mos::posix::libc {

/// The binary floating-point format a BigDecimal is rounded to.
struct FloatFormat {
  int mantissa_bits;  // stored bits, without the implicit one
  int exponent_bits;
  int bias;  // e.g. -1023 for double
};

/// Decimal digits d[0..count) with the decimal point before d[point].
struct BigDecimal {
  static constexpr int kCapacity = 800;
  std::uint8_t digits[kCapacity];
  int count = 0;
  int point = 0;
  bool truncated = false;  // nonzero digits were dropped after digits[count-1]

  /// Appends one digit of the input (dropping it, and noting so, once full).
  void append(int digit) noexcept;
  /// Multiplies by 2^k (k > 0) or divides by 2^-k (k < 0).
  void shift(int k) noexcept;
  /// The value rounded to an integer (half to even), saturating above 2^64.
  std::uint64_t rounded_integer() const noexcept;
  /// The bits of the nearest value of `format` (sign excluded); `overflow` when infinite.
  std::uint64_t float_bits(const FloatFormat& format, bool& overflow) noexcept;

 private:
  void left_shift(unsigned k) noexcept;
  void right_shift(unsigned k) noexcept;
  void trim() noexcept;
};

}  // namespace mos::posix::libc
