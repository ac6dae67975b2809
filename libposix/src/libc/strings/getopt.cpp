// getopt: POSIX's algorithm with glibc's diagnostic wording.
#include <posix/libc/getopt.hpp>
#include <posix/libc/strings.hpp>

#include <k/string.hpp>

namespace mos::posix::libc {

namespace {

void report(GetoptDiagnostic diagnostic, void* context, const char* program, const char* what,
            char option) noexcept {
  if (diagnostic == nullptr) return;
  char line[256];
  std::size_t room = sizeof(line) - 16;  // for the fixed text after the program name
  std::size_t len = string_length_bounded(program, room - string_length(what));
  memory_copy(line, program, len);
  char* p = stpcpy(line + len, what);
  p = stpcpy(p, " -- '");
  *p++ = option;
  stpcpy(p, "'");
  diagnostic(context, line);
}

}  // namespace

int getopt(GetoptState& s, int argc, char* const argv[], const char* optstring,
           GetoptDiagnostic diagnostic, void* context) noexcept {
  s.argument = nullptr;
  if (s.index == 0) {  // glibc's way to restart
    s.index = 1;
    s.next_char = 0;
  }
  if (*optstring == '+' || *optstring == '-') ++optstring;
  const bool colon_mode = *optstring == ':';
  const bool quiet = colon_mode || s.report_errors == 0;
  const char* program = argc > 0 && argv[0] != nullptr ? argv[0] : "";
  if (s.next_char == 0) {
    if (s.index >= argc || argv[s.index] == nullptr) return -1;
    const char* arg = argv[s.index];
    if (arg[0] != '-' || arg[1] == '\0') return -1;
    if (arg[1] == '-' && arg[2] == '\0') {
      ++s.index;
      return -1;
    }
    s.next_char = 1;
  }
  const char* arg = argv[s.index];
  char c = arg[s.next_char++];
  const bool last_in_group = arg[s.next_char] == '\0';
  const char* spec = c == ':' ? nullptr : strchr(optstring, static_cast<unsigned char>(c));
  if (spec == nullptr) {
    s.option = static_cast<unsigned char>(c);
    if (last_in_group) {
      ++s.index;
      s.next_char = 0;
    }
    if (!quiet) report(diagnostic, context, program, ": invalid option", c);
    return '?';
  }
  if (spec[1] != ':') {
    if (last_in_group) {
      ++s.index;
      s.next_char = 0;
    }
    return static_cast<unsigned char>(c);
  }
  // The option takes an argument: the rest of this element, or else the next element ("::", a
  // GNU extension, makes it optional: only the rest of this element counts).
  const int rest = s.next_char;
  s.next_char = 0;
  ++s.index;
  if (!last_in_group) {
    s.argument = const_cast<char*>(arg + rest);
    return static_cast<unsigned char>(c);
  }
  if (spec[2] == ':') return static_cast<unsigned char>(c);
  if (s.index >= argc) {
    s.option = static_cast<unsigned char>(c);
    if (!quiet) report(diagnostic, context, program, ": option requires an argument", c);
    return colon_mode ? ':' : '?';
  }
  s.argument = argv[s.index++];
  return static_cast<unsigned char>(c);
}

}  // namespace mos::posix::libc
