// cat: concatenate files ('-' is standard input) to standard output.
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

constexpr const char* kName = "cat";
constexpr size_t kBufferSize = 16 * 1024;

/// The options and the state that carries over from one file to the next.
struct Cat {
  bool number = false;           // -n
  bool number_nonblank = false;  // -b
  bool show_ends = false;        // -E
  bool at_line_start = true;
  unsigned long line = 0;
  char* buffer = nullptr;
};

bool plain(const Cat& cat) {
  return !cat.number && !cat.number_nonblank && !cat.show_ends;
}

/// Copies fd to standard output, numbering or marking lines as asked. False on a write error.
bool emit_lines(Cat& cat, const char* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    const char c = data[i];
    if (cat.at_line_start && (cat.number_nonblank ? c != '\n' : cat.number)) {
      printf("%6lu\t", ++cat.line);
    }
    if (c == '\n' && cat.show_ends) putchar('$');
    putchar(c);
    cat.at_line_start = c == '\n';
  }
  return !ferror(stdout);
}

/// Copies one input to standard output. Returns 0, or 1 after reporting an error.
int cat_fd(Cat& cat, int fd, const char* name) {
  for (;;) {
    const ssize_t n = read(fd, cat.buffer, kBufferSize);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      report_error(kName, name, errno);
      return 1;
    }
    const bool written = plain(cat) ? write_all(1, cat.buffer, static_cast<size_t>(n))
                                    : emit_lines(cat, cat.buffer, static_cast<size_t>(n));
    if (!written) {
      report_error(kName, "write error", errno);
      return 1;
    }
  }
}

}  // namespace

int cat_main(int argc, char** argv) {
  Cat cat;
  int option;
  while ((option = getopt(argc, argv, "bnuE")) != -1) {
    switch (option) {
      case 'b':
        cat.number_nonblank = true;
        break;
      case 'n':
        cat.number = true;
        break;
      case 'u':
        break;  // Output is never buffered across reads anyway.
      case 'E':
        cat.show_ends = true;
        break;
      default:
        fprintf(stderr, "usage: cat [-bnuE] [FILE...]\n");
        return 2;
    }
  }
  cat.buffer = static_cast<char*>(malloc(kBufferSize));
  if (cat.buffer == nullptr) {
    report_error(kName, "buffer", ENOMEM);
    return 1;
  }
  int status = 0;
  if (optind == argc) {
    status = cat_fd(cat, 0, "-");
  }
  for (int i = optind; i < argc; ++i) {
    if (strcmp(argv[i], "-") == 0) {
      status |= cat_fd(cat, 0, "-");
      continue;
    }
    const int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      report_error(kName, argv[i], errno);
      status = 1;
      continue;
    }
    status |= cat_fd(cat, fd, argv[i]);
    close(fd);
  }
  free(cat.buffer);
  if (fflush(stdout) != 0) status = 1;
  return status;
}

}  // namespace mos::programs
