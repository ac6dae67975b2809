#pragma once
// The ext2 file system and its vnodes.
//
// Locking: one sched::Mutex per volume (lock_) serialises everything that touches the disk's
// structures: the block cache, bitmaps, group descriptors, inodes and the node table. Vnode
// operations take it after the VFS's namespace or contents lock; inside it only attribute
// spinlocks are taken. attributes_changed() only sets an atomic flag, so the VFS's update() never
// waits for the volume.
//
// Node lifetime: the node table holds a reference to every node it has loaded, so that one inode
// has one vnode (hard links share attributes). prune() drops the nodes nobody else holds (a
// count of 1 under lock_ cannot grow: every other way to a node needs a reference already), and
// deletes from the disk those with no links left (unlinked while open).

#include "block_cache.hpp"
#include "layout.hpp"

#include <vfs/ext2.hpp>
#include <vfs/vnode.hpp>

#include <sched/mutex.hpp>

#include <k/intrusive_rb_tree.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mos::vfs::ext2 {

class Ext2Fs;

class Ext2Node final : public Vnode {
 public:
  Ext2Node(Ext2Fs& fs, std::uint32_t inode, const Attributes& attributes,
           const InodeRecord& on_disk) noexcept;

  Result<RefPtr<Vnode>> lookup(std::string_view name) noexcept override;
  Result<RefPtr<Vnode>> create(std::string_view name, const NodeSpec& spec) noexcept override;
  Result<void> link(std::string_view name, Vnode& target, Timespec now) noexcept override;
  Result<void> unlink(std::string_view name, Vnode& victim, Timespec now) noexcept override;
  Result<void> rename(std::string_view from, Vnode& moved, Vnode& to_directory, std::string_view to,
                      Vnode* replaced, Timespec now) noexcept override;
  Result<bool> is_empty() noexcept override;
  Result<void> read_directory(std::uint64_t& position, DirectorySink& sink) noexcept override;
  Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out) noexcept override;
  Result<std::size_t> write(std::uint64_t offset,
                            std::span<const std::byte> data) noexcept override;
  Result<void> resize(std::uint64_t size) noexcept override;
  Result<std::size_t> read_link(std::span<char> out) noexcept override;
  Result<void> sync() noexcept override;

  std::uint32_t number() const noexcept { return static_cast<std::uint32_t>(inode()); }
  Ext2Fs& fs() const noexcept;

  // The parts of the inode that are not Attributes; lock_ held.
  InodeRecord record;
  std::atomic<bool> dirty{false};
  std::uint32_t next_goal = 0;
  bool deleted = false;  // Its inode is free again; nothing may write it.  // Where the next block
                         // is best allocated (0: the inode's group).
  RbNode table_node;

  // Attribute helpers (take the attribute lock).
  std::uint64_t size() const noexcept { return static_cast<std::uint64_t>(attributes().size); }
  void set_size(std::uint64_t size) noexcept;
  std::uint32_t links() const noexcept { return attributes().links; }
  void add_links(std::int32_t delta) noexcept;
  void set_links(std::uint32_t links) noexcept;
  // Adds (or removes) 512-byte units to i_blocks, and to what stat reports.
  void add_sectors(std::int64_t delta) noexcept;
  void mark_dirty() noexcept { dirty.store(true, std::memory_order_relaxed); }

 protected:
  void attributes_changed() noexcept override;

 private:
  // Lock helpers and the bodies of the operations that need lock_ held.
  Result<void> check_writable() const noexcept;
};

class Ext2Fs final : public FileSystem {
 public:
  static Result<RefPtr<FileSystem>> mount(RefPtr<BlockDevice> disk,
                                          const Ext2Options& options) noexcept;

  RefPtr<Vnode> root() noexcept override;
  std::string_view type_name() const noexcept override { return "ext2"; }
  StatFs statistics() noexcept override;
  Result<void> sync() noexcept override;
  void unmounted() noexcept override;

  // --- For the nodes: lock_ held unless said otherwise --------------------------------------
  sched::Mutex& lock() noexcept { return lock_; }
  /// Takes lock_ and trims caches; every vnode operation starts with one.
  class Guard {
   public:
    explicit Guard(Ext2Fs& fs) noexcept;
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    Ext2Fs& fs_;
  };

  BlockCache& cache() noexcept { return cache_; }
  std::uint32_t block_size() const noexcept { return block_size_; }
  std::uint32_t block_count() const noexcept { return sb_.blocks_count; }
  std::uint32_t inode_size() const noexcept { return inode_size_; }
  bool has_filetype() const noexcept { return (sb_.feature_incompat & kIncompatFiletype) != 0; }
  std::byte* scratch() noexcept { return scratch_; }
  std::uint64_t max_file_size() const noexcept { return max_file_size_; }
  void note_time(Timespec now) noexcept {
    if (now.seconds > last_time_) last_time_ = now.seconds;
  }

  /// The node of inode `number` (loaded if not in the table). Error::BadMessage for a number
  /// out of range, a free inode, a bad mode.
  Result<RefPtr<Ext2Node>> get_node(std::uint32_t number) noexcept;
  /// Writes a node's inode into the inode table (in the cache).
  Result<void> store_node(Ext2Node& node) noexcept;
  /// A new inode for `spec` near `directory`: allocated, initialised, in the table.
  Result<RefPtr<Ext2Node>> new_node(Ext2Node& directory, const NodeSpec& spec) noexcept;
  /// Frees a node's blocks and inode (its links are gone, or its creation failed).
  Result<void> delete_node(Ext2Node& node) noexcept;
  /// Undoes new_node after a later step failed: the inode freed and the node out of the table.
  void discard_new_node(Ext2Node& node) noexcept;
  /// Drops the nodes only the table holds, deleting from the disk those without links.
  Result<void> prune() noexcept;
  /// Writes nodes, descriptors and superblock into the cache, then the cache to the disk.
  Result<void> sync_locked() noexcept;

  // Allocation (allocator.cpp).
  Result<std::uint32_t> allocate_block(std::uint32_t goal) noexcept;
  Result<void> free_block(std::uint32_t block) noexcept;
  Result<std::uint32_t> allocate_inode(std::uint32_t parent, bool directory) noexcept;
  Result<void> free_inode(std::uint32_t inode, bool directory) noexcept;
  std::uint32_t group_of_inode(std::uint32_t inode) const noexcept {
    return (inode - 1) / sb_.inodes_per_group;
  }
  std::uint32_t first_block_of_group(std::uint32_t group) const noexcept {
    return sb_.first_data_block + group * sb_.blocks_per_group;
  }
  /// Whether `block` may be a file's block (inside the volume, past the first data block).
  bool valid_data_block(std::uint32_t block) const noexcept {
    return block >= sb_.first_data_block && block < sb_.blocks_count;
  }
  /// Called when a file grows past 2 GiB: sets large_file.
  void note_large_file() noexcept;

  // Block mapping (block_map.cpp).
  /// The disk block of file block `index`, or 0 for a hole.
  Result<std::uint32_t> map_block(Ext2Node& node, std::uint64_t index) noexcept;
  /// The disk block of file block `index`, allocating it (and indirect blocks) if needed;
  /// `fresh` tells whether it was just allocated (its contents are garbage).
  Result<std::uint32_t> map_block_for_write(Ext2Node& node, std::uint64_t index,
                                            bool& fresh) noexcept;
  /// Frees every block of the node from file block `keep` on (and indirect blocks left empty).
  Result<void> truncate_blocks(Ext2Node& node, std::uint64_t keep) noexcept;

  // Directories (directory.cpp).
  struct EntryLocation {
    std::uint32_t inode = 0;
    std::uint8_t file_type = 0;
  };
  Result<EntryLocation> find_entry(Ext2Node& directory, std::string_view name) noexcept;
  Result<void> add_entry(Ext2Node& directory, std::string_view name, std::uint32_t inode,
                         FileType type) noexcept;
  Result<void> remove_entry(Ext2Node& directory, std::string_view name) noexcept;
  /// Points an existing entry at another inode.
  Result<void> retarget_entry(Ext2Node& directory, std::string_view name, std::uint32_t inode,
                              FileType type) noexcept;
  Result<bool> directory_empty(Ext2Node& directory) noexcept;
  Result<void> list_directory(Ext2Node& directory, std::uint64_t& position,
                              DirectorySink& sink) noexcept;
  /// Writes "." and ".." into a new directory's first block.
  Result<void> init_directory(Ext2Node& directory, std::uint32_t parent) noexcept;

 private:
  struct NodeOrder {
    bool operator()(const Ext2Node& a, const Ext2Node& b) const noexcept {
      return a.inode() < b.inode();
    }
  };

  Ext2Fs(RefPtr<BlockDevice> disk, bool read_only, const Superblock& sb,
         const std::byte* raw_superblock, const Ext2Options& options) noexcept;
  ~Ext2Fs() override;
  Result<void> load_groups() noexcept;
  Result<std::byte*> inode_slot(std::uint32_t number) noexcept;
  Result<void> write_metadata() noexcept;
  // Whether `block` is a bitmap or inode-table block of `group`.
  bool is_group_metadata(std::uint32_t group, std::uint32_t block) const noexcept;
  // Marks a volume mounted for writing as in use (not clean) and counts the mount.
  Result<void> mark_in_use() noexcept;
  std::uint32_t blocks_in_group(std::uint32_t group) const noexcept;

  RefPtr<BlockDevice> disk_;
  Superblock sb_;
  std::byte raw_superblock_[kSuperblockSize];
  std::uint32_t block_size_;
  std::uint32_t inode_size_;
  std::uint32_t group_count_ = 0;
  std::uint64_t max_file_size_ = 0;
  GroupDescriptor* groups_ = nullptr;
  bool metadata_dirty_ = false;
  std::uint16_t state_at_mount_ = 0;  // The superblock's state bits before mark_in_use.
  std::size_t prune_threshold_ = 256;  // Table size beyond which an operation prunes first.
  std::int64_t last_time_ = 0;
  std::byte* scratch_ = nullptr;
  sched::Mutex lock_;
  BlockCache cache_;
  IntrusiveRbTree<Ext2Node, &Ext2Node::table_node, NodeOrder> nodes_;
  RefPtr<Ext2Node> root_;
};

inline Ext2Fs& Ext2Node::fs() const noexcept {
  return static_cast<Ext2Fs&>(file_system());
}

}  // namespace mos::vfs::ext2
