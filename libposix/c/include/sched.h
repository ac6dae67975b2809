/* <sched.h>. */
#ifndef MOSAIC_SCHED_H
#define MOSAIC_SCHED_H

/* pthread.h (which libstdc++'s headers bring in) names this type. */
typedef struct {
  unsigned long __bits[16];
} cpu_set_t;

#ifdef __cplusplus
extern "C" {
#endif

int sched_yield(void);

#ifdef __cplusplus
}
#endif

#endif
