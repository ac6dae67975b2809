// The floating-point conversions of the printf engine (%e %f %g %a and their capitals).
//
// %e/%f/%g follow musl's fmt_fp: the binary value m * 2^e2 is expanded exactly into base-10^9
// limbs (a double needs at most 1074 fractional decimal digits, so the whole expansion fits in a
// small array), then rounded at the requested digit to nearest, ties to even, deciding the tie in
// integers (musl probes the FPU's rounding instead). Because nothing is truncated, the tie test
// is exact and the output matches glibc's digit for digit. %a follows glibc's layout: a leading
// 1 for normal numbers, 0 and exponent -1022 for subnormals, hex digits rounded to even.

#include "format_writer.hpp"

#include <bit>
#include <climits>
#include <cstdint>

namespace mos::posix::libc::detail {
namespace {

constexpr std::uint32_t kLimbBase = 1000000000;
// Enough limbs for 2^1024 (35 limbs) above the point or 2^-1074 (120 limbs) below it, plus the
// integer limbs of the mantissa and one carry limb.
constexpr int kLimbs = 140;
// Larger than any decimal exponent; lets the rounding position be computed without dividing
// negative numbers.
constexpr int kExpBias = 1024;

// Writes the decimal digits of `x` so that they end just before `end`; returns the first digit.
char* format_unsigned(std::uint64_t x, char* end) {
  for (; x != 0; x /= 10) *--end = static_cast<char>('0' + x % 10);
  return end;
}

// The characters in [first, end) as a length.
std::size_t span_length(const char* first, const char* end) {
  return static_cast<std::size_t>(end - first);
}

void zeros(FormatWriter& out, long n) {
  if (n > 0) out.repeat('0', static_cast<std::size_t>(n));
}

bool format_hex(FormatWriter& out, std::uint64_t bits, std::size_t width, int precision,
                unsigned flags, char conversion, const char* prefix, std::size_t prefix_length) {
  const bool lower = (conversion & 32) != 0;
  const char* digit_chars = lower ? "0123456789abcdef" : "0123456789ABCDEF";
  const int exponent_field = static_cast<int>((bits >> 52) & 0x7ff);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  int leading = exponent_field == 0 ? 0 : 1;
  int exponent = exponent_field == 0 ? (fraction != 0 ? -1022 : 0) : exponent_field - 1023;
  int digits[13];
  for (int k = 0; k < 13; ++k) digits[k] = static_cast<int>((fraction >> (48 - 4 * k)) & 0xf);
  int stored = 13;
  if (precision < 0) {
    while (stored > 0 && digits[stored - 1] == 0) --stored;
    precision = stored;
  } else if (precision < 13) {
    const int last = precision > 0 ? digits[precision - 1] : leading;
    const int next = digits[precision];
    bool more = (next & 7) != 0;
    for (int k = precision + 1; k < 13; ++k) more = more || digits[k] != 0;
    if (next >= 8 && ((last & 1) != 0 || more)) {
      int k = precision - 1;
      for (; k >= 0; --k) {
        if (digits[k] < 15) {
          ++digits[k];
          break;
        }
        digits[k] = 0;
      }
      if (k < 0) ++leading;
    }
    stored = precision;
  }

  char exponent_buffer[16];
  char* exponent_end = exponent_buffer + sizeof(exponent_buffer);
  char* exponent_text = format_unsigned(
      static_cast<std::uint64_t>(exponent < 0 ? -exponent : exponent), exponent_end);
  if (exponent_text == exponent_end) *--exponent_text = '0';
  *--exponent_text = exponent < 0 ? '-' : '+';
  *--exponent_text = lower ? 'p' : 'P';

  const bool point = precision > 0 || (flags & kAlternate) != 0;
  const long length = 3 + (point ? 1 : 0) + static_cast<long>(precision) +
                      static_cast<long>(span_length(exponent_text, exponent_end));
  if (length + static_cast<long>(prefix_length) > INT_MAX) return false;
  const std::size_t total = prefix_length + static_cast<std::size_t>(length);
  out.pad(' ', width, total, flags);
  out.put(prefix, prefix_length);
  out.put(lower ? "0x" : "0X", 2);
  out.pad('0', width, total, flags ^ kZeroPad);
  char head[2] = {digit_chars[leading], '.'};
  out.put(head, point ? 2 : 1);
  for (int k = 0; k < stored; ++k) out.put(&digit_chars[digits[k]], 1);
  zeros(out, precision - stored);
  out.put(exponent_text, span_length(exponent_text, exponent_end));
  out.pad(' ', width, total, flags ^ kLeftAdjust);
  return true;
}

}  // namespace

bool format_double(FormatWriter& out, double value, std::size_t width, int p, unsigned flags,
                   char t) noexcept {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(value);
  const char* prefix = "-0X+0X 0X-0x+0x 0x";
  std::size_t pl = 1;
  if ((bits >> 63) != 0) {
  } else if ((flags & kMarkPositive) != 0) {
    prefix += 3;
  } else if ((flags & kPadPositive) != 0) {
    prefix += 6;
  } else {
    ++prefix;
    pl = 0;
  }

  const int exponent_field = static_cast<int>((bits >> 52) & 0x7ff);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  if (exponent_field == 0x7ff) {
    const char* text = fraction != 0 ? ((t & 32) ? "nan" : "NAN") : ((t & 32) ? "inf" : "INF");
    out.pad(' ', width, 3 + pl, flags & ~kZeroPad);
    out.put(prefix, pl);
    out.put(text, 3);
    out.pad(' ', width, 3 + pl, flags ^ kLeftAdjust);
    return true;
  }
  if ((t | 32) == 'a') return format_hex(out, bits, width, p, flags, t, prefix, pl);
  if (p < 0) p = 6;

  // value = m * 2^e2 with m an integer below 2^53.
  std::uint64_t m = exponent_field == 0 ? fraction : fraction | (std::uint64_t{1} << 52);
  int e2 = exponent_field == 0 ? -1074 : exponent_field - 1075;
  if (m == 0) e2 = 0;
  while (m != 0 && (m & 1) == 0 && e2 < 0) {
    m >>= 1;
    ++e2;
  }

  std::uint32_t big[kLimbs];
  // r is the limb holding the units; limbs before it are the integer part, limbs after it the
  // fraction. A negative exponent only grows the fraction, a positive one only the integer part;
  // two limbs before r stay free for the mantissa's high limb and a rounding carry.
  std::uint32_t* r = e2 < 0 ? big + 2 : big + kLimbs - 1;
  std::uint32_t* a = r;
  std::uint32_t* z = r + 1;
  std::uint32_t* d;
  *r = static_cast<std::uint32_t>(m % kLimbBase);
  if (m >= kLimbBase) *--a = static_cast<std::uint32_t>(m / kLimbBase);
  while (z > a + 1 && z[-1] == 0) --z;

  while (e2 > 0) {
    std::uint32_t carry = 0;
    const int sh = e2 < 29 ? e2 : 29;
    for (d = z - 1; d >= a; --d) {
      const std::uint64_t x = (static_cast<std::uint64_t>(*d) << sh) + carry;
      *d = static_cast<std::uint32_t>(x % kLimbBase);
      carry = static_cast<std::uint32_t>(x / kLimbBase);
    }
    if (carry != 0) *--a = carry;
    while (z > a && z[-1] == 0) --z;
    e2 -= sh;
  }
  while (e2 < 0) {
    std::uint32_t carry = 0;
    const int sh = -e2 < 9 ? -e2 : 9;
    for (d = a; d < z; ++d) {
      const std::uint32_t rm = *d & ((1u << sh) - 1);
      *d = (*d >> sh) + carry;
      carry = (kLimbBase >> sh) * rm;
    }
    if (*a == 0) ++a;
    if (carry != 0) *z++ = carry;
    e2 += sh;
  }

  int e = 0;
  std::uint32_t i;
  if (a < z) {
    e = static_cast<int>(9 * (r - a));
    for (i = 10; *a >= i; i *= 10) ++e;
  }

  const int e_before_rounding = e;
  // Rounding: j is the number of digits kept after the point (possibly negative).
  const bool f_style = (t | 32) == 'f';
  int j = p - (f_style ? 0 : e) - (((t | 32) == 'g' && p != 0) ? 1 : 0);
  if (j < 9 * (z - r - 1)) {
    d = r + 1 + ((j + 9 * kExpBias) / 9 - kExpBias);
    j += 9 * kExpBias;
    j %= 9;
    for (i = 10, ++j; j < 9; i *= 10, ++j) {
    }
    const std::uint32_t x = *d % i;
    if (x != 0 || d + 1 != z) {
      const bool odd = ((*d / i) & 1) != 0 || (i == kLimbBase && d > a && (d[-1] & 1) != 0);
      const bool more = d + 1 != z;
      const bool up = x > i / 2 || (x == i / 2 && (more || odd));
      *d -= x;
      if (up) {
        *d += i;
        while (*d > kLimbBase - 1) {
          *d-- = 0;
          if (d < a) *--a = 0;
          ++*d;
        }
        for (i = 10, e = static_cast<int>(9 * (r - a)); *a >= i; i *= 10) ++e;
      }
    }
    if (z > d + 1) z = d + 1;
  }
  while (z > a && z[-1] == 0) --z;

  if ((t | 32) == 'g') {
    if (p == 0) ++p;
    if (p > e && e >= -4) {
      --t;
      p -= e + 1;
    } else {
      t = static_cast<char>(t - 2);
      // glibc quirk, kept for identical output: when rounding carries a number that %g would
      // print in f style into e style (999999.5 -> 1e+06), glibc keeps the f style's fraction
      // digits, none, even with '#' ("1.e+06", not "1.00000e+06").
      p = (p > e_before_rounding && e_before_rounding >= -4) ? 0 : p - 1;
    }
    if ((flags & kAlternate) == 0) {
      // Drop trailing zeros: count those in the last limb.
      int trailing = 9;
      if (z > a && z[-1] != 0) {
        trailing = 0;
        for (i = 10; z[-1] % i == 0; i *= 10) ++trailing;
      }
      const long available =
          9 * static_cast<long>(z - r - 1) - trailing + ((t | 32) == 'f' ? 0 : e);
      const long limit = available > 0 ? available : 0;
      if (p > limit) p = static_cast<int>(limit);
    }
  }

  const bool point = p != 0 || (flags & kAlternate) != 0;
  long l = 1 + static_cast<long>(p) + (point ? 1 : 0);
  char exponent_buffer[3 * sizeof(int) + 3];
  char* exponent_end = exponent_buffer + sizeof(exponent_buffer);
  char* exponent_text = exponent_end;
  if ((t | 32) == 'f') {
    if (e > 0) l += e;
  } else {
    exponent_text = format_unsigned(static_cast<std::uint64_t>(e < 0 ? -e : e), exponent_end);
    while (exponent_end - exponent_text < 2) *--exponent_text = '0';
    *--exponent_text = e < 0 ? '-' : '+';
    *--exponent_text = t;
    l += exponent_end - exponent_text;
  }
  if (l + static_cast<long>(pl) > INT_MAX) return false;
  const std::size_t total = pl + static_cast<std::size_t>(l);

  out.pad(' ', width, total, flags);
  out.put(prefix, pl);
  out.pad('0', width, total, flags ^ kZeroPad);

  char buf[9];
  char* const buf_end = buf + 9;
  if ((t | 32) == 'f') {
    if (a > r) a = r;
    for (d = a; d <= r; ++d) {
      char* s = format_unsigned(*d, buf_end);
      if (d != a) {
        while (s > buf) *--s = '0';
      } else if (s == buf_end) {
        *--s = '0';
      }
      out.put(s, span_length(s, buf_end));
    }
    if (point) out.put(".", 1);
    for (; d < z && p > 0; ++d, p -= 9) {
      char* s = format_unsigned(*d, buf_end);
      while (s > buf) *--s = '0';
      out.put(s, p < 9 ? static_cast<std::size_t>(p) : 9);
    }
    zeros(out, p);
  } else {
    if (z <= a) z = a + 1;
    for (d = a; d < z && p >= 0; ++d) {
      char* s = format_unsigned(*d, buf_end);
      if (s == buf_end) *--s = '0';
      if (d != a) {
        while (s > buf) *--s = '0';
      } else {
        out.put(s++, 1);
        if (p > 0 || (flags & kAlternate) != 0) out.put(".", 1);
      }
      const long left = buf_end - s;
      out.put(s, static_cast<std::size_t>(left < p ? left : p));
      p -= static_cast<int>(left);
    }
    zeros(out, p);
    out.put(exponent_text, span_length(exponent_text, exponent_end));
  }
  out.pad(' ', width, total, flags ^ kLeftAdjust);
  return true;
}

}  // namespace mos::posix::libc::detail
