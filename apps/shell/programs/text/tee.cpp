// tee: copies stdin to stdout and to each FILE; -a appends, -i ignores SIGINT. A file that
// cannot be opened or written is reported and the copy goes on (exit 1).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "common.hpp"
#include "common/write_all.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "tee";

struct Output {
  int fd;
  const char* name;
};

}  // namespace

int tee_main(int argc, char** argv) {
  int flags = O_WRONLY | O_CREAT | O_TRUNC;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "ai")) != -1) {
    switch (opt) {
      case 'a': flags = O_WRONLY | O_CREAT | O_APPEND; break;
      case 'i': signal(SIGINT, SIG_IGN); break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  int status = 0;
  text::Array<Output> outputs;
  if (!outputs.push(Output{1, "standard output"})) return 1;
  for (int i = optind; i < argc; ++i) {
    const int fd = open(argv[i], flags, 0666);
    if (fd < 0) {
      report_error(kProg, argv[i], errno);
      status = 1;
      continue;
    }
    if (!outputs.push(Output{fd, argv[i]})) {
      close(fd);
      status = 1;
    }
  }
  char buffer[4096];
  for (;;) {
    const ssize_t got = read(0, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      report_error(kProg, "read error", errno);
      status = 1;
      break;
    }
    if (got == 0) break;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].fd < 0) continue;
      if (!write_all(outputs[i].fd, buffer, static_cast<size_t>(got))) {
        report_error(kProg, outputs[i].name, errno);
        if (outputs[i].fd != 1) close(outputs[i].fd);
        outputs[i].fd = -1;
        status = 1;
      }
    }
  }
  for (size_t i = 1; i < outputs.size(); ++i) {
    if (outputs[i].fd >= 0 && close(outputs[i].fd) != 0) {
      report_error(kProg, outputs[i].name, errno);
      status = 1;
    }
  }
  return status;
}

}  // namespace mos::programs
