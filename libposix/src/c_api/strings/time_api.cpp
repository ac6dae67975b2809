// <time.h> calendar functions: struct tm <-> mos::posix::libc::CalendarTime, errors to errno.
#include <errno.h>
#include <time.h>

#include <posix/libc/calendar_time.hpp>

namespace libc = mos::posix::libc;

namespace {

// struct tm and CalendarTime have the same fields (names and types): one copy serves both ways.
template <class From, class To>
void copy_fields(const From& from, To& to) {
  to.tm_sec = from.tm_sec;
  to.tm_min = from.tm_min;
  to.tm_hour = from.tm_hour;
  to.tm_mday = from.tm_mday;
  to.tm_mon = from.tm_mon;
  to.tm_year = from.tm_year;
  to.tm_wday = from.tm_wday;
  to.tm_yday = from.tm_yday;
  to.tm_isdst = from.tm_isdst;
  to.tm_gmtoff = from.tm_gmtoff;
  to.tm_zone = from.tm_zone;
}

libc::CalendarTime from_c(const struct tm& t) {
  libc::CalendarTime c;
  copy_fields(t, c);
  return c;
}

using BreakDown = bool (*)(libc::Seconds, libc::CalendarTime&) noexcept;
using Normalise = libc::Seconds (*)(libc::CalendarTime&, int*) noexcept;

// gmtime_r and localtime_r: `t` broken down by `break_down` into `out`.
struct tm* broken_down(BreakDown break_down, const time_t* t, struct tm* out) {
  libc::CalendarTime c;
  if (!break_down(*t, c)) {
    errno = EOVERFLOW;
    return nullptr;
  }
  copy_fields(c, *out);
  return out;
}

// timegm and mktime: the time `tm` denotes, and `tm` normalised, by `normalise`.
time_t normalised(Normalise normalise, struct tm* tm) {
  libc::CalendarTime c = from_c(*tm);
  int error = 0;
  time_t t = normalise(c, &error);
  if (error != 0) {
    errno = error;
    return -1;
  }
  copy_fields(c, *tm);
  return t;
}

// asctime_r and ctime_r: a null text means that the year did not fit.
char* text_or_overflow(char* text) {
  if (text == nullptr) errno = EOVERFLOW;
  return text;
}

}  // namespace

extern "C" {

struct tm* gmtime_r(const time_t* t, struct tm* out) {
  return broken_down(libc::gmtime_r, t, out);
}

struct tm* localtime_r(const time_t* t, struct tm* out) {
  return broken_down(libc::localtime_r, t, out);
}

time_t timegm(struct tm* tm) {
  return normalised(libc::timegm, tm);
}

time_t mktime(struct tm* tm) {
  return normalised(libc::mktime, tm);
}

double difftime(time_t a, time_t b) {
  return libc::difftime(a, b);
}

size_t strftime(char* buffer, size_t size, const char* format, const struct tm* tm) {
  return libc::strftime(buffer, size, format, from_c(*tm));
}

char* asctime_r(const struct tm* tm, char* buffer) {
  return text_or_overflow(libc::asctime_r(from_c(*tm), buffer));
}

char* ctime_r(const time_t* t, char* buffer) {
  return text_or_overflow(libc::ctime_r(*t, buffer));
}

}  // extern "C"
