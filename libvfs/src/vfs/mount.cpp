// The mount table: mounting a file system or a bind of a directory over a directory, and
// unmounting when nothing uses the mount any more.
#include <vfs/vfs.hpp>

#include <k/panic.hpp>

#include <new>

namespace mos::vfs {

Mount::Mount(RefPtr<FileSystem> file_system, RefPtr<Dentry> root, Name source,
             std::uint32_t flags) noexcept
    : file_system_(static_cast<RefPtr<FileSystem>&&>(file_system)),
      root_(static_cast<RefPtr<Dentry>&&>(root)), source_(static_cast<Name&&>(source)),
      flags_(flags) {}

Mount::~Mount() { MOS_ASSERT(children_.empty()); }

bool Mount::read_only() const noexcept {
  return (flags_ & kMountReadOnly) != 0 || file_system_->read_only();
}

Mount* Vfs::mount_on(const Mount& parent, const Dentry& mountpoint) const noexcept {
  Mount* top = nullptr;  // The last one mounted there hides the others.
  for (const Mount& child : parent.children_) {
    if (child.mountpoint_.get() == &mountpoint) top = const_cast<Mount*>(&child);
  }
  return top;
}

void Vfs::attach_mount(RefPtr<Mount> mount, const Path& target) noexcept {
  Mount* m = mount.leak();  // The table's reference.
  m->parent_ = target.mount_.get();
  m->mountpoint_ = target.dentry_;
  ++target.dentry_->mounts_;
  target.mount_->children_.push_back(*m);
  mounts_.push_back(*m);
}

void Vfs::detach_mount(Mount& mount) noexcept {
  mounts_.erase(mount);
  if (mount.parent_ != nullptr) {
    mount.parent_->children_.erase(mount);
    --mount.mountpoint_->mounts_;
  }
  // The file system's dentries go with its last mount.
  bool last = true;
  for (const Mount& other : mounts_) last = last && other.file_system_.get() != mount.file_system_.get();
  if (last) {
    Dentry* top = mount.root_.get();
    while (top->parent() != nullptr) top = top->parent();
    detach_subtree(*top);
    mount.file_system_->unmounted();
  }
  mount.release();  // The table's reference.
}

Result<RefPtr<Dentry>> Vfs::root_dentry_of(FileSystem& file_system) noexcept {
  // A file system mounted already keeps its dentry tree: a second mount shares it.
  for (Mount& mount : mounts_) {
    if (mount.file_system_.get() != &file_system) continue;
    Dentry* top = mount.root_.get();
    while (top->parent() != nullptr) top = top->parent();
    return RefPtr<Dentry>(top);
  }
  return new_dentry(nullptr, "/", file_system.root());
}

Result<void> Vfs::mount(const Context& context, RefPtr<FileSystem> file_system,
                        std::string_view target, std::uint32_t flags,
                        std::string_view source) noexcept {
  if (!context.credentials.is_root()) return Error::NotPermitted;
  sched::MutexGuard guard(lock_);
  Path at = MOS_TRY(resolve_locked(context, context.cwd, target, true));
  if (!at.vnode().is_directory()) return Error::NotDirectory;
  if (at.dentry_->uncached_) return Error::InvalidArgument;  // Nothing would hold the mount.
  RefPtr<Dentry> root = MOS_TRY(root_dentry_of(*file_system));
  Name name = MOS_TRY(Name::copy(source));
  auto* mount = new (std::nothrow) Mount(static_cast<RefPtr<FileSystem>&&>(file_system),
                                         static_cast<RefPtr<Dentry>&&>(root),
                                         static_cast<Name&&>(name), flags);
  if (mount == nullptr) return Error::NoMemory;
  attach_mount(RefPtr<Mount>::adopt(mount), at);
  return {};
}

Result<void> Vfs::bind_mount(const Context& context, std::string_view source,
                             std::string_view target, std::uint32_t flags) noexcept {
  if (!context.credentials.is_root()) return Error::NotPermitted;
  sched::MutexGuard guard(lock_);
  Path from = MOS_TRY(resolve_locked(context, context.cwd, source, true));
  Path at = MOS_TRY(resolve_locked(context, context.cwd, target, true));
  if (from.vnode().is_directory() != at.vnode().is_directory()) return Error::NotDirectory;
  if (at.dentry_->uncached_) return Error::InvalidArgument;
  Name name = MOS_TRY(Name::copy(from.mount_->source()));
  auto* mount = new (std::nothrow) Mount(from.mount_->file_system_, from.dentry_,
                                         static_cast<Name&&>(name), flags);
  if (mount == nullptr) return Error::NoMemory;
  attach_mount(RefPtr<Mount>::adopt(mount), at);
  return {};
}

Result<void> Vfs::unmount(const Context& context, std::string_view target) noexcept {
  if (!context.credentials.is_root()) return Error::NotPermitted;
  sched::MutexGuard guard(lock_);
  Mount* mount;
  {
    Path at = MOS_TRY(resolve_locked(context, context.cwd, target, true));
    mount = at.mount_.get();
    if (at.dentry_.get() != mount->root_.get()) return Error::InvalidArgument;
    if (mount->parent_ == nullptr) return Error::Busy;  // The namespace's root.
    // Busy: mounts on it, or references besides the table's and `at`'s (open files, working
    // directories, roots: every Path in it).
    if (!mount->children_.empty() || mount->references() > 2) return Error::Busy;
  }
  detach_mount(*mount);
  return {};
}

}  // namespace mos::vfs
