// tail: the last lines (-n N, default 10) or bytes (-c N) of files, or from line or byte N on
// (-n +N, -c +N). No -f.
#include "program.hpp"

#include "common.hpp"
#include "operands.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "tail";
constexpr size_t kChunk = 16 * 1024;

/// What to print.
struct Tail {
  uint64_t count = 10;
  bool bytes = false;
  bool from_start = false;  // +N: start at line or byte N.
};

/// The data of a non-seekable input, read fully into a growing buffer.
struct Slurp {
  char* data = nullptr;
  size_t length = 0;
};

int read_error(const char* name) {
  report_error(kName, name, errno);
  return 1;
}

int write_error() {
  report_error(kName, "write error", errno);
  return 1;
}

/// Copies what is left of fd to standard output.
int copy_rest(int fd, const char* name, char* buffer) {
  for (;;) {
    const ssize_t n = read(fd, buffer, kChunk);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return read_error(name);
    }
    if (!write_all(1, buffer, static_cast<size_t>(n))) return write_error();
  }
}

/// +N: skips N-1 lines or bytes, then copies the rest; works on pipes too.
int tail_from_start(const Tail& tail, int fd, const char* name, char* buffer) {
  uint64_t skip = tail.count > 0 ? tail.count - 1 : 0;
  while (skip > 0) {
    const ssize_t n = read(fd, buffer, kChunk);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return read_error(name);
    }
    size_t start = 0;
    if (tail.bytes) {
      start = skip < static_cast<uint64_t>(n) ? static_cast<size_t>(skip) : static_cast<size_t>(n);
      skip -= start;
    } else {
      while (start < static_cast<size_t>(n) && skip > 0) {
        if (buffer[start++] == '\n') --skip;
      }
    }
    if (skip == 0 && !write_all(1, buffer + start, static_cast<size_t>(n) - start)) {
      return write_error();
    }
  }
  return copy_rest(fd, name, buffer);
}

/// Where the last `count` lines of data[0..length) start.
size_t last_lines_start(const char* data, size_t length, uint64_t count) {
  size_t end = length;
  if (end > 0 && data[end - 1] == '\n') --end;  // A final newline ends the last line.
  while (end > 0) {
    if (data[end - 1] == '\n' && count-- <= 1) return end;
    --end;
  }
  return 0;
}

/// Last lines or bytes of a regular file: reads backwards from its end in chunks.
int tail_seekable(const Tail& tail, int fd, const char* name, off_t size, char* buffer) {
  off_t start = 0;
  if (tail.bytes) {
    start = static_cast<uint64_t>(size) > tail.count ? size - static_cast<off_t>(tail.count) : 0;
  } else if (tail.count > 0) {
    uint64_t newlines = 0;  // Newlines seen that end lines to print (the last one excepted).
    off_t position = size;
    bool last = true;
    start = -1;
    while (position > 0 && start < 0) {
      const size_t chunk =
          position > static_cast<off_t>(kChunk) ? kChunk : static_cast<size_t>(position);
      position -= static_cast<off_t>(chunk);
      if (pread(fd, buffer, chunk, position) != static_cast<ssize_t>(chunk))
        return read_error(name);
      for (size_t i = chunk; i > 0 && start < 0; --i) {
        if (buffer[i - 1] != '\n') {
          last = false;
          continue;
        }
        if (last) {
          last = false;  // The final newline of the file ends the last line.
          continue;
        }
        if (++newlines == tail.count) start = position + static_cast<off_t>(i);
      }
    }
    if (start < 0) start = 0;
  } else {
    start = size;
  }
  if (lseek(fd, start, SEEK_SET) < 0) return read_error(name);
  return copy_rest(fd, name, buffer);
}

/// Last lines or bytes of a pipe or terminal: keeps all of it (no ring buffer yet).
int tail_stream(const Tail& tail, int fd, const char* name) {
  Slurp slurp;
  size_t capacity = 0;
  int status = 0;
  for (;;) {
    if (capacity - slurp.length < kChunk) {
      capacity = capacity == 0 ? 4 * kChunk : capacity * 2;
      char* bigger = static_cast<char*>(realloc(slurp.data, capacity));
      if (bigger == nullptr) {
        report_error(kName, name, ENOMEM);
        free(slurp.data);
        return 1;
      }
      slurp.data = bigger;
    }
    const ssize_t n = read(fd, slurp.data + slurp.length, kChunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      status = read_error(name);
      break;
    }
    slurp.length += static_cast<size_t>(n);
  }
  size_t start = 0;
  if (tail.bytes) {
    start = slurp.length > tail.count ? slurp.length - static_cast<size_t>(tail.count) : 0;
  } else {
    start = tail.count == 0 ? slurp.length : last_lines_start(slurp.data, slurp.length, tail.count);
  }
  if (!write_all(1, slurp.data + start, slurp.length - start)) status = write_error();
  free(slurp.data);
  return status;
}

int tail_fd(const Tail& tail, int fd, const char* name, char* buffer) {
  if (tail.from_start) return tail_from_start(tail, fd, name, buffer);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    return tail_seekable(tail, fd, name, st.st_size, buffer);
  }
  return tail_stream(tail, fd, name);
}

/// What tail_input needs: what to print and the read buffer.
struct TailRun {
  const Tail* tail;
  char* buffer;
};

/// files::InputAction of tail; context is a TailRun.
int tail_input(int fd, const char* name, void* context) {
  const TailRun& run = *static_cast<const TailRun*>(context);
  return tail_fd(*run.tail, fd, name, run.buffer);
}

}  // namespace

int tail_main(int argc, char** argv) {
  Tail tail;
  bool headers = false;
  bool quiet = false;
  int option;
  while ((option = getopt(argc, argv, "n:c:qv")) != -1) {
    switch (option) {
      case 'n':
      case 'c': {
        tail.bytes = option == 'c';
        const char* number = optarg;
        tail.from_start = number[0] == '+';
        if (number[0] == '+' || number[0] == '-') ++number;
        if (!files::parse_size(number, &tail.count)) {
          report(kName, "invalid number of %s: '%s'", tail.bytes ? "bytes" : "lines", optarg);
          return 1;
        }
        break;
      }
      case 'q':
        quiet = true;
        break;
      case 'v':
        headers = true;
        break;
      default:
        fprintf(stderr, "usage: tail [-n [+]LINES | -c [+]BYTES] [-qv] [FILE...]\n");
        return 2;
    }
  }
  char* buffer = static_cast<char*>(malloc(kChunk));
  if (buffer == nullptr) {
    report_error(kName, "buffer", ENOMEM);
    return 1;
  }
  const int files_count = argc - optind;
  // Like GNU tail, -n 0 and -c 0 print nothing, not even the headers.
  const bool nothing = tail.count == 0 && !tail.from_start;
  headers = !quiet && !nothing && (headers || files_count > 1);
  TailRun run{&tail, buffer};
  const int status = files::for_each_input(
      kName, argc, argv, optind, headers ? files::InputHeaders::Print : files::InputHeaders::Omit,
      tail_input, &run);
  free(buffer);
  return status;
}

}  // namespace mos::programs
