#include <drv/cmos_rtc.hpp>

namespace mos::drv {
namespace {

constexpr std::uint8_t kBinaryMode = 0x04;   // Status B bit 2: binary, not BCD.
constexpr std::uint8_t kTwentyFourHour = 0x02;  // Status B bit 1.
constexpr std::uint8_t kPm = 0x80;           // In the hour register in 12-hour mode.

// A BCD byte's value, or -1 if a digit is not decimal.
int from_bcd(std::uint8_t value) noexcept {
  const int high = value >> 4, low = value & 0x0f;
  if (high > 9 || low > 9) return -1;
  return high * 10 + low;
}

}  // namespace

Result<CalendarTime> decode_cmos_clock(const CmosClockRegisters& r) noexcept {
  const bool binary = (r.status_b & kBinaryMode) != 0;
  const bool twelve_hour = (r.status_b & kTwentyFourHour) == 0;
  auto field = [binary](std::uint8_t value) noexcept {
    return binary ? static_cast<int>(value) : from_bcd(value);
  };
  const bool pm = twelve_hour && (r.hour & kPm) != 0;
  int hour = field(twelve_hour ? static_cast<std::uint8_t>(r.hour & ~kPm) : r.hour);
  const int second = field(r.second), minute = field(r.minute), day = field(r.day),
            month = field(r.month), year = field(r.year);
  int century = field(r.century);
  if (second < 0 || minute < 0 || hour < 0 || day < 0 || month < 0 || year < 0 || year > 99) {
    return Error::BadMessage;
  }
  if (twelve_hour) {
    if (hour < 1 || hour > 12) return Error::BadMessage;
    hour = hour % 12 + (pm ? 12 : 0);  // 12 AM is 0, 12 PM is 12.
  }
  // A century register that holds nothing sensible (absent on old clocks): this century.
  if (century < 19 || century > 99) century = 20;
  CalendarTime t;
  t.year = century * 100 + year;
  t.month = static_cast<std::uint8_t>(month);
  t.day = static_cast<std::uint8_t>(day);
  t.hour = static_cast<std::uint8_t>(hour);
  t.minute = static_cast<std::uint8_t>(minute);
  t.second = static_cast<std::uint8_t>(second);
  if (!is_valid(t)) return Error::BadMessage;
  return t;
}

}  // namespace mos::drv
