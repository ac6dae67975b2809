/* <grp.h>: the group database, read from /etc/group. */
#ifndef MOSAIC_GRP_H
#define MOSAIC_GRP_H

#include <stddef.h>
#include <sys/types.h>

struct group {
  char* gr_name;
  char* gr_passwd;
  gid_t gr_gid;
  char** gr_mem;
};

#ifdef __cplusplus
extern "C" {
#endif

/* The entry lives in per-process storage until the next call of the same function. */
struct group* getgrgid(gid_t gid);
struct group* getgrnam(const char* name);

#ifdef __cplusplus
}
#endif

#endif
