// strftime, asctime_r and ctime_r in the C locale.
#include <posix/libc/calendar_time.hpp>
#include <posix/libc/ctype.hpp>

#include <k/string.hpp>

namespace mos::posix::libc {

namespace {

constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

const char* day_name(int wday) noexcept {
  return wday >= 0 && wday < 7 ? kDays[wday] : "?";
}
const char* month_name(int mon) noexcept {
  return mon >= 0 && mon < 12 ? kMonths[mon] : "?";
}

// Output bounded by the caller's buffer; `full` once something did not fit.
class Output {
 public:
  Output(char* buffer, std::size_t size) noexcept : buffer_(buffer), size_(size) {}

  void put(char c) noexcept {
    if (length_ + 1 < size_) {
      buffer_[length_++] = c;
    } else {
      full_ = true;
    }
  }
  std::size_t finish() noexcept {
    if (size_ == 0 || full_) return 0;
    buffer_[length_] = '\0';
    return length_;
  }

 private:
  char* buffer_;
  std::size_t size_;
  std::size_t length_ = 0;
  bool full_ = false;
};

// How one conversion is padded and cased (GNU flags: '-' none, '_' spaces, '0' zeros, '^' upper,
// '#' swap case of names).
struct Flags {
  char pad = 0;  // 0: the conversion's default
  bool upper = false;
  bool swap_case = false;
  int width = -1;
};

void put_text(Output& out, const char* text, const Flags& f, int length = -1) noexcept {
  int n = length >= 0 ? length : static_cast<int>(string_length(text));
  for (int i = n; i < f.width; ++i) out.put(f.pad == '0' ? '0' : ' ');
  for (int i = 0; i < n; ++i) {
    int c = static_cast<unsigned char>(text[i]);
    if (f.upper) c = to_upper(c);
    if (f.swap_case) c = is_upper(c) ? to_lower(c) : to_upper(c);
    out.put(static_cast<char>(c));
  }
}

// A number with at least `digits` digits, padded with `default_pad` ('0' or ' ') unless the
// flags say otherwise.
void put_number(Output& out, long long value, int digits, char default_pad,
                const Flags& f) noexcept {
  char pad = f.pad != 0 ? f.pad : default_pad;
  int width = f.width >= 0 ? f.width : digits;
  if (pad == '-') width = 0;
  char text[24];
  int n = 0;
  bool negative = value < 0;
  unsigned long long magnitude = negative ? 0ULL - static_cast<unsigned long long>(value)
                                          : static_cast<unsigned long long>(value);
  do {
    text[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  int total = n + (negative ? 1 : 0);
  if (pad == '0') {
    if (negative) out.put('-');
    for (int i = total; i < width; ++i) out.put('0');
  } else {
    for (int i = total; i < width; ++i) out.put(' ');
    if (negative) out.put('-');
  }
  while (n > 0) out.put(text[--n]);
}

long long floor_div(long long a, long long b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Weeks in ISO year y: 53 when it starts on a Thursday, or on a Wednesday in a leap year.
int iso_weeks_in_year(long long y) noexcept {
  auto p = [](long long year) {
    long long v = year + floor_div(year, 4) - floor_div(year, 100) + floor_div(year, 400);
    return v - floor_div(v, 7) * 7;
  };
  return p(y) == 4 || p(y - 1) == 3 ? 53 : 52;
}

// An ISO 8601 week: its week-based year and its number in that year.
struct IsoWeek {
  long long year;
  int week;
};

// The ISO 8601 week of tm.
IsoWeek iso_week(const CalendarTime& tm) noexcept {
  IsoWeek w{static_cast<long long>(tm.tm_year) + 1900, 0};
  int monday_based = (tm.tm_wday + 6) % 7;
  w.week = (tm.tm_yday - monday_based + 10) / 7;
  if (w.week < 1) {
    --w.year;
    w.week = iso_weeks_in_year(w.year);
  } else if (w.week > iso_weeks_in_year(w.year)) {
    ++w.year;
    w.week = 1;
  }
  return w;
}

// The year within its century (0..99, also for negative years), as %y and %g print it.
long long year_in_century(long long year) noexcept {
  return year - floor_div(year, 100) * 100;
}

// The hour on a 12-hour clock (1..12), as %I and %l print it.
int hour_of_12(int hour) noexcept {
  return (hour + 11) % 12 + 1;
}

enum class LetterCase { Upper, Lower };

// "AM" or "PM" for the hour, in the given case.
const char* meridiem(int hour, LetterCase letters) noexcept {
  if (hour >= 12) return letters == LetterCase::Lower ? "pm" : "PM";
  return letters == LetterCase::Lower ? "am" : "AM";
}

void format_into(Output& out, const char* format, const CalendarTime& tm) noexcept;

void convert(Output& out, char spec, const Flags& f, const CalendarTime& tm) noexcept {
  const long long year = static_cast<long long>(tm.tm_year) + 1900;
  switch (spec) {
    case 'a':
      put_text(out, day_name(tm.tm_wday), f, tm.tm_wday >= 0 && tm.tm_wday < 7 ? 3 : 1);
      return;
    case 'A':
      put_text(out, day_name(tm.tm_wday), f);
      return;
    case 'b':
    case 'h':
      put_text(out, month_name(tm.tm_mon), f, tm.tm_mon >= 0 && tm.tm_mon < 12 ? 3 : 1);
      return;
    case 'B':
      put_text(out, month_name(tm.tm_mon), f);
      return;
    case 'c':
      format_into(out, "%a %b %e %H:%M:%S %Y", tm);
      return;
    case 'C':
      put_number(out, floor_div(year, 100), 2, '0', f);
      return;
    case 'd':
      put_number(out, tm.tm_mday, 2, '0', f);
      return;
    case 'D':
      format_into(out, "%m/%d/%y", tm);
      return;
    case 'e':
      put_number(out, tm.tm_mday, 2, ' ', f);
      return;
    case 'F': {
      Flags y = f;
      y.width = f.width >= 6 ? f.width - 6 : -1;
      put_number(out, year, 4, '0', y);  // glibc pads the year to 4 digits here
      format_into(out, "-%m-%d", tm);
      return;
    }
    case 'g':
      put_number(out, year_in_century(iso_week(tm).year), 2, '0', f);
      return;
    case 'G':
      put_number(out, iso_week(tm).year, 1, '0', f);
      return;
    case 'H':
      put_number(out, tm.tm_hour, 2, '0', f);
      return;
    case 'I':
      put_number(out, hour_of_12(tm.tm_hour), 2, '0', f);
      return;
    case 'j':
      put_number(out, tm.tm_yday + 1, 3, '0', f);
      return;
    case 'k':
      put_number(out, tm.tm_hour, 2, ' ', f);
      return;
    case 'l':
      put_number(out, hour_of_12(tm.tm_hour), 2, ' ', f);
      return;
    case 'm':
      put_number(out, tm.tm_mon + 1, 2, '0', f);
      return;
    case 'M':
      put_number(out, tm.tm_min, 2, '0', f);
      return;
    case 'n':
      out.put('\n');
      return;
    case 'p': {
      Flags g = f;
      g.swap_case = false;  // glibc: %#p is lower case
      put_text(out, meridiem(tm.tm_hour, f.swap_case ? LetterCase::Lower : LetterCase::Upper), g);
      return;
    }
    case 'P':
      put_text(out, meridiem(tm.tm_hour, LetterCase::Lower), f);
      return;
    case 'r':
      format_into(out, "%I:%M:%S %p", tm);
      return;
    case 'R':
      format_into(out, "%H:%M", tm);
      return;
    case 's': {
      CalendarTime copy = tm;
      put_number(out, mktime(copy), 1, '0', f);
      return;
    }
    case 'S':
      put_number(out, tm.tm_sec, 2, '0', f);
      return;
    case 't':
      out.put('\t');
      return;
    case 'T':
      format_into(out, "%H:%M:%S", tm);
      return;
    case 'u':
      put_number(out, (tm.tm_wday + 6) % 7 + 1, 1, '0', f);
      return;
    case 'U':
      put_number(out, (tm.tm_yday + 7 - tm.tm_wday) / 7, 2, '0', f);
      return;
    case 'V':
      put_number(out, iso_week(tm).week, 2, '0', f);
      return;
    case 'w':
      put_number(out, tm.tm_wday, 1, '0', f);
      return;
    case 'W':
      put_number(out, (tm.tm_yday + 7 - (tm.tm_wday + 6) % 7) / 7, 2, '0', f);
      return;
    case 'x':
      format_into(out, "%m/%d/%y", tm);
      return;
    case 'X':
      format_into(out, "%H:%M:%S", tm);
      return;
    case 'y':
      put_number(out, year_in_century(year), 2, '0', f);
      return;
    case 'Y':
      put_number(out, year, 1, '0', f);
      return;
    case 'z': {
      long off = tm.tm_gmtoff;
      out.put(off < 0 ? '-' : '+');
      if (off < 0) off = -off;
      Flags two;
      put_number(out, off / 3600, 2, '0', two);
      put_number(out, off / 60 % 60, 2, '0', two);
      return;
    }
    case 'Z':
      put_text(out, tm.tm_zone != nullptr ? tm.tm_zone : "", f);
      return;
    case '%':
      out.put('%');
      return;
    default:
      // Unknown conversion: copied as written, as glibc does.
      out.put('%');
      out.put(spec);
      return;
  }
}

void format_into(Output& out, const char* format, const CalendarTime& tm) noexcept {
  for (const char* p = format; *p != '\0'; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    const char* start = p;
    Flags f;
    for (;;) {
      char c = p[1];
      if (c == '-' || c == '_' || c == '0') {
        f.pad = c;
      } else if (c == '^') {
        f.upper = true;
      } else if (c == '#') {
        f.swap_case = true;
      } else {
        break;
      }
      ++p;
    }
    if (is_digit(static_cast<unsigned char>(p[1]))) {
      f.width = 0;
      while (is_digit(static_cast<unsigned char>(p[1]))) f.width = f.width * 10 + (*++p - '0');
    }
    if (p[1] == 'E' || p[1] == 'O') ++p;
    if (p[1] == '\0') {  // a lone '%' at the end is copied
      for (const char* q = start; q <= p; ++q) out.put(*q);
      return;
    }
    convert(out, *++p, f, tm);
  }
}

}  // namespace

std::size_t strftime(char* buffer, std::size_t size, const char* format,
                     const CalendarTime& tm) noexcept {
  Output out(buffer, size);
  format_into(out, format, tm);
  return out.finish();
}

char* asctime_r(const CalendarTime& tm, char* buffer) noexcept {
  // glibc: "%.3s %.3s%3d %.2d:%.2d:%.2d %d\n", and EOVERFLOW beyond the 26-byte buffer.
  char line[64];
  Output out(line, sizeof(line));
  Flags none;
  put_text(out, tm.tm_wday >= 0 && tm.tm_wday < 7 ? kDays[tm.tm_wday] : "???", none, 3);
  out.put(' ');
  put_text(out, tm.tm_mon >= 0 && tm.tm_mon < 12 ? kMonths[tm.tm_mon] : "???", none, 3);
  put_number(out, tm.tm_mday, 3, ' ', none);
  out.put(' ');
  put_number(out, tm.tm_hour, 2, '0', none);
  out.put(':');
  put_number(out, tm.tm_min, 2, '0', none);
  out.put(':');
  put_number(out, tm.tm_sec, 2, '0', none);
  out.put(' ');
  put_number(out, static_cast<long long>(tm.tm_year) + 1900, 1, '0', none);
  out.put('\n');
  std::size_t n = out.finish();
  if (n + 1 > kAsctimeBufferSize) return nullptr;
  memory_copy(buffer, line, n + 1);
  return buffer;
}

char* ctime_r(Seconds t, char* buffer) noexcept {
  CalendarTime tm;
  if (!localtime_r(t, tm)) return nullptr;
  return asctime_r(tm, buffer);
}

}  // namespace mos::posix::libc
