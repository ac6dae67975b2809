// echo: writes its arguments separated by spaces. GNU options -n (no newline), -e (interpret
// backslash escapes), -E (do not, the default); an argument is an option only if it is '-'
// followed by those letters alone, so echo takes no getopt parsing.
#include <string.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

bool is_option(const char* arg) {
  if (arg[0] != '-' || arg[1] == '\0') return false;
  for (const char* p = arg + 1; *p != '\0'; ++p) {
    if (strchr("neE", *p) == nullptr) return false;
  }
  return true;
}

// Writes `arg` with escapes interpreted; false when \c asked to stop all output.
bool write_escaped(const char* arg) {
  for (const char* p = arg; *p != '\0'; ++p) {
    if (*p != '\\' || p[1] == '\0') {
      putchar(*p);
      continue;
    }
    ++p;
    if (*p == 'c') return false;
    const int simple = text::simple_escape(*p);
    if (simple >= 0) {
      putchar(simple);
    } else if (*p == '0') {
      int value = 0;
      for (int i = 0; i < 3 && p[1] >= '0' && p[1] <= '7'; ++i) value = value * 8 + (*++p - '0');
      putchar(value);
    } else if (*p == 'x' && text::hex_value(p[1]) >= 0) {
      int value = text::hex_value(*++p);
      if (text::hex_value(p[1]) >= 0) value = value * 16 + text::hex_value(*++p);
      putchar(value);
    } else {
      putchar('\\');
      putchar(*p);
    }
  }
  return true;
}

}  // namespace

int echo_main(int argc, char** argv) {
  bool newline = true;
  bool escapes = false;
  int first = 1;
  for (; first < argc && is_option(argv[first]); ++first) {
    for (const char* p = argv[first] + 1; *p != '\0'; ++p) {
      if (*p == 'n') newline = false;
      if (*p == 'e') escapes = true;
      if (*p == 'E') escapes = false;
    }
  }
  for (int i = first; i < argc; ++i) {
    if (i > first) putchar(' ');
    if (!escapes) {
      fputs(argv[i], stdout);
    } else if (!write_escaped(argv[i])) {
      return 0;
    }
  }
  if (newline) putchar('\n');
  return 0;
}

}  // namespace mos::programs
