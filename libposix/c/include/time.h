/* <time.h>. There are no time zones: local time is UTC (TZ is not read), localtime_r is
 * gmtime_r with tm_zone "UTC", mktime is timegm. gmtime, localtime, asctime and ctime (static
 * result buffers, shared by all processes) are not provided: use the _r forms. The clocks and
 * sleeps are the process layer's. */
#ifndef MOSAIC_TIME_H
#define MOSAIC_TIME_H

#include <stddef.h>
#include <sys/types.h>
#include <bits/timespec.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLOCKS_PER_SEC ((clock_t)1000000)

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_BOOTTIME 7

#define TIMER_ABSTIME 1

struct tm {
  int tm_sec;
  int tm_min;
  int tm_hour;
  int tm_mday;
  int tm_mon;
  int tm_year;
  int tm_wday;
  int tm_yday;
  int tm_isdst;
  long tm_gmtoff;
  const char* tm_zone;
};

/* The process layer's. */
time_t time(time_t* out);
clock_t clock(void);
int clock_gettime(clockid_t clock, struct timespec* out);
int clock_settime(clockid_t clock, const struct timespec* value);
int clock_getres(clockid_t clock, struct timespec* out);
int nanosleep(const struct timespec* duration, struct timespec* remaining);
int clock_nanosleep(clockid_t clock, int flags, const struct timespec* duration,
                    struct timespec* remaining);

/* Calendar time (UTC). NULL with errno EOVERFLOW when the year does not fit in an int. */
struct tm* gmtime_r(const time_t* t, struct tm* out);
struct tm* localtime_r(const time_t* t, struct tm* out);
/* Normalise every field of *tm and return its time; -1 with EOVERFLOW if it does not fit. */
time_t timegm(struct tm* tm);
time_t mktime(struct tm* tm);
double difftime(time_t a, time_t b);
/* Every C99/POSIX conversion in the C locale, plus GNU's %k %l %P %s and flags - _ 0 ^ #. */
size_t strftime(char* buffer, size_t size, const char* format, const struct tm* tm);
/* "Sun Sep 16 01:03:52 1973\n" into a buffer of at least 26 bytes. */
char* asctime_r(const struct tm* tm, char* buffer);
char* ctime_r(const time_t* t, char* buffer);

#ifdef __cplusplus
}
#endif

#endif
