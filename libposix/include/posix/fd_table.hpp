#pragma once
/// A process's file descriptors: small numbers naming open file descriptions (vfs::OpenFile,
/// shared by dup and by the copies a spawned child gets), each with its close-on-exec flag.
/// A process's own thread changes its table (and a parent the table of a child it builds);
/// procfs reads it from other threads, so a spin lock guards the slots. A file that a change
/// lets go is released after the lock (closing it may wait).

#include <vfs/open_file.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <array>
#include <cstdint>

namespace mos::posix {

/// RLIMIT_NOFILE's hard limit: descriptors are 0..kMaxFds-1.
inline constexpr int kMaxFds = 256;

/// Whether a descriptor closes when its process starts another program.
enum class CloseOnExec : bool { No, Yes };

/// See the file comment.
class FdTable {
 public:
  FdTable() noexcept = default;
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  /// The file `fd` names, or Error::BadFileDescriptor.
  Result<RefPtr<vfs::OpenFile>> get(int fd) const noexcept;
  /// Installs `file` at the lowest free descriptor >= `minimum` below `limit`
  /// (Error::TooManyOpenFiles when none is free, Error::InvalidArgument for a bad minimum).
  Result<int> install(RefPtr<vfs::OpenFile> file, CloseOnExec cloexec, int minimum = 0,
                      int limit = kMaxFds) noexcept;
  /// Puts `file` at `fd`, closing what was there (dup2). Error::BadFileDescriptor if out of
  /// range.
  Result<void> install_at(int fd, RefPtr<vfs::OpenFile> file, CloseOnExec cloexec) noexcept;
  /// Closes `fd` (Error::BadFileDescriptor if it is not open).
  Result<void> close(int fd) noexcept;
  /// FD_CLOEXEC of `fd`.
  Result<CloseOnExec> close_on_exec(int fd) const noexcept;
  Result<void> set_close_on_exec(int fd, CloseOnExec cloexec) noexcept;
  /// Makes this table a copy of `other` (the child's table at spawn); with `drop_cloexec`,
  /// without the descriptors marked close-on-exec.
  void copy_from(const FdTable& other, bool drop_cloexec) noexcept;
  /// Closes every descriptor.
  void close_all() noexcept;
  /// Closes the descriptors marked close-on-exec.
  void close_on_exec_all() noexcept;
  /// How many are open.
  int count() const noexcept;
  /// One past the highest open descriptor.
  int end() const noexcept;

 private:
  struct Entry {
    RefPtr<vfs::OpenFile> file;
    CloseOnExec cloexec = CloseOnExec::No;
  };
  mutable SpinLock lock_;
  std::array<Entry, kMaxFds> entries_;  // Guarded by lock_.
};

}  // namespace mos::posix
