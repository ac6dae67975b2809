#pragma once
/// The vocabulary of libvfs: file types and modes, attributes (stat), file-system statistics
/// (statfs), credentials, open flags and device numbers. Numeric values are Linux's, so the POSIX
/// layer passes them through unchanged.

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::vfs {

/// st_mode: the file type (kTypeMask) and the permission bits (kPermissionMask).
using Mode = std::uint32_t;

/// The file types, as the type bits of st_mode.
enum class FileType : Mode {
  Fifo = 0010000,
  CharDevice = 0020000,
  Directory = 0040000,
  BlockDevice = 0060000,
  Regular = 0100000,
  Symlink = 0120000,
  Socket = 0140000,
};

inline constexpr Mode kTypeMask = 0170000;
inline constexpr Mode kSetUid = 04000;
inline constexpr Mode kSetGid = 02000;
inline constexpr Mode kSticky = 01000;
/// Every bit chmod may set.
inline constexpr Mode kPermissionMask = 07777;

constexpr FileType type_of(Mode mode) noexcept { return static_cast<FileType>(mode & kTypeMask); }
constexpr Mode mode_of(FileType type, Mode permissions) noexcept {
  return static_cast<Mode>(type) | (permissions & kPermissionMask);
}
/// Whether the type bits of `mode` name one of the types above.
constexpr bool valid_type(Mode mode) noexcept {
  switch (type_of(mode)) {
    case FileType::Fifo:
    case FileType::CharDevice:
    case FileType::Directory:
    case FileType::BlockDevice:
    case FileType::Regular:
    case FileType::Symlink:
    case FileType::Socket:
      return true;
  }
  return false;
}

/// The d_type of a directory entry (DT_*) for a file type.
constexpr std::uint8_t directory_entry_type(FileType type) noexcept {
  return static_cast<std::uint8_t>(static_cast<Mode>(type) >> 12);
}

/// A device number, as Linux encodes it in st_dev and st_rdev (makedev).
struct DeviceNumber {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;

  constexpr std::uint64_t encode() const noexcept {
    return (std::uint64_t{major & 0xfffff000u} << 32) | (std::uint64_t{major & 0xfffu} << 8) |
           (std::uint64_t{minor & 0xffffff00u} << 12) | (minor & 0xffu);
  }
  static constexpr DeviceNumber decode(std::uint64_t dev) noexcept {
    return {static_cast<std::uint32_t>(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu)),
            static_cast<std::uint32_t>(((dev >> 12) & 0xffffff00u) | (dev & 0xffu))};
  }
  friend constexpr bool operator==(DeviceNumber, DeviceNumber) noexcept = default;
};

/// A point in time (seconds and nanoseconds since the epoch): timestamps and utimens arguments.
struct Timespec {
  std::int64_t seconds = 0;
  std::int64_t nanoseconds = 0;  ///< 0..999999999, or kNow / kOmit in utimens arguments.

  static constexpr std::int64_t kNow = (1 << 30) - 1;   ///< UTIME_NOW
  static constexpr std::int64_t kOmit = (1 << 30) - 2;  ///< UTIME_OMIT
  friend constexpr bool operator==(const Timespec&, const Timespec&) noexcept = default;
};

/// What stat reports (struct stat).
struct Stat {
  std::uint64_t device = 0;  ///< st_dev: the file system's device number, encoded.
  std::uint64_t inode = 0;
  Mode mode = 0;
  std::uint32_t links = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t rdev = 0;  ///< The device a device node stands for, encoded.
  std::int64_t size = 0;
  std::uint32_t block_size = 4096;  ///< st_blksize: the preferred I/O size.
  std::uint64_t blocks = 0;         ///< st_blocks: 512-byte units allocated.
  Timespec access;
  Timespec modify;
  Timespec change;
};

/// What statfs reports (struct statfs).
struct StatFs {
  std::uint64_t type = 0;  ///< The file system's magic number (f_type), e.g. TMPFS_MAGIC.
  std::uint64_t block_size = 4096;
  std::uint64_t blocks = 0;
  std::uint64_t free_blocks = 0;
  std::uint64_t available_blocks = 0;
  std::uint64_t files = 0;
  std::uint64_t free_files = 0;
  std::uint64_t fsid = 0;
  std::uint64_t name_max = 255;
  std::uint64_t fragment_size = 4096;
  std::uint64_t flags = 0;  ///< ST_RDONLY and friends.
};

/// ST_RDONLY.
inline constexpr std::uint64_t kStatFsReadOnly = 1;

/// Who asks: the ids permission checks use (a process's effective, or for access() real, ids)
/// and its supplementary groups. Root is uid 0.
struct Credentials {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::span<const std::uint32_t> groups;

  bool is_root() const noexcept { return uid == 0; }
  /// Whether `g` is the gid or one of the supplementary groups.
  bool in_group(std::uint32_t g) const noexcept {
    if (g == gid) return true;
    for (std::uint32_t member : groups) {
      if (member == g) return true;
    }
    return false;
  }
};

/// open(2) flags, Linux x86_64 values.
namespace open_flags {
inline constexpr std::uint32_t kReadOnly = 0;
inline constexpr std::uint32_t kWriteOnly = 01;
inline constexpr std::uint32_t kReadWrite = 02;
inline constexpr std::uint32_t kAccessMode = 03;
inline constexpr std::uint32_t kCreate = 0100;
inline constexpr std::uint32_t kExclusive = 0200;
inline constexpr std::uint32_t kNoControllingTerminal = 0400;
inline constexpr std::uint32_t kTruncate = 01000;
inline constexpr std::uint32_t kAppend = 02000;
inline constexpr std::uint32_t kNonBlocking = 04000;
inline constexpr std::uint32_t kDataSync = 010000;
inline constexpr std::uint32_t kDirect = 040000;
inline constexpr std::uint32_t kLargeFile = 0100000;
inline constexpr std::uint32_t kDirectory = 0200000;
inline constexpr std::uint32_t kNoFollow = 0400000;
inline constexpr std::uint32_t kNoAccessTime = 01000000;
inline constexpr std::uint32_t kCloseOnExec = 02000000;
inline constexpr std::uint32_t kSync = 04010000;
inline constexpr std::uint32_t kPath = 010000000;
inline constexpr std::uint32_t kTemporary = 020200000;
/// The flags fcntl(F_SETFL) may change.
inline constexpr std::uint32_t kStatusChangeable = kAppend | kNonBlocking | kDirect | kNoAccessTime;
}  // namespace open_flags

/// access(2) modes, and the permission bits a check asks for.
namespace access_mode {
inline constexpr std::uint32_t kExists = 0;
inline constexpr std::uint32_t kExecute = 1;
inline constexpr std::uint32_t kWrite = 2;
inline constexpr std::uint32_t kRead = 4;
}  // namespace access_mode

/// lseek whence values.
enum class Whence : int { Set = 0, Current = 1, End = 2, Data = 3, Hole = 4 };
constexpr bool valid_whence(Whence w) noexcept {
  return static_cast<int>(w) >= 0 && static_cast<int>(w) <= static_cast<int>(Whence::Hole);
}

/// The longest name of one path component (NAME_MAX), and of a whole path with its NUL
/// (PATH_MAX).
inline constexpr std::size_t kNameMax = 255;
inline constexpr std::size_t kPathMax = 4096;
/// How many symlinks one resolution follows before ELOOP (Linux's MAXSYMLINKS).
inline constexpr int kMaxSymlinks = 40;

}  // namespace mos::vfs
