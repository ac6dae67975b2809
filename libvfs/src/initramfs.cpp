// Unpacking a cpio newc archive into the namespace (see vfs/initramfs.hpp), after Linux's
// init/initramfs.c: hard links are found by (device, inode) among entries with nlink > 1, and
// directory times are set last, since adding entries to a directory moves its times.
#include <vfs/initramfs.hpp>

#include <k/scope_guard.hpp>

#include <new>

// Defined by an image that links its initramfs in; absent (null) otherwise.
extern "C" {
[[gnu::weak]] extern const std::byte mos_embedded_initramfs_start[];
[[gnu::weak]] extern const std::byte mos_embedded_initramfs_end[];
}

namespace mos::vfs {
namespace {

using namespace open_flags;

// What the unpacker remembers about earlier entries: hard-link origins and directory times.
struct Remembered {
  Remembered* next = nullptr;
  DeviceNumber device;
  std::uint32_t inode = 0;
  std::uint32_t mtime = 0;
  Name path;
};

class Memory {
 public:
  Memory() noexcept = default;
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  ~Memory() {
    while (Remembered* r = head_) {
      head_ = r->next;
      delete r;
    }
  }
  Result<void> add(std::string_view path, DeviceNumber device, std::uint32_t inode,
                   std::uint32_t mtime) noexcept {
    auto* r = new (std::nothrow) Remembered;
    if (r == nullptr) return Error::NoMemory;
    auto name = Name::copy(path);
    if (!name) {
      delete r;
      return name.error();
    }
    r->device = device;
    r->inode = inode;
    r->mtime = mtime;
    r->path = static_cast<Name&&>(*name);
    r->next = head_;
    head_ = r;
    return {};
  }
  const Remembered* find(DeviceNumber device, std::uint32_t inode) const noexcept {
    for (const Remembered* r = head_; r != nullptr; r = r->next) {
      if (r->device == device && r->inode == inode) return r;
    }
    return nullptr;
  }
  const Remembered* first() const noexcept { return head_; }

 private:
  Remembered* head_ = nullptr;
};

class Unpacker {
 public:
  Unpacker(Vfs& vfs, Context context) noexcept : vfs_(vfs), context_(static_cast<Context&&>(context)) {}

  // Makes one entry at `path` (normalised; "" is the directory unpacked into).
  Result<void> make(const CpioEntry& entry, std::string_view path) noexcept {
    const std::string_view here = path.empty() ? std::string_view(".") : path;
    switch (entry.type()) {
      case FileType::Directory:
        MOS_TRY(make_directory(entry, here));
        break;
      case FileType::Regular:
        MOS_TRY(make_file(entry, here));
        break;
      case FileType::Symlink:
        MOS_TRY(clear(here, FileType::Symlink));
        MOS_TRY(vfs_.make_symlink(context_, entry.symlink_target(), here));
        ++stats_.symlinks;
        break;
      default:
        MOS_TRY(clear(here, entry.type()));
        MOS_TRY(vfs_.make_node(context_, here, entry.mode, entry.rdev));
        ++stats_.nodes;
        break;
    }
    MOS_TRY(vfs_.change_owner(context_, here, entry.uid, entry.gid, false));
    if (entry.type() != FileType::Symlink) {
      MOS_TRY(vfs_.change_mode(context_, here, entry.permissions(), false));
    }
    const Timespec mtime{entry.mtime, 0};
    if (entry.type() == FileType::Directory) return directories_.add(here, {}, 0, entry.mtime);
    return vfs_.set_times(context_, here, mtime, mtime, false);
  }

  // Directory times, last: their entries are all made now.
  Result<void> finish() noexcept {
    for (const Remembered* d = directories_.first(); d != nullptr; d = d->next) {
      const Timespec mtime{d->mtime, 0};
      MOS_TRY(vfs_.set_times(context_, d->path, mtime, mtime, false));
    }
    return {};
  }

  const InitramfsStats& stats() const noexcept { return stats_; }

 private:
  // Removes what is at `path` unless it may stay: a directory for a directory. A directory in
  // the way of another type goes only if empty (rmdir's rule).
  Result<void> clear(std::string_view path, FileType keep) noexcept {
    auto st = vfs_.stat(context_, path, false);
    if (!st) return st.error() == Error::NoEntry ? Result<void>{} : Result<void>{st.error()};
    if (type_of(st->mode) == FileType::Directory) {
      if (keep == FileType::Directory) return {};
      return vfs_.remove_directory(context_, path);
    }
    return vfs_.unlink(context_, path);
  }

  Result<void> make_directory(const CpioEntry& entry, std::string_view path) noexcept {
    MOS_TRY(clear(path, FileType::Directory));
    auto made = vfs_.make_directory(context_, path, entry.permissions());
    if (!made && made.error() != Error::Exists) return made.error();
    ++stats_.directories;
    return {};
  }

  Result<void> make_file(const CpioEntry& entry, std::string_view path) noexcept {
    MOS_TRY(clear(path, FileType::Regular));
    std::uint32_t flags = kWriteOnly | kCreate | kTruncate;
    const Remembered* origin = entry.nlink > 1 ? links_.find(entry.dev, entry.ino) : nullptr;
    if (origin != nullptr) {
      MOS_TRY(vfs_.link(context_, origin->path, path));
      ++stats_.hard_links;
      flags = kWriteOnly;  // Data on a later entry of a linked file replaces the contents.
      if (entry.data.empty()) return {};
    } else {
      if (entry.nlink > 1) MOS_TRY(links_.add(path, entry.dev, entry.ino, 0));
      ++stats_.files;
    }
    RefPtr<OpenFile> file = MOS_TRY(vfs_.open(context_, path, flags, entry.permissions()));
    if (origin != nullptr) MOS_TRY(vfs_.truncate(context_, *file, 0));
    std::size_t done = 0;
    while (done < entry.data.size()) {
      done += MOS_TRY(file->write(entry.data.subspan(done)));
    }
    stats_.bytes += done;
    return {};
  }

  Vfs& vfs_;
  Context context_;
  InitramfsStats stats_;
  Memory links_;
  Memory directories_;
};

}  // namespace

std::span<const std::byte> embedded_initramfs() noexcept {
  const std::byte* start = mos_embedded_initramfs_start;
  const std::byte* end = mos_embedded_initramfs_end;
  if (start == nullptr || end == nullptr || end < start) return {};
  return {start, end};
}

Result<InitramfsStats, CpioError> unpack_initramfs(Vfs& vfs, std::span<const std::byte> archive,
                                                   const Path* at) noexcept {
  Context context = vfs.context();
  context.umask = 0;
  if (at != nullptr) context.cwd = *at;
  Unpacker unpacker(vfs, static_cast<Context&&>(context));
  CpioReader reader(archive);
  char* buffer = nullptr;
  std::size_t buffer_size = 0;
  ScopeGuard free_buffer([&buffer] { delete[] buffer; });
  for (;;) {
    auto next = reader.next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    const CpioEntry& entry = **next;
    auto failed = [&entry](Error code, std::string_view what) {
      return CpioError{code, what, entry.index, entry.offset, entry.name};
    };
    if (entry.name.size() > buffer_size) {
      delete[] buffer;
      buffer_size = entry.name.size() < 256 ? 256 : entry.name.size();
      buffer = new (std::nothrow) char[buffer_size];
      if (buffer == nullptr) return failed(Error::NoMemory, "out of memory");
    }
    auto path = normalize_cpio_name(entry.name, std::span(buffer, buffer_size));
    if (!path) return failed(path.error(), "the name leaves the root or is not a name");
    if (auto made = unpacker.make(entry, *path); !made) {
      return failed(made.error(), "the file system refused the entry");
    }
  }
  if (auto finished = unpacker.finish(); !finished) {
    return CpioError{finished.error(), "cannot set a directory's times", reader.entries_read(),
                     reader.offset(), {}};
  }
  return unpacker.stats();
}

}  // namespace mos::vfs
