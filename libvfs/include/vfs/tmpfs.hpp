#pragma once
/// tmpfs: a file system in memory. Files are sparse (pages are allocated on first write, holes
/// read as zeros), hard links are counted, and a size limit (pages) and an inode limit give
/// Error::NoSpace as a full disk would. Directories keep their entries by name and hand out
/// readdir positions that stay valid while entries come and go.

#include <vfs/file_system.hpp>
#include <vfs/types.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <atomic>
#include <cstdint>

namespace mos::vfs {

/// How a tmpfs is made (mount -t tmpfs -o size=,nr_inodes=,mode=,uid=,gid=).
struct TmpFsOptions {
  std::uint64_t max_bytes = 0;   ///< File contents at most (rounded up to pages); 0: no limit.
  std::uint64_t max_inodes = 0;  ///< Files at most, the root included; 0: no limit.
  Mode root_mode = 01777;        ///< The root directory's permissions.
  std::uint32_t root_uid = 0;
  std::uint32_t root_gid = 0;
  Timespec time;                 ///< The root directory's timestamps.
  bool read_only = false;
};

/// TMPFS_MAGIC, statfs's f_type.
inline constexpr std::uint64_t kTmpFsMagic = 0x01021994;

/// The largest tmpfs file (2^44 bytes, 16 TiB): offsets beyond are Error::FileTooBig.
inline constexpr std::uint64_t kTmpFsMaxFileSize = std::uint64_t{1} << 44;

class TmpNode;

/// See the file comment.
class TmpFs final : public FileSystem {
 public:
  /// A new, empty tmpfs. Error::NoMemory.
  static Result<RefPtr<TmpFs>> create(const TmpFsOptions& options = {}) noexcept;

  RefPtr<Vnode> root() noexcept override;
  std::string_view type_name() const noexcept override { return "tmpfs"; }
  StatFs statistics() noexcept override;

  /// Pages and inodes in use.
  std::uint64_t pages() const noexcept { return pages_.load(std::memory_order_relaxed); }
  std::uint64_t inodes() const noexcept { return inodes_.load(std::memory_order_relaxed); }

  // For TmpNode: accounting against the limits (Error::NoSpace) and inode numbers.
  Result<void> charge_pages(std::uint64_t count) noexcept;
  void uncharge_pages(std::uint64_t count) noexcept;
  Result<void> charge_inode() noexcept;
  void uncharge_inode() noexcept;
  std::uint64_t next_inode() noexcept { return next_inode_.fetch_add(1, std::memory_order_relaxed); }

 private:
  explicit TmpFs(const TmpFsOptions& options) noexcept;
  ~TmpFs() override;

  std::uint64_t max_pages_;
  std::uint64_t max_inodes_;
  std::atomic<std::uint64_t> pages_{0};
  std::atomic<std::uint64_t> inodes_{0};
  std::atomic<std::uint64_t> next_inode_{1};
  RefPtr<TmpNode> root_;
};

}  // namespace mos::vfs
