#pragma once
/// Dentry, Mount and Path: where a file is in the namespace.
///
/// - A Dentry is a name in a directory of one file system, with the vnode it names (or none: a
///   negative entry, remembering that the name does not exist). Dentries form a tree per file
///   system, the dentry cache: a parent holds its cached children (by name), a child holds its
///   parent. Unused dentries are dropped when the cache grows past its limit.
/// - A Mount puts a file system's dentry (its root, or any directory for a bind mount) over a
///   dentry of another mount, the mountpoint, which the mount then hides.
/// - A Path is a (mount, dentry) pair: a place in the namespace, as a process's working
///   directory, root, or an open file's name. Holding one keeps the mount busy (umount says
///   Error::Busy).
///
/// All of it changes only under the VFS's namespace lock; Paths may be copied and dropped
/// anywhere.

#include <vfs/file_system.hpp>
#include <vfs/name.hpp>
#include <vfs/vnode.hpp>

#include <k/intrusive_list.hpp>
#include <k/intrusive_rb_tree.hpp>
#include <k/ref_ptr.hpp>

#include <cstdint>
#include <string_view>

namespace mos::vfs {

class Vfs;

/// See the file comment.
class Dentry final : public RefCounted {
 public:
  std::string_view name() const noexcept { return name_.view(); }
  /// The parent, or nullptr for the root of a file system (or a dentry that was removed).
  Dentry* parent() const noexcept { return parent_.get(); }
  /// The vnode, or nullptr for a negative entry.
  Vnode* vnode() const noexcept { return vnode_.get(); }
  /// Whether something is mounted on it.
  bool is_mountpoint() const noexcept { return mounts_ > 0; }
  /// Whether it was unlinked, renamed over or removed from the cache's tree.
  bool is_detached() const noexcept { return detached_; }

 private:
  friend class Vfs;
  struct ByName {
    bool operator()(const Dentry& a, const Dentry& b) const noexcept {
      return a.name() < b.name();
    }
  };

  Dentry(Name name, RefPtr<Dentry> parent, RefPtr<Vnode> vnode) noexcept;
  ~Dentry() override;

  Name name_;
  RefPtr<Dentry> parent_;
  RefPtr<Vnode> vnode_;
  RbNode sibling_;  // In the parent's children.
  ListNode lru_;    // On the cache's list, least recently used first.
  IntrusiveRbTree<Dentry, &Dentry::sibling_, ByName> children_;
  std::uint32_t mounts_ = 0;
  bool detached_ = false;
  bool uncached_ = false;  // Made for one lookup in a directory that caches no names.
};

/// See the file comment.
class Mount final : public RefCounted {
 public:
  FileSystem& file_system() const noexcept { return *file_system_; }
  /// The directory of the file system this mount shows (its root, or another for a bind mount).
  Dentry& root() const noexcept { return *root_; }
  /// The mount this one is on, and the dentry it covers there; nullptr for the namespace's root.
  Mount* parent() const noexcept { return parent_; }
  Dentry* mountpoint() const noexcept { return mountpoint_.get(); }
  /// Mount flags (kMountReadOnly ...).
  std::uint32_t flags() const noexcept { return flags_; }
  bool read_only() const noexcept;
  /// What mount named as its source ("none", a device path, ...), for /proc/mounts.
  std::string_view source() const noexcept { return source_.view(); }

 private:
  friend class Vfs;
  Mount(RefPtr<FileSystem> file_system, RefPtr<Dentry> root, Name source,
        std::uint32_t flags) noexcept;
  ~Mount() override;

  RefPtr<FileSystem> file_system_;
  RefPtr<Dentry> root_;
  Mount* parent_ = nullptr;  // Outlives this mount: umount refuses a mount with children.
  RefPtr<Dentry> mountpoint_;
  Name source_;
  std::uint32_t flags_;
  ListNode sibling_;     // In the parent's children.
  ListNode table_node_;  // In the VFS's list of mounts, in mount order.
  IntrusiveList<Mount, &Mount::sibling_> children_;
};

/// Mount flags (Linux's MS_ values).
inline constexpr std::uint32_t kMountReadOnly = 1;
inline constexpr std::uint32_t kMountNoSetId = 2;
inline constexpr std::uint32_t kMountNoDevices = 4;
inline constexpr std::uint32_t kMountNoExec = 8;

/// See the file comment.
class Path {
 public:
  Path() noexcept = default;
  Path(RefPtr<Mount> mount, RefPtr<Dentry> dentry) noexcept
      : mount_(static_cast<RefPtr<Mount>&&>(mount)), dentry_(static_cast<RefPtr<Dentry>&&>(dentry)) {}

  explicit operator bool() const noexcept { return dentry_.get() != nullptr; }
  Mount& mount() const noexcept { return *mount_; }
  Dentry& dentry() const noexcept { return *dentry_; }
  /// The vnode (a Path always names an existing file).
  Vnode& vnode() const noexcept { return *dentry_->vnode(); }
  friend bool operator==(const Path& a, const Path& b) noexcept {
    return a.mount_.get() == b.mount_.get() && a.dentry_.get() == b.dentry_.get();
  }

 private:
  friend class Vfs;
  RefPtr<Mount> mount_;
  RefPtr<Dentry> dentry_;
};

}  // namespace mos::vfs
