#pragma once
/// FileSystem: one mounted-or-mountable instance of a file system (a tmpfs, an ext2 volume,
/// devfs, procfs): its root, its statistics, its device number, and whether it may be written.

#include <vfs/types.hpp>
#include <vfs/vnode.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstdint>
#include <string_view>

namespace mos::vfs {

/// See the file comment.
class FileSystem : public RefCounted {
 public:
  /// The root directory.
  virtual RefPtr<Vnode> root() noexcept = 0;
  /// The file system's type as /proc/mounts names it ("tmpfs", "proc", ...).
  virtual std::string_view type_name() const noexcept = 0;
  /// statfs; the VFS adds the read-only flag of the mount.
  virtual StatFs statistics() noexcept = 0;
  /// Writes everything cached to storage.
  virtual Result<void> sync() noexcept { return {}; }
  /// Called when the last mount of the file system goes (after that, no operation reaches it).
  virtual void unmounted() noexcept {}

  /// st_dev of every file in it: an anonymous device number (major 0), unique while it lives.
  DeviceNumber device() const noexcept { return device_; }
  /// Whether the file system itself refuses writes (a read-only medium or mount option).
  bool read_only() const noexcept { return read_only_; }

 protected:
  /// Takes an anonymous device number.
  explicit FileSystem(bool read_only = false) noexcept;
  ~FileSystem() override;

 private:
  DeviceNumber device_;
  bool read_only_;
};

}  // namespace mos::vfs
