#pragma once
/// Calendar time: struct tm conversions (gmtime_r, timegm, ...) and strftime, in UTC only.
/// There are no time zones: localtime_r and mktime are gmtime_r and timegm (TZ is not read), so
/// a program prints UTC and labels it "UTC".

#include <cstddef>
#include <cstdint>

namespace mos::posix::libc {

/// C's struct tm with Linux x86_64's layout (glibc's field order, tm_gmtoff and tm_zone
/// included), so the C API converts by copying fields.
struct CalendarTime {
  int tm_sec = 0;                 ///< seconds, 0..60
  int tm_min = 0;                 ///< minutes, 0..59
  int tm_hour = 0;                ///< hours, 0..23
  int tm_mday = 0;                ///< day of the month, 1..31
  int tm_mon = 0;                 ///< month, 0..11
  int tm_year = 0;                ///< years since 1900
  int tm_wday = 0;                ///< day of the week, 0..6, Sunday = 0
  int tm_yday = 0;                ///< day of the year, 0..365
  int tm_isdst = 0;               ///< daylight saving time flag: always 0 here
  long tm_gmtoff = 0;             ///< seconds east of UTC: always 0 here
  const char* tm_zone = nullptr;  ///< zone abbreviation: "GMT" from gmtime_r, "UTC" otherwise
};

/// Seconds since the epoch, as time_t on Linux x86_64.
using Seconds = std::int64_t;

/// The calendar time of `t` in UTC, zone "GMT" (as glibc's gmtime_r). False (EOVERFLOW) if the
/// year does not fit in an int; `out` is then unchanged.
bool gmtime_r(Seconds t, CalendarTime& out) noexcept;
/// gmtime_r with zone "UTC": the local time of a system without time zones.
bool localtime_r(Seconds t, CalendarTime& out) noexcept;
/// The time `tm` denotes in UTC, after normalising every field (tm_mon 12 is next January,
/// tm_mday 0 the last day of the previous month, ...) and setting tm_wday and tm_yday. Returns
/// -1 and stores EOVERFLOW in `*error` (if not null) when the result does not fit.
Seconds timegm(CalendarTime& tm, int* error = nullptr) noexcept;
/// timegm (local time is UTC), but tm_zone becomes "UTC".
Seconds mktime(CalendarTime& tm, int* error = nullptr) noexcept;
/// `a - b` in seconds.
double difftime(Seconds a, Seconds b) noexcept;

/// Formats `tm` by `format` into `buffer` (`size` bytes, NUL included), with every C99 and POSIX
/// conversion in the C locale plus GNU's %k %l %P %s and the flags - _ 0 ^ #. E and O modifiers
/// are accepted and ignored. Returns the length written, or 0 if it did not fit.
std::size_t strftime(char* buffer, std::size_t size, const char* format,
                     const CalendarTime& tm) noexcept;
/// Size of the buffer asctime_r and ctime_r need.
inline constexpr std::size_t kAsctimeBufferSize = 26;
/// "Sun Sep 16 01:03:52 1973\n" into `buffer` (kAsctimeBufferSize bytes); nullptr (EOVERFLOW)
/// if the year is too wide for the buffer.
char* asctime_r(const CalendarTime& tm, char* buffer) noexcept;
/// asctime_r(localtime_r(t)).
char* ctime_r(Seconds t, char* buffer) noexcept;

}  // namespace mos::posix::libc
