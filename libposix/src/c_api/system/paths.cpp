// realpath, mkstemp and mkdtemp.
#include "call.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace {

// Replaces the template's XXXXXX with letters from the clock and a counter; tries 100 names.
template <class Make>
int from_template(char* name, Make make) noexcept {
  const size_t length = strlen(name);
  if (length < 6 || strcmp(name + length - 6, "XXXXXX") != 0) {
    errno = EINVAL;
    return -1;
  }
  static constexpr char kLetters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  unsigned long seed =
      static_cast<unsigned long>(now.tv_nsec) ^ static_cast<unsigned long>(getpid());
  for (int attempt = 0; attempt < 100; ++attempt) {
    unsigned long value = seed + static_cast<unsigned long>(attempt) * 7919;
    for (size_t i = length - 6; i < length; ++i) {
      name[i] = kLetters[value % 62];
      value /= 62;
    }
    const int made = make(name);
    if (made >= 0 || errno != EEXIST) return made;
  }
  errno = EEXIST;
  return -1;
}

}  // namespace

extern "C" {

int mkstemp(char* name) {
  return from_template(name, [](const char* path) {
    return open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  });
}

char* mkdtemp(char* name) {
  const int made = from_template(name, [](const char* path) { return mkdir(path, 0700); });
  return made < 0 ? nullptr : name;
}

// The absolute path without ".", ".." or symlinks: resolved by changing into the directory
// (the VFS walks it) and asking getcwd, so that Linux's errors come back.
char* realpath(const char* path, char* resolved) {
  if (path == nullptr) {
    errno = EINVAL;
    return nullptr;
  }
  char* out = resolved != nullptr ? resolved : static_cast<char*>(malloc(PATH_MAX));
  if (out == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  const int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char* result = nullptr;
  char link[PATH_MAX];
  char current[PATH_MAX];
  size_t length = strlen(path);
  if (length == 0 || length >= PATH_MAX) {
    errno = length == 0 ? ENOENT : ENAMETOOLONG;
  } else {
    memcpy(current, path, length + 1);
    for (int hops = 0; hops < 40; ++hops) {
      struct stat status;
      if (lstat(current, &status) != 0) break;
      if (S_ISLNK(status.st_mode)) {
        const ssize_t got = readlink(current, link, sizeof link - 1);
        if (got < 0) break;
        link[got] = '\0';
        // A relative target is relative to the link's directory.
        char* slash = strrchr(current, '/');
        if (link[0] != '/' && slash != nullptr) {
          slash[1] = '\0';
          if (strlen(current) + static_cast<size_t>(got) >= PATH_MAX) {
            errno = ENAMETOOLONG;
            break;
          }
          strcat(current, link);
        } else {
          memcpy(current, link, static_cast<size_t>(got) + 1);
        }
        continue;
      }
      if (S_ISDIR(status.st_mode)) {
        if (chdir(current) == 0 && getcwd(out, PATH_MAX) != nullptr) result = out;
      } else {
        char* slash = strrchr(current, '/');
        const char* base = current;
        bool moved = true;
        if (slash != nullptr) {
          *slash = '\0';
          moved = chdir(slash == current ? "/" : current) == 0;
          base = slash + 1;
        }
        if (moved && getcwd(out, PATH_MAX) != nullptr) {
          const size_t at = strlen(out);
          if (at + 1 + strlen(base) >= PATH_MAX) {
            errno = ENAMETOOLONG;
          } else {
            if (at > 1) out[at] = '/', out[at + 1] = '\0';
            strcat(out, base);
            result = out;
          }
        }
      }
      break;
    }
  }
  if (here >= 0) {
    const int saved = errno;
    fchdir(here);
    close(here);
    errno = saved;
  }
  if (result == nullptr && resolved == nullptr) free(out);
  return result;
}

}  // extern "C"
