// BigDecimal: shifts by powers of two on decimal digits, after Go's strconv/decimal.go.
#include "big_decimal.hpp"

namespace mos::posix::libc {

namespace {

// Shifting by more than 60 bits at once could overflow the 64-bit accumulator.
constexpr int kMaxShift = 60;

// The decimal digits of 5^k (k <= 60) into out; returns how many. 10^k = 2^k * 5^k, so
// multiplying by 2^k adds k + 1 - len(5^k) digits, one fewer when the number's leading digits
// are below those of 5^k.
int five_power_digits(unsigned k, std::uint8_t* out) noexcept {
  // Little-endian digits, multiplied by 5 k times; 5^60 has 42 digits.
  std::uint8_t little[48] = {1};
  int len = 1;
  for (unsigned i = 0; i < k; ++i) {
    int carry = 0;
    for (int j = 0; j < len; ++j) {
      int v = little[j] * 5 + carry;
      little[j] = static_cast<std::uint8_t>(v % 10);
      carry = v / 10;
    }
    if (carry != 0) little[len++] = static_cast<std::uint8_t>(carry);
  }
  for (int j = 0; j < len; ++j) out[j] = little[len - 1 - j];
  return len;
}

}  // namespace

void BigDecimal::append(int digit) noexcept {
  if (count < kCapacity) {
    digits[count++] = static_cast<std::uint8_t>(digit);
  } else if (digit != 0) {
    truncated = true;
  }
}

void BigDecimal::trim() noexcept {
  while (count > 0 && digits[count - 1] == 0) --count;
  if (count == 0) point = 0;
}

void BigDecimal::left_shift(unsigned k) noexcept {
  std::uint8_t cutoff[48];
  int cutoff_len = five_power_digits(k, cutoff);
  int delta = static_cast<int>(k) + 1 - cutoff_len;
  for (int i = 0; i < cutoff_len; ++i) {
    if (i >= count || digits[i] != cutoff[i]) {
      if (i >= count || digits[i] < cutoff[i]) --delta;
      break;
    }
  }
  int read = count;
  int write = count + delta;
  std::uint64_t n = 0;
  auto put = [&](std::uint64_t value) {
    std::uint64_t quotient = value / 10;
    std::uint64_t remainder = value - 10 * quotient;
    --write;
    if (write < kCapacity) {
      digits[write] = static_cast<std::uint8_t>(remainder);
    } else if (remainder != 0) {
      truncated = true;
    }
    return quotient;
  };
  for (--read; read >= 0; --read) n = put(n + (static_cast<std::uint64_t>(digits[read]) << k));
  while (n > 0) n = put(n);
  count += delta;
  if (count > kCapacity) count = kCapacity;
  point += delta;
  trim();
}

void BigDecimal::right_shift(unsigned k) noexcept {
  int read = 0;
  int write = 0;
  std::uint64_t n = 0;
  // Read enough leading digits that the quotient is nonzero.
  for (; (n >> k) == 0; ++read) {
    if (read >= count) {
      if (n == 0) {
        count = 0;
        return;
      }
      while ((n >> k) == 0) {
        n *= 10;
        ++read;
      }
      break;
    }
    n = n * 10 + digits[read];
  }
  point -= read - 1;
  const std::uint64_t mask = (std::uint64_t{1} << k) - 1;
  for (; read < count; ++read) {
    std::uint64_t digit = n >> k;
    n &= mask;
    digits[write++] = static_cast<std::uint8_t>(digit);
    n = n * 10 + digits[read];
  }
  while (n > 0) {
    std::uint64_t digit = n >> k;
    n &= mask;
    if (write < kCapacity) {
      digits[write++] = static_cast<std::uint8_t>(digit);
    } else if (digit > 0) {
      truncated = true;
    }
    n *= 10;
  }
  count = write;
  trim();
}

void BigDecimal::shift(int k) noexcept {
  if (count == 0) return;
  if (k > 0) {
    for (; k > kMaxShift; k -= kMaxShift) left_shift(kMaxShift);
    left_shift(static_cast<unsigned>(k));
  } else if (k < 0) {
    for (; k < -kMaxShift; k += kMaxShift) right_shift(kMaxShift);
    right_shift(static_cast<unsigned>(-k));
  }
}

std::uint64_t BigDecimal::rounded_integer() const noexcept {
  if (point > 20) return ~std::uint64_t{0};
  std::uint64_t n = 0;
  int i = 0;
  for (; i < point && i < count; ++i) n = n * 10 + digits[i];
  for (; i < point; ++i) n *= 10;
  bool round_up = false;
  if (point >= 0 && point < count) {
    if (digits[point] == 5 && point + 1 == count) {
      // Exactly half, unless digits were dropped: then it is above half.
      round_up = truncated || (point > 0 && digits[point - 1] % 2 == 1);
    } else {
      round_up = digits[point] >= 5;
    }
  }
  return n + (round_up ? 1 : 0);
}

std::uint64_t BigDecimal::float_bits(const FloatFormat& f, bool& overflow) noexcept {
  // How far to shift to move the decimal point by about `point` digits: 2^powtab[i] < 10^i.
  static constexpr int kPowers[] = {1, 3, 6, 9, 13, 16, 19, 23, 26};
  constexpr int kPowersCount = sizeof(kPowers) / sizeof(kPowers[0]);
  const int max_biased = (1 << f.exponent_bits) - 1;
  overflow = false;
  int exp = 0;
  std::uint64_t mantissa = 0;
  if (count == 0 || point < -330) {
    exp = f.bias;
  } else if (point > 310) {
    overflow = true;
  } else {
    // Scale into [0.5, 1) by powers of two, counting them in exp.
    while (point > 0) {
      int n = point >= kPowersCount ? 27 : kPowers[point];
      shift(-n);
      exp += n;
    }
    while (point < 0 || (point == 0 && digits[0] < 5)) {
      int n = -point >= kPowersCount ? 27 : kPowers[-point];
      shift(n);
      exp -= n;
    }
    // Now in [0.5, 1): the value is 0.1xxx * 2^exp = 1.xxx * 2^(exp-1).
    --exp;
    if (exp < f.bias + 1) {  // subnormal: denormalise to the smallest exponent
      int n = f.bias + 1 - exp;
      shift(-n);
      exp += n;
    }
    if (exp - f.bias >= max_biased) {
      overflow = true;
    } else {
      shift(1 + f.mantissa_bits);
      mantissa = rounded_integer();
      if (mantissa == (std::uint64_t{2} << f.mantissa_bits)) {  // rounding carried out
        mantissa >>= 1;
        ++exp;
        if (exp - f.bias >= max_biased) overflow = true;
      }
      if ((mantissa & (std::uint64_t{1} << f.mantissa_bits)) == 0) exp = f.bias;
    }
  }
  if (overflow) {
    mantissa = 0;
    exp = max_biased + f.bias;
  }
  std::uint64_t bits = mantissa & ((std::uint64_t{1} << f.mantissa_bits) - 1);
  bits |= static_cast<std::uint64_t>((exp - f.bias) & max_biased) << f.mantissa_bits;
  return bits;
}

}  // namespace mos::posix::libc
