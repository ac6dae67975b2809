/* struct timespec, shared by <time.h>, <sys/stat.h>, <poll.h> and <sys/select.h>. */
#ifndef MOSAIC_BITS_TIMESPEC_H
#define MOSAIC_BITS_TIMESPEC_H

#include <sys/types.h>

/* glibc's guards too: libstdc++'s own headers may bring glibc's definition in. */
#if !defined(__timespec_defined) && !defined(_STRUCT_TIMESPEC)
#define __timespec_defined 1
#define _STRUCT_TIMESPEC 1
struct timespec {
  time_t tv_sec;
  long tv_nsec;
};
#endif

#endif
