// Pipelines and background commands: every stage in its own child, all running at once, in one
// process group under job control; the foreground job gets the terminal.
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "builtins.hpp"
#include "exec_internal.hpp"
#include "expand.hpp"

namespace mos::sh {

namespace {

int exit_code(int code) {
  return (code & 0xff) << 8;
}

bool is_external(Shell& sh, const char* name) {
  return find_builtin(name) == nullptr && find_func(sh, name) == nullptr;
}

// One stage of a pipeline or a background command. Returns the pid, or 0 with *status set
// when the stage could not start.
pid_t start_stage(Shell& sh, Node* n, const ChildSetup& setup, int* status) {
  Vec<char*> argv;
  const bool simple = n->kind == NodeKind::Simple && !n->words.empty();
  if (simple && !expand_words(sh, n->words, argv)) {
    *status = 2;
    return 0;
  }
  if (simple && !argv.empty() && is_external(sh, argv[0])) {
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
      pid = start_external(sh, argv, 0, extra, setup, status);
    }
    restore_fds(sh, saved);
    free_strings(argv);
    free_strings(extra);
    return pid;
  }
  pid_t pid = 0;
  const int err = start_subshell(sh, n, nullptr, simple ? &argv : nullptr, setup, &pid);
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
    if (i + 1 < count && !open_private_pipe(sh, p)) break;
    Vec<SavedFd> saved;
    bool fds_ok = true;
    if (prev_read >= 0) fds_ok = redirect_fd(sh, prev_read, 0, &saved);
    if (fds_ok && p[1] >= 0) fds_ok = redirect_fd(sh, p[1], 1, &saved);
    const ChildSetup setup = job_child_setup(sh, background, job->pgid);
    int status = 1;
    const pid_t pid = fds_ok ? start_stage(sh, stages[i], setup, &status) : 0;
    restore_fds(sh, saved);
    if (prev_read >= 0) close_private_fd(sh, prev_read);
    if (p[1] >= 0) close_private_fd(sh, p[1]);
    prev_read = p[0];
    if (pid > 0) {
      add_job_process(job, pid, 0, false);
      if (sh.opts.monitor && job->pgid == 0) {
        job->pgid = pid;
        if (!background) give_terminal(sh, pid);
      }
    } else {
      add_job_process(job, 0, exit_code(status), true);
    }
    if (sh.flow == Flow::Exit) break;
  }
  if (prev_read >= 0) close_private_fd(sh, prev_read);
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

}  // namespace mos::sh
