// The ext2 metadata block cache (see block_cache.hpp).
#include "block_cache.hpp"

#include <k/log.hpp>
#include <k/string.hpp>

#include <new>

namespace mos::vfs::ext2 {
namespace {

int compare_number(std::uint32_t number, const BlockCache::Block& block) noexcept {
  return number < block.number ? -1 : number > block.number ? 1 : 0;
}

}  // namespace

BlockCache::~BlockCache() {
  while (Block* block = blocks_.pop_first()) {
    delete[] block->data;
    delete block;
  }
}

Result<BlockCache::Block*> BlockCache::entry(std::uint32_t number) noexcept {
  if (number >= block_count_) {
    log::error("ext2: block {} is beyond the end of the file system ({} blocks)", number,
               block_count_);
    return Error::BadMessage;
  }
  if (Block* block = blocks_.find(number, compare_number)) return block;
  auto* block = new (std::nothrow) Block;
  if (block == nullptr) return Error::NoMemory;
  block->data = new (std::nothrow) std::byte[block_size_];
  if (block->data == nullptr) {
    delete block;
    return Error::NoMemory;
  }
  block->number = number;
  blocks_.insert(*block);
  return block;
}

Result<BlockCache::Block*> BlockCache::get(std::uint32_t number) noexcept {
  Block* block = MOS_TRY(entry(number));
  if (!block->valid) {
    MOS_TRY(disk_.read(sector_of(number), std::span<std::byte>(block->data, block_size_)));
    block->valid = true;
    block->dirty = false;
  }
  return block;
}

Result<BlockCache::Block*> BlockCache::get_zeroed(std::uint32_t number) noexcept {
  Block* block = MOS_TRY(entry(number));
  memory_set(block->data, 0, block_size_);
  block->valid = true;
  block->dirty = true;
  return block;
}

void BlockCache::discard(std::uint32_t number) noexcept {
  if (Block* block = blocks_.find(number, compare_number)) {
    block->valid = false;
    block->dirty = false;
  }
}

Result<void> BlockCache::flush() noexcept {
  for (Block& block : blocks_) {
    if (!block.valid || !block.dirty) continue;
    MOS_TRY(
        disk_.write(sector_of(block.number), std::span<const std::byte>(block.data, block_size_)));
    block.dirty = false;
  }
  return {};
}

Result<void> BlockCache::trim() noexcept {
  if (blocks_.size() <= limit_) return {};
  MOS_TRY(flush());
  while (Block* block = blocks_.pop_first()) {
    delete[] block->data;
    delete block;
  }
  return {};
}

Result<void> BlockCache::read_direct(std::uint32_t number, std::span<std::byte> out) noexcept {
  if (number >= block_count_) return Error::BadMessage;
  return disk_.read(sector_of(number), out.first(block_size_));
}

Result<void> BlockCache::write_direct(std::uint32_t number,
                                      std::span<const std::byte> data) noexcept {
  if (number >= block_count_) return Error::BadMessage;
  return disk_.write(sector_of(number), data.first(block_size_));
}

}  // namespace mos::vfs::ext2
