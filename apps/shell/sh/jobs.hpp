#pragma once
/// Jobs: the processes of one pipeline started by the shell, for `&`, `wait`, `jobs`, `fg`,
/// `bg`, `kill %n` and job control.

#include <sys/types.h>
#include <cstdint>

#include "buffer.hpp"

namespace mos::sh {

/// A job's state as the user sees it.
enum class JobState : uint8_t { Running, Stopped, Done };

/// One pipeline's processes.
struct Job {
  int id;      ///< %id; 0 while the job is not in the table.
  pid_t pgid;  ///< Its process group (0 without job control).
  Vec<pid_t> pids;
  Vec<int> statuses;  ///< waitpid statuses, valid where done[i].
  Vec<uint8_t> done;
  JobState state;
  bool notified;  ///< The user was told about the latest state change.
  char* text;     ///< The command, for listings.
};

/// The jobs of one shell.
struct JobTable {
  Vec<Job*> jobs;
  int current = 0;   ///< %+ id.
  int previous = 0;  ///< %- id.
};

/// A new job (not yet in the table) for command text `text` (copied).
Job* new_job(const char* text);
/// Adds process `pid` to `j`; `done` with its waitpid status `raw_status` if it has ended.
void add_job_process(Job* j, pid_t pid, int raw_status, bool done);
/// Frees a job.
void free_job(Job* j);
/// Puts `j` in the table with the lowest free id and makes it current.
void add_job(JobTable& t, Job* j);
/// Removes `j` from the table and frees it.
void remove_job(JobTable& t, Job* j);
/// The job a `%spec` (or plain pid) names, or null.
Job* find_job(JobTable& t, const char* spec);
/// Job exit status: the last process's, as $? shows it (128+signal when signalled).
int job_status(const Job* j);
/// Converts a waitpid status to $? (exit code, or 128+signal).
int wait_status_to_int(int status);
/// Collects state changes of every job without blocking.
void poll_jobs(JobTable& t);
/// Waits until `j` finishes (or stops, when `untraced`). Returns its status.
int wait_job(Job* j, bool untraced);
/// Appends one `jobs` line for `j` to `out` ("[1]+ Running  cmd").
void format_job(const JobTable& t, const Job* j, StrBuf& out);
/// Writes notices about finished/stopped jobs (interactive shells) to fd 2 and drops finished
/// jobs from the table.
void report_jobs(JobTable& t, bool print);

}  // namespace mos::sh
