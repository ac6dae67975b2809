#include "line_reader.hpp"

#include <errno.h>
#include <unistd.h>

#include "shell.hpp"

namespace mos::sh {

namespace {

constexpr size_t kChunk = 1024;

ssize_t read_retry(int fd, char* buf, size_t n) {
  for (;;) {
    const ssize_t r = read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

void init_fd_reader(FdLineReader& r, int fd, bool private_fd) {
  r.fd = fd;
  r.private_fd = private_fd;
  r.seekable = !private_fd && lseek(fd, 0, SEEK_CUR) >= 0;
  r.buf = static_cast<char*>(must_alloc(kChunk));
  r.start = r.end = 0;
}

void destroy_fd_reader(FdLineReader& r) {
  free(r.buf);
  r.buf = nullptr;
}

bool fd_read_line(void* ctx, StrBuf& out, bool, bool*) {
  FdLineReader& r = *static_cast<FdLineReader*>(ctx);
  bool got = false;
  for (;;) {
    if (r.start < r.end) {
      const char* nl = static_cast<const char*>(memchr(r.buf + r.start, '\n', r.end - r.start));
      const size_t n = nl ? static_cast<size_t>(nl - (r.buf + r.start)) + 1 : r.end - r.start;
      out.append(r.buf + r.start, n);
      r.start += n;
      got = true;
      if (nl) break;
      continue;
    }
    r.start = r.end = 0;
    if (r.private_fd) {
      const ssize_t n = read_retry(r.fd, r.buf, kChunk);
      if (n <= 0) break;
      r.end = static_cast<size_t>(n);
    } else if (r.seekable) {
      const ssize_t n = read_retry(r.fd, r.buf, kChunk);
      if (n <= 0) break;
      const char* nl = static_cast<const char*>(memchr(r.buf, '\n', static_cast<size_t>(n)));
      if (nl) {
        const size_t keep = static_cast<size_t>(nl - r.buf) + 1;
        // Give back what follows this line to whoever reads the fd next.
        lseek(r.fd, -static_cast<off_t>(static_cast<size_t>(n) - keep), SEEK_CUR);
        r.end = keep;
      } else {
        r.end = static_cast<size_t>(n);
      }
    } else {
      const ssize_t n = read_retry(r.fd, r.buf, 1);
      if (n <= 0) break;
      r.end = 1;
    }
  }
  if (got && r.echo_to != nullptr && r.echo_to->opts.verbose) {
    write_all(2, out.c_str(), out.size());
  }
  return got;
}

}  // namespace mos::sh
