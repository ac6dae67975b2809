#pragma once
/// POSIX getopt over explicit state, so that every process (they share one address space) has
/// its own optind/optarg: the C API keeps one GetoptState per process.

namespace mos::posix::libc {

/// The variables C calls optarg, optind, opterr and optopt (named differently here because
/// <getopt.h> makes those names macros), plus the position inside a group of short options
/// ("-abc"). Field order and types match the C header's struct mos_getopt_state.
struct GetoptState {
  char* argument = nullptr;  ///< optarg: the argument of the option just returned, if any
  int index = 1;             ///< optind: index of the next argv element to look at
  int report_errors = 1;     ///< opterr: nonzero to report errors through the callback
  int option = 0;            ///< optopt: the option character that caused the last error
  int next_char = 0;         ///< offset in argv[index] of the next option character (0: none)
};

/// Receives getopt's diagnostics ("%s: invalid option -- 'c'"), when opterr is set and the
/// option string does not start with ':'. `message` is a complete line without the newline.
using GetoptDiagnostic = void (*)(void* context, const char* message);

/// POSIX getopt: the next option character from argv, '?' for an unknown option or (without a
/// leading ':' in `optstring`) a missing argument, ':' for a missing argument with a leading ':',
/// -1 at the first non-option, at "--" (skipped) or at the end. A leading '+' is accepted and
/// ignored (there is never any argument permutation). Setting `index` to 0 restarts
/// scanning.
int getopt(GetoptState& state, int argc, char* const argv[], const char* optstring,
           GetoptDiagnostic diagnostic = nullptr, void* context = nullptr) noexcept;

}  // namespace mos::posix::libc
