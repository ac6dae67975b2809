// head: the first lines (-n N, default 10, or -N) or bytes (-c N) of files.
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "head";
constexpr size_t kBufferSize = 16 * 1024;

/// Copies the first `count` lines (or bytes) of fd to standard output. Returns 0 or 1.
int head_fd(int fd, const char* name, uint64_t count, bool bytes, char* buffer) {
  while (count > 0) {
    const ssize_t n = read(fd, buffer, kBufferSize);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      files::report_error(kName, name, errno);
      return 1;
    }
    size_t take = static_cast<size_t>(n);
    if (bytes) {
      if (take > count) take = static_cast<size_t>(count);
      count -= take;
    } else {
      for (size_t i = 0; i < take; ++i) {
        if (buffer[i] == '\n' && --count == 0) {
          take = i + 1;
          break;
        }
      }
    }
    if (!files::write_all(1, buffer, take)) {
      files::report_error(kName, "write error", errno);
      return 1;
    }
  }
  return 0;
}

}  // namespace

int head_main(int argc, char** argv) {
  uint64_t count = 10;
  bool bytes = false;
  bool headers = false;
  bool quiet = false;
  // The historical form "head -5" means "-n 5".
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
    if (!files::parse_size(argv[1] + 1, &count)) {
      files::report(kName, "invalid number of lines: '%s'", argv[1] + 1);
      return 1;
    }
    optind = 2;
  }
  int option;
  while ((option = getopt(argc, argv, "n:c:qv")) != -1) {
    switch (option) {
      case 'n':
      case 'c':
        bytes = option == 'c';
        if (!files::parse_size(optarg, &count)) {
          files::report(kName, "invalid number of %s: '%s'", bytes ? "bytes" : "lines", optarg);
          return 1;
        }
        break;
      case 'q':
        quiet = true;
        break;
      case 'v':
        headers = true;
        break;
      default:
        fprintf(stderr, "usage: head [-n LINES | -c BYTES | -LINES] [-qv] [FILE...]\n");
        return 2;
    }
  }
  char* buffer = static_cast<char*>(malloc(kBufferSize));
  if (buffer == nullptr) {
    files::report_error(kName, "buffer", ENOMEM);
    return 1;
  }
  headers = !quiet && (headers || argc - optind > 1);
  int status = 0;
  bool first_header = true;
  const int files_count = argc - optind;
  for (int i = 0; i < (files_count == 0 ? 1 : files_count); ++i) {
    const char* name = files_count == 0 ? "-" : argv[optind + i];
    const bool standard_input = strcmp(name, "-") == 0;
    const int fd = standard_input ? 0 : open(name, O_RDONLY);
    if (fd < 0) {
      files::report_error(kName, name, errno);
      status = 1;
      continue;
    }
    if (headers) {
      files::print_file_header(standard_input ? "standard input" : name, first_header);
      first_header = false;
    }
    status |= head_fd(fd, standard_input ? "standard input" : name, count, bytes, buffer);
    if (!standard_input) close(fd);
  }
  free(buffer);
  return status;
}

}  // namespace mos::programs
