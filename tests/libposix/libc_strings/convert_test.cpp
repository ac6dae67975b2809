// strtol ... strtod against glibc: values, end pointers and errno, on tables and random input.
#include <doctest/doctest.h>

#include <posix/libc/convert.hpp>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "random.hpp"

namespace libc = mos::posix::libc;

namespace {

template <class Ours, class Theirs>
void compare_integer(const std::string& text, int base, Ours ours_fn, Theirs theirs_fn) {
  CAPTURE(text);
  CAPTURE(base);
  char* ours_end = nullptr;
  char* theirs_end = nullptr;
  int ours_error = 0;
  errno = 0;
  auto theirs = theirs_fn(text.c_str(), &theirs_end, base);
  int theirs_error = errno;
  auto ours = ours_fn(text.c_str(), &ours_end, base, &ours_error);
  CHECK(ours == theirs);
  // glibc leaves *end unset for an invalid base; ours sets it to the start.
  if (base == 0 || (base >= 2 && base <= 36)) {
    CHECK(ours_end - text.c_str() == theirs_end - text.c_str());
  } else {
    CHECK(ours_end == text.c_str());
  }
  CHECK(ours_error == theirs_error);
}

void compare_all_integers(const std::string& text, int base) {
  compare_integer(
      text, base, [](auto... a) { return libc::strtol(a...); },
      [](auto... a) { return std::strtol(a...); });
  compare_integer(
      text, base, [](auto... a) { return libc::strtoll(a...); },
      [](auto... a) { return std::strtoll(a...); });
  compare_integer(
      text, base, [](auto... a) { return libc::strtoul(a...); },
      [](auto... a) { return std::strtoul(a...); });
  compare_integer(
      text, base, [](auto... a) { return libc::strtoull(a...); },
      [](auto... a) { return std::strtoull(a...); });
  compare_integer(
      text, base, [](auto... a) { return libc::strtoimax(a...); },
      [](auto... a) { return std::strtoimax(a...); });
  compare_integer(
      text, base, [](auto... a) { return libc::strtoumax(a...); },
      [](auto... a) { return std::strtoumax(a...); });
}

// Compares bit patterns, so that -0.0 and NaN signs count.
template <class F>
bool same(F a, F b) {
  return std::memcmp(&a, &b, sizeof(F)) == 0 || (std::isnan(a) && std::isnan(b));
}

void compare_double(const std::string& text) {
  CAPTURE(text);
  char* ours_end = nullptr;
  char* theirs_end = nullptr;
  int ours_error = 0;
  errno = 0;
  double theirs = std::strtod(text.c_str(), &theirs_end);
  int theirs_error = errno;
  double ours = libc::strtod(text.c_str(), &ours_end, &ours_error);
  CAPTURE(ours);
  CAPTURE(theirs);
  bool hex = text.find_first_of("xX") != std::string::npos;
  if (hex && std::fpclassify(theirs) == FP_SUBNORMAL) {
    // glibc 2.36 misrounds some hexadecimal subnormals (see the test below): allow one ulp.
    CHECK(std::fabs(ours - theirs) <= std::numeric_limits<double>::denorm_min());
  } else {
    CHECK(same(ours, theirs));
  }
  CHECK(ours_end - text.c_str() == theirs_end - text.c_str());
  // glibc reports ERANGE for subnormal results only when inexact; we always do (documented).
  if (!(std::fpclassify(theirs) == FP_SUBNORMAL)) CHECK(ours_error == theirs_error);

  errno = 0;
  float theirs_f = std::strtof(text.c_str(), &theirs_end);
  float ours_f = libc::strtof(text.c_str(), &ours_end, nullptr);
  CAPTURE(ours_f);
  CAPTURE(theirs_f);
  CHECK(same(ours_f, theirs_f));
  CHECK(ours_end - text.c_str() == theirs_end - text.c_str());
}

std::string random_digits(std::mt19937_64& gen, int min, int max) {
  int n = absl::Uniform(gen, min, max + 1);
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + absl::Uniform(gen, 0, 10));
  return s;
}

}  // namespace

TEST_CASE("integer conversions: a table of edge cases") {
  const char* cases[] = {
      "",
      " ",
      "0",
      "-0",
      "+0",
      "42",
      "  \t\n-42xyz",
      "+",
      "-",
      "0x",
      "0x1f",
      "0X1F",
      "0xg",
      "010",
      "08",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "18446744073709551615",
      "18446744073709551616",
      "-18446744073709551615",
      "-18446744073709551616",
      "99999999999999999999999999",
      "zzzz",
      "ZZ",
      "1_000",
      "  +0x7fffffffffffffff",
      "-0x8000000000000000",
      "0b101",
      "1e10",
      "4294967296",
      "-1",
  };
  for (const char* text : cases) {
    for (int base : {0, 2, 8, 10, 16, 36, 1, 37, -1}) compare_all_integers(text, base);
  }
}

TEST_CASE("integer conversions: random strings in every base") {
  auto gen = mos::test::make_bitgen(10);
  const char* alphabet = "0123456789abcdefxzXZ-+ ";
  for (int round = 0; round < 4000; ++round) {
    std::string s;
    int len = absl::Uniform(gen, 0, 24);
    for (int i = 0; i < len; ++i) s += alphabet[absl::Uniform(gen, 0, 23)];
    compare_all_integers(s, absl::Uniform(gen, 0, 37));
  }
}

TEST_CASE("atoi, atol, atoll") {
  for (const char* text : {"12", " -7 apples", "x", "2147483647", "123456789012"}) {
    CHECK(libc::atoi(text) == std::atoi(text));
    CHECK(libc::atol(text) == std::atol(text));
    CHECK(libc::atoll(text) == std::atoll(text));
  }
}

TEST_CASE("strtod and strtof: a table of edge cases") {
  const char* cases[] = {
      "",
      "x",
      "0",
      "-0",
      "+0.0",
      ".5",
      "5.",
      ".",
      "-.",
      "1e",
      "1e+",
      "1e-5",
      "1E5",
      "  3.25abc",
      "inf",
      "-INF",
      "infinity",
      "infinit",
      "Infinityx",
      "nan",
      "-nan",
      "NaN(123abc)",
      "nan(",
      "nan(x y)",
      "0x",
      "0x1",
      "0x1p3",
      "0X1.8P-2",
      "0x.8p1",
      "0x1p",
      "0x1.fffffffffffff8p0",
      "0x1.fffffffffffff7ffp0",
      "0x1p-1074",
      "0x1p-1075",
      "0x1.8p-1075",
      "0x1p-1076",
      "0x1p1024",
      "0x1.fffffffffffffp1023",
      "0xffffffffffffffffffffp0",
      "0x0p99999999999",
      "1e308",
      "1.7976931348623157e308",
      "1.7976931348623158e308",
      "1.7976931348623159e308",
      "1e309",
      "2e-308",
      "2.2250738585072011e-308",
      "2.2250738585072014e-308",
      "4.9e-324",
      "2.4703282292062327e-324",
      "2.4703282292062328e-324",
      "1e-400",
      "123456789012345678901234",
      "9007199254740993",
      "9007199254740992.5",
      "0.1",
      "0.30000000000000004",
      "3.4028235e38",
      "3.4028236e38",
      "1.17549435e-38",
      "1.4e-45",
      "7e-46",
      "0000000000000000000001.5",
      "1.000000000000000000000000000000000000001",
      "1e-99999999999",
      "1e99999999999",
      "0.000000000000000000000000000000000000000000001e45",
      "2.47032822920623272088284396434110686182529901307162382212792841250337753635104375932649"
      "918180817996189898282347722858865463328355177969898199387398005390939063150356595155702"
      "263922908583924491051844359318028499365361525003193704576782492193656236698636584807570"
      "015857692699037063119282795585513329278343384093519780155312465972635795746227664652728"
      "272200563740064854999770965994704540208281662262378573934507363390079677619305775067401"
      "763246736009689513405355374585166611342237666786041621596804619144672918403005300575308"
      "490487653917113865916462395249126236538818796362393732804238910186723484976682350898633"
      "885879256283027559956575244555072551893136908362547791869486679949683240497058210285131"
      "854513962138377228261454376934125320985913276672363281249e-324",
  };
  for (const char* text : cases) compare_double(text);
}

TEST_CASE("strtod and strtof round correctly on random decimal input") {
  auto gen = mos::test::make_bitgen(11);
  for (int round = 0; round < 30000; ++round) {
    std::string s;
    if (absl::Bernoulli(gen, 0.2)) s += '-';
    s += random_digits(gen, 0, round % 3 == 0 ? 40 : 18);
    if (absl::Bernoulli(gen, 0.7)) s += "." + random_digits(gen, 0, 25);
    if (absl::Bernoulli(gen, 0.7)) {
      s += absl::Bernoulli(gen, 0.5) ? "e" : "E-";
      s += std::to_string(absl::Uniform(gen, 0, 330));
    }
    compare_double(s);
  }
}

TEST_CASE("strtod round-trips the shortest and longest representations of random doubles") {
  auto gen = mos::test::make_bitgen(12);
  for (int round = 0; round < 20000; ++round) {
    std::uint64_t bits = absl::Uniform<std::uint64_t>(gen);
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (!std::isfinite(d)) continue;
    char text[64];
    std::snprintf(text, sizeof(text), "%.17g", d);
    compare_double(text);
    std::snprintf(text, sizeof(text), "%.25e", d);  // beyond 17 digits: halfway cases nearby
    compare_double(text);
    std::snprintf(text, sizeof(text), "%a", d);
    compare_double(text);
    // Exactly halfway between two neighbours: needs every digit to round to even.
    std::uint64_t next_bits = bits + 1;
    double next;
    std::memcpy(&next, &next_bits, sizeof(next));
    if (std::isfinite(next)) {
      long double mid = (static_cast<long double>(d) + static_cast<long double>(next)) / 2;
      std::snprintf(text, sizeof(text), "%.40Lg", mid);
      compare_double(text);
    }
  }
}

TEST_CASE("strtod on random hexadecimal input") {
  auto gen = mos::test::make_bitgen(13);
  const char* hex = "0123456789abcdefABCDEF";
  for (int round = 0; round < 10000; ++round) {
    std::string s = absl::Bernoulli(gen, 0.5) ? "0x" : "-0X";
    int n = absl::Uniform(gen, 0, 24);
    for (int i = 0; i < n; ++i) s += hex[absl::Uniform(gen, 0, 22)];
    if (absl::Bernoulli(gen, 0.5)) {
      s += ".";
      int m = absl::Uniform(gen, 0, 10);
      for (int i = 0; i < m; ++i) s += hex[absl::Uniform(gen, 0, 22)];
    }
    if (absl::Bernoulli(gen, 0.8)) s += "p" + std::to_string(absl::Uniform(gen, -1200, 1200));
    compare_double(s);
  }
}

TEST_CASE("hexadecimal subnormals round to nearest even (where glibc 2.36 does not)") {
  // 0x1.00000000000018p-1023 = 2^-1023 + 0.75 * 2^-1074: rounds up. Python's float.fromhex
  // gives 0x0.8000000000001p-1022 too; glibc 2.36 returns 0x0.8p-1022.
  CHECK(libc::strtod("0x1.00000000000018p-1023", nullptr) == 0x0.8000000000001p-1022);
  CHECK(libc::strtod("0x1.00000000000008p-1023", nullptr) == 0x0.8p-1022);  // 0.25 ulp: down
  CHECK(libc::strtod("0x1.0000000000001p-1023", nullptr) == 0x0.8p-1022);   // 0.5 ulp: to even
  CHECK(libc::strtod("0x1.0000000000003p-1023", nullptr) == 0x0.8000000000002p-1022);   // 1.5 ulp
  CHECK(libc::strtod("0x1.00000000000038p-1023", nullptr) == 0x0.8000000000002p-1022);  // 1.75
}
