// umount: unmount file systems (-l: lazily, -f: forcibly).
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "umount";

}  // namespace

int umount_main(int argc, char** argv) {
  int flags = 0;
  int option;
  while ((option = getopt(argc, argv, "fl")) != -1) {
    switch (option) {
      case 'f':
        flags |= MNT_FORCE;
        break;
      case 'l':
        flags |= MNT_DETACH;
        break;
      default:
        fprintf(stderr, "usage: umount [-fl] DIRECTORY...\n");
        return 2;
    }
  }
  if (optind == argc) {
    fprintf(stderr, "usage: umount [-fl] DIRECTORY...\n");
    return 2;
  }
  int status = 0;
  for (int i = optind; i < argc; ++i) {
    if ((flags != 0 ? umount2(argv[i], flags) : umount(argv[i])) != 0) {
      report_error(kName, argv[i], errno);
      status = 1;
    }
  }
  return status;
}

}  // namespace mos::programs
