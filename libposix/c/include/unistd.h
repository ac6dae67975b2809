/* <unistd.h>: the POSIX system interface of a linked app (libposix). */
#ifndef MOSAIC_UNISTD_H
#define MOSAIC_UNISTD_H

#include <stddef.h>
#include <sys/types.h>
#include <getopt.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

#define _SC_ARG_MAX 0
#define _SC_CHILD_MAX 1
#define _SC_CLK_TCK 2
#define _SC_NGROUPS_MAX 3
#define _SC_OPEN_MAX 4
#define _SC_PAGESIZE 30
#define _SC_PAGE_SIZE _SC_PAGESIZE
#define _SC_NPROCESSORS_CONF 83
#define _SC_NPROCESSORS_ONLN 84
#define _SC_LINE_MAX 43
#define _SC_HOST_NAME_MAX 180

#define _PC_NAME_MAX 3
#define _PC_PATH_MAX 4

#define _POSIX_VERSION 200809L

#ifdef __cplusplus
extern "C" {
#endif

/* The calling process's environment ("NAME=value" strings): `environ` is per process. */
char*** __mos_environ(void);
#define environ (*__mos_environ())

ssize_t read(int fd, void* buffer, size_t count);
ssize_t write(int fd, const void* buffer, size_t count);
ssize_t pread(int fd, void* buffer, size_t count, off_t offset);
ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int dup(int fd);
int dup2(int fd, int new_fd);
int dup3(int fd, int new_fd, int flags);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int fsync(int fd);
int fdatasync(int fd);
void sync(void);
int ftruncate(int fd, off_t length);
int truncate(const char* path, off_t length);

int access(const char* path, int mode);
int faccessat(int directory_fd, const char* path, int mode, int flags);
int unlink(const char* path);
int unlinkat(int directory_fd, const char* path, int flags);
int rmdir(const char* path);
int link(const char* from, const char* to);
int linkat(int from_fd, const char* from, int to_fd, const char* to, int flags);
int symlink(const char* target, const char* path);
int symlinkat(const char* target, int directory_fd, const char* path);
ssize_t readlink(const char* path, char* buffer, size_t size);
ssize_t readlinkat(int directory_fd, const char* path, char* buffer, size_t size);
int chown(const char* path, uid_t uid, gid_t gid);
int lchown(const char* path, uid_t uid, gid_t gid);
int fchown(int fd, uid_t uid, gid_t gid);
int fchownat(int directory_fd, const char* path, uid_t uid, gid_t gid, int flags);
int chdir(const char* path);
int fchdir(int fd);
char* getcwd(char* buffer, size_t size);
int isatty(int fd);
char* ttyname(int fd);
int ttyname_r(int fd, char* buffer, size_t size);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t group);

pid_t getpid(void);
pid_t getppid(void);
pid_t getpgrp(void);
pid_t getpgid(pid_t pid);
int setpgid(pid_t pid, pid_t group);
pid_t setsid(void);
pid_t getsid(pid_t pid);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int size, gid_t list[]);
int setgroups(size_t size, const gid_t* list);
int setuid(uid_t uid);
int setgid(gid_t gid);
int seteuid(uid_t uid);
int setegid(gid_t gid);

unsigned sleep(unsigned seconds);
int usleep(useconds_t microseconds);
unsigned alarm(unsigned seconds);
int pause(void);
__attribute__((__noreturn__)) void _exit(int status);

/* vfork: the child borrows the parent's thread and stack, the parent waiting, until the child
 * calls an exec function or _exit; the parent's vfork then returns the child's pid. As POSIX
 * says, the child may do little else (no return from the function that called vfork). */
void** __mos_vfork_prepare(void);
pid_t __mos_vfork_finish(int jumped);
#define vfork() __mos_vfork_finish(__builtin_setjmp(__mos_vfork_prepare()))

int execv(const char* path, char* const argv[]);
int execve(const char* path, char* const argv[], char* const envp[]);
int execvp(const char* file, char* const argv[]);
int execvpe(const char* file, char* const argv[], char* const envp[]);
int execl(const char* path, const char* arg, ...);
int execlp(const char* file, const char* arg, ...);

/* Declared for libstdc++'s headers (atomic waits); always -1 with ENOSYS: linked apps call
 * libposix's functions, never system calls. */
long syscall(long number, ...);

long sysconf(int name);
long pathconf(const char* path, int name);
int gethostname(char* name, size_t size);
int sethostname(const char* name, size_t size);
int getpagesize(void);

#ifdef __cplusplus
}
#endif

#endif
