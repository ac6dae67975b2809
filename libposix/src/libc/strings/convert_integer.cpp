// Integer conversions: one parser for the magnitude, clamped per result type.
#include <posix/libc/convert.hpp>
#include <posix/libc/ctype.hpp>

#include <k/error.hpp>

#include <limits>
#include <type_traits>

namespace mos::posix::libc {

namespace {

int digit_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (is_lower(c)) return c - 'a' + 10;
  if (is_upper(c)) return c - 'A' + 10;
  return 99;
}

struct Parsed {
  unsigned long long magnitude = 0;
  bool negative = false;
  bool overflow = false;  // the magnitude does not fit in unsigned long long
  bool valid_base = true;
};

// C's syntax: spaces, a sign, an optional 0x/0X (base 0 or 16) or 0 (base 0) prefix, digits.
Parsed parse(const char* s, char** end, int base) noexcept {
  Parsed result;
  const char* start = s;
  if (base < 0 || base == 1 || base > 36) {
    result.valid_base = false;
    if (end != nullptr) *end = const_cast<char*>(start);
    return result;
  }
  while (is_space(static_cast<unsigned char>(*s))) ++s;
  if (*s == '+' || *s == '-') result.negative = *s++ == '-';
  if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
      digit_value(s[2]) < 16) {
    s += 2;
    base = 16;
  } else if (base == 0) {
    base = s[0] == '0' ? 8 : 10;
  }
  const char* digits = s;
  const auto ubase = static_cast<unsigned long long>(base);
  constexpr auto kMax = std::numeric_limits<unsigned long long>::max();
  for (int d; (d = digit_value(*s)) < base; ++s) {
    if (result.magnitude > (kMax - static_cast<unsigned>(d)) / ubase) result.overflow = true;
    result.magnitude = result.magnitude * ubase + static_cast<unsigned>(d);
  }
  if (end != nullptr) *end = const_cast<char*>(s == digits ? start : s);
  return result;
}

// Reports `e` through the optional errno out-parameter.
void set_error(int* error, Error e) noexcept {
  if (error != nullptr) *error = errno_value(e);
}

template <class T>
T to_signed(const char* s, char** end, int base, int* error) noexcept {
  Parsed p = parse(s, end, base);
  if (!p.valid_base) {
    set_error(error, Error::InvalidArgument);
    return 0;
  }
  using U = std::make_unsigned_t<T>;
  const auto limit =
      static_cast<unsigned long long>(std::numeric_limits<T>::max()) + (p.negative ? 1 : 0);
  if (p.overflow || p.magnitude > limit) {
    set_error(error, Error::OutOfRange);
    return p.negative ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max();
  }
  auto u = static_cast<U>(p.magnitude);
  return static_cast<T>(p.negative ? U(0) - u : u);
}

template <class T>
T to_unsigned(const char* s, char** end, int base, int* error) noexcept {
  Parsed p = parse(s, end, base);
  if (!p.valid_base) {
    set_error(error, Error::InvalidArgument);
    return 0;
  }
  if (p.overflow || p.magnitude > std::numeric_limits<T>::max()) {
    set_error(error, Error::OutOfRange);
    return std::numeric_limits<T>::max();
  }
  auto u = static_cast<T>(p.magnitude);
  return p.negative ? T(0) - u : u;
}

}  // namespace

long strtol(const char* s, char** end, int base, int* error) noexcept {
  return to_signed<long>(s, end, base, error);
}
long long strtoll(const char* s, char** end, int base, int* error) noexcept {
  return to_signed<long long>(s, end, base, error);
}
unsigned long strtoul(const char* s, char** end, int base, int* error) noexcept {
  return to_unsigned<unsigned long>(s, end, base, error);
}
unsigned long long strtoull(const char* s, char** end, int base, int* error) noexcept {
  return to_unsigned<unsigned long long>(s, end, base, error);
}
std::intmax_t strtoimax(const char* s, char** end, int base, int* error) noexcept {
  return to_signed<std::intmax_t>(s, end, base, error);
}
std::uintmax_t strtoumax(const char* s, char** end, int base, int* error) noexcept {
  return to_unsigned<std::uintmax_t>(s, end, base, error);
}
int atoi(const char* s) noexcept {
  return static_cast<int>(strtol(s, nullptr, 10));
}
long atol(const char* s) noexcept {
  return strtol(s, nullptr, 10);
}
long long atoll(const char* s) noexcept {
  return strtoll(s, nullptr, 10);
}

}  // namespace mos::posix::libc
