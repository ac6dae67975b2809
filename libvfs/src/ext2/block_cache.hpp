#pragma once
// The metadata block cache of an ext2 volume: superblock, group descriptors, bitmaps, inode
// tables, indirect blocks, directories and slow symlinks, by block number. Blocks are written
// back by flush(); trim() (called between operations, when no pointer into the cache is held)
// writes back and drops blocks beyond the limit. File contents bypass the cache
// (read_direct/write_direct), so a block freed as metadata is discarded here before it can be
// reused as data. The owner's lock serialises every call.

#include <vfs/block_device.hpp>

#include <k/intrusive_rb_tree.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::vfs::ext2 {

class BlockCache {
 public:
  /// One cached block. `data` stays valid until the next trim() or the cache's end, even if the
  /// block is discarded meanwhile.
  struct Block {
    RbNode node;
    std::uint32_t number = 0;
    bool valid = false;  // Holds the block's contents (false once discarded).
    bool dirty = false;
    std::byte* data = nullptr;
  };

  BlockCache(BlockDevice& disk, std::uint32_t block_size, std::uint32_t block_count,
             std::size_t limit) noexcept
      : disk_(disk), block_size_(block_size), block_count_(block_count), limit_(limit) {}
  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  /// Block `number`, read from the disk if not cached. Error::BadMessage for a number outside
  /// the file system, Error::Io, Error::NoMemory.
  Result<Block*> get(std::uint32_t number) noexcept;
  /// Block `number` zeroed and dirty, without reading it (a block just allocated).
  Result<Block*> get_zeroed(std::uint32_t number) noexcept;
  /// Forgets a freed block: it is not written back, and a later get() reads it again.
  void discard(std::uint32_t number) noexcept;
  /// Writes every dirty block to the disk.
  Result<void> flush() noexcept;
  /// Past the limit: writes back and drops every block. No pointer into the cache may be held.
  Result<void> trim() noexcept;

  /// Reads or writes a whole block of file contents straight from or to the disk.
  Result<void> read_direct(std::uint32_t number, std::span<std::byte> out) noexcept;
  Result<void> write_direct(std::uint32_t number, std::span<const std::byte> data) noexcept;

  std::uint32_t block_size() const noexcept { return block_size_; }

 private:
  struct Order {
    bool operator()(const Block& a, const Block& b) const noexcept { return a.number < b.number; }
  };
  Result<Block*> entry(std::uint32_t number) noexcept;
  std::uint64_t sector_of(std::uint32_t number) const noexcept {
    return std::uint64_t{number} * (block_size_ / disk_.sector_size());
  }

  BlockDevice& disk_;
  std::uint32_t block_size_;
  std::uint32_t block_count_;
  std::size_t limit_;
  IntrusiveRbTree<Block, &Block::node, Order> blocks_;
};

}  // namespace mos::vfs::ext2
