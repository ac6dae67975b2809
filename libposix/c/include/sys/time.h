/* <sys/time.h>. */
#ifndef MOSAIC_SYS_TIME_H
#define MOSAIC_SYS_TIME_H

#include <sys/types.h>

struct timeval {
  time_t tv_sec;
  suseconds_t tv_usec;
};

struct timezone {
  int tz_minuteswest;
  int tz_dsttime;
};

#ifdef __cplusplus
extern "C" {
#endif

int gettimeofday(struct timeval* now, void* zone);
int settimeofday(const struct timeval* now, const struct timezone* zone);

#ifdef __cplusplus
}
#endif

#endif
