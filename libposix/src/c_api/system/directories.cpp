// The C names of directory streams: a DIR reads linux_dirent64 records (getdents64) into a
// buffer of its own and hands them out as struct dirent.
#include "call.hpp"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <new>

namespace sys = mos::posix::sys;

struct __mos_dir {
  int fd = -1;
  char records[2048];
  long used = 0;  // Bytes of records read.
  long next = 0;  // The next record's offset in `records`.
  struct dirent entry;
};

extern "C" {

DIR* fdopendir(int fd) {
  struct stat status;
  if (fstat(fd, &status) != 0) return nullptr;
  if (!S_ISDIR(status.st_mode)) {
    errno = ENOTDIR;
    return nullptr;
  }
  auto* directory = new (std::nothrow) DIR;
  if (directory == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  directory->fd = fd;
  return directory;
}

DIR* opendir(const char* path) {
  const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  DIR* directory = fdopendir(fd);
  if (directory == nullptr) close(fd);
  return directory;
}

struct dirent* readdir(DIR* directory) {
  if (directory->next >= directory->used) {
    const long got = mos::posix::c_api::finish(
        sys::getdents64(directory->fd, directory->records, sizeof directory->records));
    if (got <= 0) return nullptr;  // The end (errno unchanged), or an error (errno set).
    directory->used = got;
    directory->next = 0;
  }
  const char* record = directory->records + directory->next;
  struct dirent& entry = directory->entry;
  unsigned short length;
  memcpy(&entry.d_ino, record, 8);
  memcpy(&entry.d_off, record + 8, 8);
  memcpy(&length, record + 16, 2);
  entry.d_type = static_cast<unsigned char>(record[18]);
  entry.d_reclen = sizeof entry;
  const size_t name = strnlen(record + 19, sizeof entry.d_name - 1);
  memcpy(entry.d_name, record + 19, name);
  entry.d_name[name] = '\0';
  directory->next += length;
  return &entry;
}

int closedir(DIR* directory) {
  const int closed = close(directory->fd);
  delete directory;
  return closed;
}

void rewinddir(DIR* directory) {
  lseek(directory->fd, 0, SEEK_SET);
  directory->used = directory->next = 0;
}

int dirfd(DIR* directory) {
  return directory->fd;
}

long telldir(DIR* directory) {
  if (directory->next > 0 && directory->next <= directory->used) return directory->entry.d_off;
  return lseek(directory->fd, 0, SEEK_CUR);
}

void seekdir(DIR* directory, long position) {
  lseek(directory->fd, position, SEEK_SET);
  directory->used = directory->next = 0;
}

}  // extern "C"
