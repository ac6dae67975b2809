// mv: move (rename) files; across file systems, copy and then remove.
#include "program.hpp"

#include "common.hpp"
#include "copy.hpp"
#include "operands.hpp"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "mv";

/// Moves src to the path dst. Returns 0 or 1.
int move(const char* src, const char* dst, bool no_clobber) {
  struct stat st;
  if (lstat(src, &st) != 0) {
    report_error(kName, src, errno);
    return 1;
  }
  struct stat existing;
  if (no_clobber && lstat(dst, &existing) == 0) return 0;
  if (rename(src, dst) == 0) return 0;
  if (errno != EXDEV) {
    const int error = errno;
    if (error == EINVAL) {
      report(kName, "cannot move '%s' to a subdirectory of itself, '%s'", src, dst);
    } else {
      fprintf(stderr, "%s: cannot move '%s' to '%s': %s\n", kName, src, dst, strerror(error));
    }
    return 1;
  }
  // Another file system: rename(2) would have replaced a file or an empty directory at dst.
  if (lstat(dst, &existing) == 0) {
    const bool removed = S_ISDIR(existing.st_mode) ? rmdir(dst) == 0 : unlink(dst) == 0;
    if (!removed) {
      report_error(kName, dst, errno);
      return 1;
    }
  }
  const files::CopyOptions options{kName, true, true, false, files::WalkFollow::Never};
  if (!files::copy_path(src, dst, options)) return 1;
  return files::remove_tree(kName, src) ? 0 : 1;
}

}  // namespace

int mv_main(int argc, char** argv) {
  bool no_clobber = false;
  int option;
  while ((option = getopt(argc, argv, "fn")) != -1) {
    switch (option) {
      case 'f':
        no_clobber = false;
        break;
      case 'n':
        no_clobber = true;
        break;
      default:
        fprintf(stderr, "usage: mv [-fn] SOURCE... DEST\n");
        return 2;
    }
  }
  return files::for_each_source(
      kName, argc, argv, optind,
      [](const char* source, const char* destination, void* context) {
        return move(source, destination, *static_cast<bool*>(context));
      },
      &no_clobber);
}

}  // namespace mos::programs
