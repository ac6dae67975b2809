#pragma once
/// Built-in commands.

#include "shell.hpp"

namespace mos::sh {

/// A builtin's entry point: like main, argv[argc] == nullptr. Returns the exit status.
using BuiltinFn = int (*)(Shell& sh, int argc, char** argv);

/// One builtin.
struct Builtin {
  const char* name;
  BuiltinFn fn;
  bool special;      ///< POSIX special builtin: assignments persist, errors are fatal.
  const char* help;  ///< One line for `help`.
};

/// The builtin `name`, or null.
const Builtin* find_builtin(const char* name);
/// Every builtin, ending with a null name.
extern const Builtin kBuiltins[];

// Builtins defined outside builtins.cpp.
int builtin_test(Shell& sh, int argc, char** argv);
int builtin_bracket(Shell& sh, int argc, char** argv);
int builtin_read(Shell& sh, int argc, char** argv);
int builtin_getopts(Shell& sh, int argc, char** argv);
int builtin_trap(Shell& sh, int argc, char** argv);
int builtin_kill(Shell& sh, int argc, char** argv);
int builtin_wait(Shell& sh, int argc, char** argv);
int builtin_jobs(Shell& sh, int argc, char** argv);
int builtin_fg(Shell& sh, int argc, char** argv);
int builtin_bg(Shell& sh, int argc, char** argv);

/// Signal number for a name ("INT", "SIGINT", "2", "EXIT" = 0), or -1.
int signal_number(const char* name);
/// Name without "SIG" for a number, or null.
const char* signal_name(int sig);
/// Sets the trap action of `sig` (null: default, "": ignore) and the signal state behind it.
void set_trap(Shell& sh, int sig, const char* action);

}  // namespace mos::sh

namespace mos::sh {

/// Sets option letter `c` (e, u, x, f, C, a, n, v, m, i); false if unknown.
bool set_option_letter(Shell& sh, char c, bool on);
/// Sets option `name` (errexit, nounset, ...); false if unknown.
bool set_option_name(Shell& sh, const char* name, bool on);

}  // namespace mos::sh
