// The dentry cache: a tree of names per file system, positive and negative, in front of the file
// systems' lookups. A parent's tree of children holds a reference to each child, a child holds
// its parent; the cycle is broken by detach (unlink, rmdir, rename over, pruning, unmount),
// after which a dentry lives only as long as someone else (an open file, a working directory)
// holds it. Everything here runs under the namespace lock.
#include <vfs/vfs.hpp>

#include <k/panic.hpp>

#include <new>

namespace mos::vfs {
namespace {

int compare_to(std::string_view name, const Dentry& dentry) noexcept {
  return compare_names(name, dentry.name());
}

}  // namespace

Dentry::Dentry(Name name, RefPtr<Dentry> parent, RefPtr<Vnode> vnode) noexcept
    : name_(static_cast<Name&&>(name)), parent_(static_cast<RefPtr<Dentry>&&>(parent)),
      vnode_(static_cast<RefPtr<Vnode>&&>(vnode)) {}

Dentry::~Dentry() {
  MOS_ASSERT(children_.empty());
  MOS_ASSERT(!lru_.is_linked());
}

Result<RefPtr<Dentry>> Vfs::new_dentry(Dentry* parent, std::string_view name,
                                       RefPtr<Vnode> vnode) noexcept {
  Name copy = MOS_TRY(Name::copy(name));
  auto* dentry = new (std::nothrow)
      Dentry(static_cast<Name&&>(copy), RefPtr<Dentry>(parent), static_cast<RefPtr<Vnode>&&>(vnode));
  if (dentry == nullptr) return Error::NoMemory;
  RefPtr<Dentry> result = RefPtr<Dentry>::adopt(dentry);
  if (parent != nullptr && !parent->vnode()->caches_names()) {
    dentry->uncached_ = true;  // Lives as long as the lookup's result is held, in no tree.
    return result;
  }
  // A removed directory caches nothing: its children would keep it alive forever.
  if (parent != nullptr && !parent->detached_) {
    dentry->acquire();  // The parent's tree's reference.
    parent->children_.insert(*dentry);
    lru_.push_back(*dentry);
    ++cached_;
  } else if (parent != nullptr) {
    dentry->detached_ = true;
  }
  return result;
}

Result<RefPtr<Dentry>> Vfs::lookup_child(Dentry& parent, std::string_view name) noexcept {
  if (Dentry* cached = parent.children_.find(name, compare_to)) {
    touch(*cached);
    return RefPtr<Dentry>(cached);
  }
  RefPtr<Vnode> vnode;
  if (auto found = parent.vnode()->lookup(name); found) {
    vnode = static_cast<RefPtr<Vnode>&&>(*found);
  } else if (found.error() != Error::NoEntry) {
    return found.error();
  }
  RefPtr<Dentry> dentry = MOS_TRY(new_dentry(&parent, name, static_cast<RefPtr<Vnode>&&>(vnode)));
  prune();
  return dentry;
}

void Vfs::set_dentry_vnode(Dentry& dentry, RefPtr<Vnode> vnode) noexcept {
  dentry.vnode_ = static_cast<RefPtr<Vnode>&&>(vnode);
}

void Vfs::touch(Dentry& dentry) noexcept {
  if (!dentry.lru_.is_linked()) return;
  lru_.erase(dentry);
  lru_.push_back(dentry);
}

void Vfs::detach(Dentry& dentry) noexcept {
  if (dentry.detached_) return;
  dentry.detached_ = true;
  if (!dentry.sibling_.is_linked()) return;  // A file system's root.
  dentry.parent_->children_.erase(dentry);
  lru_.erase(dentry);
  --cached_;
  dentry.release();  // The tree's reference: last, it may free the dentry.
}

void Vfs::detach_subtree(Dentry& root) noexcept {
  // Depth first, children before their parent, without recursion (trees can be deep).
  RefPtr<Dentry> keep(&root);
  Dentry* node = &root;
  for (;;) {
    if (Dentry* child = node->children_.first()) {
      node = child;
      continue;
    }
    Dentry* parent = node == &root ? nullptr : node->parent_.get();
    detach(*node);
    if (parent == nullptr) break;
    node = parent;
  }
}

void Vfs::prune() noexcept {
  if (cached_ <= cache_limit_) return;
  const std::size_t goal = cache_limit_ - cache_limit_ / 8;
  for (auto it = lru_.begin(); it != lru_.end() && cached_ > goal;) {
    Dentry& dentry = *it++;
    // Unused: only the parent's tree holds it, it has no cached children and nothing mounted.
    if (dentry.references() == 1 && dentry.children_.empty() && dentry.mounts_ == 0) {
      detach(dentry);
    }
  }
}

void Vfs::set_dentry_cache_limit(std::size_t limit) noexcept {
  sched::MutexGuard guard(lock_);
  cache_limit_ = limit < 16 ? 16 : limit;
  prune();
}

}  // namespace mos::vfs
