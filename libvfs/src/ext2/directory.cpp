// Directories: linked entries (inode, rec_len, name_len, file_type, name) in the directory's
// blocks. Every entry is checked before use (a record that is too short, runs off its block or
// names an inode out of range is Error::BadMessage), and each step moves forward by at least 12
// bytes, so every walk ends. Entries never move: a readdir position is the entry's byte offset.
#include "ext2_fs.hpp"

#include <k/log.hpp>
#include <k/string.hpp>

namespace mos::vfs::ext2 {
namespace {

constexpr std::uint32_t kNoEntry = 0xffffffff;

struct Dirent {
  std::uint32_t inode = 0;
  std::uint32_t record_length = 0;
  std::uint32_t name_length = 0;
  std::uint8_t type = 0;
  std::string_view name;
};

Result<Dirent> parse(Ext2Fs& fs, const Ext2Node& directory, const std::byte* block,
                     std::uint64_t index, std::uint32_t offset, std::uint32_t inodes) noexcept {
  const std::uint32_t size = fs.block_size();
  Dirent e;
  if (offset + kDirentHeader <= size) {
    e.inode = load32(block + offset);
    e.record_length = load16(block + offset + 4);
    if (fs.has_filetype()) {
      e.name_length = std::to_integer<std::uint32_t>(block[offset + 6]);
      e.type = std::to_integer<std::uint8_t>(block[offset + 7]);
    } else {
      e.name_length = load16(block + offset + 6);
    }
    if (e.record_length >= 12 && e.record_length % 4 == 0 && e.record_length <= size - offset &&
        kDirentHeader + e.name_length <= e.record_length && e.name_length <= kNameMax &&
        e.inode <= inodes && (e.inode == 0 || e.name_length > 0)) {
      e.name = std::string_view(reinterpret_cast<const char*>(block + offset + kDirentHeader),
                                e.name_length);
      return e;
    }
  }
  log::error("ext2: directory {} block {}: malformed entry at offset {}", directory.inode(), index,
             offset);
  return Error::BadMessage;
}

void write_entry(Ext2Fs& fs, std::byte* block, std::uint32_t offset, std::uint32_t inode,
                 std::uint32_t record_length, std::string_view name, FileType type) noexcept {
  store32(block + offset, inode);
  store16(block + offset + 4, static_cast<std::uint16_t>(record_length));
  block[offset + 6] = static_cast<std::byte>(name.size());
  block[offset + 7] = static_cast<std::byte>(fs.has_filetype() ? dirent_type(type) : 0);
  memory_copy(block + offset + kDirentHeader, name.data(), name.size());
  const std::uint32_t end = dirent_length(name.size());
  for (std::uint32_t i = kDirentHeader + static_cast<std::uint32_t>(name.size()); i < end; ++i) {
    block[offset + i] = std::byte{0};
  }
}

// Calls visit(block, index, offset, entry, previous offset or kNoEntry) for every entry from
// directory block `first` on, until it returns true; returns whether it did.
template <class F>
Result<bool> walk(Ext2Fs& fs, Ext2Node& directory, std::uint64_t first, std::uint32_t inodes,
                  F visit) noexcept {
  const std::uint32_t size = fs.block_size();
  const std::uint64_t blocks = directory.size() / size;
  for (std::uint64_t index = first; index < blocks; ++index) {
    const std::uint32_t number = MOS_TRY(fs.map_block(directory, index));
    if (number == 0) {
      log::error("ext2: directory {} has a hole at block {}", directory.inode(), index);
      return Error::BadMessage;
    }
    BlockCache::Block* block = MOS_TRY(fs.cache().get(number));
    std::uint32_t previous = kNoEntry;
    for (std::uint32_t offset = 0; offset < size;) {
      const Dirent e = MOS_TRY(parse(fs, directory, block->data, index, offset, inodes));
      if (MOS_TRY(visit(block, index, offset, e, previous))) return true;
      previous = offset;
      offset += e.record_length;
    }
  }
  return false;
}

void clear_index(Ext2Node& directory) noexcept {
  // An htree index is invisible to a linear reader, but would be stale after a change.
  if ((directory.record.flags & kIndexFlag) != 0) {
    directory.record.flags &= ~kIndexFlag;
    directory.mark_dirty();
  }
}

}  // namespace

Result<Ext2Fs::EntryLocation> Ext2Fs::find_entry(Ext2Node& directory,
                                                 std::string_view name) noexcept {
  EntryLocation found;
  const bool hit = MOS_TRY(walk(*this, directory, 0, sb_.inodes_count,
                                [&](BlockCache::Block*, std::uint64_t, std::uint32_t,
                                    const Dirent& e, std::uint32_t) -> Result<bool> {
                                  if (e.inode == 0 || e.name != name) return false;
                                  found = {e.inode, e.type};
                                  return true;
                                }));
  if (!hit) return Error::NoEntry;
  return found;
}

Result<void> Ext2Fs::add_entry(Ext2Node& directory, std::string_view name, std::uint32_t inode,
                               FileType type) noexcept {
  clear_index(directory);
  const std::uint32_t need = dirent_length(name.size());
  const bool placed = MOS_TRY(walk(
      *this, directory, 0, sb_.inodes_count,
      [&](BlockCache::Block* block, std::uint64_t, std::uint32_t offset, const Dirent& e,
          std::uint32_t) -> Result<bool> {
        const std::uint32_t used = e.inode != 0 ? dirent_length(e.name_length) : 0;
        if (e.record_length - used < need) return false;
        if (used == 0) {
          write_entry(*this, block->data, offset, inode, e.record_length, name, type);
        } else {
          store16(block->data + offset + 4, static_cast<std::uint16_t>(used));
          write_entry(*this, block->data, offset + used, inode, e.record_length - used, name, type);
        }
        block->dirty = true;
        return true;
      }));
  if (placed) return {};
  // No room: a new block at the end.
  const std::uint64_t index = directory.size() / block_size_;
  bool fresh = false;
  const std::uint32_t number = MOS_TRY(map_block_for_write(directory, index, fresh));
  BlockCache::Block* block = MOS_TRY(cache_.get_zeroed(number));
  write_entry(*this, block->data, 0, inode, block_size_, name, type);
  directory.set_size(directory.size() + block_size_);
  directory.mark_dirty();
  return {};
}

Result<void> Ext2Fs::remove_entry(Ext2Node& directory, std::string_view name) noexcept {
  clear_index(directory);
  const bool removed =
      MOS_TRY(walk(*this, directory, 0, sb_.inodes_count,
                   [&](BlockCache::Block* block, std::uint64_t, std::uint32_t offset,
                       const Dirent& e, std::uint32_t previous) -> Result<bool> {
                     if (e.inode == 0 || e.name != name) return false;
                     if (previous != kNoEntry) {
                       // The previous entry takes over the record.
                       const std::uint32_t merged =
                           load16(block->data + previous + 4) + e.record_length;
                       store16(block->data + previous + 4, static_cast<std::uint16_t>(merged));
                     } else {
                       store32(block->data + offset, 0);
                     }
                     block->dirty = true;
                     return true;
                   }));
  if (!removed) return Error::NoEntry;
  return {};
}

Result<void> Ext2Fs::retarget_entry(Ext2Node& directory, std::string_view name, std::uint32_t inode,
                                    FileType type) noexcept {
  clear_index(directory);
  const bool changed =
      MOS_TRY(walk(*this, directory, 0, sb_.inodes_count,
                   [&](BlockCache::Block* block, std::uint64_t, std::uint32_t offset,
                       const Dirent& e, std::uint32_t) -> Result<bool> {
                     if (e.inode == 0 || e.name != name) return false;
                     store32(block->data + offset, inode);
                     if (has_filetype())
                       block->data[offset + 7] = static_cast<std::byte>(dirent_type(type));
                     block->dirty = true;
                     return true;
                   }));
  if (!changed) return Error::NoEntry;
  return {};
}

Result<bool> Ext2Fs::directory_empty(Ext2Node& directory) noexcept {
  const bool found = MOS_TRY(walk(*this, directory, 0, sb_.inodes_count,
                                  [&](BlockCache::Block*, std::uint64_t, std::uint32_t,
                                      const Dirent& e, std::uint32_t) -> Result<bool> {
                                    return e.inode != 0 && e.name != "." && e.name != "..";
                                  }));
  return !found;
}

Result<void> Ext2Fs::list_directory(Ext2Node& directory, std::uint64_t& position,
                                    DirectorySink& sink) noexcept {
  if (position < kFirstEntryPosition) position = kFirstEntryPosition;
  const std::uint64_t start = position - kFirstEntryPosition;
  auto visit = [&](BlockCache::Block*, std::uint64_t index, std::uint32_t offset, const Dirent& e,
                   std::uint32_t) -> Result<bool> {
    const std::uint64_t at = index * block_size_ + offset;
    if (at < start) return false;
    const std::uint64_t next = at + e.record_length + kFirstEntryPosition;
    if (e.inode == 0 || e.name == "." || e.name == "..") {
      position = next;
      return false;
    }
    FileType type{};
    if (!has_filetype() || !file_type_of_dirent(e.type, type)) {
      RefPtr<Ext2Node> node = MOS_TRY(get_node(e.inode));
      type = node->type();
    }
    if (!sink.emit(e.name, e.inode, type, next)) return true;
    position = next;
    return false;
  };
  const bool stopped =
      MOS_TRY(walk(*this, directory, start / block_size_, sb_.inodes_count, visit));
  if (!stopped) position = directory.size() + kFirstEntryPosition;
  return {};
}

Result<void> Ext2Fs::init_directory(Ext2Node& directory, std::uint32_t parent) noexcept {
  bool fresh = false;
  const std::uint32_t number = MOS_TRY(map_block_for_write(directory, 0, fresh));
  BlockCache::Block* block = MOS_TRY(cache_.get_zeroed(number));
  write_entry(*this, block->data, 0, directory.number(), 12, ".", FileType::Directory);
  write_entry(*this, block->data, 12, parent, block_size_ - 12, "..", FileType::Directory);
  directory.set_size(block_size_);
  directory.mark_dirty();
  return {};
}

}  // namespace mos::vfs::ext2
