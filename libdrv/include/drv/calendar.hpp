#pragma once
/// Calendar dates and times in UTC, and their conversion to and from seconds since the Unix
/// epoch (proleptic Gregorian calendar, no leap seconds, as POSIX counts time).

#include <cstdint>

namespace mos::drv {

/// A date and time of day, UTC.
struct CalendarTime {
  std::int32_t year = 1970;
  std::uint8_t month = 1;   ///< 1..12
  std::uint8_t day = 1;     ///< 1..31
  std::uint8_t hour = 0;    ///< 0..23
  std::uint8_t minute = 0;  ///< 0..59
  std::uint8_t second = 0;  ///< 0..59
  friend constexpr bool operator==(const CalendarTime&, const CalendarTime&) noexcept = default;
};

/// Whether `year` is a leap year.
constexpr bool is_leap_year(std::int32_t year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/// Days in `month` (1..12) of `year`.
constexpr std::uint8_t days_in_month(std::int32_t year, std::uint8_t month) noexcept {
  constexpr std::uint8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

/// Whether every field is in range (the day within its month).
constexpr bool is_valid(const CalendarTime& t) noexcept {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days_in_month(t.year, t.month) &&
         t.hour < 24 && t.minute < 60 && t.second < 60;
}

/// Seconds since 1970-01-01 00:00:00 UTC (negative before). `t` must be valid.
constexpr std::int64_t to_unix_seconds(const CalendarTime& t) noexcept {
  // Days from the epoch to the civil date: count in eras of 400 years starting in March, so
  // that the leap day ends each year.
  const std::int64_t y = t.year - (t.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t year_of_era = y - era * 400;
  const std::int64_t month_from_march = t.month > 2 ? t.month - 3 : t.month + 9;
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + t.day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const std::int64_t days = era * 146097 + day_of_era - 719468;
  return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

/// The calendar time of `seconds` since the epoch.
constexpr CalendarTime from_unix_seconds(std::int64_t seconds) noexcept {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CalendarTime t;
  t.day = static_cast<std::uint8_t>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  t.month = static_cast<std::uint8_t>(month_from_march < 10 ? month_from_march + 3
                                                            : month_from_march - 9);
  t.year = static_cast<std::int32_t>(year_of_era + era * 400 + (t.month <= 2 ? 1 : 0));
  t.hour = static_cast<std::uint8_t>(rest / 3600);
  t.minute = static_cast<std::uint8_t>(rest / 60 % 60);
  t.second = static_cast<std::uint8_t>(rest % 60);
  return t;
}

}  // namespace mos::drv
