// Conversions between seconds and calendar fields, on the proleptic Gregorian calendar, with
// Howard Hinnant's days_from_civil / civil_from_days (exact for every 64-bit day count).
#include <k/error.hpp>
#include <posix/libc/calendar_time.hpp>

#include <limits>

namespace mos::posix::libc {

namespace {

constexpr Seconds kSecondsPerDay = 86400;

// Floor division, for negative times.
constexpr Seconds floor_div(Seconds a, Seconds b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

constexpr Seconds days_from_civil(Seconds y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  Seconds era = floor_div(y, 400);
  Seconds yoe = y - era * 400;
  Seconds doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  Seconds doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool fill(Seconds t, CalendarTime& out, const char* zone) noexcept {
  Seconds days = floor_div(t, kSecondsPerDay);
  Seconds rem = t - days * kSecondsPerDay;
  Seconds z = days + 719468;
  Seconds era = floor_div(z, 146097);
  Seconds doe = z - era * 146097;
  Seconds yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  Seconds doy_march = doe - (365 * yoe + yoe / 4 - yoe / 100);
  Seconds mp = (5 * doy_march + 2) / 153;
  int d = static_cast<int>(doy_march - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  Seconds y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  Seconds year_field = y - 1900;
  if (year_field > std::numeric_limits<int>::max() ||
      year_field < std::numeric_limits<int>::min()) {
    return false;
  }
  out.tm_year = static_cast<int>(year_field);
  out.tm_mon = m - 1;
  out.tm_mday = d;
  out.tm_yday = static_cast<int>(days - days_from_civil(y, 1, 1));
  out.tm_wday = static_cast<int>(days + 4 - floor_div(days + 4, 7) * 7);  // 1970-01-01: Thu
  out.tm_hour = static_cast<int>(rem / 3600);
  out.tm_min = static_cast<int>(rem / 60 % 60);
  out.tm_sec = static_cast<int>(rem % 60);
  out.tm_isdst = 0;
  out.tm_gmtoff = 0;
  out.tm_zone = zone;
  return true;
}

Seconds normalise(CalendarTime& tm, int* error, const char* zone) noexcept {
  Seconds months = static_cast<Seconds>(tm.tm_mon);
  Seconds year = static_cast<Seconds>(tm.tm_year) + 1900 + floor_div(months, 12);
  int month = static_cast<int>(months - floor_div(months, 12) * 12);
  Seconds days = days_from_civil(year, month + 1, 1) + static_cast<Seconds>(tm.tm_mday) - 1;
  Seconds t = days * kSecondsPerDay + static_cast<Seconds>(tm.tm_hour) * 3600 +
              static_cast<Seconds>(tm.tm_min) * 60 + tm.tm_sec;
  CalendarTime normalised;
  if (!fill(t, normalised, zone)) {
    if (error != nullptr) *error = errno_value(Error::Overflow);
    return -1;
  }
  tm = normalised;
  return t;
}

}  // namespace

bool gmtime_r(Seconds t, CalendarTime& out) noexcept {
  // Beyond +-2^55 seconds the year overflows an int anyway; this keeps the arithmetic exact.
  constexpr Seconds kLimit = Seconds{1} << 55;
  if (t > kLimit || t < -kLimit) return false;
  return fill(t, out, "GMT");
}

bool localtime_r(Seconds t, CalendarTime& out) noexcept {
  if (!gmtime_r(t, out)) return false;
  out.tm_zone = "UTC";
  return true;
}

Seconds timegm(CalendarTime& tm, int* error) noexcept {
  return normalise(tm, error, "GMT");
}

Seconds mktime(CalendarTime& tm, int* error) noexcept {
  return normalise(tm, error, "UTC");
}

double difftime(Seconds a, Seconds b) noexcept {
  return static_cast<double>(a) - static_cast<double>(b);
}

}  // namespace mos::posix::libc
