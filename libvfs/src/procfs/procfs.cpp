// The procfs instance, and how its vnodes are made: kinds, owners, modes, inode numbers.
#include "proc_node.hpp"

#include <vfs/vfs.hpp>

#include <limits>
#include <new>

namespace mos::vfs {

namespace procfs {

std::uint64_t inode_of(ProcNode::Kind kind, Pid pid, int fd) noexcept {
  const auto value = static_cast<std::uint64_t>(kind);
  if (kind < ProcNode::Kind::PidDirectory) return value;  // 1 .. 6: the fixed entries.
  // A process's entries: pid + 1 in the high half (so never below 2^32), then the kind, or for
  // a descriptor bit 31 and the descriptor number.
  const std::uint64_t process = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(pid)) + 1)
                                << 32;
  if (kind == ProcNode::Kind::FdLink) {
    return process | (std::uint64_t{1} << 31) | static_cast<std::uint32_t>(fd);
  }
  return process | value;
}

std::optional<std::int32_t> parse_number(std::string_view name) noexcept {
  if (name.empty() || (name.size() > 1 && name.front() == '0')) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  }
  return static_cast<std::int32_t>(value);
}

bool may_inspect(ProcessInformation& processes, Pid target, const ProcessStatus& status) noexcept {
  const std::optional<Pid> caller = processes.current();
  if (!caller || *caller == target) return true;  // The kernel, or the process itself.
  auto who = processes.status(*caller);
  if (!who) return false;
  if (who->effective_uid == 0) return true;  // CAP_SYS_PTRACE.
  const std::uint32_t uid = who->filesystem_uid;
  const std::uint32_t gid = who->filesystem_gid;
  return uid == status.real_uid && uid == status.effective_uid && uid == status.saved_uid &&
         gid == status.real_gid && gid == status.effective_gid && gid == status.saved_gid;
}

}  // namespace procfs

ProcNode::ProcNode(ProcFs& fs, Kind kind, Pid pid, int fd, std::uint64_t inode,
                   const Attributes& attributes) noexcept
    : Vnode(fs, inode, attributes), kind_(kind), pid_(pid), fd_(fd) {}

ProcNode::~ProcNode() {
  delete[] rendered_;
}

Result<RefPtr<ProcNode>> ProcNode::make_fixed(ProcFs& fs, Kind kind) noexcept {
  Attributes a;
  switch (kind) {
    case Kind::Root:
      a.mode = mode_of(FileType::Directory, 0555);
      a.links = 2;  // Linux adds one per process; Mosaic's stat asks no file system for it.
      break;
    case Kind::Self:
      a.mode = mode_of(FileType::Symlink, 0777);
      break;
    default:
      a.mode = mode_of(FileType::Regular, 0444);
      break;
  }
  a.access = a.modify = a.change = fs.created();
  auto* node = new (std::nothrow) ProcNode(fs, kind, 0, 0, procfs::inode_of(kind, 0, 0), a);
  if (node == nullptr) return Error::NoMemory;
  return RefPtr<ProcNode>::adopt(node);
}

Result<RefPtr<ProcNode>> ProcNode::make_for_process(ProcFs& fs, Kind kind, Pid pid,
                                                    const ProcessStatus& owner, int fd,
                                                    std::uint32_t fd_flags) noexcept {
  Attributes a;
  switch (kind) {
    case Kind::PidDirectory:
      a.mode = mode_of(FileType::Directory, 0555);
      a.links = 3;  // ".", its name, and fd's "..".
      break;
    case Kind::FdDirectory:
      a.mode = mode_of(FileType::Directory, 0500);
      a.links = 2;
      break;
    case Kind::WorkingDirectory:
    case Kind::RootDirectory:
    case Kind::Executable:
      a.mode = mode_of(FileType::Symlink, 0777);
      break;
    case Kind::FdLink: {
      // Linux: read and search for a readable descriptor, write and search for a writable one.
      Mode permissions = 0;
      const std::uint32_t access = fd_flags & open_flags::kAccessMode;
      if (access == open_flags::kReadOnly || access == open_flags::kReadWrite) permissions |= 0500;
      if (access == open_flags::kWriteOnly || access == open_flags::kReadWrite) permissions |= 0300;
      a.mode = mode_of(FileType::Symlink, permissions);
      a.size = 64;  // What Linux's descriptor links report.
      break;
    }
    default:
      a.mode = mode_of(FileType::Regular, 0444);
      break;
  }
  a.uid = owner.effective_uid;
  a.gid = owner.effective_gid;
  a.access = a.modify = a.change = fs.vfs().now();
  auto* node = new (std::nothrow) ProcNode(fs, kind, pid, fd, procfs::inode_of(kind, pid, fd), a);
  if (node == nullptr) return Error::NoMemory;
  return RefPtr<ProcNode>::adopt(node);
}

ProcFs::ProcFs(Vfs& vfs, SystemInformation& system, ProcessInformation* processes) noexcept
    : FileSystem(false), vfs_(vfs), system_(system), processes_(processes), created_(vfs.now()) {}

ProcFs::~ProcFs() = default;

Result<RefPtr<ProcFs>> ProcFs::create(Vfs& vfs, SystemInformation& system,
                                      ProcessInformation* processes) noexcept {
  auto* fs = new (std::nothrow) ProcFs(vfs, system, processes);
  if (fs == nullptr) return Error::NoMemory;
  RefPtr<ProcFs> result = RefPtr<ProcFs>::adopt(fs);
  fs->root_ = MOS_TRY(ProcNode::make_fixed(*fs, ProcNode::Kind::Root));
  return result;
}

RefPtr<Vnode> ProcFs::root() noexcept {
  return root_;
}

StatFs ProcFs::statistics() noexcept {
  StatFs st;
  st.type = kProcFsMagic;
  st.block_size = 4096;
  st.fragment_size = 4096;
  st.fsid = device().encode();
  st.name_max = kNameMax;
  return st;
}

}  // namespace mos::vfs
