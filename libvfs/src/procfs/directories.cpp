// procfs's directories: the root (fixed entries, then a directory per process), a process's
// directory and its fd/ directory. Nothing is cached: each lookup asks the provider, and each
// readdir walks the processes (or descriptors) in increasing order from its position. The
// namespace lock is held throughout.
#include "proc_node.hpp"

#include <k/format.hpp>

#include <limits>

namespace mos::vfs {
namespace {

using Kind = ProcNode::Kind;

struct Entry {
  std::string_view name;
  Kind kind;
};

// The root's fixed entries, in readdir order; "self" only with processes.
constexpr Entry kRootEntries[] = {
    {"meminfo", Kind::MemInfo}, {"uptime", Kind::Uptime}, {"version", Kind::Version},
    {"mounts", Kind::Mounts},   {"self", Kind::Self},
};
constexpr std::uint64_t kRootFixed = sizeof kRootEntries / sizeof kRootEntries[0];
// Process PID is at position kFirstPidPosition + PID (after the fixed entries), so a process
// keeps its position while others come and go.
constexpr std::uint64_t kFirstPidPosition = kFirstEntryPosition + kRootFixed;

// A process's entries, in Linux's order (tgid_base_stuff).
constexpr Entry kProcessEntries[] = {
    {"fd", Kind::FdDirectory}, {"status", Kind::Status},        {"cmdline", Kind::CommandLine},
    {"stat", Kind::Stat},      {"cwd", Kind::WorkingDirectory}, {"root", Kind::RootDirectory},
    {"exe", Kind::Executable},
};
constexpr std::uint64_t kProcessFixed = sizeof kProcessEntries / sizeof kProcessEntries[0];

FileType type_of_kind(Kind kind) noexcept {
  switch (kind) {
    case Kind::Root:
    case Kind::PidDirectory:
    case Kind::FdDirectory:
      return FileType::Directory;
    case Kind::Self:
    case Kind::WorkingDirectory:
    case Kind::RootDirectory:
    case Kind::Executable:
    case Kind::FdLink:
      return FileType::Symlink;
    default:
      return FileType::Regular;
  }
}

// A decimal number as a name.
struct NumberName {
  char text[12];
  std::size_t length;
  explicit NumberName(std::int64_t value) noexcept
      : length(format_to_buffer(std::span(text), "{}", value)) {}
  std::string_view view() const noexcept { return {text, length}; }
};

// The largest value a position can stand for (pids and descriptors are ints).
constexpr std::uint64_t kMaxNumber = std::numeric_limits<std::int32_t>::max();

}  // namespace

// --- Lookups ---------------------------------------------------------------------------------

Result<RefPtr<Vnode>> ProcNode::lookup(std::string_view name) noexcept {
  switch (kind_) {
    case Kind::Root:
      return lookup_in_root(name);
    case Kind::PidDirectory:
      return lookup_in_process(name);
    case Kind::FdDirectory:
      return lookup_descriptor(name);
    default:
      return Vnode::lookup(name);  // ENOTDIR.
  }
}

Result<RefPtr<Vnode>> ProcNode::lookup_in_root(std::string_view name) noexcept {
  for (const Entry& entry : kRootEntries) {
    if (entry.name != name) continue;
    if (entry.kind == Kind::Self && fs().processes() == nullptr) return Error::NoEntry;
    return RefPtr<Vnode>(MOS_TRY(make_fixed(fs(), entry.kind)));
  }
  if (fs().processes() == nullptr) return Error::NoEntry;
  const std::optional<std::int32_t> pid = procfs::parse_number(name);
  if (!pid || *pid <= 0) return Error::NoEntry;
  auto status = processes().status(*pid);
  if (!status) return Error::NoEntry;  // Gone (or never there).
  return RefPtr<Vnode>(MOS_TRY(make_for_process(fs(), Kind::PidDirectory, *pid, *status)));
}

Result<RefPtr<Vnode>> ProcNode::lookup_in_process(std::string_view name) noexcept {
  for (const Entry& entry : kProcessEntries) {
    if (entry.name != name) continue;
    // Asked again: the process may have gone, or changed its ids, since its directory was made.
    auto status = processes().status(pid_);
    if (!status) return Error::NoEntry;
    return RefPtr<Vnode>(MOS_TRY(make_for_process(fs(), entry.kind, pid_, *status)));
  }
  return Error::NoEntry;
}

Result<RefPtr<Vnode>> ProcNode::lookup_descriptor(std::string_view name) noexcept {
  const std::optional<std::int32_t> fd = procfs::parse_number(name);
  if (!fd) return Error::NoEntry;
  auto status = processes().status(pid_);
  if (!status) return Error::NoEntry;
  auto descriptor = processes().descriptor(pid_, *fd);
  if (!descriptor) return Error::NoEntry;  // Not open (or the process went meanwhile).
  return RefPtr<Vnode>(
      MOS_TRY(make_for_process(fs(), Kind::FdLink, pid_, *status, *fd, descriptor->flags)));
}

// --- Readdir ---------------------------------------------------------------------------------

Result<void> ProcNode::read_directory(std::uint64_t& position, DirectorySink& sink) noexcept {
  // Positions 0 and 1 are the VFS's "." and "..".
  if (position < kFirstEntryPosition) position = kFirstEntryPosition;
  switch (kind_) {
    case Kind::Root:
      return read_root(position, sink);
    case Kind::PidDirectory:
      return read_process(position, sink);
    case Kind::FdDirectory:
      return read_descriptors(position, sink);
    default:
      return Vnode::read_directory(position, sink);  // ENOTDIR.
  }
}

Result<void> ProcNode::read_root(std::uint64_t& position, DirectorySink& sink) noexcept {
  const bool with_processes = fs().processes() != nullptr;
  for (; position < kFirstPidPosition; ++position) {
    const Entry& entry = kRootEntries[position - kFirstEntryPosition];
    if (entry.kind == Kind::Self && !with_processes) continue;
    if (!sink.emit(entry.name, procfs::inode_of(entry.kind, 0, 0), type_of_kind(entry.kind),
                   position + 1)) {
      return {};
    }
  }
  if (!with_processes) return {};
  while (position - kFirstPidPosition <= kMaxNumber) {
    const auto at_least = static_cast<Pid>(position - kFirstPidPosition);
    const std::optional<Pid> pid = processes().next_pid(at_least);
    // The end, or a provider that goes backwards (which would loop): stop.
    if (!pid || *pid < at_least || *pid <= 0) return {};
    const NumberName name(*pid);
    const std::uint64_t at = kFirstPidPosition + static_cast<std::uint64_t>(*pid);
    if (!sink.emit(name.view(), procfs::inode_of(Kind::PidDirectory, *pid, 0), FileType::Directory,
                   at + 1)) {
      position = at;  // Listed from here on the next call (if it still exists).
      return {};
    }
    position = at + 1;
  }
  return {};
}

Result<void> ProcNode::read_process(std::uint64_t& position, DirectorySink& sink) noexcept {
  if (!processes().status(pid_)) return Error::NoEntry;  // Linux: a gone process's is ENOENT.
  for (; position < kFirstEntryPosition + kProcessFixed; ++position) {
    const Entry& entry = kProcessEntries[position - kFirstEntryPosition];
    if (!sink.emit(entry.name, procfs::inode_of(entry.kind, pid_, 0), type_of_kind(entry.kind),
                   position + 1)) {
      return {};
    }
  }
  return {};
}

Result<void> ProcNode::read_descriptors(std::uint64_t& position, DirectorySink& sink) noexcept {
  if (!processes().status(pid_)) return Error::NoEntry;
  // Descriptor N is at position kFirstEntryPosition + N.
  while (position - kFirstEntryPosition <= kMaxNumber) {
    const auto at_least = static_cast<int>(position - kFirstEntryPosition);
    const std::optional<int> fd = processes().next_descriptor(pid_, at_least);
    if (!fd || *fd < at_least) return {};
    const NumberName name(*fd);
    const std::uint64_t at = kFirstEntryPosition + static_cast<std::uint64_t>(*fd);
    if (!sink.emit(name.view(), procfs::inode_of(Kind::FdLink, pid_, *fd), FileType::Symlink,
                   at + 1)) {
      position = at;
      return {};
    }
    position = at + 1;
  }
  return {};
}

// --- Changes: none ---------------------------------------------------------------------------
// Linux's procfs fails the lookup of a missing name with ENOENT (where other file systems make
// a negative dentry), so everything that would create a name says ENOENT; the VFS has made a
// negative entry and checked permissions by then, so only root gets this far (others: EACCES
// on the 0555 directory). Removing is EPERM (no unlink or rmdir operation), renaming onto an
// existing entry too.

Result<RefPtr<Vnode>> ProcNode::create(std::string_view, const NodeSpec&) noexcept {
  return is_directory() ? Error::NoEntry : Error::NotDirectory;
}

Result<void> ProcNode::link(std::string_view, Vnode&, Timespec) noexcept {
  return is_directory() ? Error::NoEntry : Error::NotDirectory;
}

Result<void> ProcNode::unlink(std::string_view, Vnode&, Timespec) noexcept {
  return is_directory() ? Error::NotPermitted : Error::NotDirectory;
}

Result<void> ProcNode::rename(std::string_view, Vnode&, Vnode&, std::string_view, Vnode* replaced,
                              Timespec) noexcept {
  if (!is_directory()) return Error::NotDirectory;
  return replaced == nullptr ? Error::NoEntry : Error::NotPermitted;
}

Result<bool> ProcNode::is_empty() noexcept {
  if (!is_directory()) return Error::NotDirectory;
  // Said empty so that rmdir (and a rename over a directory) reaches unlink's (rename's) EPERM,
  // as on Linux, which refuses the operation before it looks at emptiness.
  return true;
}

}  // namespace mos::vfs
