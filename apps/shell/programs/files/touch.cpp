// touch: set files' access and modification times (now, -d DATE, -t STAMP or -r FILE),
// creating them unless -c.
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "touch";

/// Reads exactly `digits` decimal digits at *p into *out and advances. False if they are not.
bool take_number(const char** p, int digits, int* out) {
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = (*p)[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *p += digits;
  *out = value;
  return true;
}

/// The local time tm stands for, or false when mktime rejects it.
bool local_time(struct tm* tm, struct timespec* out) {
  tm->tm_isdst = -1;
  const time_t t = mktime(tm);
  if (t == static_cast<time_t>(-1)) return false;
  *out = timespec{t, 0};
  return true;
}

/// -d: "@SECONDS", "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or with 'T' between date and time.
bool parse_date(const char* text, struct timespec* out) {
  if (text[0] == '@') {
    char* end = nullptr;
    errno = 0;
    const long long seconds = strtoll(text + 1, &end, 10);
    if (errno != 0 || end == text + 1 || *end != '\0') return false;
    *out = timespec{static_cast<time_t>(seconds), 0};
    return true;
  }
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char* p = text;
  int year, month, day;
  if (!take_number(&p, 4, &year) || *p++ != '-' || !take_number(&p, 2, &month) || *p++ != '-' ||
      !take_number(&p, 2, &day)) {
    return false;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  if (*p == ' ' || *p == 'T') {
    ++p;
    if (!take_number(&p, 2, &tm.tm_hour) || *p++ != ':' || !take_number(&p, 2, &tm.tm_min)) {
      return false;
    }
    if (*p == ':' && (++p, !take_number(&p, 2, &tm.tm_sec))) return false;
  }
  if (*p != '\0' || month < 1 || month > 12 || day < 1 || day > 31) return false;
  return local_time(&tm, out);
}

/// -t: [[CC]YY]MMDDhhmm[.ss].
bool parse_stamp(const char* text, struct timespec* out) {
  const char* dot = strchr(text, '.');
  const size_t length = dot != nullptr ? static_cast<size_t>(dot - text) : strlen(text);
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const time_t now = time(nullptr);
  localtime_r(&now, &tm);
  const char* p = text;
  int year = tm.tm_year + 1900;
  if (length == 12) {
    if (!take_number(&p, 4, &year)) return false;
  } else if (length == 10) {
    if (!take_number(&p, 2, &year)) return false;
    year += year < 69 ? 2000 : 1900;
  } else if (length != 8) {
    return false;
  }
  int month;
  if (!take_number(&p, 2, &month) || !take_number(&p, 2, &tm.tm_mday) ||
      !take_number(&p, 2, &tm.tm_hour) || !take_number(&p, 2, &tm.tm_min)) {
    return false;
  }
  tm.tm_sec = 0;
  if (*p == '.' && (++p, !take_number(&p, 2, &tm.tm_sec))) return false;
  if (*p != '\0' || month < 1 || month > 12) return false;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  return local_time(&tm, out);
}

}  // namespace

int touch_main(int argc, char** argv) {
  bool create = true;
  bool access = false;
  bool modify = false;
  struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  int option;
  while ((option = getopt(argc, argv, "acmd:t:r:")) != -1) {
    switch (option) {
      case 'a':
        access = true;
        break;
      case 'c':
        create = false;
        break;
      case 'm':
        modify = true;
        break;
      case 'd':
      case 't':
        if (!(option == 'd' ? parse_date(optarg, &times[0]) : parse_stamp(optarg, &times[0]))) {
          report(kName, "invalid date format '%s'", optarg);
          return 1;
        }
        times[1] = times[0];
        break;
      case 'r': {
        struct stat st;
        if (stat(optarg, &st) != 0) {
          report_error(kName, optarg, errno);
          return 1;
        }
        times[0] = st.st_atim;
        times[1] = st.st_mtim;
        break;
      }
      default:
        fprintf(stderr, "usage: touch [-acm] [-d DATE | -t STAMP | -r FILE] FILE...\n");
        return 2;
    }
  }
  if (optind == argc) {
    report(kName, "missing file operand");
    return 2;
  }
  // -a or -m alone leaves the other time as it is.
  if (access && !modify) times[1].tv_nsec = UTIME_OMIT;
  if (modify && !access) times[0].tv_nsec = UTIME_OMIT;
  int status = 0;
  for (int i = optind; i < argc; ++i) {
    if (create) {
      const int fd = open(argv[i], O_WRONLY | O_CREAT | O_NOCTTY, 0666);
      if (fd >= 0) {
        close(fd);
      } else if (errno != EISDIR) {
        report_error(kName, argv[i], errno);
        status = 1;
        continue;
      }
    }
    if (utimensat(AT_FDCWD, argv[i], times, 0) != 0) {
      if (!create && errno == ENOENT) continue;
      report_error(kName, argv[i], errno);
      status = 1;
    }
  }
  return status;
}

}  // namespace mos::programs
