// procfs's files and links: generated text (rendered at offset 0, kept for later offsets), the
// command line read through from the provider, and links named through the VFS.
#include "proc_node.hpp"

#include <vfs/vfs.hpp>

#include <k/format.hpp>
#include <k/string.hpp>

#include <new>

namespace mos::vfs {
namespace {

using Kind = ProcNode::Kind;

// Most renderings fit this; a longer one is rendered again into kProcFsRenderLimit.
constexpr std::size_t kFirstRenderSize = 4096;

// Whether a mount is under `root` (what a chrooted reader sees of /proc/mounts); an empty root
// sees everything.
bool is_within(const Path& root, const Mount& mount) noexcept {
  if (!root) return true;
  const Mount* m = &mount;
  const Dentry* d = &mount.root();
  for (;;) {
    if (m == &root.mount() && d == &root.dentry()) return true;
    if (d == &m->root()) {
      if (m->parent() == nullptr) return false;
      d = m->mountpoint();
      m = m->parent();
      continue;
    }
    d = d->parent();
    if (d == nullptr) return false;
  }
}

// Copies `text` into `out`, cut to fit; the length copied.
std::size_t copy_out(std::string_view text, std::span<char> out) noexcept {
  const std::size_t n = text.size() < out.size() ? text.size() : out.size();
  memory_copy(out.data(), text.data(), n);
  return n;
}

// A heap buffer of kPathMax characters for names, freed at the end of the scope.
class NameBuffer {
 public:
  NameBuffer() noexcept : text_(new (std::nothrow) char[kPathMax]) {}
  ~NameBuffer() { delete[] text_; }
  NameBuffer(const NameBuffer&) = delete;
  NameBuffer& operator=(const NameBuffer&) = delete;
  explicit operator bool() const noexcept { return text_ != nullptr; }
  std::span<char> span() noexcept { return {text_, kPathMax}; }

 private:
  char* text_;
};

}  // namespace

// --- Generated files ---------------------------------------------------------------------------

Result<void> ProcNode::render(OutputSink& sink) noexcept {
  SystemInformation& system = fs().system();
  switch (kind_) {
    case Kind::MemInfo:
      procfs::render_meminfo(sink, system.memory());
      return {};
    case Kind::Uptime: {
      const std::uint64_t up = system.uptime_ns();
      procfs::render_uptime(sink, up, system.idle_ns());
      return {};
    }
    case Kind::Version:
      procfs::render_version(sink, system.version());
      return {};
    case Kind::Mounts:
      return render_mounts(sink);
    case Kind::Status:
    case Kind::Stat: {
      const ProcessStatus status = MOS_TRY(processes().status(pid_));
      if (kind_ == Kind::Status) {
        procfs::render_status(sink, pid_, status);
      } else {
        procfs::render_stat(sink, pid_, status, procfs::may_inspect(processes(), pid_, status));
      }
      return {};
    }
    default:
      return Error::InvalidArgument;
  }
}

Result<void> ProcNode::render_mounts(OutputSink& sink) noexcept {
  // Mountpoints are named from the reader's root, and mounts outside it are left out (Linux's
  // /proc/mounts does both). Asked before for_each_mount takes the namespace lock.
  Path root;
  if (ProcessInformation* processes = fs().processes()) {
    if (const std::optional<Pid> caller = processes->current()) {
      if (auto found = processes->root_directory(*caller)) root = static_cast<Path&&>(*found);
    }
  }
  NameBuffer name;
  if (!name) return Error::NoMemory;
  Vfs& vfs = fs().vfs();
  // read() runs with only this vnode's contents lock held, so taking the namespace lock here is
  // in order (lookups never wait for a contents lock while holding it).
  vfs.for_each_mount([&](Mount& mount) {
    if (!is_within(root, mount)) return;
    // The mount's own root, named through the mounts below it. The Path only borrows the mount
    // (it is in the table while the lock is held).
    const Path at(RefPtr<Mount>(&mount), RefPtr<Dentry>(&mount.root()));
    // An empty root (no reader process) names from the namespace's root: name_of_locked goes up
    // to the root mount when it never meets `root`.
    auto length = vfs.name_of_locked(root, at, name.span());
    if (!length) return;  // A mountpoint whose directory was removed: no name to show.
    procfs::render_mount(sink, mount.source(), std::string_view(name.span().data(), *length),
                         mount.file_system().type_name(), mount.read_only(), mount.flags());
  });
  return {};
}

Result<std::size_t> ProcNode::read(std::uint64_t offset, std::span<std::byte> out) noexcept {
  if (type() != FileType::Regular) return Vnode::read(offset, out);
  if (kind_ == Kind::CommandLine) {
    // Read through: the provider's argument list may be long, and has offsets of its own.
    auto n = processes().read_command_line(
        pid_, offset, std::span(reinterpret_cast<char*>(out.data()), out.size()));
    if (!n) return n.error();
    return *n < out.size() ? *n : out.size();  // A provider claiming more than fits is cut.
  }
  if (offset == 0 || rendered_ == nullptr) {
    // Render: first into a small buffer, again into the limit if that was too small.
    std::size_t size = kFirstRenderSize;
    char* buffer = nullptr;
    std::size_t length = 0;
    for (;;) {
      buffer = new (std::nothrow) char[size];
      if (buffer == nullptr) return Error::NoMemory;
      BufferSink sink(std::span(buffer, size));
      if (auto rendered = render(sink); !rendered) {
        delete[] buffer;
        return rendered.error();
      }
      length = sink.stored();
      if (!sink.truncated()) break;
      if (size == kProcFsRenderLimit) {
        // Cut after the last whole line.
        while (length > 0 && buffer[length - 1] != '\n') --length;
        break;
      }
      delete[] buffer;
      size = kProcFsRenderLimit;
    }
    delete[] rendered_;
    rendered_ = buffer;
    rendered_size_ = length;
  }
  if (offset >= rendered_size_) return std::size_t{0};
  const std::size_t n = copy_out(std::string_view(rendered_ + offset, rendered_size_ - offset),
                                 std::span(reinterpret_cast<char*>(out.data()), out.size()));
  return n;
}

Result<std::size_t> ProcNode::write(std::uint64_t offset,
                                    std::span<const std::byte> data) noexcept {
  if (type() != FileType::Regular) return Vnode::write(offset, data);
  // Linux: the top-level files have no write operation in their proc_ops (EIO); a process's
  // files have no write in their file_operations (EINVAL).
  return kind_ < Kind::PidDirectory ? Error::Io : Error::InvalidArgument;
}

Result<void> ProcNode::resize(std::uint64_t size) noexcept {
  if (type() != FileType::Regular) return Vnode::resize(size);
  return {};  // As Linux: truncating (O_TRUNC) succeeds and changes nothing.
}

// --- Links ---------------------------------------------------------------------------------------
// read_link is called with the namespace lock held (path resolution, readlink), so paths are
// named with name_of_locked.

Result<std::size_t> ProcNode::name_path(const Path& path, std::span<char> out) noexcept {
  if (!path) return Error::NoEntry;
  // Named from the caller's root, as Linux's d_path; the namespace's root for the kernel.
  Path root;
  if (const std::optional<Pid> caller = processes().current()) {
    if (auto found = processes().root_directory(*caller)) root = static_cast<Path&&>(*found);
  }
  NameBuffer name;  // Whole, then cut to `out` as readlink cuts.
  if (!name) return Error::NoMemory;
  // Error::NoEntry for a removed directory or file (Linux would show "PATH (deleted)").
  const std::size_t length = MOS_TRY(fs().vfs().name_of_locked(root, path, name.span()));
  return copy_out(std::string_view(name.span().data(), length), out);
}

Result<std::size_t> ProcNode::read_link(std::span<char> out) noexcept {
  if (type() != FileType::Symlink) return Vnode::read_link(out);
  if (kind_ == Kind::Self) {
    const std::optional<Pid> pid = processes().current();
    if (!pid) return Error::NoEntry;  // A kernel thread has no /proc/self.
    char text[12];
    const std::size_t length = format_to_buffer(std::span(text), "{}", *pid);
    return copy_out(std::string_view(text, length), out);
  }
  // A process's links: only for whom may inspect it (Linux: ptrace_may_access).
  auto status = processes().status(pid_);
  if (!status) return Error::NoEntry;
  if (!procfs::may_inspect(processes(), pid_, *status)) return Error::AccessDenied;
  // A process that went meanwhile has no links (Linux: ENOENT, not ESRCH).
  auto named = [&](Result<Path> path) -> Result<std::size_t> {
    if (!path) return path.error() == Error::NoProcess ? Error::NoEntry : path.error();
    return name_path(*path, out);
  };
  switch (kind_) {
    case Kind::WorkingDirectory:
      return named(processes().working_directory(pid_));
    case Kind::RootDirectory:
      return named(processes().root_directory(pid_));
    case Kind::Executable:
      return named(processes().executable(pid_));
    case Kind::FdLink: {
      auto descriptor = processes().descriptor(pid_, fd_);
      if (!descriptor) return Error::NoEntry;  // Closed since the lookup.
      if (descriptor->path) return name_path(descriptor->path, out);
      if (descriptor->description.view().empty()) return Error::NoEntry;
      return copy_out(descriptor->description.view(), out);
    }
    default:
      return Error::InvalidArgument;
  }
}

}  // namespace mos::vfs
