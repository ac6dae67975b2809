// ln: make hard links, or with -s symbolic links.
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "ln";

/// The options of one run.
struct Ln {
  bool symbolic = false;
  bool force = false;
};

/// Links target at the path name. Returns 0 or 1.
int make_link(const Ln& ln, const char* target, const char* name) {
  if (ln.force) {
    struct stat st;
    if (lstat(name, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(name) != 0) {
      report_error(kName, name, errno);
      return 1;
    }
  }
  const int status = ln.symbolic ? symlink(target, name) : link(target, name);
  if (status == 0) return 0;
  const int error = errno;
  fprintf(stderr, "%s: failed to create %s link '%s' -> '%s': %s\n", kName,
          ln.symbolic ? "symbolic" : "hard", name, target, strerror(error));
  return 1;
}

}  // namespace

int ln_main(int argc, char** argv) {
  Ln ln;
  int option;
  while ((option = getopt(argc, argv, "fs")) != -1) {
    switch (option) {
      case 'f':
        ln.force = true;
        break;
      case 's':
        ln.symbolic = true;
        break;
      default:
        fprintf(stderr, "usage: ln [-fs] TARGET [LINK_NAME] | ln [-fs] TARGET... DIRECTORY\n");
        return 2;
    }
  }
  const int operands = argc - optind;
  if (operands == 0) {
    report(kName, "missing file operand");
    return 2;
  }
  // One operand: the link goes into the current directory under the target's name.
  const char* directory = operands == 1 ? "." : argv[argc - 1];
  const bool into_directory = operands == 1 || files::is_directory(directory);
  if (operands > 2 && !into_directory) {
    report(kName, "target '%s' is not a directory", directory);
    return 1;
  }
  if (!into_directory) return make_link(ln, argv[optind], argv[optind + 1]);
  char* name = static_cast<char*>(malloc(PATH_MAX));
  if (name == nullptr) {
    report_error(kName, directory, ENOMEM);
    return 1;
  }
  int status = 0;
  const int last = operands == 1 ? argc : argc - 1;
  for (int i = optind; i < last; ++i) {
    if (!files::path_in_directory(name, PATH_MAX, directory, argv[i])) {
      report_error(kName, argv[i], ENAMETOOLONG);
      status = 1;
      continue;
    }
    status |= make_link(ln, argv[i], name);
  }
  free(name);
  return status;
}

}  // namespace mos::programs
