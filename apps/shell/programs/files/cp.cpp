// cp: copy files, and with -r directory trees.
#include "program.hpp"

#include "common.hpp"
#include "copy.hpp"
#include "operands.hpp"

#include <stdio.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "cp";

/// files::SourceAction of cp; context is the CopyOptions.
int copy_one(const char* source, const char* destination, void* context) {
  return files::copy_path(source, destination, *static_cast<files::CopyOptions*>(context)) ? 0 : 1;
}

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
  return files::for_each_source(kName, argc, argv, optind, copy_one, &options);
}

}  // namespace mos::programs
