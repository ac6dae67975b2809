// The ext2 volume: mounting (the superblock and group descriptors checked before use), the
// node table, inode I/O, sync and unmount, statfs.
#include "ext2_fs.hpp"

#include <k/log.hpp>
#include <k/string.hpp>

#include <new>

namespace mos::vfs::ext2 {
namespace {

// Nodes the table keeps beyond which an operation first drops the unused ones.
constexpr std::size_t kNodeTableLimit = 256;
constexpr std::uint32_t kMaxLogBlockSize = 5;  // 32 KiB: rec_len must fit 16 bits.

int compare_inode(std::uint64_t number, const Ext2Node& node) noexcept {
  return number < node.inode() ? -1 : number > node.inode() ? 1 : 0;
}

Error malformed(const char* what) noexcept {
  log::error("ext2: malformed superblock: {}", what);
  return Error::BadMessage;
}

// Checks what the superblock says against itself and the disk.
Result<void> check_superblock(const Superblock& sb, const BlockDevice& disk) noexcept {
  if (sb.magic != kMagic) return malformed("bad magic (not an ext2 file system)");
  if (sb.revision > 1) {
    log::error("ext2: revision {} is not supported", sb.revision);
    return Error::NotSupported;
  }
  if (sb.log_block_size > 6) return malformed("block size");
  if (sb.log_block_size > kMaxLogBlockSize) {
    log::error("ext2: {}-byte blocks are not supported", 1024u << sb.log_block_size);
    return Error::NotSupported;
  }
  const std::uint32_t block_size = 1024u << sb.log_block_size;
  if (disk.sector_size() > block_size) {
    log::error("ext2: {}-byte sectors are larger than {}-byte blocks", disk.sector_size(),
               block_size);
    return Error::NotSupported;
  }
  if (sb.inode_size < 128 || (sb.inode_size & (sb.inode_size - 1)) != 0 ||
      sb.inode_size > block_size) {
    return malformed("inode size");
  }
  if (sb.first_data_block != (block_size == 1024 ? 1u : 0u)) return malformed("first data block");
  if (sb.blocks_count <= sb.first_data_block + 1) return malformed("block count");
  if (std::uint64_t{sb.blocks_count} * block_size > disk.size_bytes()) {
    return malformed("block count beyond the end of the disk");
  }
  if (sb.blocks_per_group == 0 || sb.blocks_per_group > 8 * block_size) {
    return malformed("blocks per group");
  }
  if (sb.inodes_per_group == 0 || sb.inodes_per_group > 8 * block_size) {
    return malformed("inodes per group");
  }
  const std::uint32_t groups =
      (sb.blocks_count - sb.first_data_block + sb.blocks_per_group - 1) / sb.blocks_per_group;
  if (std::uint64_t{groups} * sb.inodes_per_group != sb.inodes_count) {
    return malformed("inode count does not match the groups");
  }
  if (sb.first_inode < kGoodOldFirstInode || sb.first_inode > sb.inodes_count) {
    return malformed("first inode");
  }
  const std::uint64_t table_blocks =
      (std::uint64_t{sb.inodes_per_group} * sb.inode_size + block_size - 1) / block_size;
  if (table_blocks >= sb.blocks_count) return malformed("inode table size");
  return {};
}

}  // namespace

Ext2Fs::Ext2Fs(RefPtr<BlockDevice> disk, bool read_only, const Superblock& sb,
               const std::byte* raw_superblock, const Ext2Options& options) noexcept
    : FileSystem(read_only),
      disk_(static_cast<RefPtr<BlockDevice>&&>(disk)),
      sb_(sb),
      block_size_(1024u << sb.log_block_size),
      inode_size_(sb.inode_size),
      cache_(*disk_, 1024u << sb.log_block_size, sb.blocks_count,
             options.cache_blocks < 16 ? 16 : options.cache_blocks) {
  memory_copy(raw_superblock_, raw_superblock, kSuperblockSize);
  group_count_ =
      (sb.blocks_count - sb.first_data_block + sb.blocks_per_group - 1) / sb.blocks_per_group;
  // The largest file: what the block tree addresses, and what i_blocks (32 bits of 512-byte
  // units) can count with the indirect blocks it needs.
  const std::uint64_t p = block_size_ / 4;
  const std::uint64_t addressable = kDirectBlocks + p + p * p + p * p * p;
  const std::uint64_t units = std::uint64_t{0xffffffff} / (block_size_ / 512);
  const std::uint64_t tree = 3 + 2 * p + p * p;  // The indirect blocks of the largest file.
  const std::uint64_t countable = units > tree ? units - tree : 0;
  max_file_size_ = (addressable < countable ? addressable : countable) * block_size_;
  // Revision 0 has no LARGE_FILE feature to announce sizes past 2 GiB.
  if (sb.revision < 1 && max_file_size_ > 0x7fffffff) max_file_size_ = 0x7fffffff;
}

Ext2Fs::~Ext2Fs() {
  root_.reset();
  while (Ext2Node* node = nodes_.pop_first()) node->release();
  delete[] groups_;
  delete[] scratch_;
}

Result<RefPtr<FileSystem>> Ext2Fs::mount(RefPtr<BlockDevice> disk,
                                         const Ext2Options& options) noexcept {
  if (!disk) return Error::InvalidArgument;
  const std::uint32_t sector = disk->sector_size();
  const std::uint64_t span = kSuperblockOffset + kSuperblockSize;
  const std::uint64_t sectors = (span + sector - 1) / sector;
  if (disk->sector_count() < sectors) return malformed("the disk is too small");
  auto* raw = new (std::nothrow) std::byte[sectors * sector];
  if (raw == nullptr) return Error::NoMemory;
  auto read = disk->read(0, std::span<std::byte>(raw, sectors * sector));
  if (!read) {
    delete[] raw;
    return read.error();
  }
  const Superblock sb = Superblock::decode(raw + kSuperblockOffset);
  if (auto checked = check_superblock(sb, *disk); !checked) {
    delete[] raw;
    return checked.error();
  }
  // Features: an unknown INCOMPAT one refuses the mount, an unknown RO_COMPAT one forbids writes.
  const std::uint32_t incompat = sb.feature_incompat & ~kIncompatSupported;
  if (incompat != 0) {
    for (std::uint32_t bits = incompat; bits != 0; bits &= bits - 1) {
      const std::uint32_t bit = bits & (~bits + 1);
      log::error("ext2: cannot mount: unsupported incompatible feature {} ({:#x})",
                 incompat_feature_name(bit), bit);
    }
    delete[] raw;
    return Error::NotSupported;
  }
  bool read_only = options.access == Ext2Access::ReadOnly || disk->read_only();
  const std::uint32_t ro_compat = sb.feature_ro_compat & ~kRoCompatSupported;
  if (ro_compat != 0 && !read_only) {
    for (std::uint32_t bits = ro_compat; bits != 0; bits &= bits - 1) {
      const std::uint32_t bit = bits & (~bits + 1);
      log::warn("ext2: mounting read-only: unsupported read-only-compatible feature {} ({:#x})",
                ro_compat_feature_name(bit), bit);
    }
    read_only = true;
  }
  if ((sb.state & kStateValid) == 0) {
    log::warn("ext2: the file system was not cleanly unmounted; run e2fsck");
  }
  auto* fs = new (std::nothrow) Ext2Fs(disk, read_only, sb, raw + kSuperblockOffset, options);
  delete[] raw;
  if (fs == nullptr) return Error::NoMemory;
  RefPtr<Ext2Fs> result = RefPtr<Ext2Fs>::adopt(fs);
  fs->scratch_ = new (std::nothrow) std::byte[fs->block_size_];
  if (fs->scratch_ == nullptr) return Error::NoMemory;
  sched::MutexGuard guard(fs->lock_);
  MOS_TRY(fs->load_groups());
  RefPtr<Ext2Node> root = MOS_TRY(fs->get_node(kRootInode));
  if (!root->is_directory()) {
    log::error("ext2: the root inode is not a directory");
    return Error::BadMessage;
  }
  fs->root_ = root;
  if (!fs->read_only()) MOS_TRY(fs->mark_in_use());
  return RefPtr<FileSystem>(static_cast<RefPtr<Ext2Fs>&&>(result));
}

Result<void> Ext2Fs::load_groups() noexcept {
  groups_ = new (std::nothrow) GroupDescriptor[group_count_];
  if (groups_ == nullptr) return Error::NoMemory;
  const std::uint32_t per_block = block_size_ / kGroupDescriptorSize;
  const std::uint64_t table_blocks =
      (std::uint64_t{sb_.inodes_per_group} * inode_size_ + block_size_ - 1) / block_size_;
  std::uint64_t free_blocks = 0;
  std::uint64_t free_inodes = 0;
  for (std::uint32_t g = 0; g < group_count_; ++g) {
    const std::uint32_t number = sb_.first_data_block + 1 + g / per_block;
    BlockCache::Block* block = MOS_TRY(cache_.get(number));
    const GroupDescriptor d =
        GroupDescriptor::decode(block->data + (g % per_block) * kGroupDescriptorSize);
    const bool fits = valid_data_block(d.block_bitmap) && valid_data_block(d.inode_bitmap) &&
                      valid_data_block(d.inode_table) &&
                      d.inode_table + table_blocks <= sb_.blocks_count &&
                      d.free_blocks <= blocks_in_group(g) &&
                      d.free_inodes <= sb_.inodes_per_group &&
                      d.used_directories <= sb_.inodes_per_group;
    if (!fits) {
      log::error("ext2: group descriptor {} is malformed", g);
      return Error::BadMessage;
    }
    groups_[g] = d;
    free_blocks += d.free_blocks;
    free_inodes += d.free_inodes;
  }
  // The descriptors are the truth (as Linux's ext2 counts them at mount).
  sb_.free_blocks_count = static_cast<std::uint32_t>(free_blocks);
  sb_.free_inodes_count = static_cast<std::uint32_t>(free_inodes);
  return {};
}

Result<std::byte*> Ext2Fs::inode_slot(std::uint32_t number) noexcept {
  if (number == 0 || number > sb_.inodes_count) {
    log::error("ext2: inode number {} is out of range", number);
    return Error::BadMessage;
  }
  const std::uint32_t g = group_of_inode(number);
  const std::uint64_t byte = std::uint64_t{(number - 1) % sb_.inodes_per_group} * inode_size_;
  BlockCache::Block* block =
      MOS_TRY(cache_.get(groups_[g].inode_table + static_cast<std::uint32_t>(byte / block_size_)));
  return block->data + byte % block_size_;
}

Result<RefPtr<Ext2Node>> Ext2Fs::get_node(std::uint32_t number) noexcept {
  if (Ext2Node* node = nodes_.find(std::uint64_t{number}, compare_inode)) {
    return RefPtr<Ext2Node>(node);
  }
  const std::byte* raw = MOS_TRY(inode_slot(number));
  const InodeRecord record = InodeRecord::decode(raw, inode_size_);
  if (record.links == 0 || !valid_type(record.mode)) {
    log::error("ext2: inode {} is in use but free or of no type (mode {:#o}, {} links)", number,
               record.mode, record.links);
    return Error::BadMessage;
  }
  const FileType type = type_of(record.mode);
  if (type == FileType::Directory && record.size % block_size_ != 0) {
    log::error("ext2: directory {} has a size of {}, not a multiple of the block size", number,
               record.size);
    return Error::BadMessage;
  }
  if (type == FileType::Symlink && record.size >= block_size_) {
    log::error("ext2: symlink {} is {} bytes long", number, record.size);
    return Error::BadMessage;
  }
  Attributes a;
  a.mode = record.mode;
  a.links = record.links;
  a.uid = record.uid;
  a.gid = record.gid;
  a.size = static_cast<std::int64_t>(record.size);
  a.blocks = record.blocks;
  const bool extra = record.has_extra_times(inode_size_);
  a.access = decode_time(record.atime, record.atime_extra, extra);
  a.modify = decode_time(record.mtime, record.mtime_extra, extra);
  a.change = decode_time(record.ctime, record.ctime_extra, extra);
  if (type == FileType::CharDevice || type == FileType::BlockDevice) {
    a.rdev = decode_device(record.block);
  }
  auto* node = new (std::nothrow) Ext2Node(*this, number, a, record);
  if (node == nullptr) return Error::NoMemory;
  nodes_.insert(*node);  // The table keeps the creator's reference.
  return RefPtr<Ext2Node>(node);
}

Result<void> Ext2Fs::store_node(Ext2Node& node) noexcept {
  if (read_only() || node.deleted) return {};
  std::byte* raw = MOS_TRY(inode_slot(node.number()));
  const std::uint32_t number = node.number();
  const std::uint32_t table_block =
      groups_[group_of_inode(number)].inode_table +
      static_cast<std::uint32_t>(std::uint64_t{(number - 1) % sb_.inodes_per_group} * inode_size_ /
                                 block_size_);
  // Cleared before the snapshot: a change that lands after it marks the node dirty again.
  node.dirty.store(false, std::memory_order_relaxed);
  InodeRecord& r = node.record;
  const Attributes a = node.attributes();
  r.mode = static_cast<std::uint16_t>(a.mode);
  r.uid = a.uid;
  r.gid = a.gid;
  r.links = static_cast<std::uint16_t>(a.links);
  r.size = static_cast<std::uint64_t>(a.size);
  encode_time(a.access, r.atime, r.atime_extra);
  encode_time(a.modify, r.mtime, r.mtime_extra);
  encode_time(a.change, r.ctime, r.ctime_extra);
  if (r.size > 0x7fffffff && type_of(r.mode) == FileType::Regular) note_large_file();
  r.encode(raw, inode_size_);
  auto block = cache_.get(table_block);
  if (!block) {
    node.dirty.store(true, std::memory_order_relaxed);
    return block.error();
  }
  (*block)->dirty = true;
  return {};
}

Result<RefPtr<Ext2Node>> Ext2Fs::new_node(Ext2Node& directory, const NodeSpec& spec) noexcept {
  const FileType type = type_of(spec.mode);
  if (type == FileType::Symlink &&
      (spec.symlink_target.size() >= block_size_ || spec.symlink_target.empty())) {
    return spec.symlink_target.empty() ? Error::NoEntry : Error::NameTooLong;
  }
  const bool is_directory = type == FileType::Directory;
  const std::uint32_t number = MOS_TRY(allocate_inode(directory.number(), is_directory));
  InodeRecord record;
  if (inode_size_ > 128) {
    const std::uint32_t room = inode_size_ - 128;
    const std::uint32_t want = sb_.want_extra_isize >= 16 ? sb_.want_extra_isize : 32;
    record.extra_isize = static_cast<std::uint16_t>(want < room ? want : room);
  }
  Attributes a;
  a.mode = spec.mode;
  a.links = is_directory ? 2 : 1;
  a.uid = spec.uid;
  a.gid = spec.gid;
  a.access = a.modify = a.change = spec.time;
  if (type == FileType::CharDevice || type == FileType::BlockDevice) {
    a.rdev = spec.rdev;
    encode_device(spec.rdev, record.block);
  }
  // A fresh slot: whatever a deleted inode left there goes.
  auto raw = inode_slot(number);
  auto* node = raw ? new (std::nothrow) Ext2Node(*this, number, a, record) : nullptr;
  if (node == nullptr) {
    (void)free_inode(number, is_directory);
    return raw ? Error::NoMemory : raw.error();
  }
  memory_set(*raw, 0, inode_size_);
  nodes_.insert(*node);
  RefPtr<Ext2Node> result(node);
  node->mark_dirty();
  Result<void> made;
  if (is_directory) {
    made = init_directory(*node, directory.number());
  } else if (type == FileType::Symlink) {
    const std::string_view target = spec.symlink_target;
    if (target.size() <= kFastSymlinkMax) {
      std::byte bytes[kBlockPointers * 4] = {};
      memory_copy(bytes, target.data(), target.size());
      for (std::uint32_t i = 0; i < kBlockPointers; ++i)
        node->record.block[i] = load32(bytes + 4 * i);
    } else {
      bool fresh = false;
      auto number_of_block = map_block_for_write(*node, 0, fresh);
      if (number_of_block) {
        auto block = cache_.get_zeroed(*number_of_block);
        if (block) {
          memory_copy((*block)->data, target.data(), target.size());
        } else {
          made = block.error();
        }
      } else {
        made = number_of_block.error();
      }
    }
    node->set_size(target.size());
  }
  if (!made) {
    discard_new_node(*node);
    return made.error();
  }
  MOS_TRY(store_node(*node));
  return result;
}

void Ext2Fs::discard_new_node(Ext2Node& node) noexcept {
  node.set_links(0);
  (void)delete_node(node);
  // Out of the table too: the inode number is free again, and a later node of that number
  // must be the one lookups find.
  nodes_.erase(node);
  node.release();  // The table's reference; the caller holds the last.
}

Result<void> Ext2Fs::delete_node(Ext2Node& node) noexcept {
  const FileType type = node.type();
  const std::uint32_t acl_sectors = node.record.file_acl != 0 ? block_size_ / 512 : 0;
  const bool fast_symlink = type == FileType::Symlink && node.record.blocks <= acl_sectors;
  const bool has_blocks = type == FileType::Regular || type == FileType::Directory ||
                          (type == FileType::Symlink && !fast_symlink);
  Result<void> result;
  if (has_blocks) result = truncate_blocks(node, 0);
  if (node.record.file_acl != 0 && valid_data_block(node.record.file_acl)) {
    // An extended-attribute block: shared by reference count.
    auto block = cache_.get(node.record.file_acl);
    if (block && load32((*block)->data) == kXattrMagic) {
      const std::uint32_t references = load32((*block)->data + 4);
      if (references > 1) {
        store32((*block)->data + 4, references - 1);
        (*block)->dirty = true;
      } else if (auto freed = free_block(node.record.file_acl); !freed && result) {
        result = freed;
      }
      node.add_sectors(-static_cast<std::int64_t>(block_size_ / 512));
      node.record.file_acl = 0;
    }
  }
  // A deleted inode carries its deletion time; e2fsck takes small ones for orphan-list links.
  node.record.dtime = static_cast<std::uint32_t>(
      last_time_ > std::int64_t{sb_.inodes_count} ? last_time_ : sb_.inodes_count + 1);
  node.set_links(0);
  if (auto stored = store_node(node); !stored && result) result = stored;
  node.deleted = true;
  if (auto freed = free_inode(node.number(), type == FileType::Directory); !freed && result) {
    result = freed;
  }
  return result;
}

Result<void> Ext2Fs::prune() noexcept {
  Result<void> result;
  Ext2Node* next = nullptr;
  for (Ext2Node* node = nodes_.first(); node != nullptr; node = next) {
    next = nodes_.next(*node);
    if (node->references() != 1) continue;
    Result<void> done;
    if (node->links() == 0 && !node->deleted) {
      if (!read_only()) done = delete_node(*node);
    } else if (node->dirty.load(std::memory_order_relaxed)) {
      done = store_node(*node);
    }
    if (!done) {
      if (result) result = done;
      // A node whose inode could not be written stays for a later sync to try again; one whose
      // deletion met damage goes (the damage stays for e2fsck).
      if (node->links() != 0) continue;
    }
    nodes_.erase(*node);
    node->release();
  }
  return result;
}

Result<void> Ext2Fs::write_metadata() noexcept {
  const std::uint32_t per_block = block_size_ / kGroupDescriptorSize;
  for (std::uint32_t g = 0; g < group_count_; ++g) {
    BlockCache::Block* block = MOS_TRY(cache_.get(sb_.first_data_block + 1 + g / per_block));
    groups_[g].encode(block->data + (g % per_block) * kGroupDescriptorSize);
    block->dirty = true;
  }
  sb_.encode(raw_superblock_);
  const std::uint32_t number = static_cast<std::uint32_t>(kSuperblockOffset / block_size_);
  BlockCache::Block* block = MOS_TRY(cache_.get(number));
  memory_copy(block->data + kSuperblockOffset % block_size_, raw_superblock_, kSuperblockSize);
  block->dirty = true;
  metadata_dirty_ = false;
  return {};
}

Result<void> Ext2Fs::sync_locked() noexcept {
  if (read_only()) return {};
  Result<void> result = prune();
  for (Ext2Node& node : nodes_) {
    if (!node.dirty.load(std::memory_order_relaxed)) continue;
    if (auto stored = store_node(node); !stored && result) result = stored;
  }
  if (metadata_dirty_) MOS_TRY(write_metadata());
  MOS_TRY(cache_.flush());
  MOS_TRY(disk_->flush());
  return result;
}

Result<void> Ext2Fs::sync() noexcept {
  Guard guard(*this);
  return sync_locked();
}

Result<void> Ext2Fs::mark_in_use() noexcept {
  // As Linux's ext2_setup_super: a volume mounted for writing says it is not clean until it is
  // unmounted, so that a crash leaves it for e2fsck; and counts the mount.
  state_at_mount_ = sb_.state;
  sb_.state = static_cast<std::uint16_t>(sb_.state & ~kStateValid);
  ++sb_.mount_count;
  MOS_TRY(write_metadata());
  MOS_TRY(cache_.flush());
  return disk_->flush();
}

void Ext2Fs::unmounted() noexcept {
  Guard guard(*this);
  if (auto synced = sync_locked(); !synced) {
    log::error("ext2: writing back at unmount failed: {}", error_name(synced.error()));
    return;  // Left marked in use: e2fsck has work to do.
  }
  if (read_only()) return;
  // Clean again only if it was clean at mount (a volume with errors stays marked).
  sb_.state = static_cast<std::uint16_t>(sb_.state | (state_at_mount_ & kStateValid));
  auto marked = write_metadata();
  if (marked) marked = cache_.flush();
  if (marked) marked = disk_->flush();
  if (!marked) log::error("ext2: marking the volume clean failed: {}", error_name(marked.error()));
}

RefPtr<Vnode> Ext2Fs::root() noexcept {
  return RefPtr<Vnode>(root_.get());
}

StatFs Ext2Fs::statistics() noexcept {
  Guard guard(*this);
  StatFs st;
  st.type = kExt2Magic;
  st.block_size = block_size_;
  st.fragment_size = block_size_;
  st.blocks = sb_.blocks_count - sb_.first_data_block;
  st.free_blocks = sb_.free_blocks_count;
  st.available_blocks = sb_.free_blocks_count > sb_.reserved_blocks_count
                            ? sb_.free_blocks_count - sb_.reserved_blocks_count
                            : 0;
  st.files = sb_.inodes_count;
  st.free_files = sb_.free_inodes_count;
  st.fsid = device().encode();
  st.name_max = kNameMax;
  if (read_only()) st.flags |= kStatFsReadOnly;
  return st;
}

Ext2Fs::Guard::Guard(Ext2Fs& fs) noexcept : fs_(fs) {
  auto locked = fs_.lock_.lock();
  MOS_ASSERT(locked.has_value());
  // Between operations no pointer into the cache is held: the moment to bound it.
  if (fs_.nodes_.size() > fs_.prune_threshold_) {
    if (auto pruned = fs_.prune(); !pruned) {
      log::error("ext2: dropping unused inodes failed: {}", error_name(pruned.error()));
    }
    // Nodes the dentry cache holds stay: scan again only once the table has doubled.
    const std::size_t left = 2 * fs_.nodes_.size();
    fs_.prune_threshold_ = left > kNodeTableLimit ? left : kNodeTableLimit;
  }
  if (!fs_.read_only() && fs_.metadata_dirty_) (void)fs_.write_metadata();
  if (auto trimmed = fs_.cache_.trim(); !trimmed) {
    log::error("ext2: writing back cached blocks failed: {}", error_name(trimmed.error()));
  }
}

Ext2Fs::Guard::~Guard() {
  (void)fs_.lock_.unlock();
}

}  // namespace mos::vfs::ext2

namespace mos::vfs {

Result<RefPtr<FileSystem>> mount_ext2(RefPtr<BlockDevice> disk,
                                      const Ext2Options& options) noexcept {
  return ext2::Ext2Fs::mount(static_cast<RefPtr<BlockDevice>&&>(disk), options);
}

}  // namespace mos::vfs
