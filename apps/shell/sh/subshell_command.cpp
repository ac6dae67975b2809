// Commands that run in a subshell child (spawn_subshell) on a deep copy of the shell: pipeline
// stages that are not external commands, `( )`, background compound commands and command
// substitutions.
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <new>

#include "exec_internal.hpp"
#include "expand.hpp"

namespace mos::sh {

namespace {

// What a subshell child runs; it owns everything here.
struct SubshellArg {
  Shell* sh;
  Node* node;       // A command tree, or
  char* text;       // source text to parse (command substitution), and
  Vec<char*> argv;  // for a simple command stage: its expanded words.
  bool has_argv;
};

void discard_subshell_arg(void* p) {
  SubshellArg* a = static_cast<SubshellArg*>(p);
  destroy_shell(*a->sh);
  a->sh->~Shell();
  free(a->sh);
  free_node(a->node);
  free(a->text);
  free_strings(a->argv);
  a->~SubshellArg();
  free(a);
}

int subshell_entry(void* p) {
  SubshellArg* a = static_cast<SubshellArg*>(p);
  Shell& sh = *a->sh;
  // The parent's own fds (saved copies, other pipe ends) are not the child's business.
  for (int fd : sh.private_fds) close(fd);
  sh.private_fds.clear();
  // Traps are reset in a subshell; ignored signals stay ignored.
  for (int i = 0; i < kNumSignals; ++i) {
    if (sh.traps[i] != nullptr && sh.traps[i][0] != '\0') {
      free(sh.traps[i]);
      sh.traps[i] = nullptr;
    }
  }
  ++sh.eval_depth;
  if (a->text != nullptr) {
    run_string(sh, a->text);
  } else if (a->has_argv) {
    Vec<char*> argv = static_cast<Vec<char*>&&>(a->argv);
    sh.status = exec_simple(sh, a->node, &argv);
  } else {
    exec_node(sh, a->node);
  }
  const int status = finish_shell(sh);
  discard_subshell_arg(a);
  return status;
}

}  // namespace

int start_subshell(Shell& sh, const Node* node, const char* text, Vec<char*>* argv,
                   const ChildSetup& setup, pid_t* pid) {
  SubshellArg* a = new (must_alloc(sizeof(SubshellArg))) SubshellArg();
  a->sh = clone_shell(sh);
  a->node = copy_node(node);
  a->text = dup_str(text);
  a->has_argv = argv != nullptr;
  if (argv != nullptr) a->argv = static_cast<Vec<char*>&&>(*argv);
  return spawn_subshell(subshell_entry, a, discard_subshell_arg, setup, pid);
}

bool command_subst(Shell& sh, const char* text, StrBuf& out) {
  int p[2];
  if (!open_private_pipe(sh, p)) return false;
  Vec<SavedFd> saved;
  pid_t pid = 0;
  int err = 0;
  if (redirect_fd(sh, p[1], 1, &saved)) {
    ChildSetup setup = make_child_setup();
    child_signal_defaults(sh, setup, false);
    err = start_subshell(sh, nullptr, text, nullptr, setup, &pid);
  } else {
    err = EBADF;
  }
  restore_fds(sh, saved);
  close_private_fd(sh, p[1]);
  if (err != 0) {
    close_private_fd(sh, p[0]);
    sh_error(sh, "cannot start a subshell: %s", strerror(err));
    return false;
  }
  char* buf = static_cast<char*>(must_alloc(4096));
  for (;;) {
    const ssize_t r = read(p[0], buf, 4096);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  free(buf);
  close_private_fd(sh, p[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sh.subst_status = wait_status_to_int(status);
  size_t n = out.size();
  while (n > 0 && out[n - 1] == '\n') --n;
  out.truncate(n);
  return true;
}

}  // namespace mos::sh
