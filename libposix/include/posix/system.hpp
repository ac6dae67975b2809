#pragma once
/// The process layer of an image: the process table (pid 1 is init, the thread that made the
/// System), the programs linked into the image, spawning, waiting, signals and process groups.
/// It is also what the terminals signal (drv::TtySignalTarget) and what procfs shows
/// (vfs::ProcessInformation).
///
/// Programs: a file whose first line is `MOSAIC-LINKED-PROGRAM NAME` runs the program
/// registered as NAME; a file that starts with `#!` runs its interpreter with the file as
/// argument; anything else is Error::ExecFormat (ring-3 ELF programs come later).

#include <posix/process.hpp>
#include <posix/spawn.hpp>

#include <drv/tty_interfaces.hpp>
#include <vfs/procfs.hpp>
#include <vfs/vfs.hpp>

#include <sched/wait_queue.hpp>

#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstdint>
#include <string_view>

namespace mos::posix {

/// A linked program's entry point.
using ProgramMain = int (*)(int argc, char** argv);
/// What mos_spawn_function runs in the child.
using FunctionMain = int (*)(void* arg);

/// The first line of a file that names a linked program.
inline constexpr std::string_view kLinkedProgramMagic = "MOSAIC-LINKED-PROGRAM ";

/// waitid's idtype.
enum class WaitFor : std::uint8_t { Any, Process, Group };
/// wait options (Linux values).
namespace wait_options {
inline constexpr int kNoHang = 1, kUntraced = 2, kExited = 4, kContinued = 8, kNoWait = 0x1000000;
}  // namespace wait_options

/// What a wait found: the child and its status in Linux's encoding (WIFEXITED & co.), or pid 0
/// (WNOHANG and nothing to report).
struct WaitResult {
  Pid pid = 0;
  int status = 0;
  std::uint32_t uid = 0;
};

/// What reboot(2) asks of the machine.
enum class PowerAction : std::uint8_t { None, PowerOff, Restart, Halt };

/// See the file comment.
class System final : public drv::TtySignalTarget, public vfs::ProcessInformation {
 public:
  /// A process layer over `vfs`, whose init (pid 1) is the calling thread. Error::NoMemory.
  static Result<System*> create(vfs::Vfs& vfs) noexcept;
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  vfs::Vfs& vfs() noexcept { return vfs_; }
  /// Init: pid 1, the thread that created the System.
  Process& init() noexcept { return *init_; }

  /// Registers a linked program. Error::Exists for a taken name, Error::NoMemory.
  Result<void> register_program(std::string_view name, ProgramMain main) noexcept;
  /// The program registered as `name`, or nullptr.
  ProgramMain find_program(std::string_view name) const noexcept;
  /// Writes /bin/NAME (mode 0755) naming each registered program, creating `directory`.
  Result<void> install_programs(std::string_view directory) noexcept;

  /// The process with `pid`, or nullptr.
  RefPtr<Process> find(Pid pid) noexcept;

  /// posix_spawn: a child of `parent` running the program at `path` (found on $PATH of `envp`
  /// when `search` and the path has no slash) with `argv` and `envp`. Errors are those of
  /// posix_spawn, reported before the child exists: Error::NoEntry, Error::PermissionDenied,
  /// Error::ExecFormat, Error::NoMemory, and the file actions' errors.
  Result<Pid> spawn(Process& parent, std::string_view path, bool search,
                    const SpawnFileActions* actions, const SpawnAttributes* attributes,
                    char* const* argv, char* const* envp) noexcept;
  /// mos_spawn_function: a child of `parent` (a copy of its descriptors, directories,
  /// environment and signal state) running entry(arg).
  Result<Pid> spawn_function(Process& parent, FunctionMain entry, void* arg,
                             const SpawnFileActions* actions,
                             const SpawnAttributes* attributes) noexcept;
  /// execve for a linked program: the calling process runs the program at `path` instead,
  /// keeping its pid; the caller's thread ends (nothing it holds is released). Returns only on
  /// error.
  Result<void> exec(Process& self, std::string_view path, bool search, char* const* argv,
                    char* const* envp) noexcept;

  /// vfork, in one address space: the child borrows the parent's thread (and stack) until it
  /// execs or exits, then the thread jumps back to where the parent called vfork.
  /// vfork_prepare makes the child (a copy of `parent`, as mos_spawn_function makes one) and
  /// returns the parent's jump buffer for __builtin_setjmp (also when it fails: vfork_enter
  /// then reports the error). vfork_enter makes the calling thread the child's (0). The child's
  /// exec or end (exit, or a deadly signal) gives the thread back to the parent and jumps to
  /// the buffer with 1; vfork_resume then returns the child's pid.
  void** vfork_prepare(Process& parent) noexcept;
  Result<Pid> vfork_enter(Process& parent) noexcept;
  Pid vfork_resume(Process& parent) noexcept;

  /// Ends the calling process with exit status `code` (0..255): its C runtime is flushed, its
  /// descriptors closed, its children go to init, its parent is told. Never returns.
  [[noreturn]] void exit(Process& self, int code) noexcept;
  /// waitpid/waitid for a child of `self`. Error::NoChild when no child matches,
  /// Error::Interrupted when a signal came first, Error::InvalidArgument for bad options.
  Result<WaitResult> wait(Process& self, WaitFor what, Pid id, int options) noexcept;

  /// kill(2): `pid` > 0 one process, 0 the sender's group, -1 every process it may signal
  /// (but init and itself), < -1 the group -pid. Signal 0 only checks. Error::NoProcess,
  /// Error::NotPermitted, Error::InvalidArgument.
  Result<void> kill(Process& sender, Pid pid, int signal) noexcept;
  /// Delivers the calling process's pending, unblocked signals: runs handlers, stops until
  /// SIGCONT, or ends the process. Returns whether an interrupted call may restart (no handler
  /// ran, or each that ran had SA_RESTART); *handler_ran (if given) says whether one ran.
  bool deliver_signals(Process& self, bool* handler_ran = nullptr) noexcept;
  /// sigaction(2). Error::InvalidArgument for a bad signal or SIGKILL/SIGSTOP.
  Result<SignalAction> set_action(Process& self, int signal, const SignalAction* action) noexcept;
  /// sigprocmask(2): how 0 block, 1 unblock, 2 set. Returns the old mask.
  Result<SignalSet> change_mask(Process& self, int how, const SignalSet* set) noexcept;
  /// alarm(2): SIGALRM after `seconds` (0 cancels); the seconds left of the previous alarm.
  unsigned set_alarm(Process& self, unsigned seconds) noexcept;

  /// setpgid(2) for `pid` (0: self) into `group` (0: its own pid).
  Result<void> set_group(Process& self, Pid pid, Pid group) noexcept;
  /// setsid(2): a new session and group led by `self`. Error::NotPermitted for a group leader.
  Result<Pid> create_session(Process& self) noexcept;
  /// getpgid / getsid of `pid` (0: self).
  Result<Pid> group_of(Process& self, Pid pid) noexcept;
  Result<Pid> session_of(Process& self, Pid pid) noexcept;
  /// Whether any process is in `group` within `session`.
  bool group_exists(Pid group, Pid session) noexcept;

  /// reboot(2): records the request and interrupts init, whose loop ends the image (it syncs
  /// and unmounts first); the caller waits for the end and never returns.
  /// Error::NotPermitted unless the caller is root.
  Result<void> request_power(Process& self, PowerAction action) noexcept;
  /// The request init is to carry out (PowerAction::None: none yet).
  PowerAction power_request() noexcept;

  // drv::TtySignalTarget: a terminal's ^C, ^Z, ^\ (and SIGWINCH) to its foreground group.
  void signal_foreground(int signal, std::int32_t foreground_group) noexcept override;

  // vfs::ProcessInformation, for procfs.
  std::optional<vfs::Pid> current() noexcept override;
  std::optional<vfs::Pid> next_pid(vfs::Pid at_least) noexcept override;
  Result<vfs::ProcessStatus> status(vfs::Pid pid) noexcept override;
  Result<std::size_t> read_command_line(vfs::Pid pid, std::uint64_t offset,
                                        std::span<char> out) noexcept override;
  Result<vfs::Path> working_directory(vfs::Pid pid) noexcept override;
  Result<vfs::Path> root_directory(vfs::Pid pid) noexcept override;
  Result<vfs::Path> executable(vfs::Pid pid) noexcept override;
  std::optional<int> next_descriptor(vfs::Pid pid, int at_least) noexcept override;
  Result<vfs::DescriptorInformation> descriptor(vfs::Pid pid, int fd) noexcept override;

 private:
  struct Program {
    char name[32];
    ProgramMain main;
  };
  struct Start;  // What a new process's thread starts with (spawn.cpp).

  explicit System(vfs::Vfs& vfs) noexcept;
  ~System() = default;

  Result<RefPtr<Process>> new_child(Process& parent) noexcept;
  // getpgid and getsid: the field `id` of `pid` (0: self).
  Result<Pid> id_of(Process& self, Pid pid, Pid Process::*id) noexcept;
  Result<void> prepare_child(Process& parent, Process& child, const SpawnFileActions* actions,
                             const SpawnAttributes* attributes) noexcept;
  Result<Pid> start(RefPtr<Process> child, Start* start) noexcept;
  static void run(void* start) noexcept;
  void post_locked(sched::SchedulerGuard& guard, Process& target, int signal,
                   Pid sender = 0) noexcept;
  bool may_signal(const Process& sender, const Process& target, int signal) const noexcept;
  void stop_locked(sched::SchedulerGuard& guard, Process& self, int signal) noexcept;
  void notify_parent_locked(sched::SchedulerGuard& guard, Process& child) noexcept;
  [[noreturn]] void die(Process& self, int wait_status) noexcept;
  // The end of a vfork child's use of its parent's thread: back to the parent's vfork.
  [[noreturn]] static void vfork_return(Process& parent) noexcept;
  static void alarm_main(void* system) noexcept;

  vfs::Vfs& vfs_;
  RefPtr<Process> init_;
  Pid next_pid_ = 1;                                     // Scheduler lock.
  IntrusiveList<Process, &Process::table_node_> table_;  // Scheduler lock; holds references.
  Program* programs_ = nullptr;
  std::size_t program_count_ = 0;
  std::size_t program_capacity_ = 0;
  sched::WaitQueue alarms_changed_;  // The alarm thread sleeps here. Scheduler lock.
  IntrusiveList<Process, &Process::alarm_node_> alarms_;  // Scheduler lock.
  PowerAction power_ = PowerAction::None;                 // Scheduler lock.
  sched::WaitQueue never_woken_;  // Where a reboot(2) caller waits for the end.
};

/// The process the calling thread runs, or nullptr for a thread outside every process.
Process* current_process() noexcept;

}  // namespace mos::posix
