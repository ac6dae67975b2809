// tmpfs directories and nodes: entries by name (lookup) and by position (readdir), link counts
// as Linux keeps them (a directory: 2 plus one per subdirectory; a file: one per name).
#include "tmp_node.hpp"

#include <k/panic.hpp>

#include <new>

namespace mos::vfs {
namespace {

int compare_to(std::string_view name, const auto& entry) noexcept {
  return compare_names(name, entry.name.view());
}

}  // namespace

TmpNode::TmpNode(TmpFs& fs, std::uint64_t inode, const Attributes& attributes) noexcept
    : Vnode(fs, inode, attributes) {}

TmpNode::~TmpNode() {
  while (Entry* entry = entries_.first()) remove_entry(*entry);
  drop_pages_from(0);
  fs().uncharge_inode();
}

Result<RefPtr<TmpNode>> TmpNode::make(TmpFs& fs, const NodeSpec& spec) noexcept {
  MOS_TRY(fs.charge_inode());
  Attributes a;
  a.mode = spec.mode;
  a.links = type_of(spec.mode) == FileType::Directory ? 2 : 1;
  a.uid = spec.uid;
  a.gid = spec.gid;
  a.rdev = spec.rdev;
  a.access = a.modify = a.change = spec.time;
  auto* node = new (std::nothrow) TmpNode(fs, fs.next_inode(), a);
  if (node == nullptr) {
    fs.uncharge_inode();
    return Error::NoMemory;
  }
  RefPtr<TmpNode> result = RefPtr<TmpNode>::adopt(node);
  if (type_of(spec.mode) == FileType::Directory) node->set_size(node->directory_size());
  if (type_of(spec.mode) == FileType::Symlink) {
    node->target_ = MOS_TRY(Name::copy(spec.symlink_target));
    node->set_size(spec.symlink_target.size());
  }
  return result;
}

TmpNode::Entry* TmpNode::find(std::string_view name) noexcept {
  return entries_.find(name, compare_to<Entry>);
}

Result<void> TmpNode::add_entry(std::string_view name, RefPtr<TmpNode> node) noexcept {
  auto* entry = new (std::nothrow) Entry;
  if (entry == nullptr) return Error::NoMemory;
  auto copied = Name::copy(name);
  if (!copied) {
    delete entry;
    return copied.error();
  }
  entry->name = static_cast<Name&&>(*copied);
  entry->position = next_position_++;
  entry->node = static_cast<RefPtr<TmpNode>&&>(node);
  entries_.insert(*entry);
  positions_.insert(*entry);
  set_size(directory_size());
  return {};
}

void TmpNode::remove_entry(Entry& entry) noexcept {
  entries_.erase(entry);
  positions_.erase(entry);
  delete &entry;
  set_size(directory_size());
}

void TmpNode::add_links(std::int32_t delta) noexcept {
  SpinLockGuard guard(attributes_lock());
  attributes_locked().links = static_cast<std::uint32_t>(
      static_cast<std::int64_t>(attributes_locked().links) + delta);
}

void TmpNode::set_size(std::uint64_t size) noexcept {
  SpinLockGuard guard(attributes_lock());
  attributes_locked().size = static_cast<std::int64_t>(size);
  attributes_locked().blocks = pages_.size() * (kPageSize / 512);
}

Result<RefPtr<Vnode>> TmpNode::lookup(std::string_view name) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  Entry* entry = find(name);
  if (entry == nullptr) return Error::NoEntry;
  return RefPtr<Vnode>(entry->node.get());
}

Result<RefPtr<Vnode>> TmpNode::create(std::string_view name, const NodeSpec& spec) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  RefPtr<TmpNode> node = MOS_TRY(make(fs(), spec));
  MOS_TRY(add_entry(name, node));
  if (node->is_directory()) add_links(1);  // Its "..".
  return RefPtr<Vnode>(node.get());
}

Result<void> TmpNode::link(std::string_view name, Vnode& target, Timespec) noexcept {
  MOS_TRY(add_entry(name, RefPtr<TmpNode>(&static_cast<TmpNode&>(target))));
  static_cast<TmpNode&>(target).add_links(1);
  return {};
}

Result<void> TmpNode::unlink(std::string_view name, Vnode& victim, Timespec) noexcept {
  Entry* entry = find(name);
  MOS_ASSERT(entry != nullptr && entry->node.get() == &victim);
  RefPtr<TmpNode> node = entry->node;  // Keeps it until its links are right.
  remove_entry(*entry);
  if (node->is_directory()) {
    node->add_links(-2);  // Its name and its ".": gone.
    add_links(-1);        // Its "..".
  } else {
    node->add_links(-1);
  }
  return {};
}

Result<void> TmpNode::rename(std::string_view from, Vnode& moved, Vnode& to_directory,
                             std::string_view to, Vnode* replaced, Timespec now) noexcept {
  auto& target_directory = static_cast<TmpNode&>(to_directory);
  Entry* entry = find(from);
  MOS_ASSERT(entry != nullptr && entry->node.get() == &moved);
  RefPtr<TmpNode> node = entry->node;
  if (replaced != nullptr) {
    // The entry for `to` now names `moved` (no allocation: this step cannot fail).
    Entry* old = target_directory.find(to);
    MOS_ASSERT(old != nullptr && old->node.get() == replaced);
    RefPtr<TmpNode> gone = static_cast<RefPtr<TmpNode>&&>(old->node);
    old->node = node;
    target_directory.positions_.erase(*old);
    old->position = target_directory.next_position_++;
    target_directory.positions_.insert(*old);
    if (gone->is_directory()) {
      gone->add_links(-2);
      target_directory.add_links(-1);
    } else {
      gone->add_links(-1);
    }
  } else {
    MOS_TRY(target_directory.add_entry(to, node));
  }
  remove_entry(*entry);
  if (node->is_directory() && &target_directory != this) {
    add_links(-1);  // Its ".." moves.
    target_directory.add_links(1);
  }
  (void)now;
  return {};
}

Result<bool> TmpNode::is_empty() noexcept {
  if (!is_directory()) return Error::NotDirectory;
  return entries_.empty();
}

Result<void> TmpNode::read_directory(std::uint64_t& position, DirectorySink& sink) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  auto compare = [](std::uint64_t p, const Entry& e) { return p < e.position ? -1 : p > e.position ? 1 : 0; };
  for (Entry* entry = positions_.lower_bound(position, compare); entry != nullptr;
       entry = positions_.next(*entry)) {
    if (!sink.emit(entry->name.view(), entry->node->inode(), entry->node->type(),
                   entry->position + 1)) {
      return {};
    }
    position = entry->position + 1;
  }
  position = next_position_;  // At the end: later entries come after.
  return {};
}

Result<std::size_t> TmpNode::read_link(std::span<char> out) noexcept {
  if (type() != FileType::Symlink) return Error::InvalidArgument;
  const std::string_view target = target_.view();
  const std::size_t n = target.size() < out.size() ? target.size() : out.size();
  for (std::size_t i = 0; i < n; ++i) out[i] = target[i];
  return n;
}

}  // namespace mos::vfs
