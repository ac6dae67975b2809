// sleep: waits for the sum of its operands, each a number (fractions allowed) with an optional
// suffix s, m, h or d, through nanosleep.
#include <errno.h>
#include <string.h>
#include <time.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "sleep";

bool parse_interval(const char* arg, double* seconds) {
  char* end = nullptr;
  errno = 0;
  double value = strtod(arg, &end);
  if (end == arg || errno == ERANGE || !(value >= 0)) return false;
  if (*end != '\0') {
    if (end[1] != '\0') return false;
    switch (*end) {
      case 's': break;
      case 'm': value *= 60; break;
      case 'h': value *= 3600; break;
      case 'd': value *= 86400; break;
      default: return false;
    }
  }
  *seconds = value;
  return true;
}

}  // namespace

int sleep_main(int argc, char** argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    report(kProg, "missing operand");
    return 1;
  }
  double total = 0;
  bool ok = true;
  for (int i = first; i < argc; ++i) {
    double seconds = 0;
    if (!parse_interval(argv[i], &seconds)) {
      report(kProg, "invalid time interval '%s'", argv[i]);
      ok = false;
    }
    total += seconds;
  }
  if (!ok) return 1;
  // Caps "infinity" and other huge values at about 68 years.
  constexpr double kMaxSeconds = 2147483647.0;
  if (total > kMaxSeconds) total = kMaxSeconds;
  timespec request;
  request.tv_sec = static_cast<time_t>(total);
  request.tv_nsec = static_cast<long>((total - static_cast<double>(request.tv_sec)) * 1e9);
  if (request.tv_nsec > 999999999) request.tv_nsec = 999999999;
  timespec remaining;
  while (nanosleep(&request, &remaining) != 0) {
    if (errno != EINTR) {
      report_error(kProg, "nanosleep", errno);
      return 1;
    }
    request = remaining;
  }
  return 0;
}

}  // namespace mos::programs
