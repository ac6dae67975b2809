// rmdir: remove empty directories (-p: and then their now empty ancestors named in the path).
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "rmdir";

/// Cuts the last component off path ("a/b/c" -> "a/b"). False when none is left.
bool strip_last_component(char* path) {
  size_t end = strlen(path);
  while (end > 0 && path[end - 1] == '/') --end;
  while (end > 0 && path[end - 1] != '/') --end;
  while (end > 0 && path[end - 1] == '/') --end;
  path[end] = '\0';
  return end > 0;
}

}  // namespace

int rmdir_main(int argc, char** argv) {
  bool parents = false;
  int option;
  while ((option = getopt(argc, argv, "p")) != -1) {
    if (option != 'p') {
      fprintf(stderr, "usage: rmdir [-p] DIRECTORY...\n");
      return 2;
    }
    parents = true;
  }
  if (optind == argc) {
    report(kName, "missing operand");
    return 2;
  }
  int status = 0;
  for (int i = optind; i < argc; ++i) {
    if (rmdir(argv[i]) != 0) {
      report_error(kName, argv[i], errno);
      status = 1;
      continue;
    }
    if (!parents) continue;
    char* path = strdup(argv[i]);
    if (path == nullptr) {
      report_error(kName, argv[i], ENOMEM);
      return 1;
    }
    while (strip_last_component(path)) {
      if (rmdir(path) != 0) {
        report_error(kName, path, errno);
        status = 1;
        break;
      }
    }
    free(path);
  }
  return status;
}

}  // namespace mos::programs
