// open(2): resolution with O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY and trailing slashes, the
// checks of Linux's may_open in its order, O_TRUNC, then the open file for the node's type
// (FIFOs and devices are opened after the namespace lock is released: they may wait).
#include <vfs/permission.hpp>
#include <vfs/vfs.hpp>

#include "../files/files.hpp"

#include <new>

namespace mos::vfs {
namespace {

using namespace open_flags;

// The access an open asks for, as access_mode bits (O_TRUNC needs write).
std::uint32_t wanted_access(std::uint32_t flags) noexcept {
  std::uint32_t wanted = 0;
  switch (flags & kAccessMode) {
    case kReadOnly:
      wanted = access_mode::kRead;
      break;
    case kWriteOnly:
      wanted = access_mode::kWrite;
      break;
    case kReadWrite:
      wanted = access_mode::kRead | access_mode::kWrite;
      break;
    default:
      break;
  }
  if ((flags & kTruncate) != 0) wanted |= access_mode::kWrite;
  return wanted;
}

}  // namespace

Result<RefPtr<OpenFile>> Vfs::open(const Context& context, std::string_view path,
                                   std::uint32_t flags, Mode mode) noexcept {
  if ((flags & kTemporary) == kTemporary || (flags & kPath) != 0) return Error::NotSupported;
  if ((flags & kCreate) != 0 && (flags & kDirectory) != 0) return Error::InvalidArgument;
  if ((flags & kAccessMode) == kAccessMode) return Error::InvalidArgument;
  const bool create = (flags & kCreate) != 0;
  const bool exclusive = create && (flags & kExclusive) != 0;
  const bool no_follow = (flags & kNoFollow) != 0;
  Intent intent = no_follow ? Intent::LookupNoFollow : Intent::Lookup;
  if (create) intent = exclusive || no_follow ? Intent::CreateNoFollow : Intent::Create;
  Path target;
  bool created = false;
  {
    sched::MutexGuard guard(lock_);
    Walk walk = MOS_TRY(this->walk(context, context.cwd, path, intent));
    if (create) {
      // Linux's order: ".", ".." and "/" exist (and are directories), a trailing slash asks for
      // a directory O_CREAT cannot make, then O_EXCL, then the type, then the sticky rule.
      if (walk.last != Last::Normal) return exclusive ? Error::Exists : Error::IsDirectory;
      if (walk.trailing_slash) return Error::IsDirectory;
      if (walk.target) {
        if (exclusive) return Error::Exists;
        if (walk.target.vnode().is_directory()) return Error::IsDirectory;
        MOS_TRY(check_create_in_sticky(context.credentials, walk.parent.vnode().attributes(),
                                       walk.target.vnode().attributes()));
      } else {
        const Mode permissions = mode & kPermissionMask & ~context.umask;
        MOS_TRY(create_locked(context, walk, mode_of(FileType::Regular, permissions), {}, {}));
        walk.target = Path(walk.parent.mount_, walk.child);
        created = true;
      }
    }
    if (!walk.target) return Error::NoEntry;
    if (walk.trailing_slash && !walk.target.vnode().is_directory()) return Error::NotDirectory;
    target = static_cast<Path&&>(walk.target);
  }
  return open_path(context, static_cast<Path&&>(target), flags, created);
}

Result<RefPtr<OpenFile>> Vfs::open_path(const Context& context, Path path, std::uint32_t flags,
                                        bool created) noexcept {
  Vnode& vnode = path.vnode();
  const FileType type = vnode.type();
  if ((flags & kDirectory) != 0 && type != FileType::Directory) return Error::NotDirectory;
  if (type == FileType::Symlink) return Error::SymlinkLoop;  // O_NOFOLLOW met a link.
  if (type == FileType::Directory && (wanted_access(flags) & access_mode::kWrite) != 0) {
    return Error::IsDirectory;
  }
  const bool device = type == FileType::CharDevice || type == FileType::BlockDevice;
  if (device && (path.mount().flags() & kMountNoDevices) != 0) return Error::AccessDenied;
  if (!created) {
    const std::uint32_t wanted = wanted_access(flags);
    const bool stored = type == FileType::Regular || type == FileType::Directory;
    if ((wanted & access_mode::kWrite) != 0 && stored) MOS_TRY(check_writable_mount(path));
    MOS_TRY(check_access(context.credentials, vnode.attributes(), wanted));
  }
  const Credentials& opener = context.credentials;
  const std::uint32_t kept = flags & ~(kCreate | kExclusive | kNoControllingTerminal | kTruncate);
  switch (type) {
    case FileType::Fifo:
      return open_fifo(*this, static_cast<Path&&>(path), kept, opener);
    case FileType::CharDevice:
    case FileType::BlockDevice: {
      RefPtr<Device> found = MOS_TRY(devices_.find(type, vnode.attributes().rdev));
      return open_device(*this, static_cast<Path&&>(path), kept, opener,
                         static_cast<RefPtr<Device>&&>(found));
    }
    case FileType::Socket:
      return Error::NoDeviceOrAddress;
    default:
      break;
  }
  if ((flags & kTruncate) != 0 && type == FileType::Regular && !created) {
    MOS_TRY(truncate_vnode(context, vnode, 0));
    const Timespec time = now();
    vnode.update([time](Attributes& a) { a.modify = a.change = time; });  // Even if it was empty.
  }
  auto* file = new (std::nothrow) PlainFile(*this, static_cast<Path&&>(path), kept, opener);
  if (file == nullptr) return Error::NoMemory;
  return RefPtr<OpenFile>::adopt(file);
}

}  // namespace mos::vfs
