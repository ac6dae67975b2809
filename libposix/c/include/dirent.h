/* <dirent.h>: directory streams. */
#ifndef MOSAIC_DIRENT_H
#define MOSAIC_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
  ino_t d_ino;
  off_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[256];
};

typedef struct __mos_dir DIR;

#ifdef __cplusplus
extern "C" {
#endif

DIR* opendir(const char* path);
DIR* fdopendir(int fd);
struct dirent* readdir(DIR* directory);
int closedir(DIR* directory);
void rewinddir(DIR* directory);
int dirfd(DIR* directory);
long telldir(DIR* directory);
void seekdir(DIR* directory, long position);

#ifdef __cplusplus
}
#endif

#endif
