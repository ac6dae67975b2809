// strtod and strtof: parsing, an exact fast path (Clinger's: few digits, small exponent), the
// BigDecimal slow path for everything else, and binary rounding for hexadecimal input.
#include "big_decimal.hpp"

#include <posix/libc/convert.hpp>
#include <posix/libc/ctype.hpp>

#include <k/error.hpp>

#include <bit>
#include <cstdint>
#include <limits>

namespace mos::posix::libc {

namespace {

constexpr FloatFormat kDoubleFormat{52, 11, -1023};
constexpr FloatFormat kFloatFormat{23, 8, -127};

// What the parser found, before rounding to a format.
enum class Kind { Nothing, Decimal, Hex, Infinity, NaN };

struct Number {
  Kind kind = Kind::Nothing;
  bool negative = false;
  // Decimal: the digits (leading zeros dropped) and, when there are at most 19 of them, the
  // same value as small_mantissa * 10^decimal_exponent.
  BigDecimal decimal;
  bool small = false;
  std::uint64_t small_mantissa = 0;
  int decimal_exponent = 0;
  // Hex: value = hex_mantissa * 2^binary_exponent, plus a sticky bit below.
  std::uint64_t hex_mantissa = 0;
  long binary_exponent = 0;
  bool hex_sticky = false;
};

bool match_word(const char*& s, const char* word) noexcept {
  const char* p = s;
  for (; *word != '\0'; ++word, ++p) {
    if (to_lower(static_cast<unsigned char>(*p)) != *word) return false;
  }
  s = p;
  return true;
}

// An exponent's digits after 'e' or 'p': applied only if at least one digit follows the sign.
bool parse_exponent(const char*& s, long& exponent) noexcept {
  const char* p = s + 1;
  bool negative = false;
  if (*p == '+' || *p == '-') negative = *p++ == '-';
  if (!is_digit(static_cast<unsigned char>(*p))) return false;
  long value = 0;
  for (; is_digit(static_cast<unsigned char>(*p)); ++p) {
    if (value < 100000000) value = value * 10 + (*p - '0');  // saturate: beyond is 0 or inf
  }
  exponent = negative ? -value : value;
  s = p;
  return true;
}

int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  return to_lower(static_cast<unsigned char>(c)) - 'a' + 10;
}

void parse_hex(const char*& s, Number& n) noexcept {
  bool seen_point = false;
  long exponent = 0;
  for (;; ++s) {
    if (*s == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (!is_xdigit(static_cast<unsigned char>(*s))) break;
    int d = hex_value(*s);
    if (n.hex_mantissa >> 60 == 0) {
      n.hex_mantissa = n.hex_mantissa << 4 | static_cast<unsigned>(d);
      if (seen_point) exponent -= 4;
    } else {
      if (d != 0) n.hex_sticky = true;
      if (!seen_point) exponent += 4;
    }
  }
  long e = 0;
  if ((*s == 'p' || *s == 'P') && parse_exponent(s, e)) exponent += e;
  n.binary_exponent = exponent;
  n.kind = Kind::Hex;
}

void parse_decimal(const char*& s, Number& n) noexcept {
  bool seen_point = false;
  int point = 0;  // digits before the decimal point, leading zeros excluded
  for (;; ++s) {
    if (*s == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (!is_digit(static_cast<unsigned char>(*s))) break;
    int d = *s - '0';
    if (n.decimal.count == 0 && !n.decimal.truncated && d == 0) {
      if (seen_point) --point;  // a leading zero after the point moves the point left
      continue;
    }
    if (!seen_point) ++point;
    n.decimal.append(d);
  }
  long e = 0;
  if ((*s == 'e' || *s == 'E') && parse_exponent(s, e)) {
    // Saturate far outside the range of any format.
    long p = point + e;
    point = p > 100000 ? 100000 : (p < -100000 ? -100000 : static_cast<int>(p));
  }
  n.decimal.point = point;
  constexpr int kSmallDigits = 19;  // any 19-digit number fits in 64 bits
  n.small = n.decimal.count <= kSmallDigits && !n.decimal.truncated;
  if (n.small) {
    for (int i = 0; i < n.decimal.count; ++i)
      n.small_mantissa = n.small_mantissa * 10 + n.decimal.digits[i];
    n.decimal_exponent = point - n.decimal.count;
  }
  n.kind = Kind::Decimal;
}

// Decides the syntax and leaves `s` after the longest valid prefix.
Number parse(const char*& s) noexcept {
  Number n;
  const char* p = s;
  while (is_space(static_cast<unsigned char>(*p))) ++p;
  if (*p == '+' || *p == '-') n.negative = *p++ == '-';
  if (match_word(p, "inf")) {
    match_word(p, "inity");
    n.kind = Kind::Infinity;
  } else if (match_word(p, "nan")) {
    n.kind = Kind::NaN;
    if (*p == '(') {
      const char* q = p + 1;
      while (is_alnum(static_cast<unsigned char>(*q)) || *q == '_') ++q;
      if (*q == ')') p = q + 1;
    }
  } else if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
             (is_xdigit(static_cast<unsigned char>(p[2])) ||
              (p[2] == '.' && is_xdigit(static_cast<unsigned char>(p[3]))))) {
    p += 2;
    parse_hex(p, n);
  } else if (is_digit(static_cast<unsigned char>(p[0])) ||
             (p[0] == '.' && is_digit(static_cast<unsigned char>(p[1])))) {
    parse_decimal(p, n);
  } else {
    return n;  // nothing: s stays at the start
  }
  s = p;
  return n;
}

// mantissa * 2^exponent (plus `sticky` below the lowest bit), rounded to `f`, sign excluded.
std::uint64_t round_binary(std::uint64_t mantissa, long exponent, bool sticky, const FloatFormat& f,
                           bool& overflow) noexcept {
  overflow = false;
  if (mantissa == 0) return 0;
  const int max_biased = (1 << f.exponent_bits) - 1;
  const long min_exponent = f.bias + 1;  // of the leading bit of a normal number
  int top = 63 - std::countl_zero(mantissa);
  long lead = top + exponent;  // exponent of the leading bit
  long drop = top - f.mantissa_bits;
  if (lead < min_exponent) drop += min_exponent - lead;
  if (drop > 0) {
    bool lower_sticky = sticky;
    std::uint64_t half;
    if (drop > 64) {
      lower_sticky = true;
      half = 0;
      mantissa = 0;
    } else {
      std::uint64_t dropped = drop == 64 ? mantissa : mantissa & ((std::uint64_t{1} << drop) - 1);
      half = (dropped >> (drop - 1)) & 1;
      if ((dropped & ((std::uint64_t{1} << (drop - 1)) - 1)) != 0) lower_sticky = true;
      mantissa = drop == 64 ? 0 : mantissa >> drop;
    }
    exponent += drop;
    if (half != 0 && (lower_sticky || (mantissa & 1) != 0)) ++mantissa;
    if (mantissa >> (f.mantissa_bits + 1) != 0) {
      mantissa >>= 1;
      ++exponent;
    }
  } else {
    mantissa <<= -drop;
    exponent += drop;
  }
  // Now mantissa < 2^(mantissa_bits+1); a normal number has its top bit set.
  long biased = 0;
  if ((mantissa >> f.mantissa_bits) != 0) biased = exponent + f.mantissa_bits - f.bias;
  if (biased >= max_biased) {
    overflow = true;
    return static_cast<std::uint64_t>(max_biased) << f.mantissa_bits;
  }
  return (mantissa & ((std::uint64_t{1} << f.mantissa_bits) - 1)) |
         static_cast<std::uint64_t>(biased) << f.mantissa_bits;
}

constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Bits of the magnitude in format F (double or float), and range errors.
template <class F, class Bits>
F convert(const char* s, char** end, int* error, const FloatFormat& format) noexcept {
  const char* p = s;
  Number n = parse(p);
  if (end != nullptr) *end = const_cast<char*>(p);
  F sign = n.negative ? F(-1) : F(1);
  bool overflow = false;
  Bits bits = 0;
  switch (n.kind) {
    case Kind::Nothing:
      return 0;
    case Kind::Infinity:
      return sign * std::numeric_limits<F>::infinity();
    case Kind::NaN:
      return n.negative ? -std::numeric_limits<F>::quiet_NaN()
                        : std::numeric_limits<F>::quiet_NaN();
    case Kind::Hex:
      if (n.hex_mantissa == 0) return sign * F(0);
      bits = static_cast<Bits>(
          round_binary(n.hex_mantissa, n.binary_exponent, n.hex_sticky, format, overflow));
      break;
    case Kind::Decimal: {
      if (n.decimal.count == 0) return sign * F(0);
      // Clinger's fast path: mantissa and 10^|e| both exact in F, so one rounding.
      constexpr int kExactDigits = std::numeric_limits<F>::digits;
      constexpr int kExactPower = sizeof(F) == 8 ? 22 : 10;
      if (n.small && n.small_mantissa < (std::uint64_t{1} << kExactDigits) &&
          n.decimal_exponent >= -kExactPower && n.decimal_exponent <= kExactPower) {
        F value = static_cast<F>(n.small_mantissa);
        F scale = static_cast<F>(
            kPowersOfTen[n.decimal_exponent < 0 ? -n.decimal_exponent : n.decimal_exponent]);
        value = n.decimal_exponent < 0 ? value / scale : value * scale;
        return sign * value;
      }
      bits = static_cast<Bits>(n.decimal.float_bits(format, overflow));
      break;
    }
  }
  F value = std::bit_cast<F>(bits);
  if (error != nullptr && (overflow || value < std::numeric_limits<F>::min())) {
    *error = errno_value(Error::OutOfRange);
  }
  return sign * value;
}

}  // namespace

double strtod(const char* s, char** end, int* error) noexcept {
  return convert<double, std::uint64_t>(s, end, error, kDoubleFormat);
}

float strtof(const char* s, char** end, int* error) noexcept {
  return convert<float, std::uint32_t>(s, end, error, kFloatFormat);
}

double atof(const char* s) noexcept {
  return strtod(s, nullptr);
}

}  // namespace mos::posix::libc
