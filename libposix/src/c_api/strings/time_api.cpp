// <time.h> calendar functions: struct tm <-> mos::posix::libc::CalendarTime, errors to errno.
#include <errno.h>
#include <time.h>

#include <posix/libc/calendar_time.hpp>

namespace libc = mos::posix::libc;

namespace {

libc::CalendarTime from_c(const struct tm& t) {
  libc::CalendarTime c;
  c.tm_sec = t.tm_sec;
  c.tm_min = t.tm_min;
  c.tm_hour = t.tm_hour;
  c.tm_mday = t.tm_mday;
  c.tm_mon = t.tm_mon;
  c.tm_year = t.tm_year;
  c.tm_wday = t.tm_wday;
  c.tm_yday = t.tm_yday;
  c.tm_isdst = t.tm_isdst;
  c.tm_gmtoff = t.tm_gmtoff;
  c.tm_zone = t.tm_zone;
  return c;
}

struct tm* to_c(const libc::CalendarTime& c, struct tm* t) {
  t->tm_sec = c.tm_sec;
  t->tm_min = c.tm_min;
  t->tm_hour = c.tm_hour;
  t->tm_mday = c.tm_mday;
  t->tm_mon = c.tm_mon;
  t->tm_year = c.tm_year;
  t->tm_wday = c.tm_wday;
  t->tm_yday = c.tm_yday;
  t->tm_isdst = c.tm_isdst;
  t->tm_gmtoff = c.tm_gmtoff;
  t->tm_zone = c.tm_zone;
  return t;
}

}  // namespace

extern "C" {

struct tm* gmtime_r(const time_t* t, struct tm* out) {
  libc::CalendarTime c;
  if (!libc::gmtime_r(*t, c)) {
    errno = EOVERFLOW;
    return nullptr;
  }
  return to_c(c, out);
}

struct tm* localtime_r(const time_t* t, struct tm* out) {
  libc::CalendarTime c;
  if (!libc::localtime_r(*t, c)) {
    errno = EOVERFLOW;
    return nullptr;
  }
  return to_c(c, out);
}

time_t timegm(struct tm* tm) {
  libc::CalendarTime c = from_c(*tm);
  int error = 0;
  time_t t = libc::timegm(c, &error);
  if (error != 0) {
    errno = error;
    return -1;
  }
  to_c(c, tm);
  return t;
}

time_t mktime(struct tm* tm) {
  libc::CalendarTime c = from_c(*tm);
  int error = 0;
  time_t t = libc::mktime(c, &error);
  if (error != 0) {
    errno = error;
    return -1;
  }
  to_c(c, tm);
  return t;
}

double difftime(time_t a, time_t b) {
  return libc::difftime(a, b);
}

size_t strftime(char* buffer, size_t size, const char* format, const struct tm* tm) {
  return libc::strftime(buffer, size, format, from_c(*tm));
}

char* asctime_r(const struct tm* tm, char* buffer) {
  char* result = libc::asctime_r(from_c(*tm), buffer);
  if (result == nullptr) errno = EOVERFLOW;
  return result;
}

char* ctime_r(const time_t* t, char* buffer) {
  char* result = libc::ctime_r(*t, buffer);
  if (result == nullptr) errno = EOVERFLOW;
  return result;
}

}  // extern "C"
