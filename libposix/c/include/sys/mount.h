/* <sys/mount.h>: mount(2) for the file systems Mosaic has (ext2, tmpfs; MS_BIND). */
#ifndef MOSAIC_SYS_MOUNT_H
#define MOSAIC_SYS_MOUNT_H

#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT 32
#define MS_MANDLOCK 64
#define MS_DIRSYNC 128
#define MS_NOATIME 1024
#define MS_NODIRATIME 2048
#define MS_RELATIME (1 << 21)
#define MS_STRICTATIME (1 << 24)
#define MS_BIND 4096
#define MNT_FORCE 1
#define MNT_DETACH 2

#ifdef __cplusplus
extern "C" {
#endif

int mount(const char* source, const char* target, const char* type, unsigned long flags,
          const void* data);
int umount(const char* target);
int umount2(const char* target, int flags);

#ifdef __cplusplus
}
#endif

#endif
