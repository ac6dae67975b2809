// The scanf engine against glibc's sscanf: the same inputs and formats, the same counts and
// stored values.

#include <posix/libc/scan.hpp>

#include <doctest/doctest.h>

#include "random.hpp"

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

int ours(const char* input, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = mos::posix::libc::scan_string(input, format, args);
  va_end(args);
  return result;
}

}  // namespace

TEST_CASE("scan: integers in every base and length") {
  const char* inputs[] = {"42", "  -17 rest", "+0", "0x1F", "0X", "017", "-0x10", "abc", "",
                          "   ", "99999999999999999999", "-99999999999999999999", "12abc",
                          "4294967296", "-1", "0", "1e5"};
  const char* formats[] = {"%d", "%i", "%u", "%o", "%x", "%X", "%3d", "%1i", "%2x"};
  for (const char* input : inputs) {
    for (const char* format : formats) {
      CAPTURE(std::string(input));
      CAPTURE(std::string(format));
      int a = 7, b = 7, n1 = -5, n2 = -5;
      const std::string with_n = std::string(format) + "%n";
      const int ra = ours(input, with_n.c_str(), &a, &n1);
      const int rb = std::sscanf(input, with_n.c_str(), &b, &n2);
      CHECK(ra == rb);
      CHECK(a == b);
      CHECK(n1 == n2);
    }
    long long la = 1, lb = 1;
    CHECK(ours(input, "%lld", &la) == std::sscanf(input, "%lld", &lb));
    CHECK(la == lb);
    unsigned char ca = 1, cb = 1;
    CHECK(ours(input, "%hhu", &ca) == std::sscanf(input, "%hhu", &cb));
    CHECK(ca == cb);
    short sa = 1, sb = 1;
    CHECK(ours(input, "%hi", &sa) == std::sscanf(input, "%hi", &sb));
    CHECK(sa == sb);
  }
}

TEST_CASE("scan: strings, characters, sets, literals and suppression") {
  struct Case {
    const char* input;
    const char* format;
  };
  const Case cases[] = {
      {"hello world", "%s %s"},   {"hello world", "%3s%s"},      {"  abc", "%c%c"},
      {"abcdef", "%3c%s"},        {"key=value;x", "%[^=]=%[^;]"}, {"]]ab", "%[]a]%s"},
      {"a-b-c", "%[a-]%s"},       {"abc123", "%[a-z]%[0-9]"},    {"x", "%[0-9]%s"},
      {"10:20", "%*d:%s"},        {"10 : 20", "%s : %s"},        {"100%", "%s"},
      {"50% off", "%[0-9]%% %s"}, {"a", "b%s"},                  {"", "%s"},
      {"abc", "abc%s"},           {"abc", "abd%s"},              {"  x", " %c%s"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.input));
    CAPTURE(std::string(c.format));
    char a1[64] = "?", a2[64] = "?", b1[64] = "?", b2[64] = "?";
    const int ra = ours(c.input, c.format, a1, a2);
    const int rb = std::sscanf(c.input, c.format, b1, b2);
    CHECK(ra == rb);
    CHECK(std::memcmp(a1, b1, sizeof(a1)) == 0);
    CHECK(std::memcmp(a2, b2, sizeof(a2)) == 0);
  }
}

TEST_CASE("scan: floating numbers and pointers") {
  const char* inputs[] = {"1.5", "-2e3", "  3.25xyz", "inf", "-Infinity", "nan", "0x1p3",
                          ".5", "5.", "1e", "1e+", "0.1", "1e-320", "123456789012345678901234",
                          "abc", "+.e1", "2.5e+10 next"};
  for (const char* input : inputs) {
    CAPTURE(std::string(input));
    float fa = 1, fb = 1;
    double da = 1, db = 1;
    int na = -1, nb = -1;
    CHECK(ours(input, "%f%n", &fa, &na) == std::sscanf(input, "%f%n", &fb, &nb));
    CHECK(std::memcmp(&fa, &fb, sizeof(fa)) == 0);
    CHECK(na == nb);
    CHECK(ours(input, "%lg", &da) == std::sscanf(input, "%lg", &db));
    CHECK(std::memcmp(&da, &db, sizeof(da)) == 0);
    CHECK(ours(input, "%3le", &da) == std::sscanf(input, "%3le", &db));
    CHECK(std::memcmp(&da, &db, sizeof(da)) == 0);
  }
  void* pa = nullptr;
  void* pb = nullptr;
  CHECK(ours("0xdeadbeef", "%p", &pa) == std::sscanf("0xdeadbeef", "%p", &pb));
  CHECK(pa == pb);
}

TEST_CASE("scan: random integers round-trip like glibc") {
  auto gen = mos::test::make_bitgen(0x5ca9);
  for (int round = 0; round < 20000; ++round) {
    char input[64];
    const auto value = static_cast<std::int64_t>(absl::Uniform<std::uint64_t>(gen)) >>
                       absl::Uniform(gen, 0, 63);
    const char* print_formats[] = {"%lld", "%llx", "%llo", "%#llx", "  %+lld!"};
    std::snprintf(input, sizeof(input), print_formats[absl::Uniform(gen, 0, 5)],
                  static_cast<long long>(value));
    const char* scan_formats[] = {"%lld", "%lli", "%llx", "%llo", "%llu", "%d", "%5lld"};
    const char* format = scan_formats[absl::Uniform(gen, 0, 7)];
    CAPTURE(std::string(input));
    CAPTURE(std::string(format));
    long long a = 3, b = 3;
    REQUIRE(ours(input, format, &a) == std::sscanf(input, format, &b));
    REQUIRE(a == b);
  }
}
