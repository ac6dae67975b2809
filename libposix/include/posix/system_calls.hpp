#pragma once
/// The system-call interface of libposix: one function per Linux system call that linked apps
/// need, with Linux's arguments and results (a value >= 0, or -errno). The C names of
/// libposix/c/include (open, read, sigaction, ...) are thin wrappers over these, and ring-3
/// programs will reach the same functions through `syscall`.
///
/// This header uses built-in types only and includes nothing: the C names compile against
/// Mosaic's own C headers, which must not meet the host C library's headers that the C++
/// standard headers would pull in. The structures here have the Linux kernel's x86_64 layouts
/// (the C headers' struct stat, struct timespec, struct pollfd, struct dirent64 records match
/// them; each wrapper checks with static_assert).

namespace mos::posix::sys {

/// struct timespec.
struct Timespec {
  long seconds;
  long nanoseconds;
};

/// struct stat (newfstatat's).
struct Stat {
  unsigned long dev;
  unsigned long ino;
  unsigned long nlink;
  unsigned int mode;
  unsigned int uid;
  unsigned int gid;
  int pad0;
  unsigned long rdev;
  long size;
  long blksize;
  long blocks;
  Timespec atime;
  Timespec mtime;
  Timespec ctime;
  long unused[3];
};

/// What statfs reports, in statvfs's terms.
struct StatFs {
  unsigned long block_size;
  unsigned long fragment_size;
  unsigned long blocks;
  unsigned long free_blocks;
  unsigned long available_blocks;
  unsigned long files;
  unsigned long free_files;
  unsigned long fsid;
  unsigned long flags;
  unsigned long name_max;
};

/// A signal action (rt_sigaction's struct, with the mask as one word).
struct SignalAction {
  void* handler;  ///< 0: SIG_DFL, 1: SIG_IGN, else a function (sa_sigaction with SA_SIGINFO).
  unsigned long flags;
  unsigned long mask;
};

/// struct pollfd.
struct PollFd {
  int fd;
  short events;
  short revents;
};

/// posix_spawnattr_t's contents.
struct SpawnAttributes {
  short flags;
  int group;
  unsigned long mask;
  unsigned long defaults;
};

/// What wait4 and waitid report.
struct WaitInfo {
  int pid;
  int status;
  unsigned int uid;
};

/// The calling thread's errno.
int* errno_location() noexcept;
/// The calling process's C-layer slot (Process::c_runtime): its data, and the function that
/// releases it when the process ends. A thread outside every process gets nullptr.
void** c_runtime_slot(void (**release)(void*) noexcept) noexcept;
/// The calling process's environment array (nullptr-ended; owned by libposix), or nullptr.
char*** environment() noexcept;
/// Replaces the environment with copies of `strings`.
long set_environment(char* const* strings) noexcept;
/// Sets NAME=value (overwrite 0: keep an existing one), unsets NAME.
long set_environment_variable(const char* name, const char* value, int overwrite) noexcept;
long unset_environment_variable(const char* name) noexcept;

// Files.
long openat(int directory_fd, const char* path, int flags, unsigned int mode) noexcept;
long close(int fd) noexcept;
long read(int fd, void* buffer, unsigned long count) noexcept;
long write(int fd, const void* buffer, unsigned long count) noexcept;
long pread(int fd, void* buffer, unsigned long count, long offset) noexcept;
long pwrite(int fd, const void* buffer, unsigned long count, long offset) noexcept;
long lseek(int fd, long offset, int whence) noexcept;
long dup(int fd) noexcept;
long dup2(int fd, int new_fd) noexcept;
long dup3(int fd, int new_fd, int flags) noexcept;
long fcntl(int fd, int command, unsigned long argument) noexcept;
long pipe2(int fds[2], int flags) noexcept;
long ioctl(int fd, unsigned int request, unsigned long argument) noexcept;
long fsync(int fd) noexcept;
long sync() noexcept;
long truncate(const char* path, long length) noexcept;
long ftruncate(int fd, long length) noexcept;
long newfstatat(int directory_fd, const char* path, Stat* out, int flags) noexcept;
long fstat(int fd, Stat* out) noexcept;
long statfs(const char* path, StatFs* out) noexcept;
long fstatfs(int fd, StatFs* out) noexcept;
long mkdirat(int directory_fd, const char* path, unsigned int mode) noexcept;
long mknodat(int directory_fd, const char* path, unsigned int mode, unsigned long device) noexcept;
long unlinkat(int directory_fd, const char* path, int flags) noexcept;
long renameat(int from_fd, const char* from, int to_fd, const char* to) noexcept;
long linkat(int from_fd, const char* from, int to_fd, const char* to, int flags) noexcept;
long symlinkat(const char* target, int directory_fd, const char* path) noexcept;
long readlinkat(int directory_fd, const char* path, char* buffer, unsigned long size) noexcept;
long fchmodat(int directory_fd, const char* path, unsigned int mode) noexcept;
long fchmod(int fd, unsigned int mode) noexcept;
long fchownat(int directory_fd, const char* path, unsigned int uid, unsigned int gid,
              int flags) noexcept;
long fchown(int fd, unsigned int uid, unsigned int gid) noexcept;
/// utimensat; a null path means the descriptor itself (futimens).
long utimensat(int directory_fd, const char* path, const Timespec* times, int flags) noexcept;
long faccessat(int directory_fd, const char* path, int mode, int flags) noexcept;
long chdir(const char* path) noexcept;
long fchdir(int fd) noexcept;
/// The length of the name with its NUL.
long getcwd(char* buffer, unsigned long size) noexcept;
long umask(unsigned int mask) noexcept;
/// linux_dirent64 records: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-ended).
long getdents64(int fd, void* buffer, unsigned long size) noexcept;
long mount(const char* source, const char* target, const char* type, unsigned long flags) noexcept;
long umount2(const char* target, int flags) noexcept;
long poll(PollFd* fds, unsigned long count, long timeout_ms) noexcept;
/// Whether fd is a terminal's, and the controlling terminal's device (0: none) and session.
long controlling_terminal(unsigned long* device, int* session) noexcept;

// Processes.
long getpid() noexcept;
long getppid() noexcept;
long getpgid(int pid) noexcept;
long setpgid(int pid, int group) noexcept;
long setsid() noexcept;
long getsid(int pid) noexcept;
/// which: 0 uid, 1 euid, 2 gid, 3 egid.
long get_id(int which) noexcept;
long setuid(unsigned int uid) noexcept;
long setgid(unsigned int gid) noexcept;
long seteuid(unsigned int uid) noexcept;
long setegid(unsigned int gid) noexcept;
long getgroups(int size, unsigned int* list) noexcept;
long setgroups(unsigned long size, const unsigned int* list) noexcept;
long getrlimit(int resource, unsigned long* current, unsigned long* maximum) noexcept;
long setrlimit(int resource, unsigned long current, unsigned long maximum) noexcept;
/// CPU time in ns: which 0 the process's, 1 its waited-for children's.
long cpu_time_ns(int which) noexcept;

long kill(int pid, int signal) noexcept;
long rt_sigaction(int signal, const SignalAction* action, SignalAction* old) noexcept;
long rt_sigprocmask(int how, const unsigned long* set, unsigned long* old) noexcept;
long rt_sigpending(unsigned long* set) noexcept;
long rt_sigsuspend(unsigned long mask) noexcept;
/// Delivers pending signals now (what every wrapper does on its way out); whether an
/// interrupted call may restart.
bool deliver_signals() noexcept;

/// wait4/waitid in one: which 0 any, 1 a pid, 2 a group; options as Linux's (WEXITED needed).
long wait(int which, int id, int options, WaitInfo* out) noexcept;
long nanosleep(long nanoseconds, long* remaining_ns) noexcept;
long pause() noexcept;
long alarm(unsigned int seconds) noexcept;

/// posix_spawn file actions (a libposix object behind a void*).
void* file_actions_create() noexcept;
void file_actions_destroy(void* actions) noexcept;
long file_actions_add_open(void* actions, int fd, const char* path, int flags,
                           unsigned int mode) noexcept;
long file_actions_add_close(void* actions, int fd) noexcept;
long file_actions_add_dup2(void* actions, int fd, int new_fd) noexcept;
long file_actions_add_chdir(void* actions, const char* path) noexcept;
long file_actions_add_fchdir(void* actions, int fd) noexcept;
/// posix_spawn(p) (search: PATH) and mos_spawn_function; the child's pid.
long spawn(const char* path, int search, void* actions, const SpawnAttributes* attributes,
           char* const* argv, char* const* envp) noexcept;
long spawn_function(int (*entry)(void*), void* arg, void* actions,
                    const SpawnAttributes* attributes) noexcept;
/// vfork's two halves (see System::vfork_prepare): the buffer to __builtin_setjmp into, then
/// with what that returned: 0 in the child, the child's pid in the parent, or -errno.
void** vfork_prepare() noexcept;
long vfork_finish(int jumped) noexcept;
/// execve(p): returns only on error.
long execve(const char* path, int search, char* const* argv, char* const* envp) noexcept;
/// _exit.
[[noreturn]] void exit(int status) noexcept;

// The system.
long clock_gettime(int clock, Timespec* out) noexcept;
long sched_yield() noexcept;
long uptime_seconds() noexcept;
/// syslog(READ_ALL): the kernel log's recent lines.
long read_kernel_log(char* buffer, unsigned long size) noexcept;
/// The log's capacity.
long kernel_log_size() noexcept;
/// reboot: action 1 power off, 2 restart, 3 halt.
long reboot(int action) noexcept;

}  // namespace mos::posix::sys
