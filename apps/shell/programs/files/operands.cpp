#include "operands.hpp"

#include "common.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace mos::programs::files {

int for_each_source(const char* program, int argc, char** argv, int first, SourceAction action,
                    void* context) {
  const int operands = argc - first;
  if (operands < 2) {
    report(program, operands == 0 ? "missing file operand" : "missing destination operand");
    return 2;
  }
  const char* target = argv[argc - 1];
  const bool into_directory = is_directory(target);
  if (operands > 2 && !into_directory) {
    report(program, "target '%s' is not a directory", target);
    return 1;
  }
  char* dst = static_cast<char*>(malloc(PATH_MAX));
  if (dst == nullptr) {
    report_error(program, target, ENOMEM);
    return 1;
  }
  int status = 0;
  for (int i = first; i < argc - 1; ++i) {
    if (!into_directory) {
      status |= action(argv[i], target, context);
    } else if (!path_in_directory(dst, PATH_MAX, target, argv[i])) {
      report_error(program, argv[i], ENAMETOOLONG);
      status = 1;
    } else {
      status |= action(argv[i], dst, context);
    }
  }
  free(dst);
  return status;
}

int for_each_input(const char* program, int argc, char** argv, int first, InputHeaders headers,
                   InputAction action, void* context) {
  int status = 0;
  bool first_header = true;
  const int files_count = argc - first;
  for (int i = 0; i < (files_count == 0 ? 1 : files_count); ++i) {
    const char* name = files_count == 0 ? "-" : argv[first + i];
    const bool standard_input = strcmp(name, "-") == 0;
    const int fd = standard_input ? 0 : open(name, O_RDONLY);
    if (fd < 0) {
      report_error(program, name, errno);
      status = 1;
      continue;
    }
    const char* shown = standard_input ? "standard input" : name;
    if (headers == InputHeaders::Print) {
      print_file_header(shown, first_header);
      first_header = false;
    }
    status |= action(fd, shown, context);
    if (!standard_input) close(fd);
  }
  return status;
}

}  // namespace mos::programs::files
