#pragma once
// A tmpfs file: a directory (entries by name and by readdir position), a regular file (pages by
// index, allocated on first write), a symlink (its target), or a node with attributes only
// (FIFO, socket, device).

#include <vfs/name.hpp>
#include <vfs/tmpfs.hpp>
#include <vfs/vnode.hpp>

#include <k/intrusive_rb_tree.hpp>

#include <cstdint>

namespace mos::vfs {

class TmpNode final : public Vnode {
 public:
  static constexpr std::uint64_t kPageSize = 4096;

  /// A node as `spec` says. Error::NoSpace (inode limit), Error::NoMemory.
  static Result<RefPtr<TmpNode>> make(TmpFs& fs, const NodeSpec& spec) noexcept;

  Result<RefPtr<Vnode>> lookup(std::string_view name) noexcept override;
  Result<RefPtr<Vnode>> create(std::string_view name, const NodeSpec& spec) noexcept override;
  Result<void> link(std::string_view name, Vnode& target, Timespec now) noexcept override;
  Result<void> unlink(std::string_view name, Vnode& victim, Timespec now) noexcept override;
  Result<void> rename(std::string_view from, Vnode& moved, Vnode& to_directory,
                      std::string_view to, Vnode* replaced, Timespec now) noexcept override;
  Result<bool> is_empty() noexcept override;
  Result<void> read_directory(std::uint64_t& position, DirectorySink& sink) noexcept override;
  Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out) noexcept override;
  Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data) noexcept override;
  Result<void> resize(std::uint64_t size) noexcept override;
  Result<std::size_t> read_link(std::span<char> out) noexcept override;

 private:
  struct Entry {
    RbNode by_name;
    RbNode by_position;
    Name name;
    std::uint64_t position = 0;
    RefPtr<TmpNode> node;
  };
  struct NameOrder {
    bool operator()(const Entry& a, const Entry& b) const noexcept { return a.name.view() < b.name.view(); }
  };
  struct PositionOrder {
    bool operator()(const Entry& a, const Entry& b) const noexcept { return a.position < b.position; }
  };
  struct Page {
    RbNode node;
    std::uint64_t index = 0;
    std::byte* bytes = nullptr;
  };
  struct PageOrder {
    bool operator()(const Page& a, const Page& b) const noexcept { return a.index < b.index; }
  };

  TmpNode(TmpFs& fs, std::uint64_t inode, const Attributes& attributes) noexcept;
  ~TmpNode() override;

  TmpFs& fs() const noexcept { return static_cast<TmpFs&>(file_system()); }
  Entry* find(std::string_view name) noexcept;
  // Adds an entry for `node` (a new position); removes one (and frees it).
  Result<void> add_entry(std::string_view name, RefPtr<TmpNode> node) noexcept;
  void remove_entry(Entry& entry) noexcept;
  void add_links(std::int32_t delta) noexcept;
  Page* find_page(std::uint64_t index) noexcept;
  Result<Page*> page_for_write(std::uint64_t index) noexcept;
  void drop_pages_from(std::uint64_t first) noexcept;
  void set_size(std::uint64_t size) noexcept;
  // What stat says of a directory's size: Linux's tmpfs counts 20 bytes per entry, "." and ".."
  // included.
  std::uint64_t directory_size() const noexcept { return (entries_.size() + 2) * 20; }

  IntrusiveRbTree<Entry, &Entry::by_name, NameOrder> entries_;
  IntrusiveRbTree<Entry, &Entry::by_position, PositionOrder> positions_;
  std::uint64_t next_position_ = kFirstEntryPosition;
  IntrusiveRbTree<Page, &Page::node, PageOrder> pages_;
  Name target_;  // A symlink's.
};

}  // namespace mos::vfs
