// File blocks to disk blocks: twelve direct pointers in the inode, then single, double and
// triple indirect blocks. Every pointer read from the disk is checked against the volume, and
// every walk has a fixed depth, so a damaged tree (a pointer out of range, an indirect block
// that points at itself) ends in Error::BadMessage.
#include "ext2_fs.hpp"

#include <k/log.hpp>

namespace mos::vfs::ext2 {
namespace {

struct BlockPath {
  int depth = 0;           // Indirect levels.
  std::uint32_t slot = 0;  // Which of i_block.
  std::uint32_t index[3] = {};
};

Result<BlockPath> path_of(std::uint64_t index, std::uint64_t per_block) noexcept {
  BlockPath path;
  if (index < kDirectBlocks) {
    path.slot = static_cast<std::uint32_t>(index);
    return path;
  }
  index -= kDirectBlocks;
  if (index < per_block) {
    path.depth = 1;
    path.slot = 12;
    path.index[0] = static_cast<std::uint32_t>(index);
    return path;
  }
  index -= per_block;
  if (index < per_block * per_block) {
    path.depth = 2;
    path.slot = 13;
    path.index[0] = static_cast<std::uint32_t>(index / per_block);
    path.index[1] = static_cast<std::uint32_t>(index % per_block);
    return path;
  }
  index -= per_block * per_block;
  if (index < per_block * per_block * per_block) {
    path.depth = 3;
    path.slot = 14;
    path.index[0] = static_cast<std::uint32_t>(index / (per_block * per_block));
    path.index[1] = static_cast<std::uint32_t>((index / per_block) % per_block);
    path.index[2] = static_cast<std::uint32_t>(index % per_block);
    return path;
  }
  return Error::FileTooBig;
}

Error bad_pointer(const Ext2Node& node, std::uint32_t block) noexcept {
  log::error("ext2: inode {} points at block {}, outside the file system", node.inode(), block);
  return Error::BadMessage;
}

}  // namespace

Result<std::uint32_t> Ext2Fs::map_block(Ext2Node& node, std::uint64_t index) noexcept {
  const BlockPath path = MOS_TRY(path_of(index, block_size_ / 4));
  std::uint32_t block = node.record.block[path.slot];
  for (int level = 0; level < path.depth; ++level) {
    if (block == 0) return std::uint32_t{0};
    if (!valid_data_block(block)) return bad_pointer(node, block);
    BlockCache::Block* b = MOS_TRY(cache_.get(block));
    block = load32(b->data + 4 * path.index[level]);
  }
  if (block != 0 && !valid_data_block(block)) return bad_pointer(node, block);
  return block;
}

Result<std::uint32_t> Ext2Fs::map_block_for_write(Ext2Node& node, std::uint64_t index,
                                                  bool& fresh) noexcept {
  fresh = false;
  const BlockPath path = MOS_TRY(path_of(index, block_size_ / 4));
  const std::int64_t sectors = block_size_ / 512;
  std::uint32_t goal = node.next_goal;
  if (goal == 0) goal = first_block_of_group(group_of_inode(node.number()) % group_count_);
  std::uint32_t& top = node.record.block[path.slot];
  if (top == 0) {
    const std::uint32_t block = MOS_TRY(allocate_block(goal));
    if (path.depth > 0) MOS_TRY(cache_.get_zeroed(block));
    top = block;
    node.add_sectors(sectors);
    node.mark_dirty();
    node.next_goal = block + 1;
    if (path.depth == 0) fresh = true;
  } else if (!valid_data_block(top)) {
    return bad_pointer(node, top);
  }
  std::uint32_t block = top;
  for (int level = 0; level < path.depth; ++level) {
    BlockCache::Block* b = MOS_TRY(cache_.get(block));
    std::uint32_t next = load32(b->data + 4 * path.index[level]);
    if (next == 0) {
      next = MOS_TRY(allocate_block(block + 1));
      const bool indirect = level + 1 < path.depth;
      if (indirect) MOS_TRY(cache_.get_zeroed(next));
      store32(b->data + 4 * path.index[level], next);
      b->dirty = b->valid;
      node.add_sectors(sectors);
      node.mark_dirty();
      node.next_goal = next + 1;
      if (!indirect) fresh = true;
    } else if (!valid_data_block(next)) {
      return bad_pointer(node, next);
    }
    block = next;
  }
  return block;
}

namespace {

// Frees the blocks under `pointer` (a tree `depth` levels deep whose first file block is
// `first`) from file block `keep` on; returns whether the tree is now empty (and so freed).
Result<bool> free_tree(Ext2Fs& fs, Ext2Node& node, std::uint32_t& pointer, int depth,
                       std::uint64_t first, std::uint64_t keep) noexcept {
  if (pointer == 0) return true;
  const std::uint64_t per_block = fs.block_size() / 4;
  std::uint64_t child_span = 1;
  for (int i = 1; i < depth; ++i) child_span *= per_block;
  if (first + child_span * per_block <= keep) return false;  // Everything under it stays.
  if (!fs.valid_data_block(pointer)) return bad_pointer(node, pointer);
  BlockCache::Block* b = MOS_TRY(fs.cache().get(pointer));
  const std::int64_t sectors = fs.block_size() / 512;
  bool empty = true;
  for (std::uint64_t i = 0; i < per_block; ++i) {
    std::byte* slot = b->data + 4 * i;
    const std::uint32_t child = load32(slot);
    if (child == 0) continue;
    const std::uint64_t child_first = first + i * child_span;
    if (child_first + child_span <= keep) {
      empty = false;
      continue;
    }
    std::uint32_t left = child;
    if (depth == 1) {
      MOS_TRY(fs.free_block(child));
      node.add_sectors(-sectors);
      left = 0;
    } else if (!MOS_TRY(free_tree(fs, node, left, depth - 1, child_first, keep))) {
      empty = false;
    }
    if (left != child) {
      store32(slot, left);
      b->dirty = b->valid;
    }
  }
  if (!empty) return false;
  MOS_TRY(fs.free_block(pointer));
  node.add_sectors(-sectors);
  pointer = 0;
  return true;
}

}  // namespace

Result<void> Ext2Fs::truncate_blocks(Ext2Node& node, std::uint64_t keep) noexcept {
  const std::int64_t sectors = block_size_ / 512;
  for (std::uint32_t i = 0; i < kDirectBlocks; ++i) {
    if (i < keep || node.record.block[i] == 0) continue;
    MOS_TRY(free_block(node.record.block[i]));
    node.record.block[i] = 0;
    node.add_sectors(-sectors);
    node.mark_dirty();
  }
  std::uint64_t first = kDirectBlocks;
  std::uint64_t span = block_size_ / 4;
  for (int depth = 1; depth <= 3; ++depth) {
    std::uint32_t& pointer = node.record.block[kDirectBlocks + depth - 1];
    const std::uint32_t before = pointer;
    auto freed = free_tree(*this, node, pointer, depth, first, keep);
    if (pointer != before) node.mark_dirty();
    if (!freed) return freed.error();
    first += span;
    span *= block_size_ / 4;
  }
  node.next_goal = 0;
  return {};
}

}  // namespace mos::vfs::ext2
