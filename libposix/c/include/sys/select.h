/* <sys/select.h>: select over at most FD_SETSIZE descriptors. */
#ifndef MOSAIC_SYS_SELECT_H
#define MOSAIC_SYS_SELECT_H

#include <bits/timespec.h>
#include <sys/time.h>
#include <sys/types.h>

#define FD_SETSIZE 1024

typedef struct {
  unsigned long fds_bits[FD_SETSIZE / (8 * sizeof(unsigned long))];
} fd_set;

#define __MOS_FD_WORD(fd) ((fd) / (8 * (int)sizeof(unsigned long)))
#define __MOS_FD_BIT(fd) (1ul << ((fd) % (8 * (int)sizeof(unsigned long))))
#define FD_ZERO(set) \
  do { \
    for (unsigned __i = 0; __i < sizeof((set)->fds_bits) / sizeof(unsigned long); ++__i) \
      (set)->fds_bits[__i] = 0; \
  } while (0)
#define FD_SET(fd, set) ((set)->fds_bits[__MOS_FD_WORD(fd)] |= __MOS_FD_BIT(fd))
#define FD_CLR(fd, set) ((set)->fds_bits[__MOS_FD_WORD(fd)] &= ~__MOS_FD_BIT(fd))
#define FD_ISSET(fd, set) (((set)->fds_bits[__MOS_FD_WORD(fd)] & __MOS_FD_BIT(fd)) != 0)

#ifdef __cplusplus
extern "C" {
#endif

int select(int count, fd_set* readable, fd_set* writable, fd_set* exceptional,
           struct timeval* timeout);

#ifdef __cplusplus
}
#endif

#endif
