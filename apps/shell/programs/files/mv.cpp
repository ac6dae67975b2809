// mv: move (rename) files; across file systems, copy and then remove.
#include "program.hpp"

#include "common.hpp"
#include "copy.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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
    files::report_error(kName, src, errno);
    return 1;
  }
  struct stat existing;
  if (no_clobber && lstat(dst, &existing) == 0) return 0;
  if (rename(src, dst) == 0) return 0;
  if (errno != EXDEV) {
    const int error = errno;
    if (error == EINVAL) {
      files::report(kName, "cannot move '%s' to a subdirectory of itself, '%s'", src, dst);
    } else {
      fprintf(stderr, "%s: cannot move '%s' to '%s': %s\n", kName, src, dst, strerror(error));
    }
    return 1;
  }
  // Another file system: rename(2) would have replaced a file or an empty directory at dst.
  if (lstat(dst, &existing) == 0) {
    const bool removed = S_ISDIR(existing.st_mode) ? rmdir(dst) == 0 : unlink(dst) == 0;
    if (!removed) {
      files::report_error(kName, dst, errno);
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
  const int operands = argc - optind;
  if (operands < 2) {
    files::report(kName, operands == 0 ? "missing file operand" : "missing destination operand");
    return 2;
  }
  const char* target = argv[argc - 1];
  const bool into_directory = files::is_directory(target);
  if (operands > 2 && !into_directory) {
    files::report(kName, "target '%s' is not a directory", target);
    return 1;
  }
  char* dst = static_cast<char*>(malloc(PATH_MAX));
  if (dst == nullptr) {
    files::report_error(kName, target, ENOMEM);
    return 1;
  }
  int status = 0;
  for (int i = optind; i < argc - 1; ++i) {
    if (!into_directory) {
      status |= move(argv[i], target, no_clobber);
    } else if (!files::path_in_directory(dst, PATH_MAX, target, argv[i])) {
      files::report_error(kName, argv[i], ENAMETOOLONG);
      status = 1;
    } else {
      status |= move(argv[i], dst, no_clobber);
    }
  }
  free(dst);
  return status;
}

}  // namespace mos::programs
