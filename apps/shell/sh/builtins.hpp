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

// The builtins, by file. builtins.cpp:
int builtin_colon(Shell& sh, int argc, char** argv);
int builtin_false(Shell& sh, int argc, char** argv);
int builtin_echo(Shell& sh, int argc, char** argv);
int builtin_help(Shell& sh, int argc, char** argv);
int builtin_history(Shell& sh, int argc, char** argv);
// builtin_flow.cpp:
int builtin_break(Shell& sh, int argc, char** argv);
int builtin_return(Shell& sh, int argc, char** argv);
int builtin_exit(Shell& sh, int argc, char** argv);
int builtin_eval(Shell& sh, int argc, char** argv);
int builtin_dot(Shell& sh, int argc, char** argv);
int builtin_exec_stub(Shell& sh, int argc, char** argv);
// builtin_directory.cpp:
int builtin_cd(Shell& sh, int argc, char** argv);
int builtin_pwd(Shell& sh, int argc, char** argv);
int builtin_umask(Shell& sh, int argc, char** argv);
// builtin_vars.cpp:
int builtin_export(Shell& sh, int argc, char** argv);
int builtin_readonly(Shell& sh, int argc, char** argv);
int builtin_unset(Shell& sh, int argc, char** argv);
int builtin_local(Shell& sh, int argc, char** argv);
int builtin_set(Shell& sh, int argc, char** argv);
int builtin_shift(Shell& sh, int argc, char** argv);
// builtin_lookup.cpp:
int builtin_alias(Shell& sh, int argc, char** argv);
int builtin_unalias(Shell& sh, int argc, char** argv);
int builtin_type(Shell& sh, int argc, char** argv);
int builtin_command(Shell& sh, int argc, char** argv);
// builtin_test.cpp, builtin_read.cpp, builtin_jobs.cpp:
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

/// Writes `out` to stdout (a builtin's output, in one piece).
void write_stdout(const StrBuf& out);
/// Parses a whole non-negative decimal number (break, shift); false if `s` is not one.
bool parse_count(const char* s, long* out);
/// Parses a whole decimal number, sign allowed, clamped on overflow (return, exit); false if
/// `s` is not one.
bool parse_number(const char* s, long* out);
/// Appends "NAME=VALUE\n" with VALUE quoted for the shell, or "NAME\n" if `value` is null.
void append_assignment(StrBuf& out, const char* name, const char* value);

/// Sets option letter `c` (e, u, x, f, C, a, n, v, m, i); false if unknown.
bool set_option_letter(Shell& sh, char c, bool on);
/// Sets option `name` (errexit, nounset, ...); false if unknown.
bool set_option_name(Shell& sh, const char* name, bool on);

}  // namespace mos::sh
