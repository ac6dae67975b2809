// Operations on attributes: stat, chmod, chown, utimens, truncate, access, statfs, by path and
// by open file, with Linux's permission rules and its order of checks.
#include <vfs/permission.hpp>
#include <vfs/vfs.hpp>

namespace mos::vfs {
namespace {

// Linux drops setuid, and setgid when group-execute is set, from a non-directory whose owner
// changes: a file given away must not keep privileges.
Mode without_privileges(Mode mode) noexcept {
  if (type_of(mode) == FileType::Directory) return mode;
  mode &= ~kSetUid;
  if ((mode & 0010) != 0) mode &= ~kSetGid;
  return mode;
}

bool valid_time(const Timespec& t) noexcept {
  return t.nanoseconds == Timespec::kNow || t.nanoseconds == Timespec::kOmit ||
         (t.nanoseconds >= 0 && t.nanoseconds < 1'000'000'000);
}

}  // namespace

Stat Vfs::stat_of(const Vnode& vnode) const noexcept {
  const Attributes a = vnode.attributes();
  Stat st;
  st.device = vnode.file_system().device().encode();
  st.inode = vnode.inode();
  st.mode = a.mode;
  st.links = a.links;
  st.uid = a.uid;
  st.gid = a.gid;
  st.rdev = a.rdev.encode();
  st.size = a.size;
  st.blocks = a.blocks;
  st.access = a.access;
  st.modify = a.modify;
  st.change = a.change;
  return st;
}

Result<Stat> Vfs::stat(const Context& context, std::string_view path, bool follow) noexcept {
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, path, follow));
  return stat_of(at.vnode());
}

Result<Stat> Vfs::stat(const OpenFile& file) noexcept { return stat_of(file.vnode()); }

Result<void> Vfs::change_mode_of(const Context& context, const Path& path, Mode mode) noexcept {
  MOS_TRY(check_writable_mount(path));
  Vnode& vnode = path.vnode();
  const Attributes a = vnode.attributes();
  MOS_TRY(check_owner(context.credentials, a));
  Mode permissions = mode & kPermissionMask;
  if (!context.credentials.is_root() && !context.credentials.in_group(a.gid)) {
    permissions &= ~kSetGid;
  }
  const Timespec time = now();
  vnode.update([&](Attributes& attributes) {
    attributes.mode = (attributes.mode & kTypeMask) | permissions;
    attributes.change = time;
  });
  return {};
}

Result<void> Vfs::change_mode(const Context& context, std::string_view path, Mode mode,
                              bool follow) noexcept {
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, path, follow));
  return change_mode_of(context, at, mode);
}

Result<void> Vfs::change_mode(const Context& context, OpenFile& file, Mode mode) noexcept {
  return change_mode_of(context, file.path(), mode);
}

Result<void> Vfs::change_owner_of(const Context& context, const Path& path, std::uint32_t uid,
                                  std::uint32_t gid) noexcept {
  MOS_TRY(check_writable_mount(path));
  Vnode& vnode = path.vnode();
  const Attributes a = vnode.attributes();
  const Credentials& who = context.credentials;
  if (!who.is_root()) {
    const bool owner = who.uid == a.uid;
    if (uid != kUnchangedId && !(owner && uid == a.uid)) return Error::NotPermitted;
    if (gid != kUnchangedId && !(owner && (gid == a.gid || who.in_group(gid)))) {
      return Error::NotPermitted;
    }
    if (without_privileges(a.mode) != a.mode && !owner) return Error::NotPermitted;
  }
  const Timespec time = now();
  vnode.update([&](Attributes& attributes) {
    if (uid != kUnchangedId) attributes.uid = uid;
    if (gid != kUnchangedId) attributes.gid = gid;
    attributes.mode = without_privileges(attributes.mode);
    attributes.change = time;
  });
  return {};
}

Result<void> Vfs::change_owner(const Context& context, std::string_view path, std::uint32_t uid,
                               std::uint32_t gid, bool follow) noexcept {
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, path, follow));
  return change_owner_of(context, at, uid, gid);
}

Result<void> Vfs::change_owner(const Context& context, OpenFile& file, std::uint32_t uid,
                               std::uint32_t gid) noexcept {
  return change_owner_of(context, file.path(), uid, gid);
}

Result<void> Vfs::set_times_of(const Context& context, const Path& path, Timespec access,
                               Timespec modify) noexcept {
  if (access.nanoseconds == Timespec::kOmit && modify.nanoseconds == Timespec::kOmit) return {};
  MOS_TRY(check_writable_mount(path));
  Vnode& vnode = path.vnode();
  const Attributes a = vnode.attributes();
  const bool touch = access.nanoseconds == Timespec::kNow && modify.nanoseconds == Timespec::kNow;
  if (check_owner(context.credentials, a).has_value()) {
    // The owner (or root) sets any time.
  } else if (touch) {
    MOS_TRY(check_access(context.credentials, a, access_mode::kWrite));  // Touching: EACCES.
  } else {
    return Error::NotPermitted;  // Explicit times: owner only.
  }
  const Timespec time = now();
  vnode.update([&](Attributes& attributes) {
    if (access.nanoseconds != Timespec::kOmit) {
      attributes.access = access.nanoseconds == Timespec::kNow ? time : access;
    }
    if (modify.nanoseconds != Timespec::kOmit) {
      attributes.modify = modify.nanoseconds == Timespec::kNow ? time : modify;
    }
    attributes.change = time;
  });
  return {};
}

Result<void> Vfs::set_times(const Context& context, std::string_view path, Timespec access,
                            Timespec modify, bool follow) noexcept {
  if (!valid_time(access) || !valid_time(modify)) return Error::InvalidArgument;
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, path, follow));
  return set_times_of(context, at, access, modify);
}

Result<void> Vfs::set_times(const Context& context, OpenFile& file, Timespec access,
                            Timespec modify) noexcept {
  if (!valid_time(access) || !valid_time(modify)) return Error::InvalidArgument;
  return set_times_of(context, file.path(), access, modify);
}

Result<void> Vfs::truncate_vnode(const Context& context, Vnode& vnode, std::int64_t size) noexcept {
  sched::MutexGuard guard(vnode.contents_lock());
  const Attributes before = vnode.attributes();
  MOS_TRY(vnode.resize(static_cast<std::uint64_t>(size)));
  const Timespec time = now();
  vnode.update([&](Attributes& attributes) {
    if (before.size != size) attributes.modify = attributes.change = time;
    const Mode kept = mode_after_write(context.credentials, attributes);
    if (kept != attributes.mode) {
      attributes.mode = kept;
      attributes.change = time;
    }
  });
  return {};
}

Result<void> Vfs::truncate(const Context& context, std::string_view path, std::int64_t size) noexcept {
  if (size < 0) return Error::InvalidArgument;
  RefPtr<Vnode> vnode;
  {
    sched::MutexGuard guard(lock_);
    Path at = MOS_TRY(resolve_locked(context, context.cwd, path, true));
    Vnode& v = at.vnode();
    if (v.is_directory()) return Error::IsDirectory;
    if (v.type() != FileType::Regular) return Error::InvalidArgument;
    MOS_TRY(check_writable_mount(at));
    MOS_TRY(check_access(context.credentials, v.attributes(), access_mode::kWrite));
    vnode = RefPtr<Vnode>(&v);
  }
  return truncate_vnode(context, *vnode, size);
}

Result<void> Vfs::truncate(const Context& context, OpenFile& file, std::int64_t size) noexcept {
  if (size < 0) return Error::InvalidArgument;
  if (file.vnode().type() != FileType::Regular || !file.writable()) return Error::InvalidArgument;
  return truncate_vnode(context, file.vnode(), size);
}

Result<void> Vfs::access(const Context& context, std::string_view path, std::uint32_t mode,
                         bool follow) noexcept {
  if ((mode & ~std::uint32_t{7}) != 0) return Error::InvalidArgument;
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, path, follow));
  if (mode == access_mode::kExists) return {};
  const Vnode& vnode = at.vnode();
  const FileType type = vnode.type();
  const bool stored = type == FileType::Regular || type == FileType::Directory ||
                      type == FileType::Symlink;
  if ((mode & access_mode::kWrite) != 0 && stored) MOS_TRY(check_writable_mount(at));
  return check_access(context.credentials, vnode.attributes(), mode);
}

Result<StatFs> Vfs::statfs(const Context& context, std::string_view path) noexcept {
  Path at;
  {
    sched::MutexGuard guard(lock_);
    at = MOS_TRY(resolve_locked(context, context.cwd, path, true));
  }
  StatFs st = at.mount().file_system().statistics();
  if (at.mount().read_only()) st.flags |= kStatFsReadOnly;
  return st;
}

Result<StatFs> Vfs::statfs(const OpenFile& file) noexcept {
  StatFs st = file.path().mount().file_system().statistics();
  if (file.path().mount().read_only()) st.flags |= kStatFsReadOnly;
  return st;
}

}  // namespace mos::vfs
