// hexdump: show data in hexadecimal, canonical (-C) or as 16-bit words (the default), like
// util-linux hexdump; -s OFFSET skips, -n LENGTH limits, -v shows repeated lines.
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "hexdump";
constexpr size_t kLine = 16;

/// The inputs, read as one stream (hexdump concatenates its files).
struct Input {
  char** files;
  int count;
  int next;
  int fd;
  const char* name;
  int status;
};

/// Opens the next input; false when there is none.
bool open_next(Input& input) {
  while (input.fd < 0 && input.next < input.count) {
    input.name = input.files[input.next++];
    input.fd = strcmp(input.name, "-") == 0 ? 0 : open(input.name, O_RDONLY);
    if (input.fd < 0) {
      report_error(kName, input.name, errno);
      input.status = 1;
    }
  }
  return input.fd >= 0;
}

/// Reads up to `length` bytes of the stream into out; returns how many (0 at its end).
size_t read_stream(Input& input, unsigned char* out, size_t length) {
  size_t got = 0;
  while (got < length && open_next(input)) {
    const ssize_t n = read(input.fd, out + got, length - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) {
        report_error(kName, input.name, errno);
        input.status = 1;
      }
      if (input.fd != 0) close(input.fd);
      input.fd = -1;
      continue;
    }
    got += static_cast<size_t>(n);
  }
  return got;
}

void print_canonical(uint64_t offset, const unsigned char* data, size_t length) {
  char line[96];
  size_t at = static_cast<size_t>(
      snprintf(line, sizeof line, "%08llx ", static_cast<unsigned long long>(offset)));
  for (size_t i = 0; i < kLine; ++i) {
    if (i % 8 == 0) line[at++] = ' ';
    if (i < length) {
      snprintf(line + at, sizeof line - at, "%02x ", data[i]);
    } else {
      memcpy(line + at, "   ", 4);
    }
    at += 3;
  }
  line[at++] = ' ';
  line[at++] = '|';
  for (size_t i = 0; i < length; ++i)
    line[at++] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.';
  line[at++] = '|';
  line[at++] = '\n';
  fwrite(line, 1, at, stdout);
}

void print_words(uint64_t offset, const unsigned char* data, size_t length) {
  printf("%07llx", static_cast<unsigned long long>(offset));
  for (size_t i = 0; i < kLine; i += 2) {
    if (i < length) {
      const unsigned word = data[i] | (i + 1 < length ? data[i + 1] << 8 : 0);
      printf(" %04x", word);
    } else {
      printf("     ");
    }
  }
  putchar('\n');
}

}  // namespace

int hexdump_main(int argc, char** argv) {
  bool canonical = false;
  bool verbose = false;
  uint64_t skip = 0;
  uint64_t limit = UINT64_MAX;
  int option;
  while ((option = getopt(argc, argv, "Cn:s:v")) != -1) {
    switch (option) {
      case 'C':
        canonical = true;
        break;
      case 'v':
        verbose = true;
        break;
      case 'n':
      case 's':
        if (!files::parse_size(optarg, option == 'n' ? &limit : &skip)) {
          report(kName, "invalid number '%s'", optarg);
          return 1;
        }
        break;
      default:
        fprintf(stderr, "usage: hexdump [-Cv] [-n LENGTH] [-s OFFSET] [FILE...]\n");
        return 2;
    }
  }
  char* standard_input[] = {const_cast<char*>("-"), nullptr};
  Input input{optind < argc ? argv + optind : standard_input,
              optind < argc ? argc - optind : 1,
              0,
              -1,
              "-",
              0};
  unsigned char line[kLine];
  unsigned char previous[kLine];
  // Offsets count from the start of the stream, skipped bytes included.
  uint64_t start = 0;
  while (start < skip) {
    const uint64_t left = skip - start;
    const size_t n = read_stream(input, line, left < kLine ? static_cast<size_t>(left) : kLine);
    if (n == 0) break;
    start += n;
  }
  bool have_previous = false;
  bool squeezing = false;
  uint64_t position = 0;
  for (;;) {
    const size_t want = limit - position < kLine ? static_cast<size_t>(limit - position) : kLine;
    const size_t n = want == 0 ? 0 : read_stream(input, line, want);
    if (n == 0) break;
    const bool repeat = have_previous && n == kLine && memcmp(line, previous, kLine) == 0;
    if (repeat && !verbose) {
      if (!squeezing) puts("*");
      squeezing = true;
    } else {
      squeezing = false;
      (canonical ? print_canonical : print_words)(start + position, line, n);
    }
    memcpy(previous, line, n);
    have_previous = n == kLine;
    position += n;
  }
  // The end offset follows any data read or skipped.
  if (position > 0 || (start > 0 && limit > 0)) {
    printf(canonical ? "%08llx\n" : "%07llx\n", static_cast<unsigned long long>(start + position));
  }
  if (input.fd > 0) close(input.fd);
  return input.status;
}

}  // namespace mos::programs
