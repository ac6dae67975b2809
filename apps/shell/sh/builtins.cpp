// The table of builtins, and the builtins that only print: echo, help, history, `:`, true,
// false. (The others live in builtin_*.cpp, by area.)
#include "builtins.hpp"

#include <errno.h>
#include <stdlib.h>

#include "expand.hpp"

namespace mos::sh {

void write_stdout(const StrBuf& out) {
  write_all(1, out.c_str(), out.size());
}

bool parse_number(const char* s, long* out) {
  char* end = nullptr;
  errno = 0;
  const long v = strtol(s, &end, 10);
  if (end == s || *end != '\0') return false;
  *out = v;
  return true;
}

bool parse_count(const char* s, long* out) {
  return parse_number(s, out) && errno == 0 && *out >= 0;
}

void append_assignment(StrBuf& out, const char* name, const char* value) {
  out.append(name);
  if (value != nullptr) {
    out.push('=');
    quote_for_shell(value, out);
  }
  out.push('\n');
}

int builtin_colon(Shell&, int, char**) {
  return 0;
}
int builtin_false(Shell&, int, char**) {
  return 1;
}

// Pairs of an escape letter and the byte it stands for.
constexpr char kEchoEscapes[] = "a\ab\bf\fn\nr\rt\tv\v\\\\";

// echo as dash does it: only -n (as the first argument) is an option; escapes are always on.
int builtin_echo(Shell&, int argc, char** argv) {
  StrBuf out;
  int i = 1;
  bool newline = true;
  if (argc > 1 && strcmp(argv[1], "-n") == 0) {
    newline = false;
    i = 2;
  }
  for (; i < argc; ++i) {
    for (const char* p = argv[i]; *p; ++p) {
      if (*p != '\\' || p[1] == '\0') {
        out.push(*p);
        continue;
      }
      ++p;
      if (*p == 'c') {
        write_stdout(out);
        return 0;
      }
      if (*p == '0') {
        int v = 0;
        for (int k = 0; k < 3 && p[1] >= '0' && p[1] <= '7'; ++k) v = v * 8 + (*++p - '0');
        out.push(static_cast<char>(v));
        continue;
      }
      const char* e = strchr(kEchoEscapes, *p);
      if (e != nullptr && (e - kEchoEscapes) % 2 == 0) {
        out.push(e[1]);
      } else {
        out.push('\\');
        out.push(*p);
      }
    }
    if (i + 1 < argc) out.push(' ');
  }
  if (newline) out.push('\n');
  write_stdout(out);
  return 0;
}

int builtin_history(Shell& sh, int, char**) {
  StrBuf out;
  for (size_t i = 0; i < sh.history.size(); ++i) {
    StrBuf num;
    num.append_long(static_cast<long>(sh.history.first_number() + i));
    for (size_t k = num.size(); k < 5; ++k) out.push(' ');
    out.append(num.c_str());
    out.append("  ");
    out.append(sh.history.at(i));
    out.push('\n');
  }
  write_stdout(out);
  return 0;
}

int builtin_help(Shell&, int, char**) {
  StrBuf out;
  out.append("Built-in commands:\n");
  for (const Builtin* b = kBuiltins; b->name; ++b) {
    out.append("  ");
    out.append(b->name);
    for (size_t k = strlen(b->name); k < 10; ++k) out.push(' ');
    out.append(b->help);
    out.push('\n');
  }
  write_stdout(out);
  return 0;
}

const Builtin kBuiltins[] = {
    {":", builtin_colon, true, "do nothing, successfully"},
    {".", builtin_dot, true, ". FILE [ARGS]: run FILE's commands in this shell"},
    {"[", builtin_bracket, false, "[ EXPR ]: same as test"},
    {"alias", builtin_alias, false, "alias [NAME[=VALUE]...]: define or list aliases"},
    {"bg", builtin_bg, false, "bg [%JOB]: resume a stopped job in the background"},
    {"break", builtin_break, true, "break [N]: leave N enclosing loops"},
    {"cd", builtin_cd, false, "cd [DIR|-]: change the working directory"},
    {"command", builtin_command, false,
     "command [-v|-V] NAME [ARGS]: run or describe NAME, no functions"},
    {"continue", builtin_break, true, "continue [N]: next iteration of the Nth enclosing loop"},
    {"echo", builtin_echo, false, "echo [-n] ARGS: print ARGS (with \\n-style escapes)"},
    {"eval", builtin_eval, true, "eval ARGS: run ARGS as a command"},
    {"exec", builtin_exec_stub, true, "exec [CMD [ARGS]]: apply redirections, or run CMD and exit"},
    {"exit", builtin_exit, true, "exit [N]: leave the shell with status N"},
    {"export", builtin_export, true, "export [-p] [NAME[=VALUE]...]: export variables"},
    {"false", builtin_false, false, "fail"},
    {"fg", builtin_fg, false, "fg [%JOB]: bring a job to the foreground"},
    {"getopts", builtin_getopts, false, "getopts OPTSTRING NAME [ARGS]: parse options"},
    {"help", builtin_help, false, "help: list the builtins"},
    {"history", builtin_history, false, "history: list the command history"},
    {"jobs", builtin_jobs, false, "jobs [-l|-p]: list jobs"},
    {"kill", builtin_kill, false, "kill [-SIG] PID|%JOB...; kill -l: send a signal"},
    {"local", builtin_local, false, "local NAME[=VALUE]...: function-local variables"},
    {"pwd", builtin_pwd, false, "pwd [-L|-P]: print the working directory"},
    {"read", builtin_read, false, "read [-r] [-p PROMPT] NAME...: read a line into variables"},
    {"readonly", builtin_readonly, true,
     "readonly [-p] [NAME[=VALUE]...]: make variables read-only"},
    {"return", builtin_return, true, "return [N]: return from a function or . script"},
    {"set", builtin_set, true,
     "set [-eufxCanvm] [-o OPT] [--] [ARGS]: options, positional parameters"},
    {"shift", builtin_shift, true, "shift [N]: drop N positional parameters"},
    {"test", builtin_test, false, "test EXPR: evaluate a condition"},
    {"trap", builtin_trap, true, "trap [ACTION SIG...]: run ACTION when a signal arrives"},
    {"true", builtin_colon, false, "succeed"},
    {"type", builtin_type, false, "type NAME...: describe how NAME would run"},
    {"umask", builtin_umask, false, "umask [MODE]: show or set the file creation mask (octal)"},
    {"unalias", builtin_unalias, false, "unalias [-a] NAME...: remove aliases"},
    {"unset", builtin_unset, true, "unset [-f|-v] NAME...: remove variables or functions"},
    {"wait", builtin_wait, false, "wait [PID|%JOB...]: wait for background jobs"},
    {nullptr, nullptr, false, nullptr},
};

const Builtin* find_builtin(const char* name) {
  for (const Builtin* b = kBuiltins; b->name; ++b) {
    if (strcmp(b->name, name) == 0) return b;
  }
  return nullptr;
}

}  // namespace mos::sh
