// dmesg: prints the kernel log read with klogctl(SYSLOG_ACTION_READ_ALL). Each line's "<N>"
// priority prefix is dropped unless -r (raw). -c clears the log after reading it.
#include <errno.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "dmesg";
constexpr int kActionReadAll = 3;       // SYSLOG_ACTION_READ_ALL
constexpr int kActionReadClear = 4;     // SYSLOG_ACTION_READ_CLEAR
constexpr int kActionSizeBuffer = 10;   // SYSLOG_ACTION_SIZE_BUFFER
constexpr int kDefaultSize = 1 << 20;

}  // namespace

int dmesg_main(int argc, char** argv) {
  bool raw = false;
  bool clear = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "cr")) != -1) {
    switch (opt) {
      case 'c': clear = true; break;
      case 'r': raw = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  int size = klogctl(kActionSizeBuffer, nullptr, 0);
  if (size <= 0) size = kDefaultSize;
  char* buffer = static_cast<char*>(malloc(static_cast<size_t>(size)));
  if (buffer == nullptr) {
    report(kProg, "out of memory");
    return 1;
  }
  const int length = klogctl(clear ? kActionReadClear : kActionReadAll, buffer, size);
  if (length < 0) {
    report(kProg, "read kernel buffer failed: %s", strerror(errno));
    free(buffer);
    return 1;
  }
  bool line_start = true;
  for (int i = 0; i < length; ++i) {
    if (!raw && line_start && buffer[i] == '<') {
      // Skip "<digits>".
      int j = i + 1;
      while (j < length && buffer[j] >= '0' && buffer[j] <= '9') ++j;
      if (j < length && buffer[j] == '>' && j > i + 1) {
        i = j;
        line_start = false;
        continue;
      }
    }
    putchar(buffer[i]);
    line_start = buffer[i] == '\n';
  }
  if (length > 0 && buffer[length - 1] != '\n') putchar('\n');
  free(buffer);
  return 0;
}

}  // namespace mos::programs
