// rm: remove files (-r: and directory trees; -f: quietly ignore missing files).
#include "program.hpp"

#include "common.hpp"
#include "copy.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "rm";

bool is_root(const struct stat& st) {
  struct stat root;
  return stat("/", &root) == 0 && root.st_dev == st.st_dev && root.st_ino == st.st_ino;
}

/// Removes one operand. Returns 0 or 1.
int remove_operand(const char* path, bool recursive, bool force) {
  char last[NAME_MAX + 1];
  if (files::last_component(path, last, sizeof last) && files::is_dot_or_dot_dot(last)) {
    report(kName, "refusing to remove '.' or '..' directory: skipping '%s'", path);
    return 1;
  }
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (force && errno == ENOENT) return 0;
    report_error(kName, path, errno);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) == 0) return 0;
    report_error(kName, path, errno);
    return 1;
  }
  if (!recursive) {
    report_error(kName, path, EISDIR);
    return 1;
  }
  if (is_root(st)) {
    report(kName, "it is dangerous to operate recursively on '%s'", path);
    return 1;
  }
  return files::remove_tree(kName, path) ? 0 : 1;
}

}  // namespace

int rm_main(int argc, char** argv) {
  bool recursive = false;
  bool force = false;
  int option;
  while ((option = getopt(argc, argv, "frR")) != -1) {
    switch (option) {
      case 'f':
        force = true;
        break;
      case 'r':
      case 'R':
        recursive = true;
        break;
      default:
        fprintf(stderr, "usage: rm [-frR] FILE...\n");
        return 2;
    }
  }
  if (optind == argc && !force) {
    report(kName, "missing operand");
    return 2;
  }
  int status = 0;
  for (int i = optind; i < argc; ++i) status |= remove_operand(argv[i], recursive, force);
  return status;
}

}  // namespace mos::programs
