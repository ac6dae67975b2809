// ext2 vnodes: the directory operations (entries, link counts, "..") and file contents (read and
// write through the block map, holes, truncation), symlinks. Every operation holds the volume's
// lock (Ext2Fs::Guard).
#include "ext2_fs.hpp"

#include <k/string.hpp>

namespace mos::vfs::ext2 {
namespace {

Ext2Node& as_node(Vnode& vnode) noexcept {
  return static_cast<Ext2Node&>(vnode);
}

}  // namespace

Ext2Node::Ext2Node(Ext2Fs& fs, std::uint32_t inode, const Attributes& attributes,
                   const InodeRecord& on_disk) noexcept
    : Vnode(fs, inode, attributes), record(on_disk) {}

void Ext2Node::attributes_changed() noexcept {
  if (!fs().read_only()) mark_dirty();
}

void Ext2Node::set_size(std::uint64_t size) noexcept {
  {
    SpinLockGuard guard(attributes_lock());
    attributes_locked().size = static_cast<std::int64_t>(size);
  }
  mark_dirty();
}

void Ext2Node::add_links(std::int32_t delta) noexcept {
  {
    SpinLockGuard guard(attributes_lock());
    const std::int64_t links = static_cast<std::int64_t>(attributes_locked().links) + delta;
    attributes_locked().links = links < 0 ? 0 : static_cast<std::uint32_t>(links);
  }
  mark_dirty();
}

void Ext2Node::set_links(std::uint32_t links) noexcept {
  {
    SpinLockGuard guard(attributes_lock());
    attributes_locked().links = links;
  }
  mark_dirty();
}

void Ext2Node::add_sectors(std::int64_t delta) noexcept {
  const std::int64_t sectors = static_cast<std::int64_t>(record.blocks) + delta;
  record.blocks = sectors < 0 ? 0 : static_cast<std::uint32_t>(sectors);
  {
    SpinLockGuard guard(attributes_lock());
    attributes_locked().blocks = record.blocks;
  }
  mark_dirty();
}

Result<void> Ext2Node::check_writable() const noexcept {
  return fs().read_only() ? Result<void>{Error::ReadOnlyFileSystem} : Result<void>{};
}

// --- Directories ---------------------------------------------------------------------------

Result<RefPtr<Vnode>> Ext2Node::lookup(std::string_view name) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  Ext2Fs::Guard guard(fs());
  const Ext2Fs::EntryLocation found = MOS_TRY(fs().find_entry(*this, name));
  RefPtr<Ext2Node> node = MOS_TRY(fs().get_node(found.inode));
  return RefPtr<Vnode>(static_cast<RefPtr<Ext2Node>&&>(node));
}

Result<RefPtr<Vnode>> Ext2Node::create(std::string_view name, const NodeSpec& spec) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  MOS_TRY(check_writable());
  Ext2Fs::Guard guard(fs());
  fs().note_time(spec.time);
  const bool directory = type_of(spec.mode) == FileType::Directory;
  if (directory && links() >= kLinkMax) return Error::TooManyLinks;
  RefPtr<Ext2Node> node = MOS_TRY(fs().new_node(*this, spec));
  if (auto added = fs().add_entry(*this, name, node->number(), node->type()); !added) {
    fs().discard_new_node(*node);
    return added.error();
  }
  if (directory) add_links(1);  // Its "..".
  MOS_TRY(fs().store_node(*this));
  return RefPtr<Vnode>(static_cast<RefPtr<Ext2Node>&&>(node));
}

Result<void> Ext2Node::link(std::string_view name, Vnode& target, Timespec now) noexcept {
  MOS_TRY(check_writable());
  Ext2Fs::Guard guard(fs());
  fs().note_time(now);
  Ext2Node& node = as_node(target);
  if (node.links() >= kLinkMax) return Error::TooManyLinks;
  MOS_TRY(fs().add_entry(*this, name, node.number(), node.type()));
  node.add_links(1);
  return {};
}

Result<void> Ext2Node::unlink(std::string_view name, Vnode& victim, Timespec now) noexcept {
  MOS_TRY(check_writable());
  Ext2Fs::Guard guard(fs());
  fs().note_time(now);
  Ext2Node& node = as_node(victim);
  MOS_TRY(fs().remove_entry(*this, name));
  if (node.is_directory()) {
    node.set_links(0);  // Its name and its ".".
    add_links(-1);      // Its "..".
  } else {
    node.add_links(-1);
  }
  // With no links left the inode goes once nothing holds the vnode (Ext2Fs::prune).
  return {};
}

Result<void> Ext2Node::rename(std::string_view from, Vnode& moved, Vnode& to_directory,
                              std::string_view to, Vnode* replaced, Timespec now) noexcept {
  MOS_TRY(check_writable());
  Ext2Fs::Guard guard(fs());
  fs().note_time(now);
  Ext2Node& node = as_node(moved);
  Ext2Node& target = as_node(to_directory);
  const bool across = &target != this;
  if (node.is_directory() && across && replaced == nullptr && target.links() >= kLinkMax) {
    return Error::TooManyLinks;
  }
  if (replaced != nullptr) {
    // The existing entry now names `moved`: no allocation, so this step cannot run out of room.
    Ext2Node& gone = as_node(*replaced);
    MOS_TRY(fs().retarget_entry(target, to, node.number(), node.type()));
    if (gone.is_directory()) {
      gone.set_links(0);
      target.add_links(-1);
    } else {
      gone.add_links(-1);
    }
  } else {
    MOS_TRY(fs().add_entry(target, to, node.number(), node.type()));
  }
  MOS_TRY(fs().remove_entry(*this, from));
  if (node.is_directory() && across) {
    MOS_TRY(fs().retarget_entry(node, "..", target.number(), FileType::Directory));
    add_links(-1);
    target.add_links(1);
  }
  return {};
}

Result<bool> Ext2Node::is_empty() noexcept {
  if (!is_directory()) return Error::NotDirectory;
  Ext2Fs::Guard guard(fs());
  return fs().directory_empty(*this);
}

Result<void> Ext2Node::read_directory(std::uint64_t& position, DirectorySink& sink) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  Ext2Fs::Guard guard(fs());
  return fs().list_directory(*this, position, sink);
}

// --- Contents ------------------------------------------------------------------------------

Result<std::size_t> Ext2Node::read(std::uint64_t offset, std::span<std::byte> out) noexcept {
  if (type() != FileType::Regular) return Vnode::read(offset, out);
  Ext2Fs::Guard guard(fs());
  const std::uint64_t size = this->size();
  if (offset >= size || out.empty()) return std::size_t{0};
  const std::size_t total =
      size - offset < out.size() ? static_cast<std::size_t>(size - offset) : out.size();
  const std::uint32_t block_size = fs().block_size();
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::uint32_t within = static_cast<std::uint32_t>(at % block_size);
    const std::size_t n = block_size - within < total - done ? block_size - within : total - done;
    const std::uint32_t block = MOS_TRY(fs().map_block(*this, at / block_size));
    if (block == 0) {
      memory_set(out.data() + done, 0, n);
    } else if (n == block_size) {
      MOS_TRY(fs().cache().read_direct(block, out.subspan(done, n)));
    } else {
      MOS_TRY(fs().cache().read_direct(block, {fs().scratch(), block_size}));
      memory_copy(out.data() + done, fs().scratch() + within, n);
    }
    done += n;
  }
  return done;
}

namespace {

// Zeroes the bytes of the file's last block past `size` (before the file grows past it, so that
// whatever the disk holds there reads as zeros).
Result<void> zero_tail(Ext2Fs& fs, Ext2Node& node, std::uint64_t size) noexcept {
  const std::uint32_t block_size = fs.block_size();
  const std::uint32_t within = static_cast<std::uint32_t>(size % block_size);
  if (within == 0) return {};
  const std::uint32_t block = MOS_TRY(fs.map_block(node, size / block_size));
  if (block == 0) return {};
  MOS_TRY(fs.cache().read_direct(block, {fs.scratch(), block_size}));
  memory_set(fs.scratch() + within, 0, block_size - within);
  return fs.cache().write_direct(block, {fs.scratch(), block_size});
}

}  // namespace

Result<std::size_t> Ext2Node::write(std::uint64_t offset,
                                    std::span<const std::byte> data) noexcept {
  if (type() != FileType::Regular) return Vnode::write(offset, data);
  MOS_TRY(check_writable());
  Ext2Fs::Guard guard(fs());
  const std::uint64_t max = fs().max_file_size();
  if (offset >= max) return Error::FileTooBig;
  const std::size_t total =
      max - offset < data.size() ? static_cast<std::size_t>(max - offset) : data.size();
  const std::uint64_t old_size = size();
  if (offset > old_size) MOS_TRY(zero_tail(fs(), *this, old_size));
  const std::uint32_t block_size = fs().block_size();
  std::size_t done = 0;
  Result<void> stopped;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::uint32_t within = static_cast<std::uint32_t>(at % block_size);
    const std::size_t n = block_size - within < total - done ? block_size - within : total - done;
    bool fresh = false;
    auto block = fs().map_block_for_write(*this, at / block_size, fresh);
    if (!block) {
      stopped = block.error();
      break;
    }
    Result<void> written;
    if (n == block_size) {
      written = fs().cache().write_direct(*block, data.subspan(done, n));
    } else {
      std::byte* scratch = fs().scratch();
      if (fresh) {
        memory_set(scratch, 0, block_size);
      } else {
        written = fs().cache().read_direct(*block, {scratch, block_size});
      }
      if (written) {
        memory_copy(scratch + within, data.data() + done, n);
        written = fs().cache().write_direct(*block, {scratch, block_size});
      }
    }
    if (!written) {
      stopped = written.error();
      break;
    }
    done += n;
  }
  const std::uint64_t end = offset + done;
  if (end > old_size) set_size(end);
  if (!stopped) {
    // Blocks allocated past what was written (indirect blocks, a block whose write failed) go.
    const std::uint64_t kept = (size() + block_size - 1) / block_size;
    (void)fs().truncate_blocks(*this, kept);
    if (done == 0) return stopped.error();
  }
  MOS_TRY(fs().store_node(*this));
  return done;
}

Result<void> Ext2Node::resize(std::uint64_t size) noexcept {
  if (type() != FileType::Regular) return Vnode::resize(size);
  MOS_TRY(check_writable());
  Ext2Fs::Guard guard(fs());
  if (size > fs().max_file_size()) return Error::FileTooBig;
  const std::uint64_t old_size = this->size();
  const std::uint32_t block_size = fs().block_size();
  if (size < old_size) {
    MOS_TRY(fs().truncate_blocks(*this, (size + block_size - 1) / block_size));
    MOS_TRY(zero_tail(fs(), *this, size));
  } else if (size > old_size) {
    MOS_TRY(zero_tail(fs(), *this, old_size));
  }
  set_size(size);
  return fs().store_node(*this);
}

Result<std::size_t> Ext2Node::read_link(std::span<char> out) noexcept {
  if (type() != FileType::Symlink) return Error::InvalidArgument;
  Ext2Fs::Guard guard(fs());
  const std::uint64_t length = size();
  const std::size_t n = length < out.size() ? static_cast<std::size_t>(length) : out.size();
  const std::uint32_t acl_sectors = record.file_acl != 0 ? fs().block_size() / 512 : 0;
  if (record.blocks <= acl_sectors) {
    // A fast symlink: the target is in i_block.
    if (length > kBlockPointers * 4) return Error::BadMessage;
    std::byte bytes[kBlockPointers * 4];
    for (std::uint32_t i = 0; i < kBlockPointers; ++i) store32(bytes + 4 * i, record.block[i]);
    memory_copy(out.data(), bytes, n);
    return n;
  }
  const std::uint32_t block = MOS_TRY(fs().map_block(*this, 0));
  if (block == 0) return Error::BadMessage;
  BlockCache::Block* b = MOS_TRY(fs().cache().get(block));
  memory_copy(out.data(), b->data, n);
  return n;
}

Result<void> Ext2Node::sync() noexcept {
  return fs().sync();
}

}  // namespace mos::vfs::ext2
