// Signals and jobs: trap, kill, wait, jobs, fg, bg.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtins.hpp"
#include "exec.hpp"

namespace mos::sh {

namespace {

struct SignalName {
  const char* name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"SYS", SIGSYS},
};

bool shell_ignores(Shell& sh, int sig) {
  if (sh.trap_ignored_at_entry[sig]) return true;
  if (!sh.opts.interactive) return false;
  return sig == SIGINT || sig == SIGQUIT || sig == SIGTERM ||
         (sh.opts.monitor && (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU));
}

}  // namespace

int signal_number(const char* name) {
  if (name[0] >= '0' && name[0] <= '9') {
    char* end = nullptr;
    const long n = strtol(name, &end, 10);
    if (*end != '\0' || n < 0 || n >= kNumSignals) return -1;
    return static_cast<int>(n);
  }
  const char* n = name;
  if (strncmp(n, "SIG", 3) == 0) n += 3;
  if (strcmp(n, "EXIT") == 0) return 0;
  for (const SignalName& s : kSignals) {
    if (strcmp(s.name, n) == 0) return s.number;
  }
  return -1;
}

const char* signal_name(int sig) {
  if (sig == 0) return "EXIT";
  for (const SignalName& s : kSignals) {
    if (s.number == sig) return s.name;
  }
  return nullptr;
}

void set_trap(Shell& sh, int sig, const char* action) {
  free(sh.traps[sig]);
  sh.traps[sig] = dup_str(action);
  if (sig == 0) return;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  if (action != nullptr && action[0] != '\0') {
    // Trapped signals stay blocked and are collected with sigpending() at safe points: a
    // handler could not find this shell (there are no globals to reach it through).
    signal(sig, SIG_DFL);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    return;
  }
  const bool ignore = (action != nullptr) || shell_ignores(sh, sig);
  signal(sig, ignore ? SIG_IGN : SIG_DFL);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

int builtin_trap(Shell& sh, int argc, char** argv) {
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) ++i;
  if (i >= argc) {
    StrBuf out;
    for (int sig = 0; sig < kNumSignals; ++sig) {
      if (sh.traps[sig] == nullptr) continue;
      out.append("trap -- ");
      quote_for_shell(sh.traps[sig], out);
      out.push(' ');
      const char* name = signal_name(sig);
      if (name) {
        out.append(name);
      } else {
        out.append_long(sig);
      }
      out.push('\n');
    }
    write_all(1, out.c_str(), out.size());
    return 0;
  }
  if (strcmp(argv[i], "-l") == 0) {
    StrBuf out;
    for (const SignalName& s : kSignals) {
      out.append(s.name);
      out.push('\n');
    }
    write_all(1, out.c_str(), out.size());
    return 0;
  }
  const char* action = argv[i];
  // A first operand that is a signal number means: reset these to the default.
  bool reset = strcmp(action, "-") == 0;
  if (!reset && action[0] >= '0' && action[0] <= '9' && signal_number(action) >= 0) {
    reset = true;
  } else {
    ++i;
  }
  int status = 0;
  for (; i < argc; ++i) {
    const int sig = signal_number(argv[i]);
    if (sig < 0) {
      sh_error(sh, "trap: %s: bad trap", argv[i]);
      status = 1;
      continue;
    }
    set_trap(sh, sig, reset ? nullptr : action);
  }
  return status;
}

int builtin_kill(Shell& sh, int argc, char** argv) {
  int sig = SIGTERM;
  int i = 1;
  if (i < argc && strcmp(argv[i], "-l") == 0) {
    StrBuf out;
    if (i + 1 < argc) {
      // A number (or an exit status 128 + n) gives its name; a name gives its number.
      for (++i; i < argc; ++i) {
        char* end = nullptr;
        long n = strtol(argv[i], &end, 10);
        if (end != argv[i] && *end == '\0') {
          if (n > 128) n -= 128;
          const char* name = signal_name(static_cast<int>(n));
          if (name == nullptr) {
            sh_error(sh, "kill: invalid signal number or exit status: %s", argv[i]);
            return 2;
          }
          out.append(name);
        } else {
          const int number = signal_number(argv[i]);
          if (number <= 0) {
            sh_error(sh, "kill: invalid signal name: %s", argv[i]);
            return 2;
          }
          char text[16];
          snprintf(text, sizeof text, "%d", number);
          out.append(text);
        }
        out.push('\n');
      }
    } else {
      for (const SignalName& s : kSignals) {
        out.append(s.name);
        out.push('\n');
      }
    }
    write_all(1, out.c_str(), out.size());
    return 0;
  }
  if (i < argc && (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "-n") == 0)) {
    if (i + 1 >= argc) {
      sh_error(sh, "kill: option requires an argument");
      return 2;
    }
    sig = signal_number(argv[i + 1]);
    i += 2;
  } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
    sig = signal_number(argv[i] + 1);
    ++i;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) ++i;
  if (sig < 0) {
    sh_error(sh, "kill: invalid signal");
    return 2;
  }
  if (i >= argc) {
    sh_error(sh, "kill: usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or kill -l");
    return 2;
  }
  int status = 0;
  for (; i < argc; ++i) {
    if (argv[i][0] == '%') {
      Job* j = find_job(sh.jobs, argv[i]);
      if (j == nullptr) {
        sh_error(sh, "kill: %s: no such job", argv[i]);
        status = 1;
        continue;
      }
      if (j->pgid > 0) {
        if (kill(-j->pgid, sig) != 0) status = 1;
      } else {
        for (size_t k = 0; k < j->pids.size(); ++k) {
          if (!j->done[k] && j->pids[k] > 0) kill(j->pids[k], sig);
        }
      }
      if (sig == SIGCONT && j->state == JobState::Stopped) j->state = JobState::Running;
      continue;
    }
    char* end = nullptr;
    const long pid = strtol(argv[i], &end, 10);
    if (end == argv[i] || *end != '\0') {
      sh_error(sh, "kill: invalid process id: %s", argv[i]);
      status = 1;
      continue;
    }
    if (kill(static_cast<pid_t>(pid), sig) != 0) {
      sh_error(sh, "kill: %s", strerror(errno));
      status = 1;
    }
  }
  return status;
}

int builtin_wait(Shell& sh, int argc, char** argv) {
  if (argc == 1) {
    while (!sh.jobs.jobs.empty()) {
      Job* j = sh.jobs.jobs[0];
      if (j->state == JobState::Stopped) break;
      wait_job(j, false);
      remove_job(sh.jobs, j);
    }
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    Job* j = find_job(sh.jobs, argv[i]);
    if (j == nullptr) {
      if (argv[i][0] == '%') sh_error(sh, "wait: %s: no such job", argv[i]);
      status = 127;
      continue;
    }
    if (argv[i][0] != '%') {
      // A pid names one process of the job: its own status.
      const long pid = strtol(argv[i], nullptr, 10);
      wait_job(j, false);
      for (size_t k = 0; k < j->pids.size(); ++k) {
        if (j->pids[k] == pid) status = wait_status_to_int(j->statuses[k]);
      }
    } else {
      status = wait_job(j, false);
    }
    if (j->state == JobState::Done) remove_job(sh.jobs, j);
  }
  return status;
}

int builtin_jobs(Shell& sh, int argc, char** argv) {
  const bool pids_only = argc > 1 && strcmp(argv[1], "-p") == 0;
  poll_jobs(sh.jobs);
  StrBuf out;
  for (Job* j : sh.jobs.jobs) {
    if (j->text[0] == '\0') continue;  // Internal helpers (here-document writers).
    if (pids_only) {
      out.append_long(j->pgid ? j->pgid : j->pids[0]);
      out.push('\n');
    } else {
      format_job(sh.jobs, j, out);
    }
    j->notified = true;
  }
  write_all(1, out.c_str(), out.size());
  for (size_t i = 0; i < sh.jobs.jobs.size();) {
    Job* j = sh.jobs.jobs[i];
    if (j->state == JobState::Done && j->text[0] != '\0') {
      remove_job(sh.jobs, j);
    } else {
      ++i;
    }
  }
  return 0;
}

namespace {

// The job fg/bg (`who`) acts on, or null (message printed) without job control or such a job.
Job* job_arg(Shell& sh, int argc, char** argv, const char* who) {
  if (!sh.opts.monitor) {
    sh_error(sh, "%s: job control not enabled", who);
    return nullptr;
  }
  Job* j = find_job(sh.jobs, argc > 1 ? argv[1] : "%%");
  if (j == nullptr) sh_error(sh, "%s: %s: no such job", who, argc > 1 ? argv[1] : "current");
  return j;
}

}  // namespace

int builtin_fg(Shell& sh, int argc, char** argv) {
  Job* j = job_arg(sh, argc, argv, "fg");
  if (j == nullptr) return 2;
  StrBuf line;
  line.append(j->text);
  line.push('\n');
  write_all(1, line.c_str(), line.size());
  give_terminal(sh, j->pgid);
  if (j->pgid > 0) kill(-j->pgid, SIGCONT);
  j->state = JobState::Running;
  // The job leaves the table while in the foreground; wait_foreground files it again if it
  // stops.
  for (size_t i = 0; i < sh.jobs.jobs.size(); ++i) {
    if (sh.jobs.jobs[i] == j) {
      sh.jobs.jobs.erase(i);
      break;
    }
  }
  if (sh.jobs.current == j->id) sh.jobs.current = sh.jobs.previous;
  j->id = 0;
  return wait_foreground(sh, j);
}

int builtin_bg(Shell& sh, int argc, char** argv) {
  Job* j = job_arg(sh, argc, argv, "bg");
  if (j == nullptr) return 2;
  if (j->pgid > 0) kill(-j->pgid, SIGCONT);
  j->state = JobState::Running;
  StrBuf line;
  line.push('[');
  line.append_long(j->id);
  line.append("] ");
  line.append(j->text);
  line.append(" &\n");
  write_all(1, line.c_str(), line.size());
  return 0;
}

}  // namespace mos::sh
