// The file system calls: descriptors, paths, attributes, directories, mounts, poll.
#include "calls.hpp"

#include <posix/files.hpp>
#include <posix/waiting.hpp>

#include <k/string.hpp>

namespace mos::posix::sys {

using detail::negative;
using detail::restarting;
using detail::to_long;

namespace {

std::string_view view(const char* path) noexcept {
  return path == nullptr ? std::string_view() : std::string_view(path);
}

void fill(const vfs::Stat& from, Stat* out) noexcept {
  *out = {};
  out->dev = from.device;
  out->ino = from.inode;
  out->nlink = from.links;
  out->mode = from.mode;
  out->uid = from.uid;
  out->gid = from.gid;
  out->rdev = from.rdev;
  out->size = from.size;
  out->blksize = from.block_size;
  out->blocks = static_cast<long>(from.blocks);
  out->atime = {from.access.seconds, from.access.nanoseconds};
  out->mtime = {from.modify.seconds, from.modify.nanoseconds};
  out->ctime = {from.change.seconds, from.change.nanoseconds};
}

void fill(const vfs::StatFs& from, StatFs* out) noexcept {
  *out = {from.block_size, from.fragment_size, from.blocks, from.free_blocks, from.available_blocks,
          from.files,      from.free_files,    from.fsid,   from.flags,       from.name_max};
}

std::span<std::byte> bytes(void* buffer, unsigned long count) noexcept {
  return {static_cast<std::byte*>(buffer), count};
}
std::span<const std::byte> bytes(const void* buffer, unsigned long count) noexcept {
  return {static_cast<const std::byte*>(buffer), count};
}

// Writes linux_dirent64 records into a caller's buffer; stops when the next does not fit.
class Dirent64Sink final : public vfs::DirectorySink {
 public:
  Dirent64Sink(void* buffer, unsigned long size) noexcept
      : out_(static_cast<char*>(buffer)), size_(size) {}
  bool emit(std::string_view name, std::uint64_t inode, vfs::FileType type,
            std::uint64_t next) noexcept override {
    const std::size_t length = 19 + name.size() + 1;
    const std::size_t record = (length + 7) & ~std::size_t{7};
    if (used_ + record > size_) return false;
    char* at = out_ + used_;
    memory_set(at, 0, record);
    const std::uint64_t offset = next;
    const auto reclen = static_cast<std::uint16_t>(record);
    const auto kind = static_cast<std::uint8_t>(static_cast<vfs::Mode>(type) >> 12);
    memory_copy(at, &inode, 8);
    memory_copy(at + 8, &offset, 8);
    memory_copy(at + 16, &reclen, 2);
    memory_copy(at + 18, &kind, 1);
    memory_copy(at + 19, name.data(), name.size());
    used_ += record;
    return true;
  }
  std::size_t used() const noexcept { return used_; }

 private:
  char* out_;
  std::size_t size_;
  std::size_t used_ = 0;
};

}  // namespace

long openat(int directory_fd, const char* path, int flags, unsigned int mode) noexcept {
  MOS_SYS_CALLER();
  return to_long(restarting(self, [&] {
    return posix::open(self, directory_fd, view(path), static_cast<std::uint32_t>(flags), mode);
  }));
}

long close(int fd) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::close(self, fd));
}

long read(int fd, void* buffer, unsigned long count) noexcept {
  MOS_SYS_CALLER();
  return to_long(restarting(self, [&] { return posix::read(self, fd, bytes(buffer, count)); }));
}

long write(int fd, const void* buffer, unsigned long count) noexcept {
  MOS_SYS_CALLER();
  return to_long(restarting(self, [&] { return posix::write(self, fd, bytes(buffer, count)); }));
}

long pread(int fd, void* buffer, unsigned long count, long offset) noexcept {
  MOS_SYS_CALLER();
  return to_long(
      restarting(self, [&] { return posix::read_at(self, fd, bytes(buffer, count), offset); }));
}

long pwrite(int fd, const void* buffer, unsigned long count, long offset) noexcept {
  MOS_SYS_CALLER();
  return to_long(
      restarting(self, [&] { return posix::write_at(self, fd, bytes(buffer, count), offset); }));
}

long lseek(int fd, long offset, int whence) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::seek(self, fd, offset, whence));
}

long dup(int fd) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::dup(self, fd));
}

long dup2(int fd, int new_fd) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::dup2(self, fd, new_fd));
}

long dup3(int fd, int new_fd, int flags) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::dup3(self, fd, new_fd, static_cast<std::uint32_t>(flags)));
}

long fcntl(int fd, int command, unsigned long argument) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::fcntl(self, fd, command, argument));
}

long pipe2(int fds[2], int flags) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::pipe(self, fds, static_cast<std::uint32_t>(flags)));
}

long ioctl(int fd, unsigned int request, unsigned long argument) noexcept {
  MOS_SYS_CALLER();
  return to_long(restarting(self, [&] { return posix::ioctl(self, fd, request, argument); }));
}

long fsync(int fd) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::fsync(self, fd));
}

long sync() noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::sync(self));
}

long truncate(const char* path, long length) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::truncate(self, view(path), length));
}

long ftruncate(int fd, long length) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::truncate(self, fd, length));
}

long newfstatat(int directory_fd, const char* path, Stat* out, int flags) noexcept {
  MOS_SYS_CALLER();
  auto found = posix::stat(self, directory_fd, view(path), flags);
  if (!found) return negative(found.error());
  fill(*found, out);
  return 0;
}

long fstat(int fd, Stat* out) noexcept {
  MOS_SYS_CALLER();
  auto found = posix::stat(self, fd);
  if (!found) return negative(found.error());
  fill(*found, out);
  return 0;
}

long statfs(const char* path, StatFs* out) noexcept {
  MOS_SYS_CALLER();
  auto found = posix::statfs(self, view(path));
  if (!found) return negative(found.error());
  fill(*found, out);
  return 0;
}

long fstatfs(int fd, StatFs* out) noexcept {
  MOS_SYS_CALLER();
  auto found = posix::statfs(self, fd);
  if (!found) return negative(found.error());
  fill(*found, out);
  return 0;
}

long mkdirat(int directory_fd, const char* path, unsigned int mode) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::make_directory(self, directory_fd, view(path), mode));
}

long mknodat(int directory_fd, const char* path, unsigned int mode, unsigned long device) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::make_node(self, directory_fd, view(path), mode, device));
}

long unlinkat(int directory_fd, const char* path, int flags) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::unlink(self, directory_fd, view(path), flags));
}

long renameat(int from_fd, const char* from, int to_fd, const char* to) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::rename(self, from_fd, view(from), to_fd, view(to)));
}

long linkat(int from_fd, const char* from, int to_fd, const char* to, int flags) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::link(self, from_fd, view(from), to_fd, view(to), flags));
}

long symlinkat(const char* target, int directory_fd, const char* path) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::symlink(self, view(target), directory_fd, view(path)));
}

long readlinkat(int directory_fd, const char* path, char* buffer, unsigned long size) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::read_link(self, directory_fd, view(path), {buffer, size}));
}

long fchmodat(int directory_fd, const char* path, unsigned int mode) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::change_mode(self, directory_fd, view(path), mode));
}

long fchmod(int fd, unsigned int mode) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::change_mode(self, fd, mode));
}

long fchownat(int directory_fd, const char* path, unsigned int uid, unsigned int gid,
              int flags) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::change_owner(self, directory_fd, view(path), uid, gid, flags));
}

long fchown(int fd, unsigned int uid, unsigned int gid) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::change_owner(self, fd, uid, gid));
}

long utimensat(int directory_fd, const char* path, const Timespec* times, int flags) noexcept {
  MOS_SYS_CALLER();
  vfs::Timespec converted[2] = {{0, vfs::Timespec::kNow}, {0, vfs::Timespec::kNow}};
  if (times != nullptr) {
    converted[0] = {times[0].seconds, times[0].nanoseconds};
    converted[1] = {times[1].seconds, times[1].nanoseconds};
  }
  if (path == nullptr) return to_long(posix::set_times(self, directory_fd, converted));
  return to_long(posix::set_times(self, directory_fd, view(path), converted, flags));
}

long faccessat(int directory_fd, const char* path, int mode, int flags) noexcept {
  MOS_SYS_CALLER();
  return to_long(
      posix::access(self, directory_fd, view(path), static_cast<std::uint32_t>(mode), flags));
}

long chdir(const char* path) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::change_directory(self, view(path)));
}

long fchdir(int fd) noexcept {
  MOS_SYS_CALLER();
  return to_long(posix::change_directory(self, fd));
}

long getcwd(char* buffer, unsigned long size) noexcept {
  MOS_SYS_CALLER();
  auto length = posix::working_directory(self, {buffer, size});
  if (!length) return negative(length.error());
  return static_cast<long>(*length) + 1;
}

long umask(unsigned int mask) noexcept {
  MOS_SYS_CALLER();
  return posix::set_umask(self, mask);
}

long getdents64(int fd, void* buffer, unsigned long size) noexcept {
  MOS_SYS_CALLER();
  Dirent64Sink sink(buffer, size);
  auto read = posix::read_directory(self, fd, sink);
  if (!read) return negative(read.error());
  if (sink.used() == 0 && size < 24 + 256) {
    // Nothing fitted: Linux says EINVAL when the buffer is too small for the next entry.
    return negative(Error::InvalidArgument);
  }
  return static_cast<long>(sink.used());
}

long mount(const char* source, const char* target, const char* type, unsigned long flags) noexcept {
  MOS_SYS_CALLER();
  constexpr unsigned long kRemount = 32;
  if ((flags & kRemount) != 0) return negative(Error::NotSupported);
  return to_long(posix::mount(self, view(source), view(target), view(type), flags));
}

long umount2(const char* target, int flags) noexcept {
  MOS_SYS_CALLER();
  constexpr int kForce = 1;
  if ((flags & ~kForce) != 0) return negative(Error::InvalidArgument);
  return to_long(posix::unmount(self, view(target)));
}

long poll(PollFd* fds, unsigned long count, long timeout_ms) noexcept {
  MOS_SYS_CALLER();
  static_assert(sizeof(PollFd) == sizeof(PollDescriptor));
  if (count > static_cast<unsigned long>(kMaxFds)) return negative(Error::InvalidArgument);
  const sched::Deadline deadline =
      timeout_ms < 0 ? sched::Deadline::never()
                     : sched::Deadline::after(static_cast<std::uint64_t>(timeout_ms) * 1'000'000);
  auto* descriptors = reinterpret_cast<PollDescriptor*>(fds);
  return to_long(posix::poll(self, std::span(descriptors, count), deadline));
}

long controlling_terminal(unsigned long* device, int* session) noexcept {
  MOS_SYS_CALLER();
  *device = self.controlling_terminal();
  *session = self.session();
  return 0;
}

}  // namespace mos::posix::sys
