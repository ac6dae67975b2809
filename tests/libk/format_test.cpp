#include <k/address.hpp>
#include <k/format.hpp>

#include "random.hpp"

#include <doctest/doctest.h>

#include <climits>
#include <cstdio>
#include <string>

namespace {

template <class... Args>
std::string fmt(mos::FormatString<Args...> f, const Args&... args) {
  char buffer[512];
  std::size_t n = mos::format_to_buffer(buffer, f, args...);
  REQUIRE(n < sizeof buffer);
  return std::string(buffer, n);
}

std::string c_printf(const char* f, long long v) {
  char buffer[512];
  int n = std::snprintf(buffer, sizeof buffer, f, v);
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::string c_printf_u(const char* f, unsigned long long v) {
  char buffer[512];
  int n = std::snprintf(buffer, sizeof buffer, f, v);
  return std::string(buffer, static_cast<std::size_t>(n));
}

struct Point {
  int x, y;
};

}  // namespace

template <>
struct mos::Formatter<Point> {
  static void format(OutputSink& sink, const Point& p, const FormatSpec&) noexcept {
    format_to(sink, "({}, {})", p.x, p.y);
  }
};

TEST_CASE("integers match snprintf for every base, width, fill and sign") {
  auto gen = mos::test::make_bitgen(3);
  for (int round = 0; round < 5000; ++round) {
    long long v;
    switch (round % 4) {
      case 0: v = absl::Uniform<long long>(gen, -1000, 1000); break;
      case 1: v = absl::Uniform<long long>(gen, LLONG_MIN, LLONG_MAX); break;
      case 2: v = round % 8 == 2 ? LLONG_MIN : LLONG_MAX; break;
      default: v = absl::Uniform<int>(gen, INT_MIN, INT_MAX); break;
    }
    auto u = static_cast<unsigned long long>(v);
    INFO("value ", v);
    CHECK(fmt("{}", v) == c_printf("%lld", v));
    CHECK(fmt("{:+}", v) == c_printf("%+lld", v));
    CHECK(fmt("{: }", v) == c_printf("% lld", v));
    CHECK(fmt("{:20}", v) == c_printf("%20lld", v));
    CHECK(fmt("{:<20}", v) == c_printf("%-20lld", v));
    CHECK(fmt("{:020}", v) == c_printf("%020lld", v));
    CHECK(fmt("{:+020}", v) == c_printf("%+020lld", v));
    CHECK(fmt("{:x}", u) == c_printf_u("%llx", u));
    CHECK(fmt("{:X}", u) == c_printf_u("%llX", u));
    CHECK(fmt("{:o}", u) == c_printf_u("%llo", u));
    CHECK(fmt("{:#o}", u) == c_printf_u("%#llo", u));
    CHECK(fmt("{:016x}", u) == c_printf_u("%016llx", u));
    if (u != 0) {  // printf omits 0x for zero; std::format (and we) keep it.
      CHECK(fmt("{:#x}", u) == c_printf_u("%#llx", u));
      CHECK(fmt("{:#018x}", u) == c_printf_u("%#018llx", u));
    }
  }
}

TEST_CASE("format specs, types and escapes") {
  SUBCASE("binary") {
    CHECK(fmt("{:b}", 5u) == "101");
    CHECK(fmt("{:#010b}", 5u) == "0b00000101");
    CHECK(fmt("{:B}", 0u) == "0");
  }
  SUBCASE("fill and alignment") {
    CHECK(fmt("{:*^9}", 42) == "***42****");
    CHECK(fmt("{:->6}", "ab") == "----ab");
    CHECK(fmt("{:<4}|", 'c') == "c   |");
    CHECK(fmt("{:^7}", "mid") == "  mid  ");
    CHECK(fmt("{:>5}", true) == " true");
  }
  SUBCASE("strings and precision") {
    CHECK(fmt("{}", "plain") == "plain");
    CHECK(fmt("{:.3}", "truncate") == "tru");
    CHECK(fmt("{:8.2}|", std::string_view("abc")) == "ab      |");
    const char* null_string = nullptr;
    CHECK(fmt("{}", null_string) == "(null)");
  }
  SUBCASE("chars, bools and small types") {
    CHECK(fmt("{}", 'x') == "x");
    CHECK(fmt("{:d}", 'A') == "65");
    CHECK(fmt("{:c}", 66) == "B");
    CHECK(fmt("{}", false) == "false");
    CHECK(fmt("{:d}", true) == "1");
    CHECK(fmt("{}", static_cast<unsigned char>(200)) == "200");
    CHECK(fmt("{}", static_cast<short>(-5)) == "-5");
  }
  SUBCASE("pointers") {
    CHECK(fmt("{}", reinterpret_cast<void*>(0x1234)) == "0x1234");
    CHECK(fmt("{}", nullptr) == "0x0");
  }
  SUBCASE("escaped braces") {
    CHECK(fmt("{{}} {}", 1) == "{} 1");
    CHECK(fmt("}}{{") == "}{");
  }
  SUBCASE("invalid specs print a marker, not garbage") {
    CHECK(fmt("[{:q}]", 1) == "[{?}]");
    CHECK(fmt("[{:x}]", "str") == "[{?}]");
    CHECK(fmt("[{:99999}]", 1) == "[{?}]");
    CHECK(fmt("[{:.}]", "s") == "[{?}]");
  }
  SUBCASE("user types, errors and addresses") {
    CHECK(fmt("p={}", Point{1, -2}) == "p=(1, -2)");
    CHECK(fmt("{}", mos::Error::NoEntry) == "ENOENT");
    CHECK(fmt("{:>8}", mos::Error::Busy) == "   EBUSY");
    CHECK(fmt("{}", mos::PhysAddr(0x1000)) == "0x0000000000001000");
    CHECK(fmt("{}", mos::VirtAddr(0xffffffff80000000)) == "0xffffffff80000000");
  }
}

TEST_CASE("format_to_buffer truncates but reports the full length") {
  char small[5];
  std::size_t n = mos::format_to_buffer(small, "{}-{}", 12345, 678);
  CHECK(n == 9);
  CHECK(std::string(small, 5) == "12345");
  mos::BufferSink sink(small);
  sink.write("abc");
  CHECK_FALSE(sink.truncated());
  sink.write("defg");
  CHECK(sink.truncated());
  CHECK(sink.view() == "abcde");
  CHECK(sink.offered() == 7);
}
