// head: the first lines (-n N, default 10, or -N) or bytes (-c N) of files.
#include "program.hpp"

#include "common.hpp"
#include "operands.hpp"

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
      report_error(kName, name, errno);
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
    if (!write_all(1, buffer, take)) {
      report_error(kName, "write error", errno);
      return 1;
    }
  }
  return 0;
}

/// What head_input needs: the count, its unit and the read buffer.
struct HeadRun {
  uint64_t count;
  bool bytes;
  char* buffer;
};

/// files::InputAction of head; context is a HeadRun.
int head_input(int fd, const char* name, void* context) {
  const HeadRun& run = *static_cast<const HeadRun*>(context);
  return head_fd(fd, name, run.count, run.bytes, run.buffer);
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
      report(kName, "invalid number of lines: '%s'", argv[1] + 1);
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
          report(kName, "invalid number of %s: '%s'", bytes ? "bytes" : "lines", optarg);
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
    report_error(kName, "buffer", ENOMEM);
    return 1;
  }
  headers = !quiet && (headers || argc - optind > 1);
  HeadRun run{count, bytes, buffer};
  const int status = files::for_each_input(
      kName, argc, argv, optind, headers ? files::InputHeaders::Print : files::InputHeaders::Omit,
      head_input, &run);
  free(buffer);
  return status;
}

}  // namespace mos::programs
