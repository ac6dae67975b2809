// The executor. Commands run in the shell process where POSIX allows it (builtins, functions,
// compound commands); subshells, pipeline stages other than external commands, background
// compound commands and command substitutions run in a child through spawn_subshell(), on a
// deep copy of the shell; external commands start through posix_spawnp().
#include "exec.hpp"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <new>

#include "builtins.hpp"
#include "expand.hpp"
#include "parser.hpp"
#include "subshell.hpp"

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

SubshellArg* make_subshell_arg(Shell& sh, const Node* node) {
  SubshellArg* a = new (must_alloc(sizeof(SubshellArg))) SubshellArg();
  a->sh = clone_shell(sh);
  a->node = copy_node(node);
  a->text = nullptr;
  a->has_argv = false;
  return a;
}

int exit_code(int code) {
  return (code & 0xff) << 8;
}

void add_process(Job* j, pid_t pid, int raw_status, bool done) {
  j->pids.push(pid);
  j->statuses.push(raw_status);
  j->done.push(done ? 1 : 0);
}

// Expansion errors end a non-interactive shell (POSIX 2.8.1); status 2 as in dash.
int expansion_failed(Shell& sh) {
  sh.status = 2;
  if (!sh.opts.interactive) {
    sh.flow = Flow::Exit;
    sh.exit_requested = true;
  }
  return 2;
}

void xtrace(Shell& sh, const Vec<char*>& assigns, const Vec<char*>& argv) {
  if (!sh.opts.xtrace) return;
  StrBuf line;
  const char* ps4 = get_var(sh, "PS4");
  StrBuf p;
  if (ps4 && expand_string(sh, ps4, p)) line.append(p.c_str());
  bool first = true;
  const Vec<char*>* lists[2] = {&assigns, &argv};
  for (const Vec<char*>* v : lists) {
    for (char* s : *v) {
      if (!first) line.push(' ');
      first = false;
      line.append(s);
    }
  }
  line.push('\n');
  write_all(2, line.c_str(), line.size());
}

// Prefix assignments, expanded, as "name=value" strings.
bool expand_assignments(Shell& sh, Node* n, Vec<char*>& out) {
  for (char* a : n->assigns) {
    const char* eq = strchr(a, '=');
    StrBuf v;
    v.append(a, static_cast<size_t>(eq - a) + 1);
    if (!expand_string(sh, eq + 1, v, true)) {
      free_strings(out);
      return false;
    }
    out.push(v.release());
  }
  return true;
}

void report_spawn_error(Shell& sh, const char* name, int err) {
  if (err == ENOENT) {
    sh_error(sh, "%s: not found", name);
  } else {
    sh_error(sh, "%s: %s", name, strerror(err));
  }
}

int spawn_error_status(int err) {
  return err == ENOENT ? 127 : 126;
}

// A file the system cannot execute (no #!) is a shell script: a child shell runs it.
struct ScriptArg {
  char** argv;  // "sh", path, args...
  char** envp;
};

void discard_script_arg(void* p) {
  ScriptArg* a = static_cast<ScriptArg*>(p);
  free_env(a->argv);
  free_env(a->envp);
  free(a);
}

int script_entry(void* p) {
  ScriptArg* a = static_cast<ScriptArg*>(p);
  int argc = 0;
  while (a->argv[argc]) ++argc;
  const int status = run_shell(argc, a->argv, a->envp);
  discard_script_arg(a);
  return status;
}

int spawn_script(Shell& sh, char** argv, char** envp, const ChildSetup& setup, pid_t* pid) {
  char* path = find_in_path(sh, argv[0], false);
  if (path == nullptr) return ENOENT;
  Vec<char*> args;
  args.push(dup_str("sh"));
  args.push(path);
  for (char** p = argv + 1; *p; ++p) args.push(dup_str(*p));
  Vec<char*> env;
  for (char** e = envp; *e; ++e) env.push(dup_str(*e));
  ScriptArg* a = static_cast<ScriptArg*>(must_alloc(sizeof(ScriptArg)));
  a->argv = to_argv(args);
  a->envp = to_argv(env);
  return spawn_subshell(script_entry, a, discard_script_arg, setup, pid);
}

// Starts external command argv[0] with `extra` assignments in its environment.
int spawn_external(Shell& sh, char** argv, const Vec<char*>& extra, const ChildSetup& setup,
                   pid_t* pid) {
  char** envp = build_env(sh, &extra);
  // posix_spawnp searches the PATH of the process environment, which follows the shell's PATH;
  // a PATH=... prefix assignment applies to this search too.
  char* old_path = nullptr;
  bool path_overridden = false;
  for (char* e : extra) {
    if (strncmp(e, "PATH=", 5) == 0) {
      const char* cur = getenv("PATH");
      old_path = dup_str(cur);
      setenv("PATH", e + 5, 1);
      path_overridden = true;
    }
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  fill_spawnattr(setup, &attr);
  struct sigaction old_int;
  struct sigaction old_quit;
  if (setup.ignore_int_quit) {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
  }
  int err = posix_spawnp(pid, argv[0], nullptr, &attr, argv, envp);
  if (setup.ignore_int_quit) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
  }
  posix_spawnattr_destroy(&attr);
  if (err == ENOEXEC) err = spawn_script(sh, argv, envp, setup, pid);
  if (path_overridden) {
    if (old_path) {
      setenv("PATH", old_path, 1);
    } else {
      unsetenv("PATH");
    }
    free(old_path);
  }
  free_env(envp);
  if (err == 0 && setup.set_pgroup) setpgid(*pid, setup.pgid == 0 ? *pid : setup.pgid);
  // A directory named as a command: not executable.
  if (err == EISDIR) err = EACCES;
  return err;
}

const char* kind_text(Node* n, StrBuf& buf) {
  buf.clear();
  format_node(n, buf);
  return buf.c_str();
}

bool is_external(Shell& sh, const char* name) {
  return find_builtin(name) == nullptr && find_func(sh, name) == nullptr;
}

// One stage of a pipeline or a background command. Returns the pid, or 0 with *status set
// when the stage could not start.
pid_t start_stage(Shell& sh, Node* n, const ChildSetup& setup, int* status) {
  SubshellArg* arg = nullptr;
  if (n->kind == NodeKind::Simple && !n->words.empty()) {
    Vec<char*> argv;
    for (char* w : n->words) {
      if (!expand_fields(sh, w, argv)) {
        free_strings(argv);
        *status = 2;
        return 0;
      }
    }
    if (!argv.empty() && is_external(sh, argv[0])) {
      Vec<char*> extra;
      if (!expand_assignments(sh, n, extra)) {
        free_strings(argv);
        *status = 2;
        return 0;
      }
      xtrace(sh, extra, argv);
      Vec<SavedFd> saved;
      pid_t pid = 0;
      if (!apply_redirs(sh, n->redirs, &saved)) {
        *status = 2;
      } else {
        char** av = to_argv(argv);
        const int err = spawn_external(sh, av, extra, setup, &pid);
        free(av);
        if (err != 0) {
          report_spawn_error(sh, argv[0], err);
          *status = spawn_error_status(err);
          pid = 0;
        }
      }
      restore_fds(sh, saved);
      free_strings(argv);
      free_strings(extra);
      return pid;
    }
    arg = make_subshell_arg(sh, n);
    arg->argv = static_cast<Vec<char*>&&>(argv);
    arg->has_argv = true;
  } else {
    arg = make_subshell_arg(sh, n);
  }
  pid_t pid = 0;
  const int err = spawn_subshell(subshell_entry, arg, discard_subshell_arg, setup, &pid);
  if (err != 0) {
    sh_error(sh, "cannot start a subshell: %s", strerror(err));
    *status = 2;
    return 0;
  }
  return pid;
}

}  // namespace

void give_terminal(Shell& sh, pid_t pgid) {
  if (!sh.opts.monitor || sh.tty_fd < 0 || pgid <= 0) return;
  tcsetpgrp(sh.tty_fd, pgid);
}

void child_signal_defaults(Shell& sh, ChildSetup& setup, bool background) {
  sigemptyset(&setup.sigdefault);
  static constexpr int kShellIgnored[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGTERM};
  for (int sig : kShellIgnored) {
    if (!sh.trap_ignored_at_entry[sig]) sigaddset(&setup.sigdefault, sig);
  }
  for (int sig = 1; sig < kNumSignals; ++sig) {
    if (sh.traps[sig] != nullptr && sh.traps[sig][0] != '\0') sigaddset(&setup.sigdefault, sig);
    if (sh.traps[sig] != nullptr && sh.traps[sig][0] == '\0') sigdelset(&setup.sigdefault, sig);
  }
  if (background && !sh.opts.monitor) {
    setup.ignore_int_quit = true;
    sigdelset(&setup.sigdefault, SIGINT);
    sigdelset(&setup.sigdefault, SIGQUIT);
  }
}

int wait_foreground(Shell& sh, Job* job) {
  const int status = wait_job(job, sh.opts.monitor);
  give_terminal(sh, sh.shell_pgid);
  if (job->state == JobState::Stopped) {
    add_job(sh.jobs, job);
    job->notified = true;
    StrBuf line;
    line.push('\n');
    format_job(sh.jobs, job, line);
    write_all(2, line.c_str(), line.size());
    return status;
  }
  if (sh.opts.interactive && !job->pids.empty()) {
    const int raw = job->statuses[job->pids.size() - 1];
    if (WIFSIGNALED(raw) && WTERMSIG(raw) == SIGINT) write_all(2, "\n", 1);
  }
  free_job(job);
  return status;
}

int run_pipeline(Shell& sh, Node** stages, size_t count, bool background, const Node* whole) {
  StrBuf text;
  format_node(whole, text);
  Job* job = new_job(text.c_str());
  int prev_read = -1;
  for (size_t i = 0; i < count; ++i) {
    int p[2] = {-1, -1};
    if (i + 1 < count) {
      if (pipe(p) != 0) {
        sh_error(sh, "pipe: %s", strerror(errno));
        break;
      }
      fcntl(p[0], F_SETFD, FD_CLOEXEC);
      fcntl(p[1], F_SETFD, FD_CLOEXEC);
      add_private_fd(sh, p[0]);
      add_private_fd(sh, p[1]);
    }
    Vec<SavedFd> saved;
    bool fds_ok = true;
    if (prev_read >= 0) fds_ok = redirect_fd(sh, prev_read, 0, &saved);
    if (fds_ok && p[1] >= 0) fds_ok = redirect_fd(sh, p[1], 1, &saved);
    ChildSetup setup = make_child_setup();
    child_signal_defaults(sh, setup, background);
    if (sh.opts.monitor) {
      setup.set_pgroup = true;
      setup.pgid = job->pgid;
    }
    int status = 1;
    const pid_t pid = fds_ok ? start_stage(sh, stages[i], setup, &status) : 0;
    restore_fds(sh, saved);
    if (prev_read >= 0) {
      remove_private_fd(sh, prev_read);
      close(prev_read);
    }
    if (p[1] >= 0) {
      remove_private_fd(sh, p[1]);
      close(p[1]);
    }
    prev_read = p[0];
    if (pid > 0) {
      add_process(job, pid, 0, false);
      if (sh.opts.monitor && job->pgid == 0) {
        job->pgid = pid;
        if (!background) give_terminal(sh, pid);
      }
    } else {
      add_process(job, 0, exit_code(status), true);
    }
    if (sh.flow == Flow::Exit) break;
  }
  if (prev_read >= 0) {
    remove_private_fd(sh, prev_read);
    close(prev_read);
  }
  if (background) {
    pid_t last = 0;
    for (pid_t pid : job->pids) {
      if (pid > 0) last = pid;
    }
    sh.last_bg = last;
    add_job(sh.jobs, job);
    if (sh.opts.interactive) {
      StrBuf line;
      line.push('[');
      line.append_long(job->id);
      line.append("] ");
      line.append_long(last);
      line.push('\n');
      write_all(2, line.c_str(), line.size());
    } else {
      job->notified = true;
    }
    return 0;
  }
  return wait_foreground(sh, job);
}

namespace {

int call_function(Shell& sh, Func* f, Vec<char*>& argv) {
  if (sh.eval_depth >= kMaxCallDepth) {
    sh_error(sh, "%s: function calls nested too deeply", argv[0]);
    return 2;
  }
  FuncBody* body = f->body;
  ++body->refs;
  Vec<char*> saved_params = static_cast<Vec<char*>&&>(sh.params);
  for (size_t i = 1; i < argv.size(); ++i) sh.params.push(dup_str(argv[i]));
  Vec<SavedVar>* frame = new (must_alloc(sizeof(Vec<SavedVar>))) Vec<SavedVar>();
  sh.local_frames.push(frame);
  ++sh.func_depth;
  ++sh.eval_depth;
  const int saved_loop = sh.loop_depth;
  sh.loop_depth = 0;
  int status = exec_node(sh, body->node);
  sh.loop_depth = saved_loop;
  if (sh.flow == Flow::Return) {
    sh.flow = Flow::None;
    status = sh.status;
  }
  --sh.eval_depth;
  --sh.func_depth;
  sh.local_frames.pop();
  restore_vars(sh, *frame);
  frame->~Vec();
  free(frame);
  free_strings(sh.params);
  sh.params = static_cast<Vec<char*>&&>(saved_params);
  release_body(body);
  return status;
}

// `exec cmd args`: there is no exec in a single address space; the command runs as a child and
// the shell exits with its status (the same observable result for scripts).
int exec_replace(Shell& sh, Node* n, Vec<char*>& argv) {
  Vec<char*> extra;
  if (!expand_assignments(sh, n, extra)) return expansion_failed(sh);
  ChildSetup setup = make_child_setup();
  child_signal_defaults(sh, setup, false);
  char** av = to_argv(argv);
  pid_t pid = 0;
  // argv[0] is "exec".
  const int err = spawn_external(sh, av + 1, extra, setup, &pid);
  free(av);
  free_strings(extra);
  int status;
  if (err != 0) {
    report_spawn_error(sh, argv[1], err);
    status = spawn_error_status(err);
  } else {
    Job* job = new_job("");
    add_process(job, pid, 0, false);
    status = wait_job(job, false);
    free_job(job);
  }
  sh.status = status;
  sh.flow = Flow::Exit;
  sh.exit_requested = true;
  return status;
}

}  // namespace

int exec_simple(Shell& sh, Node* n, Vec<char*>* pre) {
  sh.subst_status = 0;
  Vec<char*> argv;
  if (pre != nullptr) {
    argv = static_cast<Vec<char*>&&>(*pre);
  } else {
    for (char* w : n->words) {
      if (!expand_fields(sh, w, argv)) {
        free_strings(argv);
        return expansion_failed(sh);
      }
    }
  }
  if (argv.empty()) {
    Vec<char*> assigns;
    if (!expand_assignments(sh, n, assigns)) return expansion_failed(sh);
    xtrace(sh, assigns, argv);
    int status = sh.subst_status;
    for (char* a : assigns) {
      if (!set_var_assignment(sh, a)) {
        // An assignment error is fatal in a script (POSIX 2.8.1).
        status = expansion_failed(sh);
        break;
      }
    }
    free_strings(assigns);
    Vec<SavedFd> saved;
    if (!apply_redirs(sh, n->redirs, &saved)) status = 2;
    restore_fds(sh, saved);
    return status;
  }
  bool skip_funcs = false;
  while (strcmp(argv[0], "command") == 0 && argv.size() > 1 && argv[1][0] != '-') {
    free(argv[0]);
    argv.erase(0);
    skip_funcs = true;
  }
  const char* name = argv[0];
  const Builtin* b = find_builtin(name);
  Func* f = skip_funcs ? nullptr : find_func(sh, name);
  if (b && b->special) f = nullptr;
  Vec<char*> extra;
  if (!expand_assignments(sh, n, extra)) {
    free_strings(argv);
    return expansion_failed(sh);
  }
  xtrace(sh, extra, argv);
  int status = 0;
  if (strcmp(name, "exec") == 0 && argv.size() == 1) {
    // Redirections of a bare `exec` stay in effect.
    for (char* a : extra) set_var_assignment(sh, a);
    status = apply_redirs(sh, n->redirs, nullptr) ? 0 : 2;
  } else if (b != nullptr || f != nullptr) {
    Vec<SavedVar> temp;
    const bool persist = b != nullptr && b->special;
    for (char* a : extra) {
      if (!persist) {
        char* nm = dup_mem(a, static_cast<size_t>(strchr(a, '=') - a));
        save_var(sh, temp, nm);
        free(nm);
      }
      set_var_assignment(sh, a, persist ? 0 : kVarExport);
    }
    Vec<SavedFd> saved;
    if (!apply_redirs(sh, n->redirs, &saved)) {
      status = 2;
      if (persist && !sh.opts.interactive) {
        sh.flow = Flow::Exit;
        sh.exit_requested = true;
      }
    } else if (f != nullptr) {
      status = call_function(sh, f, argv);
    } else if (strcmp(name, "exec") == 0) {
      status = exec_replace(sh, n, argv);
    } else {
      char** av = to_argv(argv);
      sh.error_reported = false;
      status = b->fn(sh, static_cast<int>(argv.size()), av);
      free(av);
      // Errors of special builtins end a non-interactive shell (POSIX 2.8.1); eval and `.`
      // report the errors of the commands they run, which are not their own.
      if (persist && sh.error_reported && status != 0 && !sh.opts.interactive &&
          b->fn != find_builtin("eval")->fn && b->fn != find_builtin(".")->fn) {
        sh.flow = Flow::Exit;
        sh.exit_requested = true;
        sh.status = status;
      }
    }
    restore_fds(sh, saved);
    restore_vars(sh, temp);
  } else {
    Vec<SavedFd> saved;
    if (!apply_redirs(sh, n->redirs, &saved)) {
      status = 2;
    } else {
      ChildSetup setup = make_child_setup();
      child_signal_defaults(sh, setup, false);
      if (sh.opts.monitor) {
        setup.set_pgroup = true;
        setup.pgid = 0;
      }
      char** av = to_argv(argv);
      pid_t pid = 0;
      const int err = spawn_external(sh, av, extra, setup, &pid);
      free(av);
      if (err != 0) report_spawn_error(sh, name, err);
      restore_fds(sh, saved);
      if (err != 0) {
        status = spawn_error_status(err);
      } else {
        StrBuf text;
        Job* job = new_job(kind_text(n, text));
        add_process(job, pid, 0, false);
        job->pgid = sh.opts.monitor ? pid : 0;
        give_terminal(sh, job->pgid);
        status = wait_foreground(sh, job);
      }
    }
    restore_fds(sh, saved);
  }
  free_strings(extra);
  free_strings(argv);
  return status;
}

namespace {

// After a loop's condition or body: whether the loop goes on, consuming break/continue levels.
bool loop_goes_on(Shell& sh) {
  if (sh.flow == Flow::Break) {
    if (--sh.flow_count <= 0) sh.flow = Flow::None;
    return false;
  }
  if (sh.flow == Flow::Continue) {
    if (--sh.flow_count > 0) return false;
    sh.flow = Flow::None;
    return true;
  }
  return sh.flow == Flow::None;
}

int exec_loop(Shell& sh, Node* n) {
  int status = 0;
  ++sh.loop_depth;
  for (;;) {
    ++sh.errexit_suppressed;
    const int cond = exec_node(sh, n->a);
    --sh.errexit_suppressed;
    if (sh.flow != Flow::None) {
      const bool is_continue = sh.flow == Flow::Continue;
      if (!loop_goes_on(sh) || !is_continue) break;
      continue;
    }
    if ((cond == 0) != (n->kind == NodeKind::While)) break;
    status = exec_node(sh, n->b);
    if (!loop_goes_on(sh)) break;
  }
  --sh.loop_depth;
  return status;
}

int exec_for(Shell& sh, Node* n) {
  Vec<char*> items;
  if (n->flag) {
    for (char* w : n->words) {
      if (!expand_fields(sh, w, items)) {
        free_strings(items);
        return expansion_failed(sh);
      }
    }
  } else {
    for (char* p : sh.params) items.push(dup_str(p));
  }
  int status = 0;
  ++sh.loop_depth;
  for (char* item : items) {
    if (!set_var(sh, n->name, item)) {
      status = 1;
      break;
    }
    status = exec_node(sh, n->a);
    if (!loop_goes_on(sh)) break;
  }
  --sh.loop_depth;
  free_strings(items);
  return status;
}

int exec_case(Shell& sh, Node* n) {
  StrBuf subject;
  if (!expand_string(sh, n->words[0], subject)) return expansion_failed(sh);
  for (CaseItem& item : n->items) {
    for (char* p : item.patterns) {
      StrBuf pat;
      if (!expand_pattern(sh, p, pat)) return expansion_failed(sh);
      if (fnmatch(pat.c_str(), subject.c_str(), 0) == 0) {
        return item.body ? exec_node(sh, item.body) : 0;
      }
    }
  }
  return 0;
}

// ( list ): the body runs in a child (a simple command body is started like a pipeline stage,
// which also puts it in a child); the redirections apply around it.
int exec_subshell_fg(Shell& sh, Node* n) {
  Node* stages[1] = {n->a};
  Vec<SavedFd> saved;
  int status = 2;
  if (apply_redirs(sh, n->redirs, &saved)) status = run_pipeline(sh, stages, 1, false, n);
  restore_fds(sh, saved);
  return status;
}

}  // namespace

int exec_node(Shell& sh, Node* n) {
  if (n == nullptr) return sh.status = 0;
  if (sh.flow != Flow::None) return sh.status;
  int status = 0;
  bool check_errexit = false;
  switch (n->kind) {
    case NodeKind::Simple:
      status = exec_simple(sh, n, nullptr);
      check_errexit = true;
      break;
    case NodeKind::Pipeline:
      if (n->kids.size() == 1) {
        ++sh.errexit_suppressed;
        status = exec_node(sh, n->kids[0]);
        --sh.errexit_suppressed;
      } else {
        if (n->flag) ++sh.errexit_suppressed;
        status = run_pipeline(sh, n->kids.data(), n->kids.size(), false, n);
        if (n->flag) --sh.errexit_suppressed;
      }
      if (n->flag) {
        status = status == 0 ? 1 : 0;
      } else {
        check_errexit = true;
      }
      break;
    case NodeKind::AndOr: {
      ++sh.errexit_suppressed;
      status = exec_node(sh, n->a);
      --sh.errexit_suppressed;
      if (sh.flow != Flow::None) return status;
      if (n->flag ? status != 0 : status == 0) status = exec_node(sh, n->b);
      break;
    }
    case NodeKind::List:
      for (size_t i = 0; i < n->kids.size() && sh.flow == Flow::None; ++i) {
        if (n->async[i]) {
          Node* one[1] = {n->kids[i]};
          Node* k = n->kids[i];
          if (k->kind == NodeKind::Pipeline && !k->flag) {
            status = run_pipeline(sh, k->kids.data(), k->kids.size(), true, k);
          } else {
            status = run_pipeline(sh, one, 1, true, k);
          }
        } else {
          status = exec_node(sh, n->kids[i]);
        }
        sh.status = status;
      }
      break;
    case NodeKind::Subshell:
      status = exec_subshell_fg(sh, n);
      check_errexit = true;
      break;
    case NodeKind::Brace:
    case NodeKind::If:
    case NodeKind::While:
    case NodeKind::Until:
    case NodeKind::For:
    case NodeKind::Case: {
      Vec<SavedFd> saved;
      if (!apply_redirs(sh, n->redirs, &saved)) {
        restore_fds(sh, saved);
        status = 2;
        check_errexit = true;
        break;
      }
      if (n->kind == NodeKind::Brace) {
        status = exec_node(sh, n->a);
      } else if (n->kind == NodeKind::If) {
        ++sh.errexit_suppressed;
        const int cond = exec_node(sh, n->a);
        --sh.errexit_suppressed;
        if (sh.flow == Flow::None) {
          if (cond == 0) {
            status = exec_node(sh, n->b);
          } else if (n->c) {
            status = exec_node(sh, n->c);
          } else {
            status = 0;
          }
        } else {
          status = cond;
        }
      } else if (n->kind == NodeKind::For) {
        status = exec_for(sh, n);
      } else if (n->kind == NodeKind::Case) {
        status = exec_case(sh, n);
      } else {
        status = exec_loop(sh, n);
      }
      restore_fds(sh, saved);
      break;
    }
    case NodeKind::FuncDef:
      define_func(sh, n->name, n->a);
      status = 0;
      break;
  }
  if (sh.flow == Flow::Exit) return sh.status;
  sh.status = status;
  if (check_errexit && status != 0 && sh.opts.errexit && sh.errexit_suppressed == 0 &&
      sh.flow == Flow::None) {
    sh.flow = Flow::Exit;
    sh.exit_requested = true;
  }
  run_pending_traps(sh);
  return sh.status;
}

bool command_subst(Shell& sh, const char* text, StrBuf& out) {
  int p[2];
  if (pipe(p) != 0) {
    sh_error(sh, "pipe: %s", strerror(errno));
    return false;
  }
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  fcntl(p[1], F_SETFD, FD_CLOEXEC);
  add_private_fd(sh, p[0]);
  add_private_fd(sh, p[1]);
  Vec<SavedFd> saved;
  pid_t pid = 0;
  int err = 0;
  if (redirect_fd(sh, p[1], 1, &saved)) {
    SubshellArg* a = make_subshell_arg(sh, nullptr);
    a->text = dup_str(text);
    ChildSetup setup = make_child_setup();
    child_signal_defaults(sh, setup, false);
    err = spawn_subshell(subshell_entry, a, discard_subshell_arg, setup, &pid);
  } else {
    err = EBADF;
  }
  restore_fds(sh, saved);
  remove_private_fd(sh, p[1]);
  close(p[1]);
  if (err != 0) {
    remove_private_fd(sh, p[0]);
    close(p[0]);
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
  remove_private_fd(sh, p[0]);
  close(p[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sh.subst_status = wait_status_to_int(status);
  size_t n = out.size();
  while (n > 0 && out[n - 1] == '\n') --n;
  out.truncate(n);
  return true;
}

namespace {

const char* alias_lookup(void* ctx, const char* name) {
  return find_alias(*static_cast<Shell*>(ctx), name);
}

}  // namespace

int run_input(Shell& sh, Input& in, bool top) {
  Parser parser(in, alias_lookup, &sh);
  for (;;) {
    if (top && sh.opts.interactive) report_jobs(sh.jobs, true);
    const int line = in.line_number();
    Node* n = nullptr;
    const Parser::Status st = parser.parse_command(&n);
    if (st == Parser::Status::Eof) break;
    if (st == Parser::Status::Error) {
      if (parser.error()[0] != '\0') {
        sh.lineno = in.line_number() - 1 > line ? in.line_number() - 1 : line;
        sh_error(sh, "%s", parser.error());
        sh.status = 2;
        if (!sh.opts.interactive) {
          sh.flow = Flow::Exit;
          sh.exit_requested = true;
          break;
        }
      } else {
        sh.status = 130;  // ^C at the prompt.
      }
      continue;
    }
    sh.lineno = line;
    if (n != nullptr) {
      if (!sh.opts.noexec) exec_node(sh, n);
      free_node(n);
    }
    run_pending_traps(sh);
    if (sh.flow == Flow::Exit || sh.flow == Flow::Return) break;
    if (sh.flow != Flow::None && sh.loop_depth == 0) sh.flow = Flow::None;
  }
  return sh.status;
}

int run_string(Shell& sh, const char* text) {
  Input in;
  in.push_string(text, nullptr);
  return run_input(sh, in, false);
}

void run_pending_traps(Shell& sh) {
  if (sh.running_trap) return;
  sigset_t pending;
  sigemptyset(&pending);
  if (sigpending(&pending) != 0) return;
  for (int sig = 1; sig < kNumSignals; ++sig) {
    if (sh.traps[sig] == nullptr || sh.traps[sig][0] == '\0') continue;
    if (sigismember(&pending, sig) != 1) continue;
    // The signal is blocked while trapped; ignoring it discards the pending instance, and the
    // default disposition (still blocked) waits for the next one.
    signal(sig, SIG_IGN);
    signal(sig, SIG_DFL);
    const int saved_status = sh.status;
    const Flow saved_flow = sh.flow;
    sh.running_trap = true;
    char* action = dup_str(sh.traps[sig]);
    run_string(sh, action);
    free(action);
    sh.running_trap = false;
    if (sh.flow != Flow::Exit) {
      sh.flow = saved_flow;
      sh.status = saved_status;
    }
  }
}

int finish_shell(Shell& sh) {
  run_pending_traps(sh);
  if (sh.traps[0] != nullptr) {
    char* action = sh.traps[0];
    sh.traps[0] = nullptr;
    const int saved = sh.status;
    sh.flow = Flow::None;
    sh.running_trap = true;
    run_string(sh, action);
    sh.running_trap = false;
    free(action);
    if (sh.flow != Flow::Exit) sh.status = saved;
  }
  return sh.status & 0xff;
}

char* find_in_path(Shell& sh, const char* name, bool executable) {
  if (strchr(name, '/') != nullptr) return dup_str(name);
  const char* path = get_var(sh, "PATH");
  if (path == nullptr) return nullptr;
  StrBuf candidate;
  for (const char* p = path;;) {
    const char* colon = strchr(p, ':');
    const size_t n = colon ? static_cast<size_t>(colon - p) : strlen(p);
    candidate.clear();
    if (n == 0) {
      candidate.append(".");
    } else {
      candidate.append(p, n);
    }
    candidate.push('/');
    candidate.append(name);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        (!executable || (st.st_mode & 0111) != 0)) {
      return candidate.release();
    }
    if (colon == nullptr) break;
    p = colon + 1;
  }
  return nullptr;
}

}  // namespace mos::sh
