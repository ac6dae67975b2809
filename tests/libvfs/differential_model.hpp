#pragma once
// The two worlds of libvfs's differential test: the host's Linux, reached through the *at system
// calls relative to a scratch directory, and Mosaic's Vfs, reached through a Context whose
// working directory is a scratch directory of a fresh namespace. Both apply the same Operation
// and report an Outcome; both can describe their whole tree as a Snapshot. What the test
// compares, and the differences it does not compare, are in differential_test.cpp.

#include <vfs/open_file.hpp>
#include <vfs/vfs.hpp>

#include <k/ref_ptr.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mos::vfs::test::differential {

/// What an Operation does. Values of flags, modes, whence and access modes are Linux's (the
/// Mosaic world translates open flags; the others are the same numbers in libvfs).
enum class Op : std::uint8_t {
  Open,             // openat(path, flags, mode) into `slot`.
  Close,            // close(slot).
  Read,             // read(slot, length).
  Write,            // write(slot, data).
  ReadAt,           // pread(slot, length, offset).
  WriteAt,          // pwrite(slot, data, offset).
  Seek,             // lseek(slot, offset, whence).
  FileTruncate,     // ftruncate(slot, offset).
  FileStat,         // fstat(slot).
  FileChmod,        // fchmod(slot, mode).
  MakeDirectory,    // mkdirat(path, mode).
  RemoveDirectory,  // unlinkat(path, AT_REMOVEDIR).
  Unlink,           // unlinkat(path, 0).
  Rename,           // renameat(path, other).
  Link,             // linkat(path, other, flags & 1 ? AT_SYMLINK_FOLLOW : 0).
  Symlink,          // symlinkat(other, path): `other` is the target.
  ReadLink,         // readlinkat(path, length).
  Stat,             // fstatat(path, 0).
  LinkStat,         // fstatat(path, AT_SYMLINK_NOFOLLOW).
  Chmod,            // fchmodat(path, mode).
  Truncate,         // truncate(path, offset).
  Access,           // faccessat2(path, flags, AT_EACCESS).
  MakeNode,         // mknodat(path, mode, 1:3).
  ReadDirectory,    // open(path, O_RDONLY | O_DIRECTORY), every entry, close.
};

/// Who performs an operation: the process's own ids, or (when the process is root) an
/// unprivileged user.
enum class Actor : std::uint8_t { Self, Other };

/// The number of open files an operation sequence may hold at once.
inline constexpr int kSlots = 6;

/// One step of a sequence; see Op for which fields each kind uses.
struct Operation {
  Op op = Op::Stat;
  Actor actor = Actor::Self;
  std::string path;
  std::string other;
  std::uint32_t flags = 0;
  std::uint32_t mode = 0;
  int slot = 0;
  std::int64_t offset = 0;
  std::int64_t length = 0;
  int whence = 0;
  std::string data;
};

/// What the test compares of a stat: everything but times, st_dev, st_ino, st_blocks and
/// st_blksize (inode identity is compared relationally, in Snapshot).
struct StatFields {
  std::uint32_t mode = 0;
  std::uint64_t links = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t rdev = 0;
  std::int64_t size = 0;
  friend bool operator==(const StatFields&, const StatFields&) = default;
};

/// What an operation did: success or the errno, and what it returned.
struct Outcome {
  int error = 0;           ///< 0 or the errno.
  std::int64_t value = 0;  ///< Bytes read or written, the new offset, a link's length.
  std::string text;        ///< Bytes read, a link's target, a directory's sorted names.
  std::optional<StatFields> attributes;  ///< stat, fstat, and fstat after a successful open.
  std::int64_t offset = -1;  ///< An open file's offset after a descriptor operation; -1: none.
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

/// One name of a tree (or an open file, named "#slotN").
struct Entry {
  int error = 0;  ///< lstat's errno (the name is there, but the snapshot cannot see it).
  StatFields attributes;
  std::string contents;  ///< A regular file's bytes or a symlink's target.
  int contents_error = 0;
  std::string same_as;  ///< The first name (in name order) of the same inode.
  friend bool operator==(const Entry&, const Entry&) = default;
};

/// A whole tree under the scratch directory ("." is the directory itself), by relative name.
using Snapshot = std::map<std::string, Entry>;

/// Fills in Entry::same_as from (device, inode) pairs of each name.
void relate_inodes(Snapshot& snapshot,
                   const std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>& inodes);

/// A user's ids.
struct Identity {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

/// The host's Linux: operations relative to an O_PATH descriptor of a scratch directory.
/// Actor::Other's operations run with the fs ids (setfsuid/setfsgid) of `other`.
class HostWorld {
 public:
  HostWorld(int directory, Identity other) : directory_(directory), other_(other) {
    slots_.fill(-1);
  }
  ~HostWorld();
  HostWorld(const HostWorld&) = delete;
  HostWorld& operator=(const HostWorld&) = delete;

  Outcome apply(const Operation& operation);
  /// The tree, seen by Actor::Self.
  Snapshot snapshot();
  /// stat (`follow`) or lstat of `path` by Actor::Self, for the test's own decisions (which
  /// operations to leave out); nullopt when it fails.
  std::optional<StatFields> probe(const std::string& path, bool follow) const;
  /// readlink of `path` by Actor::Self; nullopt when it fails.
  std::optional<std::string> probe_link(const std::string& path) const;
  /// fstat of the file open in `slot`; nullopt if none is.
  std::optional<StatFields> probe_slot(int slot) const;

 private:
  Outcome apply_as_actor(const Operation& operation);
  Outcome apply_to_slot(const Operation& operation, int fd);
  void list(const std::string& directory, Snapshot& snapshot,
            std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>& inodes);

  int directory_;
  Identity other_;
  std::array<int, kSlots> slots_;
};

/// Mosaic's Vfs: operations relative to a scratch directory (the contexts' cwd).
class MosaicWorld {
 public:
  MosaicWorld(Vfs& vfs, const Context& self, const Context& other)
      : vfs_(vfs), self_(self), other_(other) {}
  MosaicWorld(const MosaicWorld&) = delete;
  MosaicWorld& operator=(const MosaicWorld&) = delete;

  Outcome apply(const Operation& operation);
  /// The tree, seen by Actor::Self.
  Snapshot snapshot();

 private:
  const Context& context(Actor actor) const { return actor == Actor::Self ? self_ : other_; }
  Outcome apply_to_slot(const Operation& operation, OpenFile& file);
  void list(const std::string& directory, Snapshot& snapshot,
            std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>& inodes);

  Vfs& vfs_;
  Context self_;
  Context other_;
  std::array<RefPtr<OpenFile>, kSlots> slots_;
};

}  // namespace mos::vfs::test::differential
