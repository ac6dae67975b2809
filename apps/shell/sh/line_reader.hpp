#pragma once
/// Reading commands line by line from a file descriptor (a script, or stdin when it is not a
/// terminal), as the Input's line source.

#include "buffer.hpp"

namespace mos::sh {

struct Shell;

/// State of one fd being read.
struct FdLineReader {
  int fd = -1;
  /// The shell opened the fd itself (a script file): it may read ahead freely. Otherwise (stdin)
  /// a command run by the shell may read the same fd, so the shell never consumes more than
  /// the current line: byte by byte, or by seeking back over what it read ahead.
  bool private_fd = false;
  bool seekable = false;
  char* buf = nullptr;
  size_t start = 0;
  size_t end = 0;
  Shell* echo_to = nullptr;  ///< `set -v`: the shell whose option decides echoing lines.
};

/// Prepares `r` to read `fd`.
void init_fd_reader(FdLineReader& r, int fd, bool private_fd);
/// Frees the buffer (does not close the fd).
void destroy_fd_reader(FdLineReader& r);
/// LineReadFn over an FdLineReader (ctx).
bool fd_read_line(void* ctx, StrBuf& out, bool continuation, bool* cancelled);

}  // namespace mos::sh
