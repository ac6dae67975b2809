// Operations on names: mkdir, mknod, symlink, link, unlink, rmdir, rename. Each checks what Linux
// checks, in Linux's order (which decides the error when several apply), then asks the file
// system to do the change and brings the dentry cache and timestamps up to date.
#include <vfs/permission.hpp>
#include <vfs/vfs.hpp>

namespace mos::vfs {
namespace {

constexpr std::uint32_t kWriteSearch = access_mode::kWrite | access_mode::kExecute;

// Whether `ancestor` is `dentry` or one of its parents.
bool is_ancestor(const Dentry& ancestor, const Dentry* dentry) noexcept {
  for (; dentry != nullptr; dentry = dentry->parent()) {
    if (dentry == &ancestor) return true;
  }
  return false;
}

// may_delete: whether `credentials` may remove `entry` from `directory`.
Result<void> check_may_delete(const Credentials& credentials, Vnode& directory,
                              const Vnode& entry) noexcept {
  const Attributes dir = directory.attributes();
  MOS_TRY(check_access(credentials, dir, kWriteSearch));
  return check_sticky(credentials, dir, entry.attributes());
}

}  // namespace

void Vfs::touch_directory(Vnode& directory) noexcept {
  const Timespec time = now();
  directory.update([time](Attributes& a) { a.modify = a.change = time; });
}

Result<void> Vfs::check_writable_mount(const Path& path) const noexcept {
  return path.mount().read_only() ? Result<void>{Error::ReadOnlyFileSystem} : Result<void>{};
}

Result<Vfs::Walk> Vfs::walk_for_create(const Context& context, std::string_view path) noexcept {
  Walk walk = MOS_TRY(this->walk(context, context.cwd, path, Intent::Parent));
  if (walk.name_too_long) return Error::NameTooLong;
  if (walk.last != Last::Normal || walk.target) return Error::Exists;
  return walk;
}

Result<RefPtr<Vnode>> Vfs::create_locked(const Context& context, Walk& walk, Mode mode,
                                         DeviceNumber device,
                                         std::string_view symlink_target) noexcept {
  MOS_TRY(check_writable_mount(walk.parent));
  Vnode& directory = walk.parent.vnode();
  if (walk.parent.dentry().is_detached()) return Error::NoEntry;  // A removed directory.
  const Attributes dir = directory.attributes();
  MOS_TRY(check_access(context.credentials, dir, kWriteSearch));
  // Owner: the caller; group: the directory's if it is setgid (and new directories inherit the
  // bit), else the caller's. There, a file asking for setgid and group-execute in a group the
  // caller is not in loses setgid (Linux's mode_strip_sgid).
  std::uint32_t gid = context.credentials.gid;
  if ((dir.mode & kSetGid) != 0) {
    gid = dir.gid;
    if (type_of(mode) == FileType::Directory) {
      mode |= kSetGid;
    } else if ((mode & (kSetGid | 0010)) == (kSetGid | 0010) && !context.credentials.is_root() &&
               !context.credentials.in_group(gid)) {
      mode &= ~kSetGid;
    }
  }
  const NodeSpec spec{mode, context.credentials.uid, gid, device, symlink_target, now()};
  RefPtr<Vnode> vnode = MOS_TRY(directory.create(walk.name, spec));
  set_dentry_vnode(*walk.child, vnode);
  touch_directory(directory);
  return vnode;
}

Result<void> Vfs::make_directory(const Context& context, std::string_view path, Mode mode) noexcept {
  sched::MutexGuard guard(lock_);
  Walk walk = MOS_TRY(walk_for_create(context, path));
  const Mode permissions = mode & (0777 | kSticky) & ~context.umask;
  MOS_TRY(create_locked(context, walk, mode_of(FileType::Directory, permissions), {}, {}));
  return {};
}

Result<void> Vfs::make_node(const Context& context, std::string_view path, Mode mode,
                            DeviceNumber device) noexcept {
  Mode type = mode & kTypeMask;
  if (type == 0) type = static_cast<Mode>(FileType::Regular);
  switch (static_cast<FileType>(type)) {
    case FileType::Regular:
    case FileType::Fifo:
    case FileType::Socket:
      device = {};
      break;
    case FileType::CharDevice:
    case FileType::BlockDevice:
      break;
    case FileType::Directory:
      return Error::NotPermitted;
    default:
      return Error::InvalidArgument;
  }
  sched::MutexGuard guard(lock_);
  Walk walk = MOS_TRY(walk_for_create(context, path));
  if (walk.trailing_slash) return Error::NoEntry;
  const bool device_node = type == static_cast<Mode>(FileType::CharDevice) ||
                           type == static_cast<Mode>(FileType::BlockDevice);
  if (device_node && !context.credentials.is_root()) {
    // Linux checks the directory (EROFS, EACCES) before the privilege (EPERM).
    MOS_TRY(check_writable_mount(walk.parent));
    MOS_TRY(check_access(context.credentials, walk.parent.vnode().attributes(), kWriteSearch));
    return Error::NotPermitted;
  }
  const Mode permissions = mode & kPermissionMask & ~context.umask;
  MOS_TRY(create_locked(context, walk, type | permissions, device, {}));
  return {};
}

Result<void> Vfs::make_symlink(const Context& context, std::string_view target,
                               std::string_view path) noexcept {
  if (target.empty()) return Error::NoEntry;
  if (target.size() >= kPathMax) return Error::NameTooLong;
  sched::MutexGuard guard(lock_);
  Walk walk = MOS_TRY(walk_for_create(context, path));
  if (walk.trailing_slash) return Error::NoEntry;
  MOS_TRY(create_locked(context, walk, mode_of(FileType::Symlink, 0777), {}, target));
  return {};
}

Result<void> Vfs::link(const Context& context, const Path& from_directory, std::string_view from,
                       const Path& to_directory, std::string_view to, bool follow) noexcept {
  sched::MutexGuard guard(lock_);
  Path source = MOS_TRY(resolve_locked(context, from_directory, from, follow));
  Walk walk = MOS_TRY(this->walk(context, to_directory, to, Intent::Parent));
  if (walk.name_too_long) return Error::NameTooLong;
  if (walk.last != Last::Normal || walk.target) return Error::Exists;
  if (walk.trailing_slash) return Error::NoEntry;
  MOS_TRY(check_writable_mount(walk.parent));
  if (&source.mount() != &walk.parent.mount()) return Error::CrossDevice;
  Vnode& vnode = source.vnode();
  MOS_TRY(check_may_link(context.credentials, vnode.attributes()));
  Vnode& directory = walk.parent.vnode();
  if (walk.parent.dentry().is_detached()) return Error::NoEntry;
  MOS_TRY(check_access(context.credentials, directory.attributes(), kWriteSearch));
  if (vnode.is_directory()) return Error::NotPermitted;
  if (vnode.attributes().links == 0) return Error::NoEntry;  // Unlinked while open.
  const Timespec time = now();
  MOS_TRY(directory.link(walk.name, vnode, time));
  set_dentry_vnode(*walk.child, RefPtr<Vnode>(&vnode));
  vnode.update([time](Attributes& a) { a.change = time; });
  touch_directory(directory);
  return {};
}

Result<void> Vfs::unlink(const Context& context, std::string_view path) noexcept {
  sched::MutexGuard guard(lock_);
  Walk walk = MOS_TRY(this->walk(context, context.cwd, path, Intent::Parent));
  if (walk.last != Last::Normal) return Error::IsDirectory;
  MOS_TRY(check_writable_mount(walk.parent));
  if (walk.name_too_long) return Error::NameTooLong;
  if (!walk.target) return Error::NoEntry;
  Vnode& victim = *walk.child->vnode();
  if (walk.trailing_slash) return victim.is_directory() ? Error::IsDirectory : Error::NotDirectory;
  Vnode& directory = walk.parent.vnode();
  MOS_TRY(check_may_delete(context.credentials, directory, victim));
  if (victim.is_directory()) return Error::IsDirectory;
  if (walk.child->is_mountpoint()) return Error::Busy;
  const Timespec time = now();
  MOS_TRY(directory.unlink(walk.name, victim, time));
  RefPtr<Vnode> keep(&victim);  // The dentry's reference goes with detach.
  detach(*walk.child);
  victim.update([time](Attributes& a) { a.change = time; });
  touch_directory(directory);
  return {};
}

Result<void> Vfs::remove_directory(const Context& context, std::string_view path) noexcept {
  sched::MutexGuard guard(lock_);
  Walk walk = MOS_TRY(this->walk(context, context.cwd, path, Intent::Parent));
  switch (walk.last) {
    case Last::Dot:
      return Error::InvalidArgument;
    case Last::DotDot:
      return Error::NotEmpty;
    case Last::Root:
      return Error::Busy;
    case Last::Normal:
      break;
  }
  MOS_TRY(check_writable_mount(walk.parent));
  if (walk.name_too_long) return Error::NameTooLong;
  if (!walk.target) return Error::NoEntry;
  Vnode& victim = *walk.child->vnode();
  Vnode& directory = walk.parent.vnode();
  MOS_TRY(check_may_delete(context.credentials, directory, victim));
  if (!victim.is_directory()) return Error::NotDirectory;
  if (walk.child->is_mountpoint()) return Error::Busy;
  if (!MOS_TRY(victim.is_empty())) return Error::NotEmpty;
  const Timespec time = now();
  MOS_TRY(directory.unlink(walk.name, victim, time));
  RefPtr<Vnode> keep(&victim);
  detach_subtree(*walk.child);
  victim.update([time](Attributes& a) { a.change = time; });
  touch_directory(directory);
  return {};
}

Result<void> Vfs::rename(const Context& context, const Path& from_directory, std::string_view from,
                         const Path& to_directory, std::string_view to) noexcept {
  sched::MutexGuard guard(lock_);
  Walk old_walk = MOS_TRY(this->walk(context, from_directory, from, Intent::Parent));
  Walk new_walk = MOS_TRY(this->walk(context, to_directory, to, Intent::Parent));
  if (&old_walk.parent.mount() != &new_walk.parent.mount()) return Error::CrossDevice;
  if (old_walk.last != Last::Normal || new_walk.last != Last::Normal) return Error::Busy;
  MOS_TRY(check_writable_mount(old_walk.parent));
  // Linux looks up the old name, then the new one: their errors come in that order.
  if (old_walk.name_too_long) return Error::NameTooLong;
  if (!old_walk.target) return Error::NoEntry;
  if (new_walk.name_too_long) return Error::NameTooLong;
  Dentry& old_dentry = *old_walk.child;
  Dentry& new_dentry = *new_walk.child;
  Vnode& moved = *old_dentry.vnode();
  Vnode* replaced = new_dentry.vnode();
  const bool is_directory = moved.is_directory();
  if (!is_directory && (old_walk.trailing_slash || new_walk.trailing_slash)) {
    return Error::NotDirectory;
  }
  Dentry& old_parent = old_walk.parent.dentry();
  Dentry& new_parent = new_walk.parent.dentry();
  if (is_ancestor(old_dentry, &new_parent)) return Error::InvalidArgument;  // Into itself.
  if (replaced != nullptr && is_ancestor(new_dentry, &old_parent)) return Error::NotEmpty;
  if (replaced == &moved) return {};  // Two names of one file: nothing to do.

  Vnode& old_directory = old_walk.parent.vnode();
  Vnode& new_directory = new_walk.parent.vnode();
  MOS_TRY(check_may_delete(context.credentials, old_directory, moved));
  if (replaced == nullptr) {
    if (new_parent.is_detached()) return Error::NoEntry;
    MOS_TRY(check_access(context.credentials, new_directory.attributes(), kWriteSearch));
  } else {
    MOS_TRY(check_may_delete(context.credentials, new_directory, *replaced));
    if (is_directory && !replaced->is_directory()) return Error::NotDirectory;
    if (!is_directory && replaced->is_directory()) return Error::IsDirectory;
  }
  if (is_directory && &old_parent != &new_parent) {
    // Its ".." changes: that is a write to the directory itself.
    MOS_TRY(check_access(context.credentials, moved.attributes(), access_mode::kWrite));
  }
  if (old_dentry.is_mountpoint() || new_dentry.is_mountpoint()) return Error::Busy;
  if (replaced != nullptr && replaced->is_directory() && !MOS_TRY(replaced->is_empty())) {
    return Error::NotEmpty;
  }

  Name new_name = MOS_TRY(Name::copy(new_walk.name));  // Before the change: it cannot fail after.
  const Timespec time = now();
  MOS_TRY(old_directory.rename(old_walk.name, moved, new_directory, new_walk.name, replaced, time));

  // The dentry cache follows: the replaced (or negative) dentry goes, the moved one moves.
  RefPtr<Vnode> keep_replaced(replaced);
  detach_subtree(new_dentry);
  RefPtr<Dentry> keep_moved(&old_dentry);
  old_parent.children_.erase(old_dentry);
  old_dentry.name_ = static_cast<Name&&>(new_name);
  old_dentry.parent_ = RefPtr<Dentry>(&new_parent);
  new_parent.children_.insert(old_dentry);

  moved.update([time](Attributes& a) { a.change = time; });
  if (replaced != nullptr) replaced->update([time](Attributes& a) { a.change = time; });
  touch_directory(old_directory);
  if (&new_directory != &old_directory) touch_directory(new_directory);
  return {};
}

Result<std::size_t> Vfs::read_link(const Context& context, std::string_view path,
                                   std::span<char> out) noexcept {
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, path, false));
  if (at.vnode().type() != FileType::Symlink) return Error::InvalidArgument;
  return at.vnode().read_link(out);
}

}  // namespace mos::vfs
