#pragma once
/// The executor: runs syntax trees in a Shell.

#include "ast.hpp"
#include "input.hpp"
#include "shell.hpp"

namespace mos::sh {

/// Maximum nesting of function calls, eval, `.` and subshell levels (the image's thread stacks
/// are small).
constexpr int kMaxCallDepth = 100;

/// Runs `n` in the current shell; returns its status (also left in sh.status).
int exec_node(Shell& sh, Node* n);
/// Runs a simple command; `argv` (may be null) holds already expanded words.
int exec_simple(Shell& sh, Node* n, Vec<char*>* argv);
/// Reads and runs commands from `in` until end of input or `exit`. `top` marks the shell's main
/// input (job notices, syntax errors end a non-interactive shell).
int run_input(Shell& sh, Input& in, bool top);
/// Parses and runs `text` in the current shell (eval, traps).
int run_string(Shell& sh, const char* text);
/// Runs the actions of trapped signals that arrived (a safe point).
void run_pending_traps(Shell& sh);
/// Runs the EXIT trap (once) and returns the shell's final status.
int finish_shell(Shell& sh);
/// Runs `count` commands as a pipeline, each stage in a child process (or an external command),
/// all concurrently; waits for it unless `background` (then files it as a job). `whole` is
/// printed for job listings. Returns the last stage's status (0 for a background job).
int run_pipeline(Shell& sh, Node** stages, size_t count, bool background, const Node* whole);
/// Searches PATH for an executable `name`; returns a malloc'd path or null.
char* find_in_path(Shell& sh, const char* name, bool executable);
struct ChildSetup;
/// Fills the signal part of a child's setup: defaults for what the shell ignores or traps,
/// SIGINT/SIGQUIT ignored for a background job without job control (POSIX 2.11).
void child_signal_defaults(Shell& sh, ChildSetup& setup, bool background);
/// Puts `pgid` in the foreground of the shell's terminal (job control).
void give_terminal(Shell& sh, pid_t pgid);
/// Waits for a foreground job, takes the terminal back, files it as stopped if it stopped.
int wait_foreground(Shell& sh, Job* job);

/// Runs a whole shell as `sh` does with arguments `argv` and environment `envp` (also the way a
/// script without #! is run, POSIX 2.9.1.1). Returns the exit status.
int run_shell(int argc, char** argv, char** envp);

/// One saved file descriptor (for restoring after a redirection).
struct SavedFd {
  int fd;
  int saved;  ///< -1: fd was closed.
};
/// Applies `redirs`; when `saved` is non-null the previous fds are saved there. Returns false
/// (message printed) on error, with the redirections applied so far still recorded in `saved`.
bool apply_redirs(Shell& sh, const Vec<Redir>& redirs, Vec<SavedFd>* saved);
/// Makes `fd` refer to what `target` refers to, saving it first.
bool redirect_fd(Shell& sh, int target, int fd, Vec<SavedFd>* saved);
/// Restores the fds of `saved` (last first) and empties it.
void restore_fds(Shell& sh, Vec<SavedFd>& saved);
/// Records / forgets one of the shell's own fds (closed in subshell children).
void add_private_fd(Shell& sh, int fd);
void remove_private_fd(Shell& sh, int fd);
/// Forgets and closes one of the shell's own fds.
void close_private_fd(Shell& sh, int fd);
/// A close-on-exec pipe whose ends are private fds of the shell; false (message printed) if
/// none could be made.
bool open_private_pipe(Shell& sh, int p[2]);

}  // namespace mos::sh
