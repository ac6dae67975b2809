// <getopt.h>: getopt over the calling process's state; diagnostics go to its stderr.
#include <getopt.h>
#include <sys/types.h>

#include <posix/libc/getopt.hpp>

#include <k/string.hpp>

#include <cstddef>

namespace libc = mos::posix::libc;

// This file reads the state's fields by name, which the macros of <getopt.h> would rewrite.
#undef optarg
#undef optind
#undef opterr
#undef optopt

// The C API's write (declared by <unistd.h>, defined by the process layer).
extern "C" ssize_t write(int fd, const void* data, size_t size);

static_assert(sizeof(mos_getopt_state) == sizeof(libc::GetoptState));
static_assert(offsetof(mos_getopt_state, next_char) == offsetof(libc::GetoptState, next_char));

namespace {

void to_stderr(void*, const char* message) {
  char line[300];
  std::size_t n = mos::string_length_bounded(message, sizeof(line) - 1);
  mos::memory_copy(line, message, n);
  line[n] = '\n';
  (void)write(2, line, n + 1);
}

// Calls `f(c_field, libc_field)` for each pair of fields that hold the same variable.
template <class F>
void for_each_field_pair(mos_getopt_state& c, libc::GetoptState& state, F f) {
  f(c.optarg, state.argument);
  f(c.optind, state.index);
  f(c.opterr, state.report_errors);
  f(c.optopt, state.option);
  f(c.next_char, state.next_char);
}

}  // namespace

extern "C" int getopt(int argc, char* const argv[], const char* optstring) {
  mos_getopt_state* c = __mos_getopt_state();
  libc::GetoptState state;
  for_each_field_pair(*c, state, [](auto& c_field, auto& field) { field = c_field; });
  int result = libc::getopt(state, argc, argv, optstring, to_stderr, nullptr);
  for_each_field_pair(*c, state, [](auto& c_field, auto& field) { c_field = field; });
  return result;
}
