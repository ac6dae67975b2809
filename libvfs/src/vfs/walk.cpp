// Path resolution: from the root or a starting directory, one component at a time, through the
// dentry cache, across mounts (down into what is mounted on a dentry, up from a mount's root to
// its mountpoint for ".."), following symlinks (at most kMaxSymlinks per resolution: the path
// still to walk after a link waits on a stack while the link's target is walked, so, as in
// Linux, expansions have no length limit), checking that each directory passed through may be
// searched. The namespace lock is held throughout.
#include <vfs/permission.hpp>
#include <vfs/vfs.hpp>

#include <new>
#include <utility>

namespace mos::vfs {
namespace {

bool has_component(std::string_view s) noexcept {
  return s.find_first_not_of('/') != std::string_view::npos;
}

}  // namespace

Vfs::Walk::Walk(Walk&& other) noexcept
    : parent(static_cast<Path&&>(other.parent)), name(other.name), last(other.last),
      trailing_slash(other.trailing_slash), name_too_long(other.name_too_long),
      child(static_cast<RefPtr<Dentry>&&>(other.child)), target(static_cast<Path&&>(other.target)),
      link_count(std::exchange(other.link_count, 0)) {
  for (int i = 0; i < link_count; ++i) links[i] = std::exchange(other.links[i], nullptr);
}

Vfs::Walk::~Walk() {
  for (int i = 0; i < link_count; ++i) delete[] links[i];
}

Path Vfs::cross_mounts(Path path) noexcept {
  while (path.dentry_->mounts_ > 0) {
    Mount* top = mount_on(*path.mount_, *path.dentry_);
    if (top == nullptr) break;  // Mounted on in another mount that shows this dentry.
    RefPtr<Dentry> root = top->root_;
    path = Path(RefPtr<Mount>(top), static_cast<RefPtr<Dentry>&&>(root));
  }
  return path;
}

Path Vfs::parent_of(const Context& context, const Path& path) noexcept {
  Path at = path;
  // From the root of a mount, ".." is taken from its mountpoint, in the mount below.
  while (!(at == context.root) && at.dentry_.get() == at.mount_->root_.get()) {
    Mount* below = at.mount_->parent_;
    if (below == nullptr) break;
    RefPtr<Dentry> mountpoint = at.mount_->mountpoint_;
    at = Path(RefPtr<Mount>(below), static_cast<RefPtr<Dentry>&&>(mountpoint));
  }
  Dentry* up = at.dentry_->parent();
  if (at == context.root || up == nullptr) return at;  // ".." of a root is itself.
  return cross_mounts(Path(at.mount_, RefPtr<Dentry>(up)));
}

Result<Vfs::Walk> Vfs::walk(const Context& context, const Path& start, std::string_view path,
                            Intent intent) noexcept {
  if (path.empty()) return Error::NoEntry;
  if (path.size() >= kPathMax) return Error::NameTooLong;
  Walk walk;
  Path at = path.front() == '/' ? context.root : start;
  std::string_view rest = path;
  // What is left of the paths that led to the links being walked, innermost last.
  std::string_view pending[kMaxSymlinks];
  int depth = 0;
  auto pending_component = [&pending, &depth] {
    for (int i = 0; i < depth; ++i) {
      if (has_component(pending[i])) return true;
    }
    return false;
  };
  auto pending_text = [&pending, &depth] {
    for (int i = 0; i < depth; ++i) {
      if (!pending[i].empty()) return true;
    }
    return false;
  };
  for (;;) {
    // The next component, from the innermost text that still has one.
    while (!has_component(rest) && depth > 0) rest = pending[--depth];
    if (!has_component(rest)) {  // Nothing but slashes: the directory itself.
      walk.parent = at;
      walk.target = at;
      walk.last = Last::Root;
      walk.trailing_slash = true;
      return walk;
    }
    rest.remove_prefix(rest.find_first_not_of('/'));
    const std::size_t end = rest.find('/');
    const std::string_view name = rest.substr(0, end);
    const std::string_view after = end == std::string_view::npos ? "" : rest.substr(end);
    const bool is_last = !has_component(after) && !pending_component();
    const bool trailing_slash = is_last && (!after.empty() || pending_text());

    Vnode& directory = at.vnode();
    if (!directory.is_directory()) return Error::NotDirectory;
    MOS_TRY(check_access(context.credentials, directory.attributes(), access_mode::kExecute));

    if (name == "." || name == "..") {
      Path next = name == "." ? at : parent_of(context, at);
      if (is_last) {
        walk.parent = at;
        walk.name = name;
        walk.last = name == "." ? Last::Dot : Last::DotDot;
        walk.trailing_slash = trailing_slash;
        walk.target = static_cast<Path&&>(next);
        return walk;
      }
      at = static_cast<Path&&>(next);
      rest = after;
      continue;
    }

    const bool creating = intent == Intent::Create || intent == Intent::CreateNoFollow;
    if (is_last && (intent == Intent::Parent || (creating && trailing_slash))) {
      // Looked up later by the operation (Parent), or never (a create with a trailing slash).
      walk.parent = at;
      walk.name = name;
      walk.trailing_slash = trailing_slash;
      if (name.size() > kNameMax) {
        if (intent != Intent::Parent) return Error::NameTooLong;
        walk.name_too_long = true;
        return walk;
      }
      if (creating) return walk;
    }
    if (name.size() > kNameMax) return Error::NameTooLong;

    RefPtr<Dentry> child = MOS_TRY(lookup_child(at.dentry(), name));
    Path next;
    if (child->vnode() != nullptr) next = cross_mounts(Path(at.mount_, child));
    bool follow = next && next.vnode().type() == FileType::Symlink;
    if (follow && is_last) {
      follow = intent == Intent::Lookup || intent == Intent::Create ||
               (intent == Intent::LookupNoFollow && trailing_slash);
    }
    if (!follow) {
      if (is_last) {
        walk.parent = at;
        walk.name = name;
        walk.trailing_slash = trailing_slash;
        walk.child = static_cast<RefPtr<Dentry>&&>(child);
        walk.target = static_cast<Path&&>(next);
        return walk;
      }
      if (!next) return Error::NoEntry;
      at = static_cast<Path&&>(next);
      rest = after;
      continue;
    }

    // A symlink: walk its target (from the root if absolute, else from the directory holding
    // the link), then what followed the link.
    if (walk.link_count == kMaxSymlinks) return Error::SymlinkLoop;
    char* target = new (std::nothrow) char[kPathMax];
    if (target == nullptr) return Error::NoMemory;
    walk.links[walk.link_count++] = target;
    const std::size_t length = MOS_TRY(next.vnode().read_link(std::span(target, kPathMax)));
    if (length == 0) return Error::NoEntry;
    if (!after.empty()) pending[depth++] = after;
    rest = std::string_view(target, length);
    if (rest.front() == '/') at = context.root;
  }
}

Result<Path> Vfs::resolve_locked(const Context& context, const Path& start, std::string_view path,
                                 bool follow) noexcept {
  Walk walk = MOS_TRY(this->walk(context, start, path, follow ? Intent::Lookup : Intent::LookupNoFollow));
  if (!walk.target) return Error::NoEntry;
  if (walk.trailing_slash && !walk.target.vnode().is_directory()) return Error::NotDirectory;
  return static_cast<Path&&>(walk.target);
}

Result<Path> Vfs::resolve(const Context& context, std::string_view path, bool follow) noexcept {
  sched::MutexGuard guard(lock_);
  return resolve_locked(context, context.cwd, path, follow);
}

}  // namespace mos::vfs
