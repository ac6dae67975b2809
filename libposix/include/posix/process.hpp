#pragma once
/// A process: an identity (pid, parent, process group, session), credentials, a working
/// directory and umask, a descriptor table, an environment, signal actions with a mask and a
/// pending set, and one thread that runs its program (a function linked into the image). When
/// the program ends the process becomes a zombie until its parent waits for it; its children
/// go to init.
///
/// Locking: the family and state (parent, children, group, session, state, exit status) and the
/// signal state are guarded by the scheduler lock (sched::SchedulerGuard), so that a terminal's
/// interrupt handler can signal a group and waits cannot miss a change. Everything else belongs
/// to the process's own thread (and to the parent while it builds a child that has not started).

#include <posix/fd_table.hpp>
#include <posix/signals.hpp>

#include <vfs/path.hpp>
#include <vfs/types.hpp>
#include <vfs/vfs.hpp>

#include <sched/thread.hpp>
#include <sched/wait_queue.hpp>

#include <k/fixed_vector.hpp>
#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>

#include <array>
#include <cstdint>

namespace mos::posix {

class System;

using Pid = std::int32_t;

/// What a process is doing.
enum class ProcessState : std::uint8_t { Running, Stopped, Zombie };

/// Real, effective and saved ids, and the supplementary groups.
struct ProcessCredentials {
  std::uint32_t uid = 0, euid = 0, suid = 0;
  std::uint32_t gid = 0, egid = 0, sgid = 0;
  FixedVector<std::uint32_t, 32> groups;
};

/// A resource limit (struct rlimit).
struct ResourceLimit {
  std::uint64_t current = ~std::uint64_t{0};
  std::uint64_t maximum = ~std::uint64_t{0};
};
/// RLIMIT_* (Linux numbers); limits are stored and reported, NOFILE is enforced.
inline constexpr int kResourceLimits = 16;
inline constexpr int kLimitOpenFiles = 7;

/// Per-process state of the C library layer (stdio streams, getopt): libposix's C names keep
/// it here, created on first use and released when the process ends.
struct CRuntimeSlot {
  void* data = nullptr;
  void (*release)(void* data) noexcept = nullptr;  ///< Flushes and frees; runs at exit.
};

/// See the file comment.
class Process : public RefCounted {
 public:
  ~Process();

  Pid pid() const noexcept { return pid_; }
  /// The parent's pid (0 for init). Scheduler lock.
  Pid parent_pid() const noexcept;
  Pid group() const noexcept { return group_; }
  Pid session() const noexcept { return session_; }
  ProcessState state() const noexcept { return state_; }
  System& system() const noexcept { return system_; }
  /// The thread running its program (nullptr once it ended).
  sched::Thread* thread() const noexcept { return thread_; }

  ProcessCredentials& credentials() noexcept { return credentials_; }
  const ProcessCredentials& credentials() const noexcept { return credentials_; }
  /// What the VFS checks permissions with (the effective ids).
  vfs::Credentials vfs_credentials() const noexcept;
  /// A VFS context: credentials, root, working directory and umask.
  vfs::Context context() const noexcept;

  FdTable& fds() noexcept { return fds_; }
  vfs::Path& working_directory() noexcept { return cwd_; }
  vfs::Path& root_directory() noexcept { return root_; }
  vfs::Mode& umask() noexcept { return umask_; }
  ResourceLimit& limit(int resource) noexcept { return limits_[resource]; }

  /// The environment: a nullptr-ended array of "NAME=value" strings (malloc'd), which the C
  /// layer's `environ` names.
  char**& environment() noexcept { return environment_; }
  /// Replaces the environment with copies of `strings` (nullptr-ended). Error::NoMemory.
  Result<void> set_environment(char* const* strings) noexcept;
  /// The command name (15 characters at most) and the argument list, for ps and procfs.
  std::string_view name() const noexcept { return {name_, name_length_}; }
  std::span<const char> command_line() const noexcept {
    return {command_line_, command_line_bytes_};
  }
  /// Sets the name and arguments (spawn and exec). Error::NoMemory.
  Result<void> set_command_line(std::string_view name, char* const* argv) noexcept;

  /// The controlling terminal: its device number (Linux's encoding, as st_rdev), 0 for none.
  std::uint64_t controlling_terminal() const noexcept { return terminal_; }
  void set_controlling_terminal(std::uint64_t device) noexcept { terminal_ = device; }

  /// The C library layer's state; see CRuntimeSlot.
  CRuntimeSlot& c_runtime() noexcept { return c_runtime_; }

  /// When it started (ns since boot), and the CPU time of its waited-for children.
  std::uint64_t start_ns() const noexcept { return start_ns_; }
  std::uint64_t children_cpu_ns() const noexcept { return children_cpu_ns_; }
  /// Its own CPU time so far.
  std::uint64_t cpu_ns() const noexcept;

  // Signal state (scheduler lock).
  SignalSet& signal_mask() noexcept { return mask_; }
  SignalSet pending_signals() const noexcept { return pending_; }
  SignalAction& action(int signal) noexcept { return actions_[signal - 1]; }

 private:
  friend class System;
  Process(System& system, Pid pid) noexcept;

  System& system_;
  Pid pid_;
  Pid group_ = 0;
  Pid session_ = 0;
  ProcessState state_ = ProcessState::Running;
  Process* parent_ = nullptr;  // The table holds the references; a parent holds none.
  ListNode sibling_node_;      // In the parent's children_.
  ListNode table_node_;        // In the system's process table.
  IntrusiveList<Process, &Process::sibling_node_> children_;

  sched::Thread* thread_ = nullptr;
  ProcessCredentials credentials_;
  vfs::Path cwd_;
  vfs::Path root_;
  vfs::Mode umask_ = 022;
  FdTable fds_;
  std::array<ResourceLimit, kResourceLimits> limits_{};
  char** environment_ = nullptr;
  std::size_t environment_count_ = 0;
  char name_[16] = {};
  std::size_t name_length_ = 0;
  char* command_line_ = nullptr;
  std::size_t command_line_bytes_ = 0;
  std::uint64_t terminal_ = 0;
  CRuntimeSlot c_runtime_;
  void* start_ = nullptr;  // The program's arguments (System::Start), freed when it ends.
  // vfork: the parent's jump buffer (__builtin_setjmp's five words) and the child it made;
  // in the child, the parent whose thread it borrows until it execs or exits.
  void* vfork_jump_[5] = {};
  RefPtr<Process> vfork_child_;
  Error vfork_error_ = Error::NoMemory;  // Why vfork_prepare made no child.
  Process* vfork_parent_ = nullptr;

  // Signals.
  std::array<SignalAction, sig::kMax> actions_{};
  SignalSet mask_;
  SignalSet pending_;
  SignalInfo child_info_;  // For a kSigInfo SIGCHLD handler.

  // Ending and waiting.
  int wait_status_ = 0;          // Linux's encoding, valid once a change is to be reported.
  bool change_reported_ = true;  // Whether the parent has seen the last stop/continue.
  bool continued_ = false;       // The unreported change is a continue.
  bool exiting_ = false;         // Killed: ends at its next safe point.
  bool ending_ = false;          // In System::die: no more signal delivery.
  int exit_signal_code_ = 0;
  sched::WaitQueue children_changed_;  // The process waits here for its children.
  sched::WaitQueue resumed_;           // A stopped process waits here for SIGCONT.
  std::uint64_t start_ns_ = 0;
  std::uint64_t children_cpu_ns_ = 0;
  std::uint64_t alarm_ns_ = 0;  // SIGALRM deadline (monotonic), 0: none.
  ListNode alarm_node_;
};

}  // namespace mos::posix
