// External commands: PATH search, posix_spawnp with the shell's environment and signal setup,
// and scripts without #! run by a child shell.
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec_internal.hpp"

namespace mos::sh {

namespace {

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
  int err = spawn_with_setup(setup, [&](const posix_spawnattr_t* attr) {
    return posix_spawnp(pid, argv[0], nullptr, attr, argv, envp);
  });
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

}  // namespace

pid_t start_external(Shell& sh, Vec<char*>& argv, size_t first, const Vec<char*>& extra,
                     const ChildSetup& setup, int* status) {
  char** av = to_argv(argv);
  pid_t pid = 0;
  const int err = spawn_external(sh, av + first, extra, setup, &pid);
  free(av);
  if (err != 0) {
    report_spawn_error(sh, argv[first], err);
    *status = spawn_error_status(err);
    return 0;
  }
  return pid;
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

ChildSetup job_child_setup(Shell& sh, bool background, pid_t pgid) {
  ChildSetup setup = make_child_setup();
  child_signal_defaults(sh, setup, background);
  if (sh.opts.monitor) {
    setup.set_pgroup = true;
    setup.pgid = pgid;
  }
  return setup;
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
