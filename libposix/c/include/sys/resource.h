/* <sys/resource.h>. */
#ifndef MOSAIC_SYS_RESOURCE_H
#define MOSAIC_SYS_RESOURCE_H

#include <sys/time.h>
#include <sys/types.h>

typedef unsigned long rlim_t;
#define RLIM_INFINITY (~0ul)

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 7
#define RLIMIT_AS 9
#define RLIM_NLIMITS 16

struct rlimit {
  rlim_t rlim_cur;
  rlim_t rlim_max;
};

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)

struct rusage {
  struct timeval ru_utime;
  struct timeval ru_stime;
  long __reserved[14];
};

#ifdef __cplusplus
extern "C" {
#endif

int getrlimit(int resource, struct rlimit* out);
int setrlimit(int resource, const struct rlimit* limit);
int getrusage(int who, struct rusage* out);

#ifdef __cplusplus
}
#endif

#endif
