#pragma once
/// Vnode: one file of a file system (an inode), as the VFS core sees it. A file system derives
/// from Vnode and implements the operations its files support; the core does everything that is
/// the same for every file system: path resolution, permission checks, timestamps, the checks
/// that make an operation valid (existence, types, emptiness, loops), and locking. So a file
/// system's operation is called only once the operation is known to be valid, and does the
/// mechanical part: add or remove an entry, move bytes, keep link counts and sizes.
///
/// Lifetime: a vnode lives no longer than its file system (mounts, and open files through their
/// mounts, keep file systems alive), so it refers to it without a reference.
///
/// Locking (see README.md): directory operations are called with the VFS's namespace lock held;
/// read, write and resize with the vnode's contents lock held. Attributes are read and written
/// under the vnode's attribute lock, a spinlock, through attributes() and update().

#include <vfs/types.hpp>

#include <vfs/fifo.hpp>

#include <sched/mutex.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mos::vfs {

class FileSystem;

/// The attributes every vnode has (what stat reports, less what the file system or VFS adds).
struct Attributes {
  Mode mode = 0;
  std::uint32_t links = 1;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  DeviceNumber rdev;
  std::int64_t size = 0;
  std::uint64_t blocks = 0;  ///< 512-byte units allocated.
  Timespec access;
  Timespec modify;
  Timespec change;
};

/// What a new node is to be: its type and permissions, owner, device number (device nodes) or
/// target (symlinks), and the time it is made.
struct NodeSpec {
  Mode mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  DeviceNumber rdev;
  std::string_view symlink_target;
  Timespec time;
};

/// Where readdir puts what it finds. `next` is the position to continue from after this entry.
/// emit returns false when it has no room for the entry (which is then not consumed).
class DirectorySink {
 public:
  virtual bool emit(std::string_view name, std::uint64_t inode, FileType type,
                    std::uint64_t next) noexcept = 0;

 protected:
  ~DirectorySink() = default;
};

/// The first position of a directory's own entries: readdir positions 0 and 1 are the VFS's "."
/// and "..".
inline constexpr std::uint64_t kFirstEntryPosition = 2;

/// See the file comment.
class Vnode : public RefCounted {
 public:
  FileSystem& file_system() const noexcept { return file_system_; }
  std::uint64_t inode() const noexcept { return inode_; }
  /// The type never changes.
  FileType type() const noexcept { return type_; }
  bool is_directory() const noexcept { return type_ == FileType::Directory; }

  /// A snapshot of the attributes.
  Attributes attributes() const noexcept {
    SpinLockGuard guard(attributes_lock_);
    return attributes_;
  }
  /// Changes the attributes with `change(Attributes&)` under the attribute lock (the type bits
  /// of the mode must stay), then tells the file system (attributes_changed).
  template <class F>
  void update(F change) noexcept {
    {
      SpinLockGuard guard(attributes_lock_);
      change(attributes_);
    }
    attributes_changed();
  }

  /// Serialises reads, writes and resizes of the contents (and O_APPEND's size-then-write).
  sched::Mutex& contents_lock() noexcept { return contents_lock_; }

  // --- Directory operations (namespace lock held; `this` is a directory) -------------------
  /// The entry `name` (never "." or ".."). Error::NoEntry.
  virtual Result<RefPtr<Vnode>> lookup(std::string_view name) noexcept;
  /// Makes a node as `spec` says under `name`, which does not exist. Error::NoSpace,
  /// Error::NoMemory, Error::NotSupported for a type the file system cannot hold.
  virtual Result<RefPtr<Vnode>> create(std::string_view name, const NodeSpec& spec) noexcept;
  /// Adds `name` (which does not exist) for `target`, a non-directory of this file system.
  virtual Result<void> link(std::string_view name, Vnode& target, Timespec now) noexcept;
  /// Removes `name`, which is `victim`: a non-directory, or an empty directory.
  virtual Result<void> unlink(std::string_view name, Vnode& victim, Timespec now) noexcept;
  /// Moves entry `from` (which is `moved`) to `to` in `to_directory` (a directory of the same
  /// file system), replacing `replaced` if that exists (a checked-compatible node: an empty
  /// directory for a directory, a non-directory for a non-directory).
  virtual Result<void> rename(std::string_view from, Vnode& moved, Vnode& to_directory,
                              std::string_view to, Vnode* replaced, Timespec now) noexcept;
  /// Whether the directory has no entries (besides "." and "..").
  virtual Result<bool> is_empty() noexcept;
  /// Emits entries from `position` on (at least kFirstEntryPosition) until the sink is full or
  /// the directory ends, and advances `position` past what was emitted. Positions stay valid
  /// while entries come and go: an entry present for the whole walk is emitted exactly once.
  virtual Result<void> read_directory(std::uint64_t& position, DirectorySink& sink) noexcept;

  // --- Contents (contents lock held) --------------------------------------------------------
  /// Reads at `offset`; 0 at or past the end.
  virtual Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out) noexcept;
  /// Writes at `offset`, growing the file as needed; may write less than asked (Error::NoSpace
  /// only when nothing could be written).
  virtual Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data) noexcept;
  /// Sets the size: shrinking drops the contents beyond, growing reads as zeros.
  virtual Result<void> resize(std::uint64_t size) noexcept;
  /// A symlink's target (copied into `out`, truncated to fit); returns its length.
  virtual Result<std::size_t> read_link(std::span<char> out) noexcept;

  /// Writes what the file system caches of this file to its storage.
  virtual Result<void> sync() noexcept { return {}; }

  /// Whether the dentry cache may remember this directory's names (positive and negative).
  /// A directory whose entries come and go behind the VFS's back (procfs's process list) says
  /// no, and every lookup in it asks the file system.
  virtual bool caches_names() const noexcept { return true; }

  // --- The VFS's per-vnode state ------------------------------------------------------------
  /// A FIFO's open state (see fifo.hpp).
  Fifo& fifo() noexcept { return fifo_; }

 protected:
  Vnode(FileSystem& file_system, std::uint64_t inode, const Attributes& attributes) noexcept;
  ~Vnode() override;

  /// Called after update() changed the attributes (a disk file system marks the inode dirty).
  virtual void attributes_changed() noexcept {}

  /// The attributes, for a file system's own operations (take the attribute lock).
  SpinLock& attributes_lock() const noexcept { return attributes_lock_; }
  Attributes& attributes_locked() noexcept { return attributes_; }

 private:
  FileSystem& file_system_;
  const std::uint64_t inode_;
  const FileType type_;
  mutable SpinLock attributes_lock_;
  Attributes attributes_;
  sched::Mutex contents_lock_;
  Fifo fifo_;
};

}  // namespace mos::vfs
