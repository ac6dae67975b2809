#pragma once
/// ext2: the second extended file system, revision 0 and 1, read-write, on a BlockDevice.
///
/// What it holds: 1, 2 and 4 KiB blocks (up to 32 KiB), sparse superblocks, direct and single,
/// double and triple indirect blocks, linked directory entries (with the filetype feature or
/// without), fast and slow symlinks, hard links, device nodes (old and new number encodings),
/// FIFOs and sockets, large files (i_size_high), 128-byte and larger inodes (nanosecond
/// timestamps when the inode has room for them). Metadata goes through a block cache that is
/// written back by sync() and when the file system is unmounted; file contents go straight to
/// the disk.
///
/// Features: an INCOMPAT feature other than filetype refuses the mount (Error::NotSupported, the
/// feature logged by name); a RO_COMPAT feature other than sparse_super and large_file mounts
/// read-only. A disk whose structures are malformed gives Error::BadMessage (at mount, or at the
/// operation that meets the damage), a failing disk Error::Io: never a crash or a hang.

#include <vfs/block_device.hpp>
#include <vfs/file_system.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::vfs {

/// Whether a mount may write.
enum class Ext2Access : std::uint8_t {
  ReadWrite,  ///< Writable, unless the disk or a RO_COMPAT feature says otherwise.
  ReadOnly,   ///< Never writes to the disk.
};

/// How mount_ext2 mounts.
struct Ext2Options {
  Ext2Access access = Ext2Access::ReadWrite;
  /// Metadata blocks the cache keeps between operations (it writes back and drops the rest).
  std::size_t cache_blocks = 1024;
};

/// EXT2_SUPER_MAGIC, statfs's f_type and the superblock's s_magic.
inline constexpr std::uint64_t kExt2Magic = 0xEF53;

/// Mounts the ext2 file system on `disk` (its type_name() is "ext2"; read_only() tells whether
/// it came up read-only). Errors: Error::BadMessage for a disk that holds no ext2 file system or
/// a malformed one, Error::NotSupported for an incompatible feature, a revision above 1, 64 KiB
/// blocks or a block size the disk's sectors do not divide, Error::Io from the disk,
/// Error::NoMemory.
Result<RefPtr<FileSystem>> mount_ext2(RefPtr<BlockDevice> disk,
                                      const Ext2Options& options = {}) noexcept;

}  // namespace mos::vfs
