#include "report.hpp"

#include <stdio.h>
#include <string.h>
#include <cstdarg>

namespace mos::programs {

void report(const char* program, const char* format, ...) {
  fprintf(stderr, "%s: ", program);
  va_list args;
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
}

void report_error(const char* program, const char* what, int error) {
  fprintf(stderr, "%s: %s: %s\n", program, what, strerror(error));
}

}  // namespace mos::programs
