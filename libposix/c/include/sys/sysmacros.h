/* <sys/sysmacros.h>: device numbers (Linux's encoding). */
#ifndef MOSAIC_SYS_SYSMACROS_H
#define MOSAIC_SYS_SYSMACROS_H

#include <sys/types.h>

#define major(dev) \
  ((unsigned int)((((dev) >> 32) & 0xfffff000u) | (((dev) >> 8) & 0xfffu)))
#define minor(dev) ((unsigned int)((((dev) >> 12) & 0xffffff00u) | ((dev) & 0xffu)))
#define makedev(ma, mi)                                                          \
  ((((dev_t)(ma) & 0xfffff000u) << 32) | (((dev_t)(ma) & 0xfffu) << 8) |         \
   (((dev_t)(mi) & 0xffffff00u) << 12) | ((dev_t)(mi) & 0xffu))

#endif
