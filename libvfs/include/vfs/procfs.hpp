#pragma once
/// procfs: the /proc of a namespace, generated when read, in Linux's formats (proc(5)).
///
/// | entry | type | contents |
/// |---|---|---|
/// | meminfo | 0444 file | `MemTotal:       16318044 kB` lines (SystemInformation::memory) |
/// | uptime | 0444 file | `SECONDS.CC IDLE.CC` (two decimals, truncated) |
/// | version | 0444 file | SystemInformation::version() and a newline |
/// | mounts | 0444 file | `SOURCE MOUNTPOINT TYPE OPTIONS 0 0` per mount, in mount order |
/// | self | 0777 symlink | the calling process's pid |
/// | PID/ | 0555 directory | one per process, owned by its effective uid and gid |
/// | PID/stat | 0444 file | the 52 fields of Linux's /proc/PID/stat |
/// | PID/status | 0444 file | `Name:\tcat\nUmask:\t0022\nState:\tR (running)\n...` |
/// | PID/cmdline | 0444 file | the arguments, each followed by a NUL |
/// | PID/cwd, root, exe | 0777 symlinks | the path of the working directory, root, program |
/// | PID/fd/ | 0500 directory | a symlink per open descriptor, named by its number |
/// | PID/fd/N | symlink | the open file's path, or a description such as "pipe:[1234]" |
///
/// A descriptor's link has mode 0500, 0300 or 0700 for a read, write or read-write descriptor
/// and size 64, as on Linux.
///
/// What procfs knows comes through two interfaces the image provides: SystemInformation
/// (memory, clocks, version: KernelSystemInformation in a kernel) and ProcessInformation (the
/// processes: libposix fills it). procfs keeps Linux's formats in one place and serves them;
/// the providers hand over structured values.
///
/// Files are rendered when read at offset 0 (or first read at all), and the rendering is kept
/// by the vnode for reads at later offsets, so that a reader taking a file in pieces sees one
/// consistent text (Linux's seq_file does the same). A rendering is at most kProcFsRenderLimit
/// bytes: a longer one is cut after its last whole line. stat reports size 0 for every file, as
/// Linux does. cmdline is not rendered: it is read from the provider at the offset asked.
///
/// Names come and go behind the VFS's back, so every procfs directory says caches_names() ==
/// false and each lookup asks procfs (and so the provider): /proc/self follows the caller, and a
/// process that exits is gone from the next lookup. Inode numbers are stable per (pid, file).
///
/// Errors, as Linux gives them: creating anything in procfs is Error::NoEntry (Linux's procfs
/// lookups fail with ENOENT where other file systems would make a negative entry; a caller
/// without root is stopped earlier by the VFS's write check on the 0555 directory:
/// Error::AccessDenied); removing or renaming an entry is Error::NotPermitted; writing a file
/// opened for writing (root) is Error::Io for the top-level files and Error::InvalidArgument for
/// a process's files; truncating one succeeds and changes nothing. Reading a process's file after
/// the process is gone is Error::NoProcess (ESRCH); looking up in its directory, reading its
/// links or listing its descriptors is Error::NoEntry. Reading another user's process's links
/// (cwd, root, exe, fd/N) is Error::AccessDenied unless the caller is root or has the same ids
/// (Linux's ptrace_may_access with PTRACE_MODE_READ_FSCREDS, without dumpability and LSMs).
///
/// Threads: every ProcessInformation function may be called with the VFS's namespace lock held
/// (lookups, readdir and readlink run under it), so none may call into the Vfs.

#include <vfs/file_system.hpp>
#include <vfs/path.hpp>
#include <vfs/types.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mos::vfs {

class Vfs;

/// PROC_SUPER_MAGIC, statfs's f_type.
inline constexpr std::uint64_t kProcFsMagic = 0x9fa0;

/// The longest rendering of a generated file; a longer one is cut after its last whole line.
inline constexpr std::size_t kProcFsRenderLimit = 64 * 1024;

/// A process id (Linux's pid_t, the thread-group id). Valid ids are positive.
using Pid = std::int32_t;

/// A short text held by value (a process name, a descriptor's description), cut to N - 1
/// characters.
template <std::size_t N>
class ShortText {
 public:
  constexpr ShortText() noexcept = default;
  constexpr ShortText(std::string_view text) noexcept { set(text); }  // NOLINT: implicit
  /// Copies `text`, cut to N - 1 characters.
  constexpr void set(std::string_view text) noexcept {
    length_ = text.size() < N - 1 ? text.size() : N - 1;
    for (std::size_t i = 0; i < length_; ++i) text_[i] = text[i];
  }
  constexpr std::string_view view() const noexcept { return {text_.data(), length_}; }

 private:
  std::array<char, N> text_{};
  std::size_t length_ = 0;
};

// --- The system --------------------------------------------------------------------------------

/// What /proc/meminfo shows, in bytes (shown in kB, rounded down).
struct MemoryInformation {
  std::uint64_t total_bytes = 0;        ///< MemTotal: RAM the kernel manages.
  std::uint64_t free_bytes = 0;         ///< MemFree: RAM not allocated.
  std::uint64_t available_bytes = 0;    ///< MemAvailable: what allocations could get.
  std::uint64_t buffers_bytes = 0;      ///< Buffers: block-device caches.
  std::uint64_t cached_bytes = 0;       ///< Cached: file caches.
  std::uint64_t kernel_heap_bytes = 0;  ///< Slab and SUnreclaim: the kernel heap in use.
};

/// The system-wide figures procfs shows; see the file comment.
class SystemInformation {
 public:
  virtual MemoryInformation memory() noexcept = 0;
  /// Nanoseconds since boot, and the time CPUs spent idle (summed over CPUs).
  virtual std::uint64_t uptime_ns() noexcept = 0;
  virtual std::uint64_t idle_ns() noexcept = 0;
  /// /proc/version's one line, without its newline ("Mosaic version 0.1.0 (...)").
  virtual std::string_view version() noexcept = 0;

 protected:
  ~SystemInformation() = default;
};

/// SystemInformation from the kernel: libmm's frame and heap statistics (mm/kernel_memory.hpp)
/// and libsched's clock and idle time. Only images link it (it needs the image's glue); host
/// tests use fakes.
class KernelSystemInformation final : public SystemInformation {
 public:
  /// `version` (which must outlive this object) is /proc/version's line.
  explicit KernelSystemInformation(std::string_view version) noexcept : version_(version) {}
  /// MemTotal and MemFree from the frame allocator; MemAvailable adds the heap's free bytes;
  /// Slab is the heap's allocated bytes; Buffers and Cached are 0 (no page cache).
  MemoryInformation memory() noexcept override;
  /// sched::now().
  std::uint64_t uptime_ns() noexcept override;
  /// The idle thread's time on this CPU's scheduler (0 before it runs).
  std::uint64_t idle_ns() noexcept override;
  // Defined out of line like the others: an inline override in this header would let the
  // compiler devirtualize procfs's calls speculatively to it, and so pull this class (and
  // libmm's image-only functions) into every program that links procfs.
  std::string_view version() noexcept override;

 private:
  std::string_view version_;
};

// --- The processes -----------------------------------------------------------------------------

/// A process's state, as the letter Linux shows.
enum class ProcessState : char {
  Running = 'R',
  Sleeping = 'S',
  DiskSleep = 'D',
  Stopped = 'T',
  TracingStop = 't',
  Zombie = 'Z',
  Dead = 'X',
  Idle = 'I',
};

/// Scheduling policies (SCHED_*), for stat's policy and priority.
enum class SchedulingPolicy : std::uint32_t {
  Normal = 0,
  Fifo = 1,
  RoundRobin = 2,
  Batch = 3,
  Idle = 5
};

/// The most supplementary groups status lists (more are not shown).
inline constexpr std::size_t kProcMaxListedGroups = 32;

/// What procfs shows of a process (stat and status). The process layer fills what it knows; the
/// rest keeps these defaults, and procfs itself shows 0 for what Mosaic has no notion of
/// (TracerPid, Ngid, VmLck, VmPin, RssShmem, VmLib, VmSwap, HugetlbPages, CoreDumping, the
/// seccomp lines; in stat: itrealvalue, kstkesp, kstkeip, nswap, cnswap, delayacct_blkio_ticks,
/// guest_time, cguest_time). Capabilities are derived from the uids (root: all of them).
struct ProcessStatus {
  ProcessState state = ProcessState::Running;
  ShortText<16> name;  ///< The command name (Linux's comm: 15 characters at most).
  Pid parent = 0;
  Pid process_group = 0;
  Pid session = 0;
  std::uint32_t terminal = 0;       ///< tty_nr: the controlling terminal's device, encoded.
  Pid terminal_process_group = -1;  ///< tpgid: its foreground group, -1 without one.
  bool kernel_thread = false;       ///< Kthread: 1; no memory lines, PF_KTHREAD in stat.
  std::uint32_t real_uid = 0, effective_uid = 0, saved_uid = 0, filesystem_uid = 0;
  std::uint32_t real_gid = 0, effective_gid = 0, saved_gid = 0, filesystem_gid = 0;
  std::array<std::uint32_t, kProcMaxListedGroups> groups{};  ///< Supplementary groups.
  std::uint32_t group_count = 0;
  Mode umask = 022;
  std::uint32_t descriptor_slots = 0;  ///< FDSize: the descriptor table's size.
  std::uint32_t threads = 1;
  std::int32_t nice = 0;
  SchedulingPolicy policy = SchedulingPolicy::Normal;
  std::uint32_t realtime_priority = 0;  ///< 1..99 for Fifo and RoundRobin.
  std::uint32_t processor = 0;          ///< The CPU it last ran on.
  // CPU time and faults, its own and its waited-for children's.
  std::uint64_t user_ns = 0, system_ns = 0, children_user_ns = 0, children_system_ns = 0;
  std::uint64_t minor_faults = 0, major_faults = 0;
  std::uint64_t children_minor_faults = 0, children_major_faults = 0;
  std::uint64_t voluntary_switches = 0, involuntary_switches = 0;
  std::uint64_t start_ns = 0;  ///< When it started, in nanoseconds since boot.
  // Memory, in bytes.
  std::uint64_t virtual_bytes = 0, peak_virtual_bytes = 0;        ///< VmSize, VmPeak.
  std::uint64_t resident_bytes = 0, peak_resident_bytes = 0;      ///< VmRSS, VmHWM.
  std::uint64_t anonymous_bytes = 0, file_bytes = 0;              ///< RssAnon, RssFile.
  std::uint64_t data_bytes = 0, stack_bytes = 0, code_bytes = 0;  ///< VmData, VmStk, VmExe.
  std::uint64_t page_table_bytes = 0;                             ///< VmPTE.
  std::uint64_t resident_limit = ~std::uint64_t{0};               ///< RLIMIT_RSS (infinity).
  // The address-space layout (stat fields 26-28 and 45-51; shown only to whom may inspect it).
  std::uint64_t code_start = 0, code_end = 0, stack_start = 0;
  std::uint64_t data_start = 0, data_end = 0, heap_start = 0;
  std::uint64_t arguments_start = 0, arguments_end = 0, environment_start = 0, environment_end = 0;
  // Signals, bit n - 1 for signal n.
  std::uint64_t signals_pending = 0, signals_shared_pending = 0, signals_blocked = 0;
  std::uint64_t signals_ignored = 0, signals_caught = 0;
  std::uint32_t signals_queued = 0, signals_queue_limit = 0;  ///< SigQ.
  std::int32_t exit_signal = 17;  ///< What the parent gets at its exit (SIGCHLD).
  std::int32_t exit_code = 0;     ///< The wait status once it exited (zombies).
};

/// An open descriptor of a process, for /proc/PID/fd.
struct DescriptorInformation {
  /// Where the open file is in the namespace; empty for a file without a name.
  Path path;
  /// What the link shows for a file without a path ("pipe:[1234]", "socket:[5678]").
  ShortText<64> description;
  /// The open flags (open_flags): the access mode gives the link's permissions.
  std::uint32_t flags = 0;
};

/// The processes procfs shows; see the file comment for the locking rule. A pid that does not
/// exist (or no longer does) is Error::NoProcess wherever a Result is asked for.
class ProcessInformation {
 public:
  /// The process that calls (what /proc/self names, whose root paths are named from, whose ids
  /// decide who may inspect whom), or nullopt for a kernel thread without one.
  virtual std::optional<Pid> current() noexcept = 0;
  /// The smallest pid that exists and is at least `at_least`, or nullopt. Readdir walks the
  /// processes with it, so that a process present for the whole walk is listed exactly once.
  virtual std::optional<Pid> next_pid(Pid at_least) noexcept = 0;
  /// What stat and status show.
  virtual Result<ProcessStatus> status(Pid pid) noexcept = 0;
  /// Bytes [offset, offset + out.size()) of the argument list (each argument followed by a
  /// NUL), copied into `out`; how many (0 at or past its end).
  virtual Result<std::size_t> read_command_line(Pid pid, std::uint64_t offset,
                                                std::span<char> out) noexcept = 0;
  /// The working directory, the root directory, the program file (Error::NoEntry for a process
  /// that runs none, e.g. a kernel thread).
  virtual Result<Path> working_directory(Pid pid) noexcept = 0;
  virtual Result<Path> root_directory(Pid pid) noexcept = 0;
  virtual Result<Path> executable(Pid pid) noexcept = 0;
  /// The smallest open descriptor of `pid` that is at least `at_least`, or nullopt (also when
  /// the process is gone).
  virtual std::optional<int> next_descriptor(Pid pid, int at_least) noexcept = 0;
  /// Descriptor `fd` of `pid`: Error::BadFileDescriptor when it is not open.
  virtual Result<DescriptorInformation> descriptor(Pid pid, int fd) noexcept = 0;

 protected:
  ~ProcessInformation() = default;
};

// --- The file system ---------------------------------------------------------------------------

class ProcNode;

/// See the file comment.
class ProcFs final : public FileSystem {
 public:
  /// A procfs for namespace `vfs` (mount it there, at /proc). `processes` may be null: then it
  /// shows no processes and no "self". `vfs`, `system` and `processes` must outlive it.
  /// Error::NoMemory.
  static Result<RefPtr<ProcFs>> create(Vfs& vfs, SystemInformation& system,
                                       ProcessInformation* processes) noexcept;

  RefPtr<Vnode> root() noexcept override;
  std::string_view type_name() const noexcept override { return "proc"; }
  /// f_type kProcFsMagic, no blocks and no inodes (as Linux's).
  StatFs statistics() noexcept override;

  // For ProcNode.
  Vfs& vfs() const noexcept { return vfs_; }
  SystemInformation& system() const noexcept { return system_; }
  ProcessInformation* processes() const noexcept { return processes_; }
  /// When it was made: the timestamps of its fixed entries.
  Timespec created() const noexcept { return created_; }

 private:
  ProcFs(Vfs& vfs, SystemInformation& system, ProcessInformation* processes) noexcept;
  ~ProcFs() override;

  Vfs& vfs_;
  SystemInformation& system_;
  ProcessInformation* processes_;
  Timespec created_;
  RefPtr<ProcNode> root_;
};

}  // namespace mos::vfs
