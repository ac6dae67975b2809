// printf: the POSIX utility, with GNU's behaviour: the format is reused while arguments remain,
// %b expands escapes in its argument, \c stops all output, numbers are checked ("expected a
// numeric value", "value not completely converted", ERANGE) and the exit status becomes 1.
// Floating conversions use double (GNU uses long double).
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "printf";

struct State {
  int argc;        // Arguments left.
  char** argv;     // The next argument.
  int used;        // Arguments consumed by this pass over the format.
  bool failed;     // A conversion error happened: exit 1.
  bool stop;       // \c seen: stop everything.
};

const char* next_arg(State& s) {
  if (s.argc == 0) return nullptr;
  --s.argc;
  ++s.used;
  return *s.argv++;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// Handles the escape at `p` (just after the backslash); returns the characters consumed.
// `octal_zero`: the %b form, where \0NNN takes up to three digits after the 0.
size_t print_escape(const char* p, bool octal_zero, State& s) {
  const char* start = p;
  if (*p == 'x') {
    int value = 0;
    int digits = 0;
    for (++p; digits < 2 && text::hex_value(*p) >= 0; ++digits, ++p) {
      value = value * 16 + text::hex_value(*p);
    }
    if (digits == 0) {
      report(kProg, "missing hexadecimal number in escape");
      s.failed = true;
      s.stop = true;
      return static_cast<size_t>(p - start);
    }
    putchar(value);
  } else if (is_octal(*p)) {
    if (octal_zero && *p == '0') ++p;
    int value = 0;
    for (int digits = 0; digits < 3 && is_octal(*p); ++digits, ++p) value = value * 8 + (*p - '0');
    putchar(value);
  } else if (*p == 'c') {
    s.stop = true;
    ++p;
  } else if (*p == '"') {
    putchar('"');
    ++p;
  } else if (*p != '\0' && text::simple_escape(*p) >= 0) {
    putchar(text::simple_escape(*p));
    ++p;
  } else {
    putchar('\\');
    if (*p != '\0') putchar(*p++);
  }
  return static_cast<size_t>(p - start);
}

void print_b_argument(const char* arg, State& s) {
  for (const char* p = arg; *p != '\0' && !s.stop; ++p) {
    if (*p == '\\') {
      p += print_escape(p + 1, true, s);
    } else {
      putchar(*p);
    }
  }
}

// Reports what strto* left behind, the GNU way.
void check_number(const char* arg, const char* end, int err, State& s) {
  if (err != 0) {
    report(kProg, "'%s': %s", arg, strerror(err));
    s.failed = true;
  } else if (*end != '\0') {
    if (end == arg) {
      report(kProg, "'%s': expected a numeric value", arg);
    } else {
      report(kProg, "'%s': value not completely converted", arg);
    }
    s.failed = true;
  }
}

// A leading quote means "the code of the next character".
bool char_constant(const char* arg, long long* value) {
  if (arg[0] != '\'' && arg[0] != '"') return false;
  *value = static_cast<unsigned char>(arg[1]);
  return true;
}

long long signed_arg(const char* arg, State& s) {
  if (arg == nullptr) return 0;
  long long value = 0;
  if (char_constant(arg, &value)) return value;
  char* end = nullptr;
  errno = 0;
  value = strtoll(arg, &end, 0);
  check_number(arg, end, errno, s);
  return value;
}

unsigned long long unsigned_arg(const char* arg, State& s) {
  if (arg == nullptr) return 0;
  long long code = 0;
  if (char_constant(arg, &code)) return static_cast<unsigned long long>(code);
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = strtoull(arg, &end, 0);
  check_number(arg, end, errno, s);
  return value;
}

double double_arg(const char* arg, State& s) {
  if (arg == nullptr) return 0;
  long long code = 0;
  if (char_constant(arg, &code)) return static_cast<double>(code);
  char* end = nullptr;
  errno = 0;
  const double value = strtod(arg, &end);
  check_number(arg, end, errno, s);
  return value;
}

// A '*' width or precision.
int star_arg(State& s) {
  const long long value = signed_arg(next_arg(s), s);
  if (value > INT_MAX || value < INT_MIN) {
    report(kProg, "invalid field width or precision");
    s.failed = true;
    return 0;
  }
  return static_cast<int>(value);
}

// Prints one conversion whose text is [start, end) (from '%' to the conversion letter).
// Returns false on an invalid specification.
bool print_conversion(const char* start, const char* p, State& s, const char** after) {
  char spec[64];
  size_t n = 0;
  spec[n++] = '%';
  for (; *p != '\0' && strchr("-+ #0'", *p) != nullptr; ++p) {
    if (*p != '\'' && n < 8) spec[n++] = *p;  // The grouping flag means nothing in C locale.
  }
  bool has_width = false;
  int width = 0;
  if (*p == '*') {
    has_width = true;
    width = star_arg(s);
    ++p;
  } else {
    for (; *p >= '0' && *p <= '9'; ++p) {
      has_width = true;
      width = width < 100000000 ? width * 10 + (*p - '0') : width;
    }
  }
  bool has_precision = false;
  int precision = 0;
  if (*p == '.') {
    has_precision = true;
    ++p;
    if (*p == '*') {
      precision = star_arg(s);
      ++p;
    } else {
      for (; *p >= '0' && *p <= '9'; ++p) {
        precision = precision < 100000000 ? precision * 10 + (*p - '0') : precision;
      }
    }
  }
  while (*p != '\0' && strchr("hlLjzqt", *p) != nullptr) ++p;  // Length modifiers: ignored.
  const char conversion = *p;
  if (conversion == '\0' || strchr("diouxXfFeEgGaAcsb", conversion) == nullptr) {
    const int length = static_cast<int>(p - start) + (conversion != '\0' ? 1 : 0);
    report(kProg, "%.*s: invalid conversion specification", length, start);
    return false;
  }
  *after = p + 1;
  if (has_width) n += static_cast<size_t>(snprintf(spec + n, sizeof spec - n, "%d", width));
  if (has_precision) {
    n += static_cast<size_t>(snprintf(spec + n, sizeof spec - n, ".%d", precision));
  }
  const char* arg = next_arg(s);
  switch (conversion) {
    case 'd':
    case 'i':
      spec[n++] = 'l';
      spec[n++] = 'l';
      spec[n++] = conversion;
      spec[n] = '\0';
      printf(spec, signed_arg(arg, s));
      break;
    case 'o':
    case 'u':
    case 'x':
    case 'X':
      spec[n++] = 'l';
      spec[n++] = 'l';
      spec[n++] = conversion;
      spec[n] = '\0';
      printf(spec, unsigned_arg(arg, s));
      break;
    case 'c':
      spec[n++] = 'c';
      spec[n] = '\0';
      printf(spec, arg != nullptr ? arg[0] : '\0');
      break;
    case 's':
      spec[n++] = 's';
      spec[n] = '\0';
      printf(spec, arg != nullptr ? arg : "");
      break;
    case 'b':
      print_b_argument(arg != nullptr ? arg : "", s);
      break;
    default:
      spec[n++] = conversion;
      spec[n] = '\0';
      printf(spec, double_arg(arg, s));
      break;
  }
  return true;
}

// One pass over the format; false on an invalid specification (exit 1 at once).
bool print_format(const char* format, State& s) {
  for (const char* p = format; *p != '\0' && !s.stop;) {
    if (*p == '\\') {
      p += 1 + print_escape(p + 1, false, s);
    } else if (*p == '%' && p[1] == '%') {
      putchar('%');
      p += 2;
    } else if (*p == '%') {
      if (!print_conversion(p, p + 1, s, &p)) return false;
    } else {
      putchar(*p++);
    }
  }
  return true;
}

}  // namespace

int printf_main(int argc, char** argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    report(kProg, "missing operand");
    return 1;
  }
  const char* format = argv[first];
  State s{argc - first - 1, argv + first + 1, 0, false, false};
  do {
    s.used = 0;
    if (!print_format(format, s)) return 1;
  } while (!s.stop && s.used > 0 && s.argc > 0);
  if (!s.stop && s.argc > 0) {
    report(kProg, "warning: ignoring excess arguments, starting with '%s'", *s.argv);
  }
  return s.failed ? 1 : 0;
}

}  // namespace mos::programs
