// The printf engine against glibc: tables of formats and arguments, then random doubles
// (subnormals, huge values, all conversions, flags, widths and precisions) and random integers,
// compared byte for byte with the host's snprintf.

#include <posix/libc/format.hpp>

#include <doctest/doctest.h>

#include "random.hpp"

#include <bit>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

namespace {

using mos::posix::libc::format_to_buffer;

// Our output (or "<error N>") for a format and its arguments.
std::string ours(const char* format, ...) {
  char buffer[4096];
  va_list args;
  va_start(args, format);
  mos::Result<int> result = format_to_buffer(buffer, sizeof(buffer), format, args);
  va_end(args);
  if (!result) return "<error " + std::to_string(static_cast<int>(result.error())) + ">";
  if (static_cast<std::size_t>(*result) != std::strlen(buffer)) return "<bad count>";
  return buffer;
}

// glibc's.
std::string theirs(const char* format, ...) {
  char buffer[4096];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  if (n < 0) return "<error " + std::to_string(errno) + ">";
  return buffer;
}

#define CHECK_SAME(...) CHECK(ours(__VA_ARGS__) == theirs(__VA_ARGS__))

// "%", random flags and sometimes a width below `width_limit`: how the random doubles and the
// random integers start their conversion specifications.
std::string random_flags_and_width(std::mt19937_64& gen, int width_limit) {
  std::string format = "%";
  for (char flag : {'-', '+', ' ', '#', '0'}) {
    if (absl::Bernoulli(gen, 0.2)) format += flag;
  }
  if (absl::Bernoulli(gen, 0.3)) format += std::to_string(absl::Uniform(gen, 0, width_limit));
  return format;
}

}  // namespace

TEST_CASE("format: integers, characters, strings and pointers as glibc prints them") {
  CHECK_SAME("plain text");
  CHECK_SAME("%d %i %u %o %x %X", 42, -42, 42u, 42u, 255u, 255u);
  CHECK_SAME("%d %d", INT32_MIN, INT32_MAX);
  CHECK_SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%+05d] [%-+6d]", 42, 42, 42, 42, 42, 42, 42);
  CHECK_SAME("[%.0d] [%.0x] [%#.0o] [%#o] [%#x] [%#X] [%#o]", 0, 0u, 0u, 0u, 0u, 0u, 8u);
  CHECK_SAME("[%#x] [%#X] [%#10x] [%#010x] [%-#10x]", 255u, 255u, 255u, 255u, 255u);
  CHECK_SAME("[%.5d] [%8.5d] [%-8.5d] [%08.5d] [%.5x] [%#.5o]", -42, 42, 42, 42, 42u, 8u);
  CHECK_SAME("[%hhd] [%hhu] [%hd] [%hu] [%hhx]", 300, 300, 70000, 70000, -1);
  CHECK_SAME("[%ld] [%lu] [%lld] [%llu] [%llx]", -1L, ~0UL, LLONG_MIN, ~0ULL, ~0ULL);
  CHECK_SAME("[%jd] [%zu] [%zd] [%td] [%ju]", INTMAX_MIN, SIZE_MAX, static_cast<long>(-5),
             static_cast<std::ptrdiff_t>(-7), UINTMAX_MAX);
  CHECK_SAME("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 6, 1, 6, 2, -6, 3, 4, 5, -1, 6);
  CHECK_SAME("[%c] [%5c] [%-5c] [%05c]", 'a', 'b', 'c', 'd');
  CHECK_SAME("[%s] [%10s] [%-10s] [%.2s] [%10.2s] [%010s]", "hello", "hi", "hi", "hello", "hello",
             "z");
  CHECK_SAME("[%s] [%.3s] [%.6s] [%10s]", static_cast<char*>(nullptr), static_cast<char*>(nullptr),
             static_cast<char*>(nullptr), static_cast<char*>(nullptr));
  CHECK_SAME("[%p] [%20p] [%-20p] [%p] [%10p]", reinterpret_cast<void*>(0x1234),
             reinterpret_cast<void*>(0xdeadbeef), reinterpret_cast<void*>(0xdeadbeef), nullptr,
             nullptr);
  CHECK_SAME("[%+p] [% p] [%020p]", reinterpret_cast<void*>(0x1234),
             reinterpret_cast<void*>(0x1234), reinterpret_cast<void*>(0x1234));
  CHECK_SAME("100%% [%5%]");
  CHECK_SAME("[%ls] [%lc] [%5ls]", L"wide", static_cast<wint_t>(L'x'), L"ab");
  CHECK_SAME("%2$s %1$s %2$s [%3$*4$d] [%3$-*4$.*5$d]", "world", "hello", 42, 7, 4);
  CHECK_SAME("%1$d %1$d", 9);
}

TEST_CASE("format: unknown conversions are printed as written") {
  CHECK_SAME("[%y] [%5y]");
  CHECK_SAME("trailing %");
}

TEST_CASE("format: %n stores the count so far") {
  int n = -1;
  signed char hh = -1;
  long l = -1;
  CHECK(ours("abc%nde%hhnf%ln", &n, &hh, &l) == "abcdef");
  CHECK(n == 3);
  CHECK(hh == 5);
  CHECK(l == 6);
}

TEST_CASE("format: snprintf truncates, terminates, and counts the whole output") {
  char buffer[8];
  std::memset(buffer, 'x', sizeof(buffer));
  auto call = [&](std::size_t size, const char* format, ...) {
    va_list args;
    va_start(args, format);
    mos::Result<int> result = format_to_buffer(buffer, size, format, args);
    va_end(args);
    return *result;
  };
  CHECK(call(5, "%s", "hello world") == 11);
  CHECK(std::string(buffer) == "hell");
  CHECK(call(0, "%d", 12345) == 5);
  CHECK(buffer[0] == 'h');
  CHECK(call(1, "%d", 12345) == 5);
  CHECK(buffer[0] == '\0');
}

TEST_CASE("format: floating conversions as glibc prints them") {
  const double values[] = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           0.5,
                           1.5,
                           2.5,
                           0.125,
                           1e-5,
                           123456789.0,
                           1e15,
                           1e16,
                           1e17,
                           1e22,
                           1e23,
                           1e100,
                           1e300,
                           1.7976931348623157e308,
                           2.2250738585072014e-308,
                           4.9406564584124654e-324,
                           0.1,
                           0.2,
                           0.3,
                           2.675,
                           1.005,
                           9.5,
                           99.5,
                           0.05,
                           0.15,
                           0.25,
                           0.35,
                           1234.5678,
                           9.9999999,
                           999999.5,
                           0.000123456,
                           5e-5,
                           1.0 / 3.0,
                           2.0 / 3.0,
                           3.14159265358979,
                           __builtin_inf(),
                           -__builtin_inf(),
                           __builtin_nan(""),
                           -__builtin_nan("")};
  const char* formats[] = {
      "%f",     "%e",     "%g",       "%a",      "%F",       "%E",       "%G",      "%A",
      "%.0f",   "%.0e",   "%.0g",     "%.0a",    "%.1f",     "%.2f",     "%.3e",    "%.10g",
      "%.17g",  "%.20e",  "%.1a",     "%.3a",    "%.13a",    "%.20a",    "%#.0f",   "%#.0e",
      "%#g",    "%#.3g",  "%#a",      "%#.0a",   "%#.3g",    "%#.2g",    "%+f",     "% e",
      "%+g",    "%15.4f", "%-15.4e|", "%015.4g", "%+015.3f", "% 015.3e", "%-+15g|", "%020a",
      "%-20A|", "%.40f",  "%.330f",   "%.1100f", "%.60e",    "%.100g",   "%Lf"};
  for (const char* format : formats) {
    for (double value : values) {
      CAPTURE(format);
      CAPTURE(value);
      if (std::strcmp(format, "%Lf") == 0) {
        CHECK_SAME(format, static_cast<long double>(value));
      } else {
        CHECK_SAME(format, value);
      }
    }
  }
}

TEST_CASE("format: random doubles, conversions, flags, widths and precisions") {
  auto gen = mos::test::make_bitgen(0xf0f0);
  const char conversions[] = "efgaEFGA";
  for (int round = 0; round < 200000; ++round) {
    double value;
    const int kind = absl::Uniform(gen, 0, 4);
    if (kind == 0) {
      value = std::bit_cast<double>(absl::Uniform<std::uint64_t>(gen));
    } else if (kind == 1) {  // Subnormals.
      value = std::bit_cast<double>(absl::Uniform<std::uint64_t>(gen, 0, 1ULL << 52));
    } else if (kind == 2) {  // Few significant bits: ties for rounding.
      value = static_cast<double>(absl::Uniform(gen, -100000, 100000)) /
              static_cast<double>(1 << absl::Uniform(gen, 0, 20));
    } else {
      value = absl::Uniform(gen, -1e6, 1e6);
    }
    std::string format = random_flags_and_width(gen, 40);
    if (absl::Bernoulli(gen, 0.7)) format += "." + std::to_string(absl::Uniform(gen, 0, 60));
    format += conversions[absl::Uniform(gen, 0, 8)];
    CAPTURE(format);
    CAPTURE(std::bit_cast<std::uint64_t>(value));
    REQUIRE(ours(format.c_str(), value) == theirs(format.c_str(), value));
  }
}

TEST_CASE("format: random integers, conversions, flags, widths and precisions") {
  auto gen = mos::test::make_bitgen(0x1234);
  const char* conversions[] = {"d",  "i",   "u",  "o",  "x",  "X",  "hhd", "hu",
                               "ld", "llx", "jo", "zu", "td", "lo", "hhX"};
  for (int round = 0; round < 100000; ++round) {
    const auto value = absl::Uniform<std::uint64_t>(gen) >> absl::Uniform(gen, 0, 64);
    std::string format = random_flags_and_width(gen, 30);
    if (absl::Bernoulli(gen, 0.3)) format += "." + std::to_string(absl::Uniform(gen, 0, 30));
    format += conversions[absl::Uniform(gen, 0, 15)];
    CAPTURE(format);
    CAPTURE(value);
    // Every conversion above reads a 64-bit or promoted argument; passing a 64-bit value where an
    // int is read takes its low half on x86_64, the same for both implementations.
    REQUIRE(ours(format.c_str(), value) == theirs(format.c_str(), value));
  }
}
