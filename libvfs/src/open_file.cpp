// OpenFile's own behaviour: a regular file or a directory of a file system. Reads and writes hold
// the offset lock (so that the offset moves by exactly what each did) and the vnode's contents
// lock; directory reads hold the namespace lock, under which directories change.
#include <vfs/open_file.hpp>
#include <vfs/vfs.hpp>

#include <limits>

namespace mos::vfs {
namespace {

using namespace open_flags;

constexpr std::int64_t kMaxOffset = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kDay = 24 * 60 * 60;

bool before(const Timespec& a, const Timespec& b) noexcept {
  return a.seconds < b.seconds || (a.seconds == b.seconds && a.nanoseconds < b.nanoseconds);
}

// relatime (Linux's default): a read moves the access time only when it is not after the last
// modification or change, or is a day old, so that reads rarely write.
void note_access(Vnode& vnode, Timespec time, std::uint32_t flags) noexcept {
  if ((flags & kNoAccessTime) != 0) return;
  vnode.update([time](Attributes& a) {
    if (!before(a.modify, a.access) || !before(a.change, a.access) ||
        time.seconds - a.access.seconds >= kDay) {
      a.access = time;
    }
  });
}

}  // namespace

OpenFile::OpenFile(Vfs& vfs, Path path, std::uint32_t flags, const Credentials& opener) noexcept
    : vfs_(vfs), path_(static_cast<Path&&>(path)), opener_(opener), flags_(flags) {}

void OpenFile::set_status_flags(std::uint32_t flags) noexcept {
  std::uint32_t old = flags_.load(std::memory_order_relaxed);
  while (!flags_.compare_exchange_weak(
      old, (old & ~kStatusChangeable) | (flags & kStatusChangeable), std::memory_order_relaxed)) {
  }
}

bool OpenFile::readable() const noexcept {
  const std::uint32_t mode = flags() & kAccessMode;
  return mode == kReadOnly || mode == kReadWrite;
}

bool OpenFile::writable() const noexcept {
  const std::uint32_t mode = flags() & kAccessMode;
  return mode == kWriteOnly || mode == kReadWrite;
}

Result<std::size_t> OpenFile::read_contents(std::uint64_t offset, std::span<std::byte> out) noexcept {
  if (!readable()) return Error::BadFileDescriptor;
  Vnode& v = vnode();
  if (v.is_directory()) return Error::IsDirectory;
  std::size_t n;
  {
    sched::MutexGuard guard(v.contents_lock());
    n = MOS_TRY(v.read(offset, out));
  }
  note_access(v, vfs_.now(), flags());
  return n;
}

Result<std::size_t> OpenFile::write_contents(std::uint64_t* offset, std::span<const std::byte> data,
                                             bool append, const Credentials& writer) noexcept {
  if (!writable()) return Error::BadFileDescriptor;
  Vnode& v = vnode();
  if (v.is_directory()) return Error::IsDirectory;
  if (data.empty()) return std::size_t{0};
  sched::MutexGuard guard(v.contents_lock());
  if (append) *offset = static_cast<std::uint64_t>(v.attributes().size);
  if (*offset > static_cast<std::uint64_t>(kMaxOffset) - data.size()) return Error::FileTooBig;
  const std::size_t n = MOS_TRY(v.write(*offset, data));
  *offset += n;
  const Timespec time = vfs_.now();
  v.update([time, &writer](Attributes& a) {
    a.modify = a.change = time;
    a.mode = mode_after_write(writer, a);
  });
  return n;
}

Result<std::size_t> OpenFile::read(std::span<std::byte> out) noexcept {
  sched::MutexGuard guard(offset_lock_);
  const std::size_t n = MOS_TRY(read_contents(static_cast<std::uint64_t>(offset_), out));
  offset_ += static_cast<std::int64_t>(n);
  return n;
}

Result<std::size_t> OpenFile::write(std::span<const std::byte> data,
                                    const Credentials& writer) noexcept {
  sched::MutexGuard guard(offset_lock_);
  auto offset = static_cast<std::uint64_t>(offset_);
  const std::size_t n = MOS_TRY(write_contents(&offset, data, (flags() & kAppend) != 0, writer));
  offset_ = static_cast<std::int64_t>(offset);
  return n;
}

Result<std::size_t> OpenFile::read_at(std::int64_t offset, std::span<std::byte> out) noexcept {
  if (offset < 0) return Error::InvalidArgument;
  return read_contents(static_cast<std::uint64_t>(offset), out);
}

Result<std::size_t> OpenFile::write_at(std::int64_t offset, std::span<const std::byte> data,
                                       const Credentials& writer) noexcept {
  if (offset < 0) return Error::InvalidArgument;
  auto at = static_cast<std::uint64_t>(offset);
  // As Linux: pwrite on an O_APPEND file appends, whatever the offset.
  return write_contents(&at, data, (flags() & kAppend) != 0, writer);
}

Result<std::int64_t> OpenFile::seek(std::int64_t offset, Whence whence) noexcept {
  sched::MutexGuard guard(offset_lock_);
  Vnode& v = vnode();
  const std::int64_t size = v.attributes().size;
  std::int64_t base;
  switch (whence) {
    case Whence::Set:
      base = 0;
      break;
    case Whence::Current:
      base = offset_;
      break;
    case Whence::End:
      if (v.is_directory()) return Error::InvalidArgument;
      base = size;
      break;
    case Whence::Data:
    case Whence::Hole:
      // The whole file is data (sparse regions are not reported as holes).
      if (v.is_directory()) return Error::InvalidArgument;
      if (offset < 0 || offset >= size) return Error::NoDeviceOrAddress;
      offset_ = whence == Whence::Data ? offset : size;
      return offset_;
    default:
      return Error::InvalidArgument;
  }
  if ((offset > 0 && base > kMaxOffset - offset) || base + offset < 0) {
    return Error::InvalidArgument;
  }
  offset_ = base + offset;
  return offset_;
}

Result<void> OpenFile::read_directory(DirectorySink& sink) noexcept {
  Vnode& v = vnode();
  if (!v.is_directory()) return Error::NotDirectory;
  sched::MutexGuard offset_guard(offset_lock_);
  sched::MutexGuard guard(vfs_.lock_);
  auto position = static_cast<std::uint64_t>(offset_);
  // "." and ".." first (positions 0 and 1), then the file system's entries.
  if (position == 0) {
    if (!sink.emit(".", v.inode(), FileType::Directory, 1)) return {};
    position = offset_ = 1;
  }
  if (position == 1) {
    const Dentry* parent = path_.dentry().parent();
    const std::uint64_t inode = parent != nullptr ? parent->vnode()->inode() : v.inode();
    if (!sink.emit("..", inode, FileType::Directory, kFirstEntryPosition)) return {};
    position = kFirstEntryPosition;
    offset_ = static_cast<std::int64_t>(position);
  }
  const Result<void> read = v.read_directory(position, sink);
  offset_ = static_cast<std::int64_t>(position);
  note_access(v, vfs_.now(), flags());
  return read;
}

ipc::PollEvents OpenFile::poll() noexcept {
  return ipc::PollEvents::Readable | ipc::PollEvents::Writable;
}

Result<std::int64_t> OpenFile::control(std::uint32_t, std::uintptr_t) noexcept {
  return Error::NotTerminal;
}

Result<void> OpenFile::sync() noexcept {
  Vnode& v = vnode();
  sched::MutexGuard guard(v.contents_lock());
  return v.sync();
}

}  // namespace mos::vfs
