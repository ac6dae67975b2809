#pragma once
/// The file system calls of a process, over its descriptor table and the VFS: what the C names
/// (open, read, stat, ...) and later the ring-3 system calls are thin layers over. Each takes
/// the calling process; paths are relative to its working directory, or to `directory_fd`
/// (kAtWorkingDirectory: the working directory) for the *at forms. Errors are Linux's.

#include <posix/process.hpp>

#include <vfs/types.hpp>

#include <k/result.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace mos::posix {

/// AT_FDCWD.
inline constexpr int kAtWorkingDirectory = -100;
/// AT_* flags (Linux values).
namespace at_flags {
inline constexpr int kSymlinkNoFollow = 0x100, kRemoveDirectory = 0x200, kEffectiveAccess = 0x200,
                     kSymlinkFollow = 0x400, kEmptyPath = 0x1000;
}  // namespace at_flags

/// fcntl commands (Linux values).
namespace fcntl_commands {
inline constexpr int kDupFd = 0, kGetFd = 1, kSetFd = 2, kGetFl = 3, kSetFl = 4,
                     kDupFdCloseOnExec = 1030;
}  // namespace fcntl_commands

Result<int> open(Process& self, int directory_fd, std::string_view path, std::uint32_t flags,
                 vfs::Mode mode) noexcept;
Result<void> close(Process& self, int fd) noexcept;
Result<std::size_t> read(Process& self, int fd, std::span<std::byte> out) noexcept;
Result<std::size_t> write(Process& self, int fd, std::span<const std::byte> data) noexcept;
Result<std::size_t> read_at(Process& self, int fd, std::span<std::byte> out,
                            std::int64_t offset) noexcept;
Result<std::size_t> write_at(Process& self, int fd, std::span<const std::byte> data,
                             std::int64_t offset) noexcept;
Result<std::int64_t> seek(Process& self, int fd, std::int64_t offset, int whence) noexcept;
Result<int> dup(Process& self, int fd) noexcept;
/// dup2 (flags 0, same fd allowed) and dup3 (flags O_CLOEXEC only, same fd refused).
Result<int> dup2(Process& self, int fd, int new_fd) noexcept;
Result<int> dup3(Process& self, int fd, int new_fd, std::uint32_t flags) noexcept;
Result<int> fcntl(Process& self, int fd, int command, std::uintptr_t argument) noexcept;
/// pipe2: the reading and the writing descriptor.
Result<void> pipe(Process& self, int fds[2], std::uint32_t flags) noexcept;
Result<std::int64_t> ioctl(Process& self, int fd, std::uint32_t request,
                           std::uintptr_t argument) noexcept;
Result<void> fsync(Process& self, int fd) noexcept;
/// What opening a terminal does for a session leader without a controlling terminal (unless
/// `flags` has O_NOCTTY): the terminal becomes its controlling one, and its process group the
/// terminal's foreground group, as on Linux.
void acquire_terminal(Process& self, vfs::OpenFile& file, std::uint32_t flags) noexcept;
/// The descriptor's file (for the C layer's fdopendir, isatty, ...).
Result<RefPtr<vfs::OpenFile>> file_of(Process& self, int fd) noexcept;

Result<vfs::Stat> stat(Process& self, int directory_fd, std::string_view path, int flags) noexcept;
Result<vfs::Stat> stat(Process& self, int fd) noexcept;
Result<vfs::StatFs> statfs(Process& self, std::string_view path) noexcept;
Result<vfs::StatFs> statfs(Process& self, int fd) noexcept;
Result<void> make_directory(Process& self, int directory_fd, std::string_view path,
                            vfs::Mode mode) noexcept;
Result<void> make_node(Process& self, int directory_fd, std::string_view path, vfs::Mode mode,
                       std::uint64_t device) noexcept;
/// unlinkat: a file, or with at_flags::kRemoveDirectory an empty directory.
Result<void> unlink(Process& self, int directory_fd, std::string_view path, int flags) noexcept;
Result<void> rename(Process& self, int from_fd, std::string_view from, int to_fd,
                    std::string_view to) noexcept;
Result<void> link(Process& self, int from_fd, std::string_view from, int to_fd, std::string_view to,
                  int flags) noexcept;
Result<void> symlink(Process& self, std::string_view target, int directory_fd,
                     std::string_view path) noexcept;
Result<std::size_t> read_link(Process& self, int directory_fd, std::string_view path,
                              std::span<char> out) noexcept;
Result<void> change_mode(Process& self, int directory_fd, std::string_view path,
                         vfs::Mode mode) noexcept;
Result<void> change_mode(Process& self, int fd, vfs::Mode mode) noexcept;
Result<void> change_owner(Process& self, int directory_fd, std::string_view path, std::uint32_t uid,
                          std::uint32_t gid, int flags) noexcept;
Result<void> change_owner(Process& self, int fd, std::uint32_t uid, std::uint32_t gid) noexcept;
/// utimensat / futimens (times[0] access, times[1] modify; kNow and kOmit as Linux).
Result<void> set_times(Process& self, int directory_fd, std::string_view path,
                       const vfs::Timespec times[2], int flags) noexcept;
Result<void> set_times(Process& self, int fd, const vfs::Timespec times[2]) noexcept;
Result<void> truncate(Process& self, std::string_view path, std::int64_t size) noexcept;
Result<void> truncate(Process& self, int fd, std::int64_t size) noexcept;
/// faccessat: with at_flags::kEffectiveAccess the effective ids, else the real ones.
Result<void> access(Process& self, int directory_fd, std::string_view path, std::uint32_t mode,
                    int flags) noexcept;
Result<void> change_directory(Process& self, std::string_view path) noexcept;
Result<void> change_directory(Process& self, int fd) noexcept;
/// getcwd: the length without the NUL (Error::Range if `out` is too small).
Result<std::size_t> working_directory(Process& self, std::span<char> out) noexcept;
/// umask: sets the mask, returns the old one.
vfs::Mode set_umask(Process& self, vfs::Mode mask) noexcept;
/// getdents: entries into `sink` from the descriptor's offset on.
Result<void> read_directory(Process& self, int fd, vfs::DirectorySink& sink) noexcept;

/// mount(2) of a file system type Mosaic knows ("ext2", "tmpfs", "proc", "devtmpfs") from
/// `source` (a block device node for ext2) on `target`; MS_RDONLY (1) is honoured, MS_BIND
/// (4096) binds `source`. Error::NoDevice for an unknown type.
Result<void> mount(Process& self, std::string_view source, std::string_view target,
                   std::string_view type, std::uint64_t flags) noexcept;
Result<void> unmount(Process& self, std::string_view target) noexcept;
/// sync(2): every file system's data to its storage.
Result<void> sync(Process& self) noexcept;

}  // namespace mos::posix
