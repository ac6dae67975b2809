// cp: copy files, and with -r directory trees.
#include "program.hpp"

#include "common.hpp"
#include "copy.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "cp";

}  // namespace

int cp_main(int argc, char** argv) {
  files::CopyOptions options{kName, false, false, false, files::WalkFollow::Always};
  bool links_as_links = false;  // -P, or implied by -r
  bool follow_links = false;    // -L
  int option;
  while ((option = getopt(argc, argv, "afLpPrR")) != -1) {
    switch (option) {
      case 'a':
        options.recursive = options.preserve = links_as_links = true;
        break;
      case 'f':
        options.force = true;
        break;
      case 'L':
        follow_links = true;
        break;
      case 'p':
        options.preserve = true;
        break;
      case 'P':
        links_as_links = true;
        break;
      case 'r':
      case 'R':
        options.recursive = true;
        break;
      default:
        fprintf(stderr, "usage: cp [-afLpPrR] SOURCE... DEST\n");
        return 2;
    }
  }
  // As in GNU cp: -r copies links as links unless -L; plain cp follows them unless -P.
  const bool as_links = !follow_links && (links_as_links || options.recursive);
  options.follow = as_links ? files::WalkFollow::Never : files::WalkFollow::Always;
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
      status |= files::copy_path(argv[i], target, options) ? 0 : 1;
    } else if (!files::path_in_directory(dst, PATH_MAX, target, argv[i])) {
      files::report_error(kName, argv[i], ENAMETOOLONG);
      status = 1;
    } else {
      status |= files::copy_path(argv[i], dst, options) ? 0 : 1;
    }
  }
  free(dst);
  return status;
}

}  // namespace mos::programs
