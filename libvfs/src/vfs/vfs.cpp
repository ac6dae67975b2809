// The namespace itself: creation with a root file system, teardown, the clock for timestamps,
// names of paths (getcwd), sync.
#include <vfs/vfs.hpp>

#include <sched/time.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::vfs {

Vfs::Vfs(DeviceRegistry& devices) noexcept : devices_(devices) {}

Vfs::~Vfs() = default;

Result<Vfs*> Vfs::create(RefPtr<FileSystem> root, DeviceRegistry& devices) noexcept {
  auto* vfs = new (std::nothrow) Vfs(devices);
  if (vfs == nullptr) return Error::NoMemory;
  auto made = [&]() -> Result<void> {
    sched::MutexGuard guard(vfs->lock_);
    RefPtr<Dentry> dentry = MOS_TRY(vfs->new_dentry(nullptr, "/", root->root()));
    Name source = MOS_TRY(Name::copy("rootfs"));
    auto* mount = new (std::nothrow) Mount(root, static_cast<RefPtr<Dentry>&&>(dentry),
                                           static_cast<Name&&>(source), 0);
    if (mount == nullptr) return Error::NoMemory;
    vfs->root_mount_ = RefPtr<Mount>::adopt(mount);
    vfs->root_mount_->acquire();  // The table's reference.
    vfs->mounts_.push_back(*mount);
    return {};
  }();
  if (!made) {
    delete vfs;
    return made.error();
  }
  return vfs;
}

void Vfs::destroy(Vfs* vfs) noexcept {
  {
    sched::MutexGuard guard(vfs->lock_);
    while (!vfs->mounts_.empty()) vfs->detach_mount(vfs->mounts_.back());
    vfs->root_mount_.reset();
    vfs->pipe_mount_.reset();
  }
  delete vfs;
}

Path Vfs::root() const noexcept {
  sched::MutexGuard guard(lock_);
  return Path(root_mount_, root_mount_->root_);
}

Context Vfs::context(const Credentials& credentials) const noexcept {
  Path r = root();
  return Context{credentials, r, r, 022};
}

Timespec Vfs::now() const noexcept {
  const std::int64_t ns =
      static_cast<std::int64_t>(sched::now()) + time_offset_.load(std::memory_order_relaxed);
  constexpr auto kSecond = static_cast<std::int64_t>(sched::kNanosPerSecond);
  std::int64_t seconds = ns / kSecond;
  std::int64_t rest = ns % kSecond;
  if (rest < 0) {
    rest += kSecond;
    --seconds;
  }
  return {seconds, rest};
}

void Vfs::set_time(Timespec now) noexcept {
  const std::int64_t ns =
      now.seconds * static_cast<std::int64_t>(sched::kNanosPerSecond) + now.nanoseconds;
  time_offset_.store(ns - static_cast<std::int64_t>(sched::now()), std::memory_order_relaxed);
}

Result<std::size_t> Vfs::name_of_locked(const Path& root, const Path& path,
                                        std::span<char> out) noexcept {
  // Component by component from the end, written backwards into the end of `out`.
  std::size_t start = out.size();
  Path at = path;
  while (!(at == root)) {
    if (at.dentry_.get() == at.mount_->root_.get()) {
      Mount* below = at.mount_->parent_;
      if (below == nullptr) break;  // Outside `root` (a chroot): named from the real root.
      RefPtr<Dentry> mountpoint = at.mount_->mountpoint_;
      at = Path(RefPtr<Mount>(below), static_cast<RefPtr<Dentry>&&>(mountpoint));
      continue;
    }
    if (at.dentry_->detached_) return Error::NoEntry;
    const std::string_view name = at.dentry_->name();
    if (start < name.size() + 1) return Error::NameTooLong;
    start -= name.size();
    memory_copy(out.data() + start, name.data(), name.size());
    out[--start] = '/';
    at = Path(at.mount_, RefPtr<Dentry>(at.dentry_->parent()));
  }
  if (start == out.size()) {
    if (out.empty()) return Error::NameTooLong;
    out[--start] = '/';
  }
  const std::size_t length = out.size() - start;
  memory_move(out.data(), out.data() + start, length);
  return length;
}

Result<std::size_t> Vfs::name_of(const Context& context, const Path& path,
                                 std::span<char> out) noexcept {
  sched::MutexGuard guard(lock_);
  return name_of_locked(context.root, path, out);
}

Result<void> Vfs::sync() noexcept {
  // Collected first: a file system's sync may take long, and must not hold the namespace.
  constexpr std::size_t kBatch = 16;
  RefPtr<FileSystem> batch[kBatch];
  std::size_t done = 0;
  Result<void> result;
  for (;;) {
    std::size_t count = 0;
    {
      sched::MutexGuard guard(lock_);
      std::size_t index = 0;
      for (Mount& mount : mounts_) {
        if (index++ < done) continue;
        if (count == kBatch) break;
        batch[count++] = mount.file_system_;
      }
    }
    if (count == 0) return result;
    for (std::size_t i = 0; i < count; ++i) {
      if (auto synced = batch[i]->sync(); !synced && result) result = synced;
      batch[i].reset();
    }
    done += count;
  }
}

}  // namespace mos::vfs
