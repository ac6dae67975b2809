// The host world and the Mosaic world of the differential test (see differential_model.hpp).
#include "differential_model.hpp"

#include "vfs_test_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <span>
#include <utility>
#include <vector>

namespace mos::vfs::test::differential {
namespace {

using Inodes = std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>;

// The device number MakeNode gives character and block devices (/dev/null's). Only an
// unprivileged actor makes them (EPERM); see the generator.
constexpr unsigned kDeviceMajor = 1;
constexpr unsigned kDeviceMinor = 3;

// ---- Shared helpers ---------------------------------------------------------------------------

std::string sorted_names(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += ' ';
    text += name;
  }
  return text;
}

Outcome failure(int error) {
  Outcome out;
  out.error = error;
  return out;
}

// ---- The host ---------------------------------------------------------------------------------

// A system call retried if the host platform's timer signal interrupts it (SA_RESTART covers
// nearly all of them; this covers the rest).
template <class F>
auto retry(F call) {
  for (;;) {
    auto result = call();
    if (!(result < 0 && errno == EINTR)) return result;
  }
}

Outcome host_failure() {
  return failure(errno);
}

StatFields attributes_of(const struct stat& st) {
  return {st.st_mode, static_cast<std::uint64_t>(st.st_nlink), st.st_uid,
          st.st_gid,  static_cast<std::uint64_t>(st.st_rdev),  st.st_size};
}

Outcome host_stat(int fd, const char* path, int flags) {
  struct stat st {};
  if (::fstatat(fd, path, &st, flags) != 0) return host_failure();
  Outcome out;
  out.attributes = attributes_of(st);
  return out;
}

// The whole contents of a regular file, or an errno.
std::pair<std::string, int> host_contents(int directory, const std::string& path) {
  const int fd = retry([&] {
    return ::openat(directory, path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  });
  if (fd < 0) return {"", errno};
  std::string contents;
  char buffer[4096];
  for (;;) {
    const ssize_t n = retry([&] { return ::read(fd, buffer, sizeof buffer); });
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return {"", error};
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return {contents, 0};
}

// The names in a directory, or an errno.
std::pair<std::vector<std::string>, int> host_names(int directory, const char* path, int flags) {
  const int fd =
      retry([&] { return ::openat(directory, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags); });
  if (fd < 0) return {{}, errno};
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int error = errno;
    ::close(fd);
    return {{}, error};
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int error = errno;
  ::closedir(dir);
  if (error != 0) return {{}, error};
  return {names, 0};
}

// ---- Mosaic -----------------------------------------------------------------------------------

std::uint32_t mosaic_flags(std::uint32_t host) {
  // libvfs uses x86_64's values; translating keeps the test right on hosts whose values differ.
  static constexpr std::pair<int, std::uint32_t> kTable[] = {
      {O_WRONLY, open_flags::kWriteOnly},     {O_RDWR, open_flags::kReadWrite},
      {O_CREAT, open_flags::kCreate},         {O_EXCL, open_flags::kExclusive},
      {O_TRUNC, open_flags::kTruncate},       {O_APPEND, open_flags::kAppend},
      {O_NONBLOCK, open_flags::kNonBlocking}, {O_DIRECTORY, open_flags::kDirectory},
      {O_NOFOLLOW, open_flags::kNoFollow},
  };
  std::uint32_t flags = 0;
  for (auto [h, m] : kTable) {
    if ((host & static_cast<std::uint32_t>(h)) == static_cast<std::uint32_t>(h)) flags |= m;
  }
  return flags;
}

StatFields attributes_of(const Stat& st) {
  return {st.mode, st.links, st.uid, st.gid, st.rdev, st.size};
}

template <class T>
Outcome mosaic_failure(const Result<T>& result) {
  return failure(static_cast<int>(result.error()));
}

Outcome mosaic_done(const Result<void>& result) {
  return result.has_value() ? Outcome{} : mosaic_failure(result);
}

Outcome mosaic_count(const Result<std::size_t>& result) {
  if (!result) return mosaic_failure(result);
  Outcome out;
  out.value = static_cast<std::int64_t>(*result);
  return out;
}

Outcome mosaic_stat(const Result<Stat>& result) {
  if (!result) return mosaic_failure(result);
  Outcome out;
  out.attributes = attributes_of(*result);
  return out;
}

std::span<std::byte> writable_bytes(std::string& s) {
  return std::as_writable_bytes(std::span(s.data(), s.size()));
}

// Every entry of an open directory.
Result<std::vector<std::string>> mosaic_names(OpenFile& directory) {
  std::vector<std::string> names;
  for (;;) {
    NameCollector collector;
    MOS_TRY(directory.read_directory(collector));
    if (collector.names.empty()) break;
    for (const std::string& name : collector.names) {
      if (name != "." && name != "..") names.push_back(name);
    }
  }
  return names;
}

std::pair<std::string, int> mosaic_contents(OpenFile& file) {
  std::string contents;
  std::string buffer(4096, '\0');
  for (;;) {
    auto n = file.read(writable_bytes(buffer));
    if (!n) return {"", static_cast<int>(n.error())};
    if (*n == 0) return {contents, 0};
    contents.append(buffer.data(), *n);
  }
}

}  // namespace

void relate_inodes(Snapshot& snapshot, const Inodes& inodes) {
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> first;
  for (auto& [name, entry] : snapshot) {
    auto inode = inodes.find(name);
    if (inode == inodes.end()) continue;
    entry.same_as = first.try_emplace(inode->second, name).first->second;
  }
}

// ---- HostWorld --------------------------------------------------------------------------------

HostWorld::~HostWorld() {
  for (int fd : slots_) {
    if (fd >= 0) ::close(fd);
  }
}

Outcome HostWorld::apply(const Operation& operation) {
  // The fs ids are what Linux checks permissions against (and changing them from or to 0 drops
  // or restores the capabilities that override permissions, as for a real unprivileged user).
  // They are per thread, and every Mosaic thread of the test runs on this one.
  const bool switched = operation.actor == Actor::Other;
  if (switched) {
    ::setfsgid(other_.gid);
    ::setfsuid(other_.uid);
  }
  Outcome out = apply_as_actor(operation);
  if (switched) {
    ::setfsuid(::geteuid());
    ::setfsgid(::getegid());
  }
  return out;
}

Outcome HostWorld::apply_as_actor(const Operation& op) {
  const char* path = op.path.c_str();
  const int at = directory_;
  switch (op.op) {
    case Op::Open: {
      // O_NONBLOCK always: a FIFO's open must not wait for the other end.
      const int fd = retry([&] {
        return ::openat(at, path, static_cast<int>(op.flags) | O_NONBLOCK | O_CLOEXEC, op.mode);
      });
      if (fd < 0) return host_failure();
      slots_[op.slot] = fd;
      struct stat st {};
      ::fstat(fd, &st);
      Outcome out;
      out.attributes = attributes_of(st);
      return out;
    }
    case Op::Close:
      ::close(slots_[op.slot]);
      slots_[op.slot] = -1;
      return {};
    case Op::Read:
    case Op::Write:
    case Op::ReadAt:
    case Op::WriteAt:
    case Op::Seek:
    case Op::FileTruncate:
    case Op::FileStat:
    case Op::FileChmod: {
      const int fd = slots_[op.slot];
      Outcome out = apply_to_slot(op, fd);
      const off_t offset = ::lseek(fd, 0, SEEK_CUR);
      out.offset = offset < 0 ? -1 : offset;
      return out;
    }
    case Op::MakeDirectory:
      return ::mkdirat(at, path, op.mode) == 0 ? Outcome{} : host_failure();
    case Op::RemoveDirectory:
      return ::unlinkat(at, path, AT_REMOVEDIR) == 0 ? Outcome{} : host_failure();
    case Op::Unlink:
      return ::unlinkat(at, path, 0) == 0 ? Outcome{} : host_failure();
    case Op::Rename:
      return ::renameat(at, path, at, op.other.c_str()) == 0 ? Outcome{} : host_failure();
    case Op::Link: {
      const int flags = (op.flags & 1) != 0 ? AT_SYMLINK_FOLLOW : 0;
      return ::linkat(at, path, at, op.other.c_str(), flags) == 0 ? Outcome{} : host_failure();
    }
    case Op::Symlink:
      return ::symlinkat(op.other.c_str(), at, path) == 0 ? Outcome{} : host_failure();
    case Op::ReadLink: {
      std::string buffer(static_cast<std::size_t>(op.length), '\0');
      const ssize_t n = ::readlinkat(at, path, buffer.data(), buffer.size());
      if (n < 0) return host_failure();
      Outcome out;
      out.value = n;
      out.text = buffer.substr(0, static_cast<std::size_t>(n));
      return out;
    }
    case Op::Stat:
      return host_stat(at, path, 0);
    case Op::LinkStat:
      return host_stat(at, path, AT_SYMLINK_NOFOLLOW);
    case Op::Chmod:
      return ::fchmodat(at, path, op.mode, 0) == 0 ? Outcome{} : host_failure();
    case Op::Truncate: {
      // Linux has no truncateat: the path is resolved (as truncate would: following links, by
      // the same actor) to an O_PATH descriptor, and truncate(2) goes through its /proc link.
      // truncate checks the length before the path.
      if (op.offset < 0) return failure(EINVAL);
      const int fd = retry([&] { return ::openat(at, path, O_PATH | O_CLOEXEC); });
      if (fd < 0) return host_failure();
      char proc[64];
      std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
      const int result = retry([&] { return ::truncate(proc, op.offset); });
      const int error = errno;
      ::close(fd);
      return result == 0 ? Outcome{} : failure(error);
    }
    case Op::Access:
      // faccessat2 with AT_EACCESS checks the fs ids (plain access uses the real ids); called
      // directly so that glibc cannot emulate it with checks of its own.
      return ::syscall(SYS_faccessat2, at, path, static_cast<int>(op.flags), AT_EACCESS) == 0
                 ? Outcome{}
                 : host_failure();
    case Op::MakeNode:
      return ::mknodat(at, path, op.mode, makedev(kDeviceMajor, kDeviceMinor)) == 0
                 ? Outcome{}
                 : host_failure();
    case Op::ReadDirectory: {
      auto [names, error] = host_names(at, path, 0);
      if (error != 0) return failure(error);
      Outcome out;
      out.text = sorted_names(std::move(names));
      return out;
    }
  }
  return failure(ENOSYS);
}

Outcome HostWorld::apply_to_slot(const Operation& op, int fd) {
  switch (op.op) {
    case Op::Read:
    case Op::ReadAt: {
      std::string buffer(static_cast<std::size_t>(op.length), '\0');
      const ssize_t n = retry([&] {
        return op.op == Op::Read ? ::read(fd, buffer.data(), buffer.size())
                                 : ::pread(fd, buffer.data(), buffer.size(), op.offset);
      });
      if (n < 0) return host_failure();
      Outcome out;
      out.value = n;
      out.text = buffer.substr(0, static_cast<std::size_t>(n));
      return out;
    }
    case Op::Write:
    case Op::WriteAt: {
      const ssize_t n = retry([&] {
        return op.op == Op::Write ? ::write(fd, op.data.data(), op.data.size())
                                  : ::pwrite(fd, op.data.data(), op.data.size(), op.offset);
      });
      if (n < 0) return host_failure();
      Outcome out;
      out.value = n;
      return out;
    }
    case Op::Seek: {
      const off_t offset = ::lseek(fd, op.offset, op.whence);
      if (offset < 0) return host_failure();
      Outcome out;
      out.value = offset;
      return out;
    }
    case Op::FileTruncate:
      return retry([&] { return ::ftruncate(fd, op.offset); }) == 0 ? Outcome{} : host_failure();
    case Op::FileStat:
      return host_stat(fd, "", AT_EMPTY_PATH);
    case Op::FileChmod:
      return ::fchmod(fd, op.mode) == 0 ? Outcome{} : host_failure();
    default:
      return failure(ENOSYS);
  }
}

void HostWorld::list(const std::string& directory, Snapshot& snapshot, Inodes& inodes) {
  auto [names, error] =
      host_names(directory_, directory.empty() ? "." : directory.c_str(), O_NOFOLLOW);
  if (error != 0) {
    snapshot[directory.empty() ? "." : directory].contents_error = error;
    return;
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string path = directory.empty() ? name : directory + "/" + name;
    Entry& entry = snapshot[path];
    struct stat st {};
    if (::fstatat(directory_, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      entry.error = errno;
      continue;
    }
    entry.attributes = attributes_of(st);
    inodes[path] = {st.st_dev, st.st_ino};
    if (S_ISREG(st.st_mode)) {
      std::tie(entry.contents, entry.contents_error) = host_contents(directory_, path);
    } else if (S_ISLNK(st.st_mode)) {
      char target[8192];
      const ssize_t n = ::readlinkat(directory_, path.c_str(), target, sizeof target);
      if (n < 0) {
        entry.contents_error = errno;
      } else {
        entry.contents.assign(target, static_cast<std::size_t>(n));
      }
    } else if (S_ISDIR(st.st_mode)) {
      list(path, snapshot, inodes);
    }
  }
}

std::optional<StatFields> HostWorld::probe(const std::string& path, bool follow) const {
  struct stat st {};
  if (::fstatat(directory_, path.c_str(), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
    return std::nullopt;
  }
  return attributes_of(st);
}

std::optional<std::string> HostWorld::probe_link(const std::string& path) const {
  char target[8192];
  const ssize_t n = ::readlinkat(directory_, path.c_str(), target, sizeof target);
  if (n < 0) return std::nullopt;
  return std::string(target, static_cast<std::size_t>(n));
}

std::optional<StatFields> HostWorld::probe_slot(int slot) const {
  struct stat st {};
  if (slots_[slot] < 0 || ::fstat(slots_[slot], &st) != 0) return std::nullopt;
  return attributes_of(st);
}

Snapshot HostWorld::snapshot() {
  Snapshot snapshot;
  Inodes inodes;
  for (int slot = 0; slot < kSlots; ++slot) {
    if (slots_[slot] < 0) continue;
    struct stat st {};
    Entry& entry = snapshot["#slot" + std::to_string(slot)];
    if (::fstat(slots_[slot], &st) != 0) {
      entry.error = errno;
      continue;
    }
    entry.attributes = attributes_of(st);
    inodes["#slot" + std::to_string(slot)] = {st.st_dev, st.st_ino};
  }
  struct stat st {};
  Entry& self = snapshot["."];
  if (::fstatat(directory_, ".", &st, AT_SYMLINK_NOFOLLOW) != 0) {
    self.error = errno;
  } else {
    self.attributes = attributes_of(st);
    inodes["."] = {st.st_dev, st.st_ino};
  }
  list("", snapshot, inodes);
  relate_inodes(snapshot, inodes);
  return snapshot;
}

// ---- MosaicWorld ------------------------------------------------------------------------------

Outcome MosaicWorld::apply(const Operation& op) {
  const Context& at = context(op.actor);
  switch (op.op) {
    case Op::Open: {
      auto file = vfs_.open(at, op.path, mosaic_flags(op.flags | O_NONBLOCK), op.mode);
      if (!file) return mosaic_failure(file);
      slots_[op.slot] = std::move(*file);
      return mosaic_stat(vfs_.stat(*slots_[op.slot]));
    }
    case Op::Close:
      slots_[op.slot].reset();
      return {};
    case Op::Read:
    case Op::Write:
    case Op::ReadAt:
    case Op::WriteAt:
    case Op::Seek:
    case Op::FileTruncate:
    case Op::FileStat:
    case Op::FileChmod: {
      OpenFile& file = *slots_[op.slot];
      Outcome out = apply_to_slot(op, file);
      // A FIFO has no offset (lseek fails with ESPIPE).
      out.offset = file.vnode().type() == FileType::Fifo ? -1 : file.offset();
      return out;
    }
    case Op::MakeDirectory:
      return mosaic_done(vfs_.make_directory(at, op.path, op.mode));
    case Op::RemoveDirectory:
      return mosaic_done(vfs_.remove_directory(at, op.path));
    case Op::Unlink:
      return mosaic_done(vfs_.unlink(at, op.path));
    case Op::Rename:
      return mosaic_done(vfs_.rename(at, op.path, op.other));
    case Op::Link:
      return mosaic_done(vfs_.link(at, at.cwd, op.path, at.cwd, op.other, (op.flags & 1) != 0));
    case Op::Symlink:
      return mosaic_done(vfs_.make_symlink(at, op.other, op.path));
    case Op::ReadLink: {
      std::string buffer(static_cast<std::size_t>(op.length), '\0');
      auto n = vfs_.read_link(at, op.path, std::span(buffer.data(), buffer.size()));
      Outcome out = mosaic_count(n);
      if (n) out.text = buffer.substr(0, *n);
      return out;
    }
    case Op::Stat:
      return mosaic_stat(vfs_.stat(at, op.path, true));
    case Op::LinkStat:
      return mosaic_stat(vfs_.stat(at, op.path, false));
    case Op::Chmod:
      return mosaic_done(vfs_.change_mode(at, op.path, op.mode, true));
    case Op::Truncate:
      return mosaic_done(vfs_.truncate(at, op.path, op.offset));
    case Op::Access:
      return mosaic_done(vfs_.access(at, op.path, op.flags, true));
    case Op::MakeNode:
      return mosaic_done(vfs_.make_node(at, op.path, op.mode, {kDeviceMajor, kDeviceMinor}));
    case Op::ReadDirectory: {
      auto directory = vfs_.open(at, op.path, open_flags::kReadOnly | open_flags::kDirectory);
      if (!directory) return mosaic_failure(directory);
      auto names = mosaic_names(**directory);
      if (!names) return mosaic_failure(names);
      Outcome out;
      out.text = sorted_names(std::move(*names));
      return out;
    }
  }
  return failure(ENOSYS);
}

Outcome MosaicWorld::apply_to_slot(const Operation& op, OpenFile& file) {
  const Context& at = context(op.actor);
  switch (op.op) {
    case Op::Read:
    case Op::ReadAt: {
      std::string buffer(static_cast<std::size_t>(op.length), '\0');
      auto n = op.op == Op::Read ? file.read(writable_bytes(buffer))
                                 : file.read_at(op.offset, writable_bytes(buffer));
      Outcome out = mosaic_count(n);
      if (n) out.text = buffer.substr(0, *n);
      return out;
    }
    case Op::Write:  // As the actor, as Linux's writes check the caller's credentials.
      return mosaic_count(file.write(bytes_of(op.data), at.credentials));
    case Op::WriteAt:
      return mosaic_count(file.write_at(op.offset, bytes_of(op.data), at.credentials));
    case Op::Seek: {
      auto offset = file.seek(op.offset, static_cast<Whence>(op.whence));
      if (!offset) return mosaic_failure(offset);
      Outcome out;
      out.value = *offset;
      return out;
    }
    case Op::FileTruncate:
      return mosaic_done(vfs_.truncate(at, file, op.offset));
    case Op::FileStat:
      return mosaic_stat(vfs_.stat(file));
    case Op::FileChmod:
      return mosaic_done(vfs_.change_mode(at, file, op.mode));
    default:
      return failure(ENOSYS);
  }
}

void MosaicWorld::list(const std::string& directory, Snapshot& snapshot, Inodes& inodes) {
  const std::string self = directory.empty() ? "." : directory;
  auto opened = vfs_.open(self_, self,
                          open_flags::kReadOnly | open_flags::kDirectory | open_flags::kNoFollow);
  auto names = opened ? mosaic_names(**opened) : Result<std::vector<std::string>>(opened.error());
  if (!names) {
    snapshot[self].contents_error = static_cast<int>(names.error());
    return;
  }
  std::sort(names->begin(), names->end());
  for (const std::string& name : *names) {
    const std::string path = directory.empty() ? name : directory + "/" + name;
    Entry& entry = snapshot[path];
    auto st = vfs_.stat(self_, path, false);
    if (!st) {
      entry.error = static_cast<int>(st.error());
      continue;
    }
    entry.attributes = attributes_of(*st);
    inodes[path] = {st->device, st->inode};
    const FileType type = type_of(st->mode);
    if (type == FileType::Regular) {
      auto file = vfs_.open(
          self_, path, open_flags::kReadOnly | open_flags::kNoFollow | open_flags::kNonBlocking);
      if (!file) {
        entry.contents_error = static_cast<int>(file.error());
      } else {
        std::tie(entry.contents, entry.contents_error) = mosaic_contents(**file);
      }
    } else if (type == FileType::Symlink) {
      std::string target(8192, '\0');
      auto n = vfs_.read_link(self_, path, std::span(target.data(), target.size()));
      if (!n) {
        entry.contents_error = static_cast<int>(n.error());
      } else {
        entry.contents = target.substr(0, *n);
      }
    } else if (type == FileType::Directory) {
      list(path, snapshot, inodes);
    }
  }
}

Snapshot MosaicWorld::snapshot() {
  Snapshot snapshot;
  Inodes inodes;
  for (int slot = 0; slot < kSlots; ++slot) {
    if (!slots_[slot]) continue;
    auto st = vfs_.stat(*slots_[slot]);
    Entry& entry = snapshot["#slot" + std::to_string(slot)];
    if (!st) {
      entry.error = static_cast<int>(st.error());
      continue;
    }
    entry.attributes = attributes_of(*st);
    inodes["#slot" + std::to_string(slot)] = {st->device, st->inode};
  }
  Entry& self = snapshot["."];
  auto st = vfs_.stat(self_, ".", false);
  if (!st) {
    self.error = static_cast<int>(st.error());
  } else {
    self.attributes = attributes_of(*st);
    inodes["."] = {st->device, st->inode};
  }
  list("", snapshot, inodes);
  relate_inodes(snapshot, inodes);
  return snapshot;
}

}  // namespace mos::vfs::test::differential
