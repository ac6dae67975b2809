// The file system calls of a process: descriptors in, the VFS underneath.
#include <posix/files.hpp>
#include <posix/system.hpp>

#include <vfs/block_device.hpp>
#include <vfs/devfs.hpp>
#include <vfs/ext2.hpp>
#include <vfs/tmpfs.hpp>

namespace mos::posix {

using namespace vfs::open_flags;

namespace {

// The major number of terminals (/dev/ttyS*, /dev/tty*).
constexpr std::uint32_t kTerminalMajor = 4;

vfs::Vfs& vfs_of(Process& self) noexcept {
  return self.system().vfs();
}

// RLIMIT_NOFILE: descriptors are below this.
int descriptor_limit(Process& self) noexcept {
  const std::uint64_t limit = self.limit(kLimitOpenFiles).current;
  return limit < kMaxFds ? static_cast<int>(limit) : kMaxFds;
}

// The context a path is resolved in: the working directory, or a directory descriptor's.
Result<vfs::Context> context_at(Process& self, int directory_fd, std::string_view path) noexcept {
  vfs::Context context = self.context();
  if (directory_fd == kAtWorkingDirectory || (!path.empty() && path.front() == '/')) {
    return context;
  }
  RefPtr<vfs::OpenFile> directory = MOS_TRY(self.fds().get(directory_fd));
  if (!directory->vnode().is_directory()) return Error::NotDirectory;
  context.cwd = directory->path();
  return context;
}

}  // namespace

Result<RefPtr<vfs::OpenFile>> file_of(Process& self, int fd) noexcept {
  return self.fds().get(fd);
}

void acquire_terminal(Process& self, vfs::OpenFile& file, std::uint32_t flags) noexcept {
  constexpr std::uint32_t kSetForegroundGroup = 0x5410;  // TIOCSPGRP
  if ((flags & kNoControllingTerminal) != 0 || self.session() != self.pid() ||
      self.controlling_terminal() != 0 || file.vnode().type() != vfs::FileType::CharDevice) {
    return;
  }
  auto stat = vfs_of(self).stat(file);
  if (!stat || vfs::DeviceNumber::decode(stat->rdev).major != kTerminalMajor) return;
  self.set_controlling_terminal(stat->rdev);
  const std::int32_t group = self.group();
  (void)file.control(kSetForegroundGroup, reinterpret_cast<std::uintptr_t>(&group));
}

Result<int> open(Process& self, int directory_fd, std::string_view path, std::uint32_t flags,
                 vfs::Mode mode) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  RefPtr<vfs::OpenFile> file = MOS_TRY(vfs_of(self).open(context, path, flags, mode));
  acquire_terminal(self, *file, flags);
  return self.fds().install(static_cast<RefPtr<vfs::OpenFile>&&>(file),
                            (flags & kCloseOnExec) != 0 ? CloseOnExec::Yes : CloseOnExec::No, 0,
                            descriptor_limit(self));
}

Result<void> close(Process& self, int fd) noexcept {
  return self.fds().close(fd);
}

Result<std::size_t> read(Process& self, int fd, std::span<std::byte> out) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return file->read(out);
}

Result<std::size_t> write(Process& self, int fd, std::span<const std::byte> data) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  auto written = file->write(data, self.vfs_credentials());
  // Writing to a pipe nobody reads raises SIGPIPE, as on Linux.
  if (!written && written.error() == Error::BrokenPipe) {
    (void)self.system().kill(self, self.pid(), sig::kPipe);
  }
  return written;
}

Result<std::size_t> read_at(Process& self, int fd, std::span<std::byte> out,
                            std::int64_t offset) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return file->read_at(offset, out);
}

Result<std::size_t> write_at(Process& self, int fd, std::span<const std::byte> data,
                             std::int64_t offset) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return file->write_at(offset, data, self.vfs_credentials());
}

Result<std::int64_t> seek(Process& self, int fd, std::int64_t offset, int whence) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  if (!vfs::valid_whence(static_cast<vfs::Whence>(whence))) return Error::InvalidArgument;
  return file->seek(offset, static_cast<vfs::Whence>(whence));
}

Result<int> dup(Process& self, int fd) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return self.fds().install(static_cast<RefPtr<vfs::OpenFile>&&>(file), CloseOnExec::No, 0,
                            descriptor_limit(self));
}

Result<int> dup2(Process& self, int fd, int new_fd) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  if (new_fd < 0 || new_fd >= descriptor_limit(self)) return Error::BadFileDescriptor;
  if (fd == new_fd) return new_fd;
  MOS_TRY(
      self.fds().install_at(new_fd, static_cast<RefPtr<vfs::OpenFile>&&>(file), CloseOnExec::No));
  return new_fd;
}

Result<int> dup3(Process& self, int fd, int new_fd, std::uint32_t flags) noexcept {
  if ((flags & ~kCloseOnExec) != 0 || fd == new_fd) return Error::InvalidArgument;
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  if (new_fd < 0 || new_fd >= descriptor_limit(self)) return Error::BadFileDescriptor;
  MOS_TRY(self.fds().install_at(new_fd, static_cast<RefPtr<vfs::OpenFile>&&>(file),
                                flags != 0 ? CloseOnExec::Yes : CloseOnExec::No));
  return new_fd;
}

Result<int> fcntl(Process& self, int fd, int command, std::uintptr_t argument) noexcept {
  using namespace fcntl_commands;
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  switch (command) {
    case kDupFd:
    case kDupFdCloseOnExec: {
      const auto minimum = static_cast<std::intptr_t>(argument);
      if (minimum < 0 || minimum >= descriptor_limit(self)) return Error::InvalidArgument;
      return self.fds().install(static_cast<RefPtr<vfs::OpenFile>&&>(file),
                                command == kDupFd ? CloseOnExec::No : CloseOnExec::Yes,
                                static_cast<int>(minimum), descriptor_limit(self));
    }
    case kGetFd:
      return MOS_TRY(self.fds().close_on_exec(fd)) == CloseOnExec::Yes ? 1 : 0;
    case kSetFd:
      MOS_TRY(self.fds().set_close_on_exec(
          fd, (argument & 1) != 0 ? CloseOnExec::Yes : CloseOnExec::No));
      return 0;
    case kGetFl:
      return static_cast<int>(file->flags() & ~kCloseOnExec);
    case kSetFl:
      file->set_status_flags(static_cast<std::uint32_t>(argument));
      return 0;
    default:
      return Error::InvalidArgument;
  }
}

Result<void> pipe(Process& self, int fds[2], std::uint32_t flags) noexcept {
  if ((flags & ~(kNonBlocking | kCloseOnExec)) != 0) return Error::InvalidArgument;
  vfs::Vfs::PipeEnds ends = MOS_TRY(vfs_of(self).open_pipe(self.vfs_credentials(), flags));
  const CloseOnExec cloexec = (flags & kCloseOnExec) != 0 ? CloseOnExec::Yes : CloseOnExec::No;
  const int limit = descriptor_limit(self);
  const int reader = MOS_TRY(
      self.fds().install(static_cast<RefPtr<vfs::OpenFile>&&>(ends.read), cloexec, 0, limit));
  auto writer =
      self.fds().install(static_cast<RefPtr<vfs::OpenFile>&&>(ends.write), cloexec, 0, limit);
  if (!writer) {
    (void)self.fds().close(reader);
    return writer.error();
  }
  fds[0] = reader;
  fds[1] = *writer;
  return {};
}

Result<std::int64_t> ioctl(Process& self, int fd, std::uint32_t request,
                           std::uintptr_t argument) noexcept {
  constexpr std::uint32_t kSetForegroundGroup = 0x5410;      // TIOCSPGRP
  constexpr std::uint32_t kSetControllingTerminal = 0x540e;  // TIOCSCTTY
  constexpr std::uint32_t kNotControllingTerminal = 0x5422;  // TIOCNOTTY
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  if (request == kSetForegroundGroup || request == kSetControllingTerminal ||
      request == kNotControllingTerminal) {
    const vfs::Stat stat = MOS_TRY(vfs_of(self).stat(*file));
    const bool terminal = vfs::type_of(stat.mode) == vfs::FileType::CharDevice &&
                          vfs::DeviceNumber::decode(stat.rdev).major == kTerminalMajor;
    if (!terminal) return Error::NotTerminal;
    if (request == kSetControllingTerminal) {
      if (self.session() != self.pid()) return Error::NotPermitted;
      self.set_controlling_terminal(stat.rdev);
      return 0;
    }
    if (self.controlling_terminal() != stat.rdev) return Error::NotTerminal;
    if (request == kNotControllingTerminal) {
      self.set_controlling_terminal(0);
      return 0;
    }
    // tcsetpgrp: a group of the caller's own session.
    const auto* group = reinterpret_cast<const std::int32_t*>(argument);
    if (group == nullptr) return Error::BadAddress;
    if (*group <= 0) return Error::InvalidArgument;
    if (!self.system().group_exists(*group, self.session())) return Error::NotPermitted;
  }
  return file->control(request, argument);
}

Result<void> fsync(Process& self, int fd) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return file->sync();
}

Result<vfs::Stat> stat(Process& self, int directory_fd, std::string_view path, int flags) noexcept {
  if (path.empty() && (flags & at_flags::kEmptyPath) != 0) return stat(self, directory_fd);
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).stat(context, path, (flags & at_flags::kSymlinkNoFollow) == 0);
}

Result<vfs::Stat> stat(Process& self, int fd) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return vfs_of(self).stat(*file);
}

Result<vfs::StatFs> statfs(Process& self, std::string_view path) noexcept {
  return vfs_of(self).statfs(self.context(), path);
}

Result<vfs::StatFs> statfs(Process& self, int fd) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return vfs_of(self).statfs(*file);
}

Result<void> make_directory(Process& self, int directory_fd, std::string_view path,
                            vfs::Mode mode) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).make_directory(context, path, mode);
}

Result<void> make_node(Process& self, int directory_fd, std::string_view path, vfs::Mode mode,
                       std::uint64_t device) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).make_node(context, path, mode, vfs::DeviceNumber::decode(device));
}

Result<void> unlink(Process& self, int directory_fd, std::string_view path, int flags) noexcept {
  if ((flags & ~at_flags::kRemoveDirectory) != 0) return Error::InvalidArgument;
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  if ((flags & at_flags::kRemoveDirectory) != 0) {
    return vfs_of(self).remove_directory(context, path);
  }
  return vfs_of(self).unlink(context, path);
}

// Linux looks at the source before the target's directory descriptor: linkat at the source
// itself, renameat at the source's parent. Whichever is missing is reported first.
enum class SourceCheck : bool { Parent, Itself };

Result<vfs::Context> target_context(Process& self, const vfs::Context& from_context,
                                    std::string_view from, SourceCheck check, int to_fd,
                                    std::string_view to) noexcept {
  auto to_context = context_at(self, to_fd, to);
  if (to_context) return to_context;
  std::string_view source = from;
  if (check == SourceCheck::Parent) {
    while (source.size() > 1 && source.back() == '/') source.remove_suffix(1);
    const std::size_t slash = source.rfind('/');
    source = slash == std::string_view::npos ? std::string_view(".")
                                             : source.substr(0, slash == 0 ? 1 : slash);
  }
  const vfs::Stat found =
      MOS_TRY(vfs_of(self).stat(from_context, source, check == SourceCheck::Parent));
  if (check == SourceCheck::Parent && vfs::type_of(found.mode) != vfs::FileType::Directory) {
    return Error::NotDirectory;
  }
  return to_context;
}

Result<void> rename(Process& self, int from_fd, std::string_view from, int to_fd,
                    std::string_view to) noexcept {
  const vfs::Context from_context = MOS_TRY(context_at(self, from_fd, from));
  const vfs::Context to_context =
      MOS_TRY(target_context(self, from_context, from, SourceCheck::Parent, to_fd, to));
  return vfs_of(self).rename(from_context, from_context.cwd, from, to_context.cwd, to);
}

Result<void> link(Process& self, int from_fd, std::string_view from, int to_fd, std::string_view to,
                  int flags) noexcept {
  if ((flags & ~at_flags::kSymlinkFollow) != 0) return Error::InvalidArgument;
  const vfs::Context from_context = MOS_TRY(context_at(self, from_fd, from));
  const vfs::Context to_context =
      MOS_TRY(target_context(self, from_context, from, SourceCheck::Itself, to_fd, to));
  return vfs_of(self).link(from_context, from_context.cwd, from, to_context.cwd, to,
                           (flags & at_flags::kSymlinkFollow) != 0);
}

Result<void> symlink(Process& self, std::string_view target, int directory_fd,
                     std::string_view path) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).make_symlink(context, target, path);
}

Result<std::size_t> read_link(Process& self, int directory_fd, std::string_view path,
                              std::span<char> out) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).read_link(context, path, out);
}

Result<void> change_mode(Process& self, int directory_fd, std::string_view path,
                         vfs::Mode mode) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).change_mode(context, path, mode);
}

Result<void> change_mode(Process& self, int fd, vfs::Mode mode) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return vfs_of(self).change_mode(self.context(), *file, mode);
}

Result<void> change_owner(Process& self, int directory_fd, std::string_view path, std::uint32_t uid,
                          std::uint32_t gid, int flags) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).change_owner(context, path, uid, gid,
                                   (flags & at_flags::kSymlinkNoFollow) == 0);
}

Result<void> change_owner(Process& self, int fd, std::uint32_t uid, std::uint32_t gid) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return vfs_of(self).change_owner(self.context(), *file, uid, gid);
}

Result<void> set_times(Process& self, int directory_fd, std::string_view path,
                       const vfs::Timespec times[2], int flags) noexcept {
  const vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  return vfs_of(self).set_times(context, path, times[0], times[1],
                                (flags & at_flags::kSymlinkNoFollow) == 0);
}

Result<void> set_times(Process& self, int fd, const vfs::Timespec times[2]) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return vfs_of(self).set_times(self.context(), *file, times[0], times[1]);
}

Result<void> truncate(Process& self, std::string_view path, std::int64_t size) noexcept {
  return vfs_of(self).truncate(self.context(), path, size);
}

Result<void> truncate(Process& self, int fd, std::int64_t size) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return vfs_of(self).truncate(self.context(), *file, size);
}

Result<void> access(Process& self, int directory_fd, std::string_view path, std::uint32_t mode,
                    int flags) noexcept {
  vfs::Context context = MOS_TRY(context_at(self, directory_fd, path));
  if ((flags & at_flags::kEffectiveAccess) == 0) {
    context.credentials.uid = self.credentials().uid;
    context.credentials.gid = self.credentials().gid;
  }
  return vfs_of(self).access(context, path, mode, (flags & at_flags::kSymlinkNoFollow) == 0);
}

Result<void> change_directory(Process& self, std::string_view path) noexcept {
  const vfs::Context context = self.context();
  vfs::Path directory = MOS_TRY(vfs_of(self).resolve(context, path));
  if (!directory.vnode().is_directory()) return Error::NotDirectory;
  MOS_TRY(vfs_of(self).access(context, path, vfs::access_mode::kExecute));
  self.working_directory() = static_cast<vfs::Path&&>(directory);
  return {};
}

Result<void> change_directory(Process& self, int fd) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  if (!file->vnode().is_directory()) return Error::NotDirectory;
  self.working_directory() = file->path();
  return {};
}

Result<std::size_t> working_directory(Process& self, std::span<char> out) noexcept {
  if (out.empty()) return Error::InvalidArgument;
  auto length = vfs_of(self).name_of(self.context(), self.working_directory(),
                                     out.subspan(0, out.size() - 1));
  if (!length) return length.error() == Error::NameTooLong ? Error::OutOfRange : length.error();
  out[*length] = '\0';
  return *length;
}

vfs::Mode set_umask(Process& self, vfs::Mode mask) noexcept {
  const vfs::Mode old = self.umask();
  self.umask() = mask & 0777;
  return old;
}

Result<void> read_directory(Process& self, int fd, vfs::DirectorySink& sink) noexcept {
  RefPtr<vfs::OpenFile> file = MOS_TRY(self.fds().get(fd));
  return file->read_directory(sink);
}

Result<void> mount(Process& self, std::string_view source, std::string_view target,
                   std::string_view type, std::uint64_t flags) noexcept {
  constexpr std::uint64_t kReadOnly = 1, kBind = 4096;
  vfs::Vfs& vfs = vfs_of(self);
  const vfs::Context context = self.context();
  if ((flags & kBind) != 0) {
    return vfs.bind_mount(context, source, target, static_cast<std::uint32_t>(flags & kReadOnly));
  }
  if (!context.credentials.is_root()) return Error::NotPermitted;
  RefPtr<vfs::FileSystem> file_system;
  if (type == "ext2") {
    const vfs::Stat stat = MOS_TRY(vfs.stat(context, source));
    if (vfs::type_of(stat.mode) != vfs::FileType::BlockDevice) return Error::NotBlockDevice;
    RefPtr<vfs::Device> device = MOS_TRY(
        vfs.devices().find(vfs::FileType::BlockDevice, vfs::DeviceNumber::decode(stat.rdev)));
    vfs::BlockDevice* disk = device->block_device();
    if (disk == nullptr) return Error::NotBlockDevice;
    vfs::Ext2Options options;
    if ((flags & kReadOnly) != 0) options.access = vfs::Ext2Access::ReadOnly;
    file_system = MOS_TRY(vfs::mount_ext2(RefPtr<vfs::BlockDevice>(disk), options));
  } else if (type == "tmpfs") {
    file_system = MOS_TRY(vfs::TmpFs::create());
  } else {
    return Error::NoDevice;
  }
  return vfs.mount(context, static_cast<RefPtr<vfs::FileSystem>&&>(file_system), target,
                   static_cast<std::uint32_t>(flags & kReadOnly), source);
}

Result<void> unmount(Process& self, std::string_view target) noexcept {
  return vfs_of(self).unmount(self.context(), target);
}

Result<void> sync(Process& self) noexcept {
  return vfs_of(self).sync();
}

}  // namespace mos::posix
