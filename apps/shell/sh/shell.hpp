#pragma once
/// The interpreter state of one shell (or subshell). There is no global state: every function
/// takes the Shell it works on, so several shells can run in one address space, and a subshell
/// is a deep copy (clone_shell) that its child process owns.

#include <signal.h>
#include <sys/types.h>

#include "ast.hpp"
#include "buffer.hpp"
#include "jobs.hpp"
#include "line_editor.hpp"

namespace mos::sh {

/// Variable attributes.
enum VarFlag : uint8_t { kVarExport = 1, kVarReadonly = 2 };

/// A shell variable; value is null for a variable that is declared (e.g. exported) but unset.
struct Var {
  char* name;
  char* value;
  uint8_t flags;
};

/// A function body shared by the table and the calls running it (a function may redefine
/// itself while it runs).
struct FuncBody {
  Node* node;
  int refs;
};

/// A defined function.
struct Func {
  char* name;
  FuncBody* body;
};

/// An alias.
struct Alias {
  char* name;
  char* value;
};

/// A variable saved by `local` or a prefix assignment, restored later.
struct SavedVar {
  char* name;
  char* value;  ///< Null: was unset.
  uint8_t flags;
  bool existed;
};

/// How control leaves a command early.
enum class Flow : uint8_t { None, Break, Continue, Return, Exit };

/// `set` options.
struct Options {
  bool errexit = false;      ///< -e
  bool nounset = false;      ///< -u
  bool xtrace = false;       ///< -x
  bool noglob = false;       ///< -f
  bool noclobber = false;    ///< -C
  bool allexport = false;    ///< -a
  bool noexec = false;       ///< -n
  bool verbose = false;      ///< -v
  bool monitor = false;      ///< -m (job control)
  bool interactive = false;  ///< -i
};

/// The number of signals a trap can name (1..kNumSignals-1; 0 is EXIT).
constexpr int kNumSignals = 65;

/// One shell's complete state.
struct Shell {
  Vec<Var> vars;
  Vec<Func> funcs;
  Vec<Alias> aliases;
  Options opts;
  char* arg0 = nullptr;
  Vec<char*> params;              ///< $1...
  int status = 0;                 ///< $?
  pid_t last_bg = 0;              ///< $!
  pid_t root_pid = 0;             ///< $$ (the top-level shell's pid, also in subshells)
  char* traps[kNumSignals] = {};  ///< Trap actions; "" = ignore; null = default.
  bool trap_ignored_at_entry[kNumSignals] = {};
  bool running_trap = false;
  Flow flow = Flow::None;
  int flow_count = 0;  ///< Levels left for break/continue.
  int loop_depth = 0;
  int func_depth = 0;
  int errexit_suppressed = 0;  ///< > 0 inside if/while conditions, && || left sides, `!`.
  int subst_status = 0;        ///< Status of the last command substitution.
  bool is_subshell = false;
  bool exit_requested = false;
  int eval_depth = 0;                ///< Nesting of eval/./functions, capped (stack safety).
  Vec<Vec<SavedVar>*> local_frames;  ///< One per running function, for `local`.
  Vec<int> private_fds;  ///< The shell's own fds (saved fds, pipes): closed in children.
  JobTable jobs;
  int tty_fd = -1;  ///< The controlling terminal when job control is on.
  pid_t shell_pgid = 0;
  LineEditor* editor = nullptr;  ///< Interactive only.
  History history;
  int getopts_char = 1;         ///< Position inside the current argument for getopts.
  long getopts_optind = 0;      ///< The OPTIND getopts last set (a different value restarts).
  bool error_reported = false;  ///< sh_error was called (special builtin errors are fatal).
  int lineno = 0;               ///< Line of the command being run (for messages).
};

/// Initialises `sh` for a top-level shell: imports `envp`, sets defaults (PATH, IFS, PS1...).
void init_shell(Shell& sh, char** envp);
/// Frees everything `sh` owns.
void destroy_shell(Shell& sh);
/// A deep copy of `sh` for a subshell (variables, functions, aliases, options, parameters,
/// traps; not jobs or history). Malloc'd; free with destroy_shell + free.
Shell* clone_shell(const Shell& sh);

// Variables (vars.cpp).
/// The variable `name`, or null.
Var* find_var(Shell& sh, const char* name);
/// The value of `name`, or null if unset.
const char* get_var(Shell& sh, const char* name);
/// Sets `name` to `value` (copied). Fails (message printed) if readonly.
bool set_var(Shell& sh, const char* name, const char* value, uint8_t add_flags = 0);
/// Sets from "name=value" text.
bool set_var_assignment(Shell& sh, const char* assignment, uint8_t add_flags = 0);
/// Unsets `name`; fails if readonly.
bool unset_var(Shell& sh, const char* name);
/// Builds the environment for a child: exported variables plus `extra` ("name=value", override).
char** build_env(Shell& sh, const Vec<char*>* extra);
/// Frees a build_env result.
void free_env(char** env);
/// Saves `name` into `frame` (once per frame) before a local or temporary assignment.
void save_var(Shell& sh, Vec<SavedVar>& frame, const char* name);
/// Restores the variables of `frame` (in reverse order) and empties it.
void restore_vars(Shell& sh, Vec<SavedVar>& frame);
/// Appends `s` quoted for re-input ('...' with '\'' for quotes) to `out`.
void quote_for_shell(const char* s, StrBuf& out);

// Functions and aliases (vars.cpp).
Func* find_func(Shell& sh, const char* name);
void define_func(Shell& sh, const char* name, const Node* body);
bool unset_func(Shell& sh, const char* name);
void release_body(FuncBody* b);
const char* find_alias(Shell& sh, const char* name);

/// Makes every running command unwind and the shell exit (with sh.status).
inline void request_exit(Shell& sh) {
  sh.flow = Flow::Exit;
  sh.exit_requested = true;
}

/// Prints "sh: MSG" (with a script line prefix in non-interactive shells) on stderr.
void sh_error(Shell& sh, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace mos::sh
