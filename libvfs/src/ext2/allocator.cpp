// Block and inode allocation: the bitmaps (through the block cache) and the free counts of the
// group descriptors and the superblock, kept in step.
#include "ext2_fs.hpp"

#include <k/log.hpp>

namespace mos::vfs::ext2 {
namespace {

bool test_bit(const std::byte* bitmap, std::uint32_t bit) noexcept {
  return (std::to_integer<unsigned>(bitmap[bit / 8]) & (1u << (bit % 8))) != 0;
}
void set_bit(std::byte* bitmap, std::uint32_t bit) noexcept {
  bitmap[bit / 8] |= static_cast<std::byte>(1u << (bit % 8));
}
void clear_bit(std::byte* bitmap, std::uint32_t bit) noexcept {
  bitmap[bit / 8] &= static_cast<std::byte>(~(1u << (bit % 8)));
}

// The first clear bit in [from, count), or count.
std::uint32_t find_clear(const std::byte* bitmap, std::uint32_t from,
                         std::uint32_t count) noexcept {
  for (std::uint32_t bit = from; bit < count; ++bit) {
    if (bit % 8 == 0 && bit + 8 <= count && bitmap[bit / 8] == std::byte{0xff}) {
      bit += 7;
      continue;
    }
    if (!test_bit(bitmap, bit)) return bit;
  }
  return count;
}

}  // namespace

std::uint32_t Ext2Fs::blocks_in_group(std::uint32_t group) const noexcept {
  const std::uint32_t first = first_block_of_group(group);
  const std::uint32_t left = sb_.blocks_count - first;
  return left < sb_.blocks_per_group ? left : sb_.blocks_per_group;
}

Result<std::uint32_t> Ext2Fs::allocate_block(std::uint32_t goal) noexcept {
  if (sb_.free_blocks_count == 0) return Error::NoSpace;
  std::uint32_t start_group = 0;
  std::uint32_t start_bit = 0;
  if (valid_data_block(goal)) {
    start_group = (goal - sb_.first_data_block) / sb_.blocks_per_group;
    start_bit = (goal - sb_.first_data_block) % sb_.blocks_per_group;
  }
  // Every group once from the goal on, then the goal's group again from its start.
  for (std::uint32_t i = 0; i <= group_count_; ++i) {
    const std::uint32_t g = (start_group + i) % group_count_;
    if (groups_[g].free_blocks == 0) continue;
    BlockCache::Block* bitmap = MOS_TRY(cache_.get(groups_[g].block_bitmap));
    const std::uint32_t count = blocks_in_group(g);
    const std::uint32_t bit = find_clear(bitmap->data, i == 0 ? start_bit : 0, count);
    if (bit == count) continue;
    const std::uint32_t block = first_block_of_group(g) + bit;
    if (is_group_metadata(g, block)) {
      log::error("ext2: the block bitmap of group {} says metadata block {} is free", g, block);
      return Error::BadMessage;
    }
    set_bit(bitmap->data, bit);
    bitmap->dirty = true;
    --groups_[g].free_blocks;
    --sb_.free_blocks_count;
    metadata_dirty_ = true;
    return block;
  }
  return Error::NoSpace;
}

bool Ext2Fs::is_group_metadata(std::uint32_t group, std::uint32_t block) const noexcept {
  const GroupDescriptor& d = groups_[group];
  // 64-bit: a crafted inode count and size must not wrap the table's extent.
  const std::uint64_t table_blocks =
      (std::uint64_t{sb_.inodes_per_group} * inode_size_ + block_size_ - 1) / block_size_;
  return block == d.block_bitmap || block == d.inode_bitmap ||
         (block >= d.inode_table && block - d.inode_table < table_blocks);
}

Result<void> Ext2Fs::free_block(std::uint32_t block) noexcept {
  if (!valid_data_block(block)) {
    log::error("ext2: freeing block {}, which is outside the file system", block);
    return Error::BadMessage;
  }
  const std::uint32_t g = (block - sb_.first_data_block) / sb_.blocks_per_group;
  // A crafted block pointer naming a bitmap or the inode table must not free it (it would be
  // handed out as file data and overwrite the metadata).
  if (is_group_metadata(g, block)) {
    log::error("ext2: freeing block {}, which holds the metadata of group {}", block, g);
    return Error::BadMessage;
  }
  const std::uint32_t bit = (block - sb_.first_data_block) % sb_.blocks_per_group;
  BlockCache::Block* bitmap = MOS_TRY(cache_.get(groups_[g].block_bitmap));
  if (!test_bit(bitmap->data, bit)) {
    log::error("ext2: block {} is freed but was free already", block);
    return Error::BadMessage;
  }
  clear_bit(bitmap->data, bit);
  bitmap->dirty = true;
  ++groups_[g].free_blocks;
  ++sb_.free_blocks_count;
  metadata_dirty_ = true;
  cache_.discard(block);
  return {};
}

Result<std::uint32_t> Ext2Fs::allocate_inode(std::uint32_t parent, bool directory) noexcept {
  if (sb_.free_inodes_count == 0) return Error::NoSpace;
  std::uint32_t start = group_of_inode(parent) % group_count_;
  if (directory) {
    // Spread directories: the group with free inodes and the most free blocks.
    std::uint32_t best = group_count_;
    for (std::uint32_t g = 0; g < group_count_; ++g) {
      if (groups_[g].free_inodes == 0) continue;
      if (best == group_count_ || groups_[g].free_blocks > groups_[best].free_blocks) best = g;
    }
    if (best != group_count_) start = best;
  }
  for (std::uint32_t i = 0; i < group_count_; ++i) {
    const std::uint32_t g = (start + i) % group_count_;
    if (groups_[g].free_inodes == 0) continue;
    BlockCache::Block* bitmap = MOS_TRY(cache_.get(groups_[g].inode_bitmap));
    for (std::uint32_t bit = find_clear(bitmap->data, 0, sb_.inodes_per_group);
         bit < sb_.inodes_per_group;
         bit = find_clear(bitmap->data, bit + 1, sb_.inodes_per_group)) {
      const std::uint32_t inode = g * sb_.inodes_per_group + bit + 1;
      if (inode < sb_.first_inode) continue;  // Reserved inodes are never handed out.
      set_bit(bitmap->data, bit);
      bitmap->dirty = true;
      --groups_[g].free_inodes;
      --sb_.free_inodes_count;
      if (directory) ++groups_[g].used_directories;
      metadata_dirty_ = true;
      return inode;
    }
  }
  return Error::NoSpace;
}

Result<void> Ext2Fs::free_inode(std::uint32_t inode, bool directory) noexcept {
  if (inode == 0 || inode > sb_.inodes_count) return Error::BadMessage;
  const std::uint32_t g = group_of_inode(inode);
  const std::uint32_t bit = (inode - 1) % sb_.inodes_per_group;
  BlockCache::Block* bitmap = MOS_TRY(cache_.get(groups_[g].inode_bitmap));
  if (!test_bit(bitmap->data, bit)) {
    log::error("ext2: inode {} is freed but was free already", inode);
    return Error::BadMessage;
  }
  clear_bit(bitmap->data, bit);
  bitmap->dirty = true;
  ++groups_[g].free_inodes;
  ++sb_.free_inodes_count;
  if (directory && groups_[g].used_directories > 0) --groups_[g].used_directories;
  metadata_dirty_ = true;
  return {};
}

void Ext2Fs::note_large_file() noexcept {
  if ((sb_.feature_ro_compat & kRoCompatLargeFile) != 0 || sb_.revision < 1) return;
  sb_.feature_ro_compat |= kRoCompatLargeFile;
  metadata_dirty_ = true;
}

}  // namespace mos::vfs::ext2
