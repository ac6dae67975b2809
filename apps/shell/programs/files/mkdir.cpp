// mkdir: make directories (-p: with their parents, no error if they exist; -m: with a mode).
#include "program.hpp"

#include "common.hpp"
#include "mode_spec.hpp"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "mkdir";

/// Makes every missing ancestor of path (a malloc'd copy it may cut), each with the default
/// mode plus u+wx, as GNU does. Returns 0 or an errno, with path restored.
int make_parents(char* path, mode_t parent_mode) {
  for (char* p = path + 1; *p != '\0'; ++p) {
    if (*p != '/' || p[-1] == '/') continue;
    *p = '\0';
    const int status = mkdir(path, parent_mode);
    const int error = status == 0 || (errno == EEXIST && files::is_directory(path)) ? 0 : errno;
    if (error != 0) {
      report_error(kName, path, error);
      *p = '/';
      return error;
    }
    *p = '/';
  }
  return 0;
}

}  // namespace

int mkdir_main(int argc, char** argv) {
  bool parents = false;
  const char* mode_spec = nullptr;
  int option;
  while ((option = getopt(argc, argv, "pm:")) != -1) {
    switch (option) {
      case 'p':
        parents = true;
        break;
      case 'm':
        mode_spec = optarg;
        break;
      default:
        fprintf(stderr, "usage: mkdir [-p] [-m MODE] DIRECTORY...\n");
        return 2;
    }
  }
  if (optind == argc) {
    report(kName, "missing operand");
    return 2;
  }
  const mode_t umask_bits = umask(0);
  umask(umask_bits);
  mode_t mode = 0777 & ~umask_bits;
  // A symbolic -m starts from a=rwx, as in GNU mkdir.
  if (mode_spec != nullptr &&
      !files::apply_mode_spec(mode_spec, 0777, files::ModeTarget::Directory, umask_bits, &mode)) {
    report(kName, "invalid mode '%s'", mode_spec);
    return 2;
  }
  int status = 0;
  for (int i = optind; i < argc; ++i) {
    if (parents) {
      char* copy = strdup(argv[i]);
      const int error = copy == nullptr ? ENOMEM : make_parents(copy, (0777 & ~umask_bits) | 0300);
      free(copy);
      if (error != 0) {
        status = 1;
        continue;
      }
    }
    if (mkdir(argv[i], mode) != 0) {
      if (!(parents && errno == EEXIST && files::is_directory(argv[i]))) {
        report_error(kName, argv[i], errno);
        status = 1;
      }
      continue;
    }
    // mkdir(2) applies the umask; an explicit -m mode is meant as given.
    if (mode_spec != nullptr && chmod(argv[i], mode) != 0) {
      report_error(kName, argv[i], errno);
      status = 1;
    }
  }
  return status;
}

}  // namespace mos::programs
