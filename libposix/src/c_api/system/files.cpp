// The C names of the file interface: descriptors, paths, attributes.
#include "call.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace sys = mos::posix::sys;
using mos::posix::c_api::fail;
using mos::posix::c_api::finish;

static_assert(sizeof(struct stat) == sizeof(sys::Stat));
static_assert(sizeof(struct timespec) == sizeof(sys::Timespec));

namespace {

sys::Stat* kernel(struct stat* out) noexcept {
  return reinterpret_cast<sys::Stat*>(out);
}

// open's third argument: there only with O_CREAT.
mode_t mode_argument(int flags, va_list args) noexcept {
  return (flags & O_CREAT) != 0 ? va_arg(args, mode_t) : 0;
}

int fill_statvfs(long result, const sys::StatFs& from, struct statvfs* out) noexcept {
  if (result == 0) {
    *out = {};
    out->f_bsize = from.block_size;
    out->f_frsize = from.fragment_size;
    out->f_blocks = from.blocks;
    out->f_bfree = from.free_blocks;
    out->f_bavail = from.available_blocks;
    out->f_files = from.files;
    out->f_ffree = from.free_files;
    out->f_favail = from.free_files;
    out->f_fsid = from.fsid;
    out->f_flag = from.flags;
    out->f_namemax = from.name_max;
  }
  return static_cast<int>(finish(result));
}

}  // namespace

extern "C" {

int openat(int directory_fd, const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_argument(flags, args);
  va_end(args);
  return static_cast<int>(finish(sys::openat(directory_fd, path, flags, mode)));
}

int open(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_argument(flags, args);
  va_end(args);
  return static_cast<int>(finish(sys::openat(AT_FDCWD, path, flags, mode)));
}

int creat(const char* path, mode_t mode) {
  return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int close(int fd) {
  return static_cast<int>(finish(sys::close(fd)));
}

ssize_t read(int fd, void* buffer, size_t count) {
  return finish(sys::read(fd, buffer, count));
}

ssize_t write(int fd, const void* buffer, size_t count) {
  return finish(sys::write(fd, buffer, count));
}

ssize_t pread(int fd, void* buffer, size_t count, off_t offset) {
  return finish(sys::pread(fd, buffer, count, offset));
}

ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  return finish(sys::pwrite(fd, buffer, count, offset));
}

off_t lseek(int fd, off_t offset, int whence) {
  return finish(sys::lseek(fd, offset, whence));
}
int dup(int fd) {
  return static_cast<int>(finish(sys::dup(fd)));
}
int dup2(int fd, int new_fd) {
  return static_cast<int>(finish(sys::dup2(fd, new_fd)));
}
int dup3(int fd, int new_fd, int flags) {
  return static_cast<int>(finish(sys::dup3(fd, new_fd, flags)));
}

int fcntl(int fd, int command, ...) {
  va_list args;
  va_start(args, command);
  const unsigned long argument = va_arg(args, unsigned long);
  va_end(args);
  return static_cast<int>(finish(sys::fcntl(fd, command, argument)));
}

int pipe2(int fds[2], int flags) {
  return static_cast<int>(finish(sys::pipe2(fds, flags)));
}
int pipe(int fds[2]) {
  return pipe2(fds, 0);
}
int fsync(int fd) {
  return static_cast<int>(finish(sys::fsync(fd)));
}
int fdatasync(int fd) {
  return fsync(fd);
}
void sync(void) {
  (void)finish(sys::sync());
}
int ftruncate(int fd, off_t length) {
  return static_cast<int>(finish(sys::ftruncate(fd, length)));
}
int truncate(const char* path, off_t length) {
  return static_cast<int>(finish(sys::truncate(path, length)));
}

int fstatat(int directory_fd, const char* path, struct stat* out, int flags) {
  return static_cast<int>(finish(sys::newfstatat(directory_fd, path, kernel(out), flags)));
}
int stat(const char* path, struct stat* out) {
  return fstatat(AT_FDCWD, path, out, 0);
}
int lstat(const char* path, struct stat* out) {
  return fstatat(AT_FDCWD, path, out, AT_SYMLINK_NOFOLLOW);
}
int fstat(int fd, struct stat* out) {
  return static_cast<int>(finish(sys::fstat(fd, kernel(out))));
}

int statvfs(const char* path, struct statvfs* out) {
  sys::StatFs found = {};
  return fill_statvfs(sys::statfs(path, &found), found, out);
}

int fstatvfs(int fd, struct statvfs* out) {
  sys::StatFs found = {};
  return fill_statvfs(sys::fstatfs(fd, &found), found, out);
}

int mkdirat(int directory_fd, const char* path, mode_t mode) {
  return static_cast<int>(finish(sys::mkdirat(directory_fd, path, mode)));
}
int mkdir(const char* path, mode_t mode) {
  return mkdirat(AT_FDCWD, path, mode);
}

int mknodat(int directory_fd, const char* path, mode_t mode, dev_t device) {
  return static_cast<int>(finish(sys::mknodat(directory_fd, path, mode, device)));
}
int mknod(const char* path, mode_t mode, dev_t device) {
  return mknodat(AT_FDCWD, path, mode, device);
}
int mkfifo(const char* path, mode_t mode) {
  return mknod(path, S_IFIFO | (mode & 07777), 0);
}

int unlinkat(int directory_fd, const char* path, int flags) {
  return static_cast<int>(finish(sys::unlinkat(directory_fd, path, flags)));
}
int unlink(const char* path) {
  return unlinkat(AT_FDCWD, path, 0);
}
int rmdir(const char* path) {
  return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int remove(const char* path) {
  struct stat status;
  if (lstat(path, &status) != 0) return -1;
  return S_ISDIR(status.st_mode) ? rmdir(path) : unlink(path);
}

int renameat(int from_fd, const char* from, int to_fd, const char* to) {
  return static_cast<int>(finish(sys::renameat(from_fd, from, to_fd, to)));
}
int rename(const char* from, const char* to) {
  return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int linkat(int from_fd, const char* from, int to_fd, const char* to, int flags) {
  return static_cast<int>(finish(sys::linkat(from_fd, from, to_fd, to, flags)));
}
int link(const char* from, const char* to) {
  return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

int symlinkat(const char* target, int directory_fd, const char* path) {
  return static_cast<int>(finish(sys::symlinkat(target, directory_fd, path)));
}
int symlink(const char* target, const char* path) {
  return symlinkat(target, AT_FDCWD, path);
}

ssize_t readlinkat(int directory_fd, const char* path, char* buffer, size_t size) {
  return finish(sys::readlinkat(directory_fd, path, buffer, size));
}
ssize_t readlink(const char* path, char* buffer, size_t size) {
  return readlinkat(AT_FDCWD, path, buffer, size);
}

int fchmodat(int directory_fd, const char* path, mode_t mode, int flags) {
  if (flags != 0) return fail(EOPNOTSUPP);  // As Linux: a link has no mode of its own.
  return static_cast<int>(finish(sys::fchmodat(directory_fd, path, mode)));
}
int chmod(const char* path, mode_t mode) {
  return fchmodat(AT_FDCWD, path, mode, 0);
}
int fchmod(int fd, mode_t mode) {
  return static_cast<int>(finish(sys::fchmod(fd, mode)));
}

int fchownat(int directory_fd, const char* path, uid_t uid, gid_t gid, int flags) {
  return static_cast<int>(finish(sys::fchownat(directory_fd, path, uid, gid, flags)));
}
int chown(const char* path, uid_t uid, gid_t gid) {
  return fchownat(AT_FDCWD, path, uid, gid, 0);
}
int lchown(const char* path, uid_t uid, gid_t gid) {
  return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}
int fchown(int fd, uid_t uid, gid_t gid) {
  return static_cast<int>(finish(sys::fchown(fd, uid, gid)));
}

int utimensat(int directory_fd, const char* path, const struct timespec times[2], int flags) {
  return static_cast<int>(finish(
      sys::utimensat(directory_fd, path, reinterpret_cast<const sys::Timespec*>(times), flags)));
}
int futimens(int fd, const struct timespec times[2]) {
  return utimensat(fd, nullptr, times, 0);
}

int faccessat(int directory_fd, const char* path, int mode, int flags) {
  return static_cast<int>(finish(sys::faccessat(directory_fd, path, mode, flags)));
}
int access(const char* path, int mode) {
  return faccessat(AT_FDCWD, path, mode, 0);
}

int chdir(const char* path) {
  return static_cast<int>(finish(sys::chdir(path)));
}
int fchdir(int fd) {
  return static_cast<int>(finish(sys::fchdir(fd)));
}

char* getcwd(char* buffer, size_t size) {
  if (buffer == nullptr) {
    errno = EINVAL;  // glibc's getcwd(NULL, 0) extension is not provided.
    return nullptr;
  }
  return finish(sys::getcwd(buffer, size)) < 0 ? nullptr : buffer;
}

mode_t umask(mode_t mask) {
  return static_cast<mode_t>(sys::umask(mask));
}

}  // extern "C"
