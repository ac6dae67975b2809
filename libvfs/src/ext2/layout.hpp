#pragma once
// The on-disk structures of ext2 as plain structs, decoded from and encoded to little-endian
// bytes field by field (no casts of disk bytes to structs). Offsets are those of the Linux
// headers (fs/ext2/ext2.h) and the e2fsprogs documentation.

#include <vfs/types.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mos::vfs::ext2 {

inline std::uint16_t load16(const std::byte* p) noexcept {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) |
                                    (std::to_integer<unsigned>(p[1]) << 8));
}
inline std::uint32_t load32(const std::byte* p) noexcept {
  return std::to_integer<std::uint32_t>(p[0]) | (std::to_integer<std::uint32_t>(p[1]) << 8) |
         (std::to_integer<std::uint32_t>(p[2]) << 16) |
         (std::to_integer<std::uint32_t>(p[3]) << 24);
}
inline void store16(std::byte* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::byte>(v);
  p[1] = static_cast<std::byte>(v >> 8);
}
inline void store32(std::byte* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}

inline constexpr std::uint16_t kMagic = 0xEF53;
inline constexpr std::uint64_t kSuperblockOffset = 1024;
inline constexpr std::size_t kSuperblockSize = 1024;
inline constexpr std::uint32_t kRootInode = 2;
inline constexpr std::uint32_t kGoodOldFirstInode = 11;
inline constexpr std::uint32_t kGoodOldInodeSize = 128;
inline constexpr std::size_t kGroupDescriptorSize = 32;
inline constexpr std::uint32_t kDirectBlocks = 12;
inline constexpr std::uint32_t kBlockPointers = 15;
inline constexpr std::size_t kFastSymlinkMax = 59;  // i_block holds 60 bytes, with room for a NUL.
inline constexpr std::uint16_t kLinkMax = 32000;    // EXT2_LINK_MAX.
inline constexpr std::uint16_t kStateValid = 1;
inline constexpr std::uint32_t kIndexFlag = 0x1000;  // EXT2_INDEX_FL: an htree directory.
inline constexpr std::uint32_t kXattrMagic = 0xEA020000;

// Feature flags.
inline constexpr std::uint32_t kIncompatFiletype = 0x0002;
inline constexpr std::uint32_t kIncompatSupported = kIncompatFiletype;
inline constexpr std::uint32_t kRoCompatSparseSuper = 0x0001;
inline constexpr std::uint32_t kRoCompatLargeFile = 0x0002;
inline constexpr std::uint32_t kRoCompatSupported = kRoCompatSparseSuper | kRoCompatLargeFile;

/// The name of a feature bit (for the log), or "unknown".
std::string_view incompat_feature_name(std::uint32_t bit) noexcept;
std::string_view ro_compat_feature_name(std::uint32_t bit) noexcept;

/// The superblock fields the driver uses; `encode` writes back the ones it changes.
struct Superblock {
  std::uint32_t inodes_count = 0;
  std::uint32_t blocks_count = 0;
  std::uint32_t reserved_blocks_count = 0;
  std::uint32_t free_blocks_count = 0;
  std::uint32_t free_inodes_count = 0;
  std::uint32_t first_data_block = 0;
  std::uint32_t log_block_size = 0;
  std::uint32_t blocks_per_group = 0;
  std::uint32_t inodes_per_group = 0;
  std::uint16_t mount_count = 0;
  std::uint16_t magic = 0;
  std::uint16_t state = 0;
  std::uint32_t revision = 0;
  std::uint32_t first_inode = kGoodOldFirstInode;
  std::uint16_t inode_size = kGoodOldInodeSize;
  std::uint32_t feature_compat = 0;
  std::uint32_t feature_incompat = 0;
  std::uint32_t feature_ro_compat = 0;
  std::uint16_t want_extra_isize = 0;

  /// Decodes the 1024 bytes at offset 1024 of the disk.
  static Superblock decode(const std::byte* raw) noexcept;
  /// Writes the changeable fields (free counts, mount count, state, features) into `raw`.
  void encode(std::byte* raw) const noexcept;
};

/// One block group descriptor (32 bytes).
struct GroupDescriptor {
  std::uint32_t block_bitmap = 0;
  std::uint32_t inode_bitmap = 0;
  std::uint32_t inode_table = 0;
  std::uint16_t free_blocks = 0;
  std::uint16_t free_inodes = 0;
  std::uint16_t used_directories = 0;

  static GroupDescriptor decode(const std::byte* raw) noexcept;
  /// Writes the fields above into `raw`, leaving the rest (flags, checksums) as they are.
  void encode(std::byte* raw) const noexcept;
};

/// An inode's fields (128-byte base plus the extra timestamps of larger inodes).
struct InodeRecord {
  std::uint16_t mode = 0;
  std::uint32_t uid = 0;
  std::uint64_t size = 0;  // i_size | i_size_high << 32 (regular files only).
  std::uint32_t atime = 0, ctime = 0, mtime = 0, dtime = 0;
  std::uint32_t gid = 0;
  std::uint16_t links = 0;
  std::uint32_t blocks = 0;  // 512-byte units.
  std::uint32_t flags = 0;
  std::uint32_t block[kBlockPointers] = {};
  std::uint32_t file_acl = 0;
  std::uint16_t extra_isize = 0;
  std::uint32_t atime_extra = 0, ctime_extra = 0, mtime_extra = 0;

  /// Decodes an inode of `inode_size` bytes.
  static InodeRecord decode(const std::byte* raw, std::uint32_t inode_size) noexcept;
  /// Writes the fields into an inode of `inode_size` bytes, leaving the others as they are.
  void encode(std::byte* raw, std::uint32_t inode_size) const noexcept;
  /// Whether the extra timestamps are present (i_extra_isize covers i_atime_extra).
  bool has_extra_times(std::uint32_t inode_size) const noexcept {
    return inode_size > 128 && extra_isize >= 16 && 128u + extra_isize <= inode_size;
  }
};

/// Seconds and nanoseconds from an inode's 32-bit seconds and its *_extra field (epoch bits and
/// nanoseconds), and back.
Timespec decode_time(std::uint32_t seconds, std::uint32_t extra, bool has_extra) noexcept;
void encode_time(Timespec time, std::uint32_t& seconds, std::uint32_t& extra) noexcept;

/// A device number in i_block[0] (old encoding) or i_block[1] (new).
DeviceNumber decode_device(const std::uint32_t* block) noexcept;
void encode_device(DeviceNumber device, std::uint32_t* block) noexcept;

// Directory entries: inode (4), rec_len (2), name_len (1), file_type (1), name.
inline constexpr std::uint32_t kDirentHeader = 8;
/// The record length an entry with a name of `length` bytes needs.
constexpr std::uint32_t dirent_length(std::size_t length) noexcept {
  return static_cast<std::uint32_t>((kDirentHeader + length + 3) & ~std::size_t{3});
}
/// The file_type byte for a file type, and the file type for one (nullopt-like: 0 unknown).
std::uint8_t dirent_type(FileType type) noexcept;
bool file_type_of_dirent(std::uint8_t byte, FileType& type) noexcept;

}  // namespace mos::vfs::ext2
