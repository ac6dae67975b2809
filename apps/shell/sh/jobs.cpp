#include "jobs.hpp"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <new>

namespace mos::sh {

Job* new_job(const char* text) {
  Job* j = new (must_alloc(sizeof(Job))) Job();
  j->id = 0;
  j->pgid = 0;
  j->state = JobState::Running;
  j->notified = false;
  j->text = dup_str(text ? text : "");
  return j;
}

void add_job_process(Job* j, pid_t pid, int raw_status, bool done) {
  j->pids.push(pid);
  j->statuses.push(raw_status);
  j->done.push(done ? 1 : 0);
}

void free_job(Job* j) {
  if (j == nullptr) return;
  free(j->text);
  j->~Job();
  free(j);
}

void add_job(JobTable& t, Job* j) {
  int id = 1;
  for (bool taken = true; taken;) {
    taken = false;
    for (Job* o : t.jobs) {
      if (o->id == id) {
        taken = true;
        ++id;
        break;
      }
    }
  }
  j->id = id;
  t.jobs.push(j);
  if (t.current != id) t.previous = t.current;
  t.current = id;
}

void remove_job(JobTable& t, Job* j) {
  for (size_t i = 0; i < t.jobs.size(); ++i) {
    if (t.jobs[i] == j) {
      t.jobs.erase(i);
      break;
    }
  }
  if (t.current == j->id) {
    t.current = t.previous;
    t.previous = 0;
    if (t.current == 0 && !t.jobs.empty()) t.current = t.jobs.back()->id;
  } else if (t.previous == j->id) {
    t.previous = 0;
  }
  free_job(j);
}

Job* find_job(JobTable& t, const char* spec) {
  auto by_id = [&](int id) -> Job* {
    for (Job* j : t.jobs) {
      if (j->id == id) return j;
    }
    return nullptr;
  };
  if (spec[0] != '%') {
    char* end = nullptr;
    const long pid = strtol(spec, &end, 10);
    if (end == spec || *end != '\0') return nullptr;
    for (Job* j : t.jobs) {
      for (pid_t p : j->pids) {
        if (p == pid) return j;
      }
    }
    return nullptr;
  }
  const char* s = spec + 1;
  if (*s == '\0' || strcmp(s, "%") == 0 || strcmp(s, "+") == 0) return by_id(t.current);
  if (strcmp(s, "-") == 0) return by_id(t.previous);
  if (*s >= '0' && *s <= '9') return by_id(atoi(s));
  const bool contains = *s == '?';
  if (contains) ++s;
  Job* found = nullptr;
  for (Job* j : t.jobs) {
    const bool match =
        contains ? strstr(j->text, s) != nullptr : strncmp(j->text, s, strlen(s)) == 0;
    if (match) {
      if (found != nullptr) return nullptr;  // Ambiguous.
      found = j;
    }
  }
  return found;
}

int wait_status_to_int(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  if (WIFSTOPPED(status)) return 128 + WSTOPSIG(status);
  return 0;
}

int job_status(const Job* j) {
  if (j->pids.empty()) return 0;
  const size_t last = j->pids.size() - 1;
  return j->done[last] ? wait_status_to_int(j->statuses[last]) : 0;
}

namespace {

void update_state(Job* j) {
  bool all_done = true;
  for (size_t i = 0; i < j->pids.size(); ++i) {
    if (!j->done[i]) all_done = false;
  }
  if (all_done) j->state = JobState::Done;
}

void record(Job* j, pid_t pid, int status) {
  for (size_t i = 0; i < j->pids.size(); ++i) {
    if (j->pids[i] != pid) continue;
    if (WIFSTOPPED(status)) {
      if (j->state != JobState::Stopped) j->notified = false;
      j->state = JobState::Stopped;
      return;
    }
    if (WIFCONTINUED(status)) {
      j->state = JobState::Running;
      return;
    }
    j->done[i] = 1;
    j->statuses[i] = status;
    update_state(j);
    if (j->state == JobState::Done) j->notified = false;
    return;
  }
}

}  // namespace

void poll_jobs(JobTable& t) {
  for (Job* j : t.jobs) {
    for (size_t i = 0; i < j->pids.size(); ++i) {
      if (j->done[i]) continue;
      int status = 0;
      const pid_t r = waitpid(j->pids[i], &status, WNOHANG | WUNTRACED | WCONTINUED);
      if (r == j->pids[i]) {
        record(j, r, status);
      } else if (r < 0 && errno == ECHILD) {
        j->done[i] = 1;
        j->statuses[i] = 0;
        update_state(j);
      }
    }
  }
}

int wait_job(Job* j, bool untraced) {
  if (j->state == JobState::Stopped) j->state = JobState::Running;
  for (size_t i = 0; i < j->pids.size(); ++i) {
    while (!j->done[i]) {
      int status = 0;
      const pid_t r = waitpid(j->pids[i], &status, untraced ? WUNTRACED : 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        j->done[i] = 1;
        j->statuses[i] = 0;
        break;
      }
      record(j, r, status);
      if (j->state == JobState::Stopped) return 128 + WSTOPSIG(status);
    }
  }
  update_state(j);
  return job_status(j);
}

void format_job(const JobTable& t, const Job* j, StrBuf& out) {
  out.push('[');
  out.append_long(j->id);
  out.push(']');
  out.push(j->id == t.current ? '+' : j->id == t.previous ? '-' : ' ');
  out.push(' ');
  const char* state = "Running";
  StrBuf detail;
  if (j->state == JobState::Stopped) {
    state = "Stopped";
  } else if (j->state == JobState::Done) {
    const int st = j->statuses[j->pids.size() - 1];
    if (WIFSIGNALED(st)) {
      detail.append(WTERMSIG(st) == SIGINT ? "Interrupt" : "Killed by signal ");
      if (WTERMSIG(st) != SIGINT) detail.append_long(WTERMSIG(st));
      state = detail.c_str();
    } else if (WEXITSTATUS(st) != 0) {
      detail.append("Done(");
      detail.append_long(WEXITSTATUS(st));
      detail.push(')');
      state = detail.c_str();
    } else {
      state = "Done";
    }
  }
  out.append(state);
  for (size_t n = strlen(state); n < 24; ++n) out.push(' ');
  out.append(j->text);
  out.push('\n');
}

void report_jobs(JobTable& t, bool print) {
  poll_jobs(t);
  StrBuf out;
  for (size_t i = 0; i < t.jobs.size();) {
    Job* j = t.jobs[i];
    if (j->state != JobState::Running && !j->notified) {
      if (print) format_job(t, j, out);
      j->notified = true;
    }
    if (j->state == JobState::Done && (print || j->notified)) {
      if (!print) {
        ++i;
        continue;
      }
      remove_job(t, j);
      continue;
    }
    ++i;
  }
  if (!out.empty()) write_all(2, out.c_str(), out.size());
}

}  // namespace mos::sh
