// The tmpfs instance: limits and accounting, the root directory, statfs.
#include "tmp_node.hpp"

#include <new>

namespace mos::vfs {

TmpFs::TmpFs(const TmpFsOptions& options) noexcept
    : FileSystem(options.read_only),
      max_pages_((options.max_bytes + TmpNode::kPageSize - 1) / TmpNode::kPageSize),
      max_inodes_(options.max_inodes) {}

TmpFs::~TmpFs() { root_.reset(); }  // Frees the tree while the accounting is still here.

Result<RefPtr<TmpFs>> TmpFs::create(const TmpFsOptions& options) noexcept {
  auto* fs = new (std::nothrow) TmpFs(options);
  if (fs == nullptr) return Error::NoMemory;
  RefPtr<TmpFs> result = RefPtr<TmpFs>::adopt(fs);
  const NodeSpec root{mode_of(FileType::Directory, options.root_mode), options.root_uid,
                      options.root_gid, {}, {}, options.time};
  fs->root_ = MOS_TRY(TmpNode::make(*fs, root));
  return result;
}

RefPtr<Vnode> TmpFs::root() noexcept { return root_; }

StatFs TmpFs::statistics() noexcept {
  StatFs st;
  st.type = kTmpFsMagic;
  st.block_size = TmpNode::kPageSize;
  st.fragment_size = TmpNode::kPageSize;
  const std::uint64_t used = pages();
  st.blocks = max_pages_;
  st.free_blocks = st.available_blocks = max_pages_ > used ? max_pages_ - used : 0;
  const std::uint64_t files = inodes();
  st.files = max_inodes_;
  st.free_files = max_inodes_ > files ? max_inodes_ - files : 0;
  st.fsid = device().encode();
  st.name_max = kNameMax;
  if (read_only()) st.flags |= kStatFsReadOnly;
  return st;
}

Result<void> TmpFs::charge_pages(std::uint64_t count) noexcept {
  std::uint64_t used = pages_.load(std::memory_order_relaxed);
  do {
    if (max_pages_ != 0 && (used > max_pages_ || count > max_pages_ - used)) return Error::NoSpace;
  } while (!pages_.compare_exchange_weak(used, used + count, std::memory_order_relaxed));
  return {};
}

void TmpFs::uncharge_pages(std::uint64_t count) noexcept {
  pages_.fetch_sub(count, std::memory_order_relaxed);
}

Result<void> TmpFs::charge_inode() noexcept {
  std::uint64_t used = inodes_.load(std::memory_order_relaxed);
  do {
    if (max_inodes_ != 0 && used >= max_inodes_) return Error::NoSpace;
  } while (!inodes_.compare_exchange_weak(used, used + 1, std::memory_order_relaxed));
  return {};
}

void TmpFs::uncharge_inode() noexcept { inodes_.fetch_sub(1, std::memory_order_relaxed); }

}  // namespace mos::vfs
