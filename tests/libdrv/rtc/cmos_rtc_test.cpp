// The CMOS RTC driver (drv/cmos_rtc.hpp) against a fake clock chip on fake ports, and the
// calendar arithmetic (drv/calendar.hpp) against the host C library's timegm/gmtime_r.
#include <drv/cmos_rtc.hpp>

#include <fake_port_io.hpp>

#include "random.hpp"

#include <doctest/doctest.h>

#include <array>
#include <ctime>

using namespace mos::drv;
using mos::Error;
using mos::testing::FakePortIo;
using mos::testing::FakePortSpace;

namespace {

/// An MC146818 behind ports 0x70/0x71: an index register (bit 7 is the NMI mask) and 128 bytes.
struct FakeCmos {
  FakePortSpace ports;
  std::array<std::uint8_t, 128> registers{};
  std::uint8_t index = 0;
  std::function<void(std::uint8_t)> on_register_read;

  FakeCmos() {
    ports.on_write(0x70, [this](std::uint32_t v) { index = v & 0x7f; });
    ports.on_read(0x71, [this] {
      if (on_register_read) on_register_read(index);
      return registers[index];
    });
  }
  void set_bcd(int second, int minute, int hour, int day, int month, int year, int century) {
    auto bcd = [](int v) { return static_cast<std::uint8_t>((v / 10) << 4 | v % 10); };
    registers[0x00] = bcd(second);
    registers[0x02] = bcd(minute);
    registers[0x04] = bcd(hour);
    registers[0x07] = bcd(day);
    registers[0x08] = bcd(month);
    registers[0x09] = bcd(year);
    registers[0x32] = bcd(century);
    registers[0x0b] = 0x02;  // BCD, 24-hour.
  }
};

bool operator_eq(const CalendarTime& t, int y, int mo, int d, int h, int mi, int s) {
  return t.year == y && t.month == mo && t.day == d && t.hour == h && t.minute == mi &&
         t.second == s;
}

}  // namespace

TEST_CASE("rtc: reads a BCD clock in 24-hour mode, with NMIs kept masked") {
  FakeCmos cmos;
  cmos.set_bcd(56, 34, 12, 30, 11, 26, 20);
  CmosRtc rtc{FakePortIo(cmos.ports)};
  const CalendarTime t = rtc.read().value();
  CHECK(operator_eq(t, 2026, 11, 30, 12, 34, 56));
  for (std::uint32_t index : cmos.ports.writes_to(0x70)) CHECK((index & 0x80) != 0);
}

TEST_CASE("rtc: decoding binary, 12-hour, the century and bad values") {
  CmosClockRegisters r{0x30, 0x15, 0x12, 0x01, 0x01, 0x00, 0x20, 0x00};  // BCD, 12-hour.
  CHECK(operator_eq(decode_cmos_clock(r).value(), 2000, 1, 1, 0, 15, 30));  // 12 AM is 0.
  r.hour = 0x80 | 0x12;
  CHECK(decode_cmos_clock(r).value().hour == 12);  // 12 PM.
  r.hour = 0x80 | 0x07;
  CHECK(decode_cmos_clock(r).value().hour == 19);
  r.hour = 0x13;
  CHECK(decode_cmos_clock(r).error() == Error::BadMessage);
  CmosClockRegisters binary{59, 59, 23, 29, 2, 24, 20, 0x06};  // Binary, 24-hour.
  CHECK(operator_eq(decode_cmos_clock(binary).value(), 2024, 2, 29, 23, 59, 59));
  binary.year = 23;  // 2023 has no February 29.
  CHECK(decode_cmos_clock(binary).error() == Error::BadMessage);
  binary.century = 0;  // No usable century register: this century.
  binary.day = 28;
  CHECK(decode_cmos_clock(binary).value().year == 2023);
  CmosClockRegisters garbage{0x5a, 0x7f, 0x25, 0x00, 0x13, 0xaa, 0x20, 0x02};
  CHECK(decode_cmos_clock(garbage).error() == Error::BadMessage);
}

TEST_CASE("rtc: waits out an update and reads until two passes agree") {
  FakeCmos cmos;
  cmos.set_bcd(59, 59, 23, 31, 12, 25, 20);
  int status_reads = 0;
  int second_reads = 0;
  cmos.on_register_read = [&](std::uint8_t index) {
    if (index == 0x0a) {
      // Update in progress for the first three polls.
      cmos.registers[0x0a] = ++status_reads <= 3 ? 0x80 : 0x00;
    }
    if (index == 0x00 && ++second_reads == 2) {
      // The clock ticks over to the new year between the first and second pass.
      cmos.set_bcd(0, 0, 0, 1, 1, 26, 20);
    }
  };
  CmosRtc rtc{FakePortIo(cmos.ports)};
  CHECK(operator_eq(rtc.read().value(), 2026, 1, 1, 0, 0, 0));
  CHECK(status_reads > 3);
}

TEST_CASE("rtc: an absent or stuck clock is an error, not a hang") {
  FakePortSpace nothing;  // Every port reads as all ones.
  CmosRtc absent{FakePortIo(nothing)};
  CHECK(absent.read().error() == Error::NoDevice);

  FakeCmos stuck;
  stuck.set_bcd(1, 2, 3, 4, 5, 6, 20);
  stuck.registers[0x0a] = 0x80;  // Update in progress for ever.
  CmosRtc rtc{FakePortIo(stuck.ports)};
  CHECK(rtc.read().error() == Error::TimedOut);

  FakeCmos racing;
  racing.set_bcd(0, 0, 0, 1, 1, 26, 20);
  int n = 0;
  racing.on_register_read = [&](std::uint8_t index) {
    if (index == 0x00) racing.registers[0x00] = static_cast<std::uint8_t>(n++ % 2);
  };
  CmosRtc never_still{FakePortIo(racing.ports)};
  CHECK(never_still.read().error() == Error::TimedOut);
}

TEST_CASE("calendar: Unix seconds agree with the C library both ways") {
  auto gen = mos::test::make_bitgen(0xca1e);
  const std::int64_t edges[] = {0,           -1,          86399,         86400,
                                951782400,   951868800,   4102444800,    -2208988800,
                                253402300799, 1798675200};
  auto check = [](std::int64_t s) {
    CAPTURE(s);
    const std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    REQUIRE(gmtime_r(&t, &tm) != nullptr);
    const CalendarTime c = from_unix_seconds(s);
    CHECK(c.year == tm.tm_year + 1900);
    CHECK(c.month == tm.tm_mon + 1);
    CHECK(c.day == tm.tm_mday);
    CHECK(c.hour == tm.tm_hour);
    CHECK(c.minute == tm.tm_min);
    CHECK(c.second == tm.tm_sec);
    CHECK(is_valid(c));
    CHECK(to_unix_seconds(c) == s);
    CHECK(static_cast<std::int64_t>(timegm(&tm)) == s);
  };
  for (std::int64_t s : edges) check(s);
  for (int i = 0; i < 2000; ++i) {
    check(absl::Uniform<std::int64_t>(gen, -62135596800, 253402300800));  // Years 1..9999.
  }
  static_assert(to_unix_seconds({2000, 3, 1, 0, 0, 0}) == 951868800);
  CHECK(!is_valid({2100, 2, 29, 0, 0, 0}));
  CHECK(is_valid({2000, 2, 29, 0, 0, 0}));
}
