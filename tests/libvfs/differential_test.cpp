// The differential test of libvfs against Linux: the same randomised sequences of operations run
// in a scratch directory of the host's Linux (a tmpfs when /dev/shm is one) and in a scratch
// directory of a fresh Mosaic namespace (a tmpfs); after every operation the results and errno
// values must match, and every kSnapshotEvery operations the whole trees must too (names, types,
// permission bits, sizes, link counts, owners, contents, symlink targets, and which names are one
// inode). When the process is root, more sequences run with most operations done by an
// unprivileged user (setfsuid/setfsgid on the host) and the rest by root, with directories made
// unwritable and unsearchable, so that EACCES and EPERM paths are exercised. Scripted sequences
// pin shapes the random ones rarely make (FIFOs, sticky directories, protected hard links).
//
// Not compared, by design (Mosaic differs or the numbers are arbitrary):
// - atime, mtime and ctime; st_dev and st_ino (only which names share an inode); st_blocks and
//   st_blksize.
// - Directory sizes unless the host directory is on tmpfs (Mosaic mimics tmpfs: 20 bytes per
//   entry, "." and ".." included), and directory offsets (lseek) on other file systems.
// Not generated, by design:
// - O_CREAT|O_DIRECTORY (Linux 6.1 and later refuse it with EINVAL, earlier kernels did not),
//   O_TMPFILE and O_PATH (Mosaic: EOPNOTSUPP), and access mode 3 (O_WRONLY|O_RDWR: Linux's
//   "ioctl only" mode; Mosaic: EINVAL).
// - SEEK_DATA and SEEK_HOLE: tmpfs reports the holes of sparse files; Mosaic treats the whole
//   file as data.
// - readlink with a zero-length buffer (the system call refuses it before the VFS sees it).
// - Sizes and offsets near tmpfs's limit (Mosaic's is 16 TiB, Linux's tmpfs allows more).
// - Character and block devices made by root (the host would get real device nodes); an
//   unprivileged actor's mknod of one is generated (EPERM).
// - The sticky bit on a group- or world-writable directory while the host's
//   fs.protected_symlinks, protected_regular or protected_fifos is on: Mosaic implements only
//   fs.protected_hardlinks. Links by an unprivileged user when fs.protected_hardlinks is off.
// Not generated, to keep the host safe and the comparison exact:
// - Absolute symlink targets, and ".." in symlink targets and above the scratch directory: they
//   would lead out of the scratch directory on the host. (Every generated target has a name
//   component, so a path's physical depth never falls below the depth its "."s and ".."s say.)
// - access(X_OK) when the host directory is on a noexec mount, and access at all where
//   faccessat2 is refused (old container seccomp profiles).
// - Opens that would wait: every open has O_NONBLOCK, so a FIFO's open never waits for its other
//   end (and a write-only open with no reader fails with ENXIO on both).
// Shapes where libvfs once differed (trailing slashes after symlinks in create and remove
// operations, the order of checks in open and rename, long symlink expansions, FIFO offsets,
// setuid and setgid after writes) are generated like any other, and pinned by scripts too.
//
// The ext2 sequences run the same operations with an ext2 volume (made by mke2fs, its lost+found
// removed) mounted on Mosaic's scratch directory; directory sizes and offsets are then not
// compared, as for a host directory that is not on tmpfs.
//
// A failure names the sequence (its salt; MOS_TEST_SEED replays the run), the step, every
// operation so far with Linux's result, and Linux's tree after the step.
#include "differential_model.hpp"
#include "random.hpp"
#include "vfs_test_support.hpp"

#include <vfs/block_device.hpp>
#include <vfs/ext2.hpp>

#include <doctest/doctest.h>

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace mos::vfs;
using namespace mos::vfs::test;
using namespace mos::vfs::test::differential;

namespace {

constexpr int kSequences = 20;
constexpr int kSteps = 400;
constexpr int kSnapshotEvery = 25;

// The unprivileged user of mixed sequences: ids no real account is likely to have.
constexpr Identity kOtherUser{60123, 60124};

// ---- Describing operations and outcomes ------------------------------------------------------

// `s` in C syntax, shortened in the middle when long (file contents have NULs in holes).
std::string quoted(const std::string& s) {
  auto escaped = [](std::string_view part) {
    std::string text;
    for (char c : part) {
      if (c == '"' || c == '\\') {
        text += '\\';
        text += c;
      } else if (c >= 32 && c < 127) {
        text += c;
      } else {
        char code[8];
        std::snprintf(code, sizeof code, "\\x%02x", static_cast<unsigned char>(c));
        text += code;
      }
    }
    return text;
  };
  if (s.size() <= 48) return "\"" + escaped(s) + "\"";
  return "\"" + escaped(std::string_view(s).substr(0, 20)) + "..." +
         escaped(std::string_view(s).substr(s.size() - 20)) + "\" (" + std::to_string(s.size()) +
         " chars)";
}

std::string octal(std::uint32_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "0%o", mode);
  return text;
}

std::string open_flag_names(std::uint32_t flags) {
  std::string text = (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                     : (flags & O_ACCMODE) == O_RDWR ? "O_RDWR"
                                                     : "O_RDONLY";
  static constexpr std::pair<int, const char*> kNames[] = {
      {O_CREAT, "O_CREAT"},   {O_EXCL, "O_EXCL"},           {O_TRUNC, "O_TRUNC"},
      {O_APPEND, "O_APPEND"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}};
  for (auto [flag, name] : kNames) {
    if ((flags & static_cast<std::uint32_t>(flag)) != 0) text += std::string("|") + name;
  }
  return text;
}

std::string describe(const Operation& op) {
  const std::string slot = "#" + std::to_string(op.slot);
  const std::string p = quoted(op.path);
  std::string text;
  switch (op.op) {
    case Op::Open:
      text =
          "open(" + p + ", " + open_flag_names(op.flags) + ", " + octal(op.mode) + ") -> " + slot;
      break;
    case Op::Close:
      text = "close(" + slot + ")";
      break;
    case Op::Read:
      text = "read(" + slot + ", " + std::to_string(op.length) + ")";
      break;
    case Op::Write:
      text = "write(" + slot + ", " + quoted(op.data) + ")";
      break;
    case Op::ReadAt:
      text = "pread(" + slot + ", " + std::to_string(op.length) + ", at " +
             std::to_string(op.offset) + ")";
      break;
    case Op::WriteAt:
      text = "pwrite(" + slot + ", " + quoted(op.data) + ", at " + std::to_string(op.offset) + ")";
      break;
    case Op::Seek:
      text = "lseek(" + slot + ", " + std::to_string(op.offset) + ", whence " +
             std::to_string(op.whence) + ")";
      break;
    case Op::FileTruncate:
      text = "ftruncate(" + slot + ", " + std::to_string(op.offset) + ")";
      break;
    case Op::FileStat:
      text = "fstat(" + slot + ")";
      break;
    case Op::FileChmod:
      text = "fchmod(" + slot + ", " + octal(op.mode) + ")";
      break;
    case Op::MakeDirectory:
      text = "mkdir(" + p + ", " + octal(op.mode) + ")";
      break;
    case Op::RemoveDirectory:
      text = "rmdir(" + p + ")";
      break;
    case Op::Unlink:
      text = "unlink(" + p + ")";
      break;
    case Op::Rename:
      text = "rename(" + p + ", " + quoted(op.other) + ")";
      break;
    case Op::Link:
      text = std::string((op.flags & 1) != 0 ? "linkat(FOLLOW " : "link(") + p + ", " +
             quoted(op.other) + ")";
      break;
    case Op::Symlink:
      text = "symlink(target " + quoted(op.other) + ", " + p + ")";
      break;
    case Op::ReadLink:
      text = "readlink(" + p + ", " + std::to_string(op.length) + ")";
      break;
    case Op::Stat:
      text = "stat(" + p + ")";
      break;
    case Op::LinkStat:
      text = "lstat(" + p + ")";
      break;
    case Op::Chmod:
      text = "chmod(" + p + ", " + octal(op.mode) + ")";
      break;
    case Op::Truncate:
      text = "truncate(" + p + ", " + std::to_string(op.offset) + ")";
      break;
    case Op::Access:
      text = "access(" + p + ", " + std::to_string(op.flags) + ")";
      break;
    case Op::MakeNode:
      text = "mknod(" + p + ", " + octal(op.mode) + ")";
      break;
    case Op::ReadDirectory:
      text = "readdir(" + p + ")";
      break;
  }
  return op.actor == Actor::Other ? "[user] " + text : text;
}

std::string describe(const StatFields& a) {
  return "{mode " + octal(a.mode) + ", links " + std::to_string(a.links) + ", uid " +
         std::to_string(a.uid) + ", gid " + std::to_string(a.gid) + ", size " +
         std::to_string(a.size) + (a.rdev != 0 ? ", rdev " + std::to_string(a.rdev) : "") + "}";
}

std::string errno_name(int error) {
  return std::string(mos::error_name(static_cast<mos::Error>(error)));
}

std::string describe(const Outcome& out) {
  if (out.error != 0) return errno_name(out.error);
  std::string text = "ok";
  if (out.value != 0) text += " " + std::to_string(out.value);
  if (!out.text.empty()) text += " " + quoted(out.text);
  if (out.attributes) text += " " + describe(*out.attributes);
  if (out.offset >= 0) text += " offset " + std::to_string(out.offset);
  return text;
}

std::string describe(const Entry& e) {
  if (e.error != 0) return "lstat: " + errno_name(e.error);
  std::string text = describe(e.attributes);
  if (!e.contents.empty()) text += " " + quoted(e.contents);
  if (e.contents_error != 0) text += " (contents: " + errno_name(e.contents_error) + ")";
  if (!e.same_as.empty()) text += " same inode as " + quoted(e.same_as);
  return text;
}

// A tree, one name a line.
std::string listing(const Snapshot& snapshot) {
  std::string text;
  for (const auto& [name, entry] : snapshot)
    text += "  " + quoted(name) + " " + describe(entry) + "\n";
  return text;
}

// Up to a screenful of the names whose entries differ.
std::string differences(const Snapshot& host, const Snapshot& mosaic) {
  std::string text;
  int shown = 0;
  auto note = [&](const std::string& name, const std::string& linux_side,
                  const std::string& mosaic_side) {
    if (++shown > 20) return;
    text += "  " + name + ":\n    Linux:  " + linux_side + "\n    Mosaic: " + mosaic_side + "\n";
  };
  for (const auto& [name, entry] : host) {
    auto other = mosaic.find(name);
    if (other == mosaic.end()) {
      note(name, describe(entry), "(missing)");
    } else if (!(other->second == entry)) {
      note(name, describe(entry), describe(other->second));
    }
  }
  for (const auto& [name, entry] : mosaic) {
    if (!host.contains(name)) note(name, "(missing)", describe(entry));
  }
  return text;
}

// Directory sizes are compared only on tmpfs.
void forget_directory_sizes(StatFields& a) {
  if (S_ISDIR(a.mode)) a.size = 0;
}
void forget_directory_sizes(Outcome& out) {
  if (out.attributes) forget_directory_sizes(*out.attributes);
}
void forget_directory_sizes(Snapshot& snapshot) {
  for (auto& [name, entry] : snapshot) forget_directory_sizes(entry.attributes);
}

// ---- The host -------------------------------------------------------------------------------

int read_sysctl(const char* path) {
  std::ifstream in(path);
  int value = 0;
  in >> value;
  return value;
}

// Removes `name` in `parent` and everything below it, making directories searchable first.
void remove_tree(int parent, const char* name) {
  struct stat st {};
  if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    ::fchmodat(parent, name, 0700, 0);
    const int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      DIR* dir = ::fdopendir(fd);
      std::vector<std::string> names;
      while (const dirent* entry = ::readdir(dir)) {
        const std::string n = entry->d_name;
        if (n != "." && n != "..") names.push_back(n);
      }
      for (const std::string& n : names) remove_tree(::dirfd(dir), n.c_str());
      ::closedir(dir);
    }
    ::unlinkat(parent, name, AT_REMOVEDIR);
  } else {
    ::unlinkat(parent, name, 0);
  }
}

// The host's scratch directory: under /dev/shm when that is a tmpfs (tmpfs is what Mosaic's
// tmpfs mirrors), else under $TMPDIR or /tmp; among equals, one that allows exec (access(X_OK)
// fails on noexec mounts whatever the mode says, so the generator leaves X_OK out there).
class HostScratch {
 public:
  HostScratch() {
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string candidates[] = {"/dev/shm", tmpdir != nullptr ? tmpdir : "/tmp", "/tmp"};
    int best_score = -1;
    for (const std::string& base : candidates) {
      struct statfs fs {};
      struct statvfs vfs {};
      if (::statfs(base.c_str(), &fs) != 0 || ::statvfs(base.c_str(), &vfs) != 0) continue;
      if (::access(base.c_str(), W_OK | X_OK) != 0) continue;
      const bool tmpfs = fs.f_type == TMPFS_MAGIC;
      const bool exec = (vfs.f_flag & ST_NOEXEC) == 0;
      const int score = (tmpfs ? 2 : 0) + (exec ? 1 : 0);
      if (score > best_score) {
        best_score = score;
        base_ = base;
        tmpfs_ = tmpfs;
        exec_ = exec;
      }
    }
    REQUIRE_MESSAGE(best_score >= 0, "no writable temporary directory");
    std::string pattern = base_ + "/mosaic-vfs-differential-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
    fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd_ >= 0);
  }
  ~HostScratch() {
    ::close(fd_);
    const std::size_t slash = path_.rfind('/');
    const int parent = ::open(path_.substr(0, slash).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    remove_tree(parent, path_.c_str() + slash + 1);
    ::close(parent);
  }
  HostScratch(const HostScratch&) = delete;
  HostScratch& operator=(const HostScratch&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool tmpfs() const { return tmpfs_; }
  bool exec() const { return exec_; }

 private:
  std::string base_;
  std::string path_;
  int fd_ = -1;
  bool tmpfs_ = false;
  bool exec_ = true;
};

// The process's umask and SIGPIPE disposition for the length of a test case: umask set per
// sequence, and writes to a FIFO without readers must fail with EPIPE, not kill the test.
class HostProcessState {
 public:
  HostProcessState() : umask_(::umask(022)) { previous_ = ::signal(SIGPIPE, SIG_IGN); }
  ~HostProcessState() {
    ::umask(umask_);
    ::signal(SIGPIPE, previous_);
  }
  HostProcessState(const HostProcessState&) = delete;
  HostProcessState& operator=(const HostProcessState&) = delete;

 private:
  mode_t umask_;
  sighandler_t previous_;
};

// ---- The generator --------------------------------------------------------------------------

/// What a sequence may generate.
struct Shape {
  bool mixed = false;          ///< Actor::Other does most operations (the process is root).
  bool self_is_root = false;   ///< Actor::Self is root (so makes no device nodes).
  Mode risky_sticky_bits = 0;  ///< Write bits the sticky bit may not come with (protected_*).
  bool other_links = true;     ///< Actor::Other may link (fs.protected_hardlinks is on).
  bool exec_checks = true;     ///< access(X_OK) is generated (the host mount is not noexec).
  bool access_calls = true;    ///< faccessat2 works on the host (old seccomp filters refuse it).
  bool tmpfs = true;           ///< The host directory is on tmpfs.
};

class Generator {
 public:
  Generator(std::uint64_t salt, const Shape& shape)
      : bits_(mos::test::make_bitgen(salt)), shape_(shape) {}

  /// The next operation, given which slots hold open files.
  Operation next(const std::array<bool, kSlots>& open) {
    Operation op;
    op.op = pick_op();
    int open_count = 0;
    for (bool o : open) open_count += o ? 1 : 0;
    if ((uses_slot(op.op) || op.op == Op::Close) && open_count == 0) op.op = Op::Open;
    if (op.op == Op::Open && open_count == kSlots) op.op = Op::Close;
    op.actor = shape_.mixed && chance(0.7) ? Actor::Other : Actor::Self;
    if (op.op == Op::Access && !shape_.access_calls) op.op = Op::Stat;
    if (op.op == Op::Link && op.actor == Actor::Other && !shape_.other_links) {
      op.actor = Actor::Self;
    }
    if (uses_slot(op.op) || op.op == Op::Close) op.slot = pick_slot(open, true);
    switch (op.op) {
      case Op::Open:
        op.slot = pick_slot(open, false);
        op.path = path();
        op.flags = open_flags();
        op.mode = pick({0644, 0600, 0000, 0755, 0666, 02755, 04755, 02644, 06644});
        break;
      case Op::Close:
        break;
      case Op::Read:
        op.length = pick({0, 1, 7, 100, 4096, 9000});
        break;
      case Op::Write:
        op.data = data();
        break;
      case Op::ReadAt:
        op.length = pick({0, 1, 7, 100, 4096, 9000});
        op.offset = offset();
        break;
      case Op::WriteAt:
        op.data = data();
        op.offset = offset();
        break;
      case Op::Seek:
        op.offset = pick({0, 0, 1, 10, -1, -10, 4096, 100000});
        op.whence = pick({SEEK_SET, SEEK_CUR, SEEK_END, 7});
        break;
      case Op::FileTruncate:
      case Op::Truncate:
        op.offset = pick({-1, 0, 1, 10, 100, 4096, 5000, 20000});
        if (op.op == Op::Truncate) op.path = path();
        break;
      case Op::FileStat:
        break;
      case Op::FileChmod:
      case Op::Chmod:
        op.mode = tame(pick({0644, 0600, 0000, 0444, 0755, 0700, 0311, 0555, 0777, 0711, 04755,
                             02755, 02644, 02775, 01755, 01777, 06777}));
        if (op.op == Op::Chmod) op.path = path();
        break;
      case Op::MakeDirectory:
        op.path = path();
        op.mode = tame(pick({0755, 0700, 0777, 0555, 0311, 0711, 01755, 02755, 0000, 03777}));
        break;
      case Op::RemoveDirectory:
      case Op::Unlink:
      case Op::Stat:
      case Op::LinkStat:
      case Op::ReadDirectory:
        op.path = path();
        break;
      case Op::Rename:
      case Op::Link:
        op.path = path();
        op.other = chance(0.3) ? sibling(op.path) : path();
        op.flags = op.op == Op::Link && chance(0.3) ? 1 : 0;
        break;
      case Op::Symlink:
        op.path = path();
        op.other = target();
        break;
      case Op::ReadLink:
        op.path = path();
        op.length = pick({1, 2, 10, 300});
        break;
      case Op::Access:
        op.path = path();
        op.flags = pick({F_OK, R_OK, W_OK, X_OK, R_OK | W_OK, R_OK | X_OK, W_OK | X_OK, 7, 8});
        if (!shape_.exec_checks) op.flags &= ~static_cast<std::uint32_t>(X_OK);
        break;
      case Op::MakeNode:
        op.path = path();
        op.mode = node_type(op.actor) | pick({0644, 0600, 0666, 0000, 02644});
        break;
    }
    return op;
  }

 private:
  static bool uses_slot(Op op) {
    switch (op) {
      case Op::Read:
      case Op::Write:
      case Op::ReadAt:
      case Op::WriteAt:
      case Op::Seek:
      case Op::FileTruncate:
      case Op::FileStat:
      case Op::FileChmod:
        return true;
      default:
        return false;
    }
  }

  Op pick_op() {
    struct Weighted {
      Op op;
      int weight;
    };
    static constexpr Weighted kWeights[] = {
        {Op::Open, 14},    {Op::Close, 5},     {Op::Read, 6},          {Op::Write, 8},
        {Op::ReadAt, 3},   {Op::WriteAt, 3},   {Op::Seek, 4},          {Op::FileTruncate, 2},
        {Op::FileStat, 2}, {Op::FileChmod, 1}, {Op::MakeDirectory, 9}, {Op::RemoveDirectory, 4},
        {Op::Unlink, 5},   {Op::Rename, 8},    {Op::Link, 4},          {Op::Symlink, 5},
        {Op::ReadLink, 2}, {Op::Stat, 4},      {Op::LinkStat, 3},      {Op::Chmod, 4},
        {Op::Truncate, 3}, {Op::Access, 3},    {Op::MakeNode, 3},      {Op::ReadDirectory, 3},
    };
    int total = 0;
    for (const Weighted& w : kWeights) total += w.weight;
    int r = below(total);
    for (const Weighted& w : kWeights) {
      if (r < w.weight) return w.op;
      r -= w.weight;
    }
    return Op::Stat;
  }

  int pick_slot(const std::array<bool, kSlots>& open, bool want_open) {
    std::vector<int> candidates;
    for (int i = 0; i < kSlots; ++i) {
      if (open[i] == want_open) candidates.push_back(i);
    }
    return candidates[static_cast<std::size_t>(below(static_cast<int>(candidates.size())))];
  }

  // A name component: mostly one of four short names (so that operations meet each other's
  // files), sometimes the longest name allowed.
  std::string name() {
    if (chance(0.02)) return std::string(mos::vfs::kNameMax, 'n');
    return short_name();
  }
  std::string short_name() { return std::string(1, static_cast<char>('a' + below(4))); }

  // A relative path of 1 to 3 components with ".", ".." (never above the scratch directory),
  // repeated and trailing slashes; now and then an empty path, a path of PATH_MAX or PATH_MAX-1
  // bytes, or a name one byte too long.
  std::string path() {
    const int special = below(1000);
    if (special < 5) return "";
    if (special < 10) return repeat("./", mos::vfs::kPathMax / 2);
    if (special < 15) return repeat("./", mos::vfs::kPathMax / 2 - 1) + short_name();
    if (special < 22) return name() + "/" + std::string(mos::vfs::kNameMax + 1, 'n');
    const int r = below(100);
    const int depth = r < 55 ? 1 : r < 85 ? 2 : 3;
    std::string text = chance(0.05) ? "./" : "";
    int lexical_depth = 0;
    for (int i = 0; i < depth; ++i) {
      if (i > 0) text += chance(0.1) ? "//" : "/";
      const int kind = below(100);
      if (kind < 8) {
        text += ".";
      } else if (kind < 20 && lexical_depth > 0) {
        text += "..";
        --lexical_depth;
      } else {
        text += name();
        ++lexical_depth;
      }
    }
    if (chance(0.12)) text += chance(0.15) ? "//" : "/";
    return text;
  }

  // Another name in the same directory as `path` (rename and link within one directory).
  std::string sibling(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos || slash + 1 == path.size()) return name();
    return path.substr(0, slash + 1) + name();
  }

  // A symlink target: relative, without "..", with at least one name (see the file comment),
  // and made of short names: with long ones, a loop like l -> "l/<255 bytes>" grows past
  // PATH_MAX before 40 links, and Mosaic says ENAMETOOLONG where Linux says ELOOP (a bug).
  std::string target() {
    const int r = below(100);
    if (r < 1) return "";
    if (r < 5) return std::string(mos::vfs::kPathMax, 'x');      // ENAMETOOLONG.
    if (r < 8) return std::string(mos::vfs::kNameMax + 1, 'n');  // Follows to ENAMETOOLONG.
    if (r < 55) return short_name();
    if (r < 70) return short_name() + "/" + short_name();
    if (r < 75) return short_name() + "/./" + short_name();
    if (r < 80) return short_name() + "//" + short_name();
    if (r < 90) return short_name() + "/";
    return short_name() + "/" + short_name() + "/" + short_name();
  }

  std::uint32_t open_flags() {
    std::uint32_t flags = pick({O_RDONLY, O_WRONLY, O_RDWR});
    if (chance(0.4)) flags |= O_CREAT;
    if (chance(0.15)) flags |= O_EXCL;
    if (chance(0.15)) flags |= O_TRUNC;
    if (chance(0.2)) flags |= O_APPEND;
    if (chance(0.1) && (flags & O_CREAT) == 0) flags |= O_DIRECTORY;
    if (chance(0.1)) flags |= O_NOFOLLOW;
    return flags;
  }

  // mknod's type: mostly FIFOs; regular files (by type or type 0), sockets, directories
  // (EPERM), a bad type (EINVAL), and devices when an unprivileged actor makes them (EPERM).
  std::uint32_t node_type(Actor actor) {
    const bool unprivileged = actor == Actor::Other || !shape_.self_is_root;
    const int r = below(100);
    if (r < 55) return S_IFIFO;
    if (r < 65) return 0;
    if (r < 72) return S_IFREG;
    if (r < 80) return S_IFSOCK;
    if (r < 85) return S_IFDIR;
    if (r < 90) return 0170000;
    if (unprivileged) return chance(0.5) ? S_IFCHR : S_IFBLK;
    return S_IFIFO;
  }

  std::string data() {
    const int length = pick({0, 1, 5, 20, 64, 64, 5000});
    std::string text(static_cast<std::size_t>(length), ' ');
    for (char& c : text) c = static_cast<char>('a' + below(26));
    return text;
  }

  std::int64_t offset() { return pick({0, 1, 7, 100, 4095, 4096, 8191, 10000, -1}); }

  // See the file comment: no sticky bit with the write bits the protected_* sysctls look at.
  Mode tame(Mode mode) const {
    if ((mode & kSticky) != 0 && (mode & shape_.risky_sticky_bits) != 0) mode &= ~kSticky;
    return mode;
  }

  static std::string repeat(const std::string& s, std::size_t times) {
    std::string text;
    for (std::size_t i = 0; i < times; ++i) text += s;
    return text;
  }

  template <class T>
  T pick(std::initializer_list<T> items) {
    return items.begin()[below(static_cast<int>(items.size()))];
  }
  bool chance(double p) { return absl::Bernoulli(bits_, p); }
  int below(int n) { return absl::Uniform(bits_, 0, n); }

  std::mt19937_64 bits_;
  Shape shape_;
};

// ---- Running a sequence ---------------------------------------------------------------------

/// What every sequence of a test case shares.
struct Setup {
  const HostScratch& scratch;
  Identity self;
  std::vector<std::uint32_t> groups;  // The process's supplementary groups.
  Shape shape;
  bool ext2 = false;  // Mosaic's scratch directory is the root of an ext2 volume.
  // Whether directory sizes can be compared (both sides are tmpfs).
  bool directory_sizes() const { return scratch.tmpfs() && !ext2; }
};

// A fresh ext2 image made by mke2fs: its bytes.
std::vector<std::byte> make_ext2_image() {
  char name[] = "/tmp/mosaic-differential-ext2-XXXXXX";
  const int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  const std::string command = std::string("/usr/sbin/mke2fs -q -F -t ext2 -b 1024 -N 4096 ") +
                              name + " 32768k >/dev/null 2>&1";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "mke2fs failed (is e2fsprogs installed?)");
  std::ifstream in(name, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(name);
  REQUIRE(raw.size() == 32768u * 1024);
  const auto* bytes = reinterpret_cast<const std::byte*>(raw.data());
  return std::vector<std::byte>(bytes, bytes + raw.size());
}

// Operation shapes whose result depends on the host's file system when it is not a tmpfs.
// nullptr for every other operation.
const char* file_system_difference(const Operation& op, const HostWorld& host, const Setup& setup) {
  if (setup.shape.tmpfs || op.op != Op::Seek) return nullptr;
  // A directory's offsets are the file system's cookies (ext4 puts SEEK_END at LLONG_MAX).
  auto st = host.probe_slot(op.slot);
  return st && S_ISDIR(st->mode) ? "lseek on a directory" : nullptr;
}

std::string header(std::uint64_t salt, Mode umask, const Setup& setup) {
  char text[200];
  std::snprintf(text, sizeof text,
                "sequence salt %llu (MOS_TEST_SEED=%#llx), umask %s, %s, host dir %s%s%s",
                static_cast<unsigned long long>(salt),
                static_cast<unsigned long long>(mos::test::test_seed()), octal(umask).c_str(),
                setup.shape.mixed ? "an unprivileged user and root" : "this process's user",
                setup.scratch.path().c_str(), setup.scratch.tmpfs() ? " (tmpfs)" : "",
                setup.ext2 ? ", Mosaic on ext2" : "");
  return text;
}

// Both worlds of one sequence: empty scratch directories (owned by whoever does most of the
// operations) at the start, every operation applied to both and compared, and the host's
// directory removed at the end. The first mismatch fails the test case (naming the sequence,
// the step and every operation so far) and ends the sequence.
class Sequence {
 public:
  Sequence(const Setup& setup, const std::string& name, std::string title, Mode umask)
      : setup_(setup), name_(name), title_(std::move(title)) {
    const Identity owner = setup.shape.mixed ? kOtherUser : setup.self;
    const int top = setup.scratch.fd();
    REQUIRE(::mkdirat(top, name.c_str(), 0700) == 0);
    REQUIRE(::fchownat(top, name.c_str(), owner.uid, owner.gid, 0) == 0);
    directory_ = ::openat(top, name.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(directory_ >= 0);
    ::umask(umask);

    REQUIRE(ns_.vfs->make_directory(ns_.root, "/scratch", 0700).has_value());
    if (setup.ext2) {
      image_ = make_ext2_image();
      auto fs = mount_ext2(MemoryBlockDevice::wrap(image_).value());
      REQUIRE(fs.has_value());
      REQUIRE(ns_.vfs->mount(ns_.root, *fs, "/scratch").has_value());
      REQUIRE(ns_.vfs->remove_directory(ns_.root, "/scratch/lost+found").has_value());
      REQUIRE(ns_.vfs->change_mode(ns_.root, "/scratch", 0700).has_value());
    }
    REQUIRE(ns_.vfs->change_owner(ns_.root, "/scratch", owner.uid, owner.gid).has_value());
    auto context_for = [&](Identity who) {
      Context context = ns_.vfs->context(Credentials{who.uid, who.gid, setup.groups});
      context.cwd = ns_.vfs->resolve(ns_.root, "/scratch").value();
      context.umask = umask;
      return context;
    };
    host_.emplace(directory_, kOtherUser);
    mosaic_.emplace(*ns_.vfs, context_for(setup.self), context_for(kOtherUser));
  }
  ~Sequence() {
    host_.reset();
    mosaic_.reset();
    ::umask(022);
    ::close(directory_);
    remove_tree(setup_.scratch.fd(), name_.c_str());
  }
  Sequence(const Sequence&) = delete;
  Sequence& operator=(const Sequence&) = delete;

  const HostWorld& host() const { return *host_; }

  /// Applies `op` to both worlds: Linux's outcome, or nullopt after a mismatch.
  std::optional<Outcome> step(const Operation& op) {
    ++steps_;
    Outcome linux_result = host_->apply(op);
    Outcome mosaic_result = mosaic_->apply(op);
    if (!setup_.directory_sizes()) {
      forget_directory_sizes(linux_result);
      forget_directory_sizes(mosaic_result);
    }
    log_ +=
        "  " + std::to_string(steps_) + ": " + describe(op) + " = " + describe(linux_result) + "\n";
    if (linux_result == mosaic_result) return linux_result;
    FAIL_CHECK(title_, "\nstep ", steps_, ": ", describe(op),
               "\n  Linux:  ", describe(linux_result), "\n  Mosaic: ", describe(mosaic_result),
               "\nLinux's tree after it:\n", listing(host_->snapshot()), "operations so far:\n",
               log_);
    return std::nullopt;
  }

  /// Compares the whole trees; false after a mismatch.
  bool compare_trees() {
    Snapshot linux_tree = host_->snapshot();
    Snapshot mosaic_tree = mosaic_->snapshot();
    if (!setup_.directory_sizes()) {
      forget_directory_sizes(linux_tree);
      forget_directory_sizes(mosaic_tree);
    }
    if (linux_tree == mosaic_tree) return true;
    FAIL_CHECK(title_, "\nthe trees differ after step ", steps_, ":\n",
               differences(linux_tree, mosaic_tree), "operations so far:\n", log_);
    return false;
  }

 private:
  const Setup& setup_;
  std::string name_;
  std::string title_;
  int directory_ = -1;
  std::vector<std::byte> image_;  // The ext2 volume's disk (ext2 sequences); outlives ns_.
  Namespace ns_;
  std::optional<HostWorld> host_;
  std::optional<MosaicWorld> mosaic_;
  std::string log_;
  int steps_ = 0;
};

// One randomised sequence.
void run_random_sequence(const Setup& setup, std::uint64_t salt, Mode umask) {
  Sequence sequence(setup, "seq" + std::to_string(salt), header(salt, umask, setup), umask);
  Generator generator(salt, setup.shape);
  std::array<bool, kSlots> open{};
  for (int step = 1; step <= kSteps; ++step) {
    Operation op = generator.next(open);
    while (file_system_difference(op, sequence.host(), setup) != nullptr) {
      op = generator.next(open);
    }
    const std::optional<Outcome> outcome = sequence.step(op);
    if (!outcome) return;
    if (op.op == Op::Open && outcome->error == 0) open[op.slot] = true;
    if (op.op == Op::Close) open[op.slot] = false;
    if ((step % kSnapshotEvery == 0 || step == kSteps) && !sequence.compare_trees()) return;
  }
}

Setup make_setup(const HostScratch& scratch, bool mixed) {
  Setup setup{scratch,
              {static_cast<std::uint32_t>(::geteuid()), static_cast<std::uint32_t>(::getegid())},
              {},
              {}};
  const int count = ::getgroups(0, nullptr);
  std::vector<gid_t> groups(static_cast<std::size_t>(count > 0 ? count : 0));
  if (count > 0) REQUIRE(::getgroups(count, groups.data()) == count);
  setup.groups.assign(groups.begin(), groups.end());

  const int symlinks = read_sysctl("/proc/sys/fs/protected_symlinks");
  const int regular = read_sysctl("/proc/sys/fs/protected_regular");
  const int fifos = read_sysctl("/proc/sys/fs/protected_fifos");
  if (symlinks != 0 || regular != 0 || fifos != 0) setup.shape.risky_sticky_bits |= 0002;
  if (regular >= 2 || fifos >= 2) setup.shape.risky_sticky_bits |= 0020;
  setup.shape.other_links = read_sysctl("/proc/sys/fs/protected_hardlinks") != 0;
  setup.shape.mixed = mixed;
  setup.shape.self_is_root = setup.self.uid == 0;
  setup.shape.exec_checks = scratch.exec();
  setup.shape.tmpfs = scratch.tmpfs();
  // faccessat2 appeared in Linux 5.8, and container seccomp profiles of that time refuse it.
  setup.shape.access_calls = ::syscall(SYS_faccessat2, scratch.fd(), ".", F_OK, AT_EACCESS) == 0 ||
                             (errno != ENOSYS && errno != EPERM);
  return setup;
}

// ---- Scripted sequences ----------------------------------------------------------------------

// Operations by the name of their system call, for the scripted sequences.
namespace call {

Operation make(Op kind, std::string path = {}, std::string other = {}) {
  Operation op;
  op.op = kind;
  op.path = std::move(path);
  op.other = std::move(other);
  return op;
}
Operation open(int slot, std::string path, std::uint32_t flags, Mode mode = 0644) {
  Operation op = make(Op::Open, std::move(path));
  op.slot = slot;
  op.flags = flags;
  op.mode = mode;
  return op;
}
Operation on_slot(Op kind, int slot) {
  Operation op = make(kind);
  op.slot = slot;
  return op;
}
Operation close(int slot) {
  return on_slot(Op::Close, slot);
}
Operation fstat(int slot) {
  return on_slot(Op::FileStat, slot);
}
Operation read(int slot, std::int64_t length) {
  Operation op = on_slot(Op::Read, slot);
  op.length = length;
  return op;
}
Operation write(int slot, std::string data) {
  Operation op = on_slot(Op::Write, slot);
  op.data = std::move(data);
  return op;
}
Operation pread(int slot, std::int64_t length, std::int64_t offset) {
  Operation op = read(slot, length);
  op.op = Op::ReadAt;
  op.offset = offset;
  return op;
}
Operation pwrite(int slot, std::string data, std::int64_t offset) {
  Operation op = write(slot, std::move(data));
  op.op = Op::WriteAt;
  op.offset = offset;
  return op;
}
Operation lseek(int slot, std::int64_t offset, int whence) {
  Operation op = on_slot(Op::Seek, slot);
  op.offset = offset;
  op.whence = whence;
  return op;
}
Operation ftruncate(int slot, std::int64_t size) {
  Operation op = on_slot(Op::FileTruncate, slot);
  op.offset = size;
  return op;
}
Operation fchmod(int slot, Mode mode) {
  Operation op = on_slot(Op::FileChmod, slot);
  op.mode = mode;
  return op;
}
Operation mkdir(std::string path, Mode mode = 0755) {
  Operation op = make(Op::MakeDirectory, std::move(path));
  op.mode = mode;
  return op;
}
Operation mknod(std::string path, Mode mode) {
  Operation op = make(Op::MakeNode, std::move(path));
  op.mode = mode;
  return op;
}
Operation chmod(std::string path, Mode mode) {
  Operation op = make(Op::Chmod, std::move(path));
  op.mode = mode;
  return op;
}
Operation truncate(std::string path, std::int64_t size) {
  Operation op = make(Op::Truncate, std::move(path));
  op.offset = size;
  return op;
}
Operation rmdir(std::string path) {
  return make(Op::RemoveDirectory, std::move(path));
}
Operation unlink(std::string path) {
  return make(Op::Unlink, std::move(path));
}
Operation rename(std::string from, std::string to) {
  return make(Op::Rename, std::move(from), std::move(to));
}
Operation link(std::string from, std::string to) {
  return make(Op::Link, std::move(from), std::move(to));
}
Operation symlink(std::string target, std::string path) {
  return make(Op::Symlink, std::move(path), std::move(target));
}
Operation readdir(std::string path) {
  return make(Op::ReadDirectory, std::move(path));
}
Operation access(std::string path, std::uint32_t mode) {
  Operation op = make(Op::Access, std::move(path));
  op.flags = mode;
  return op;
}
Operation stat(std::string path) {
  return make(Op::Stat, std::move(path));
}
Operation lstat(std::string path) {
  return make(Op::LinkStat, std::move(path));
}
}  // namespace call

/// `op` done by the unprivileged user (this process's user when that is not root).
Operation as_user(Operation op) {
  op.actor = Actor::Other;
  return op;
}

/// What a script needs of the host.
enum class Needs : std::uint8_t {
  Nothing,
  Root,                    ///< It uses both an unprivileged user and root.
  RootProtectedHardlinks,  ///< Also fs.protected_hardlinks.
};

/// A fixed sequence for a shape the random ones rarely or never make.
struct Script {
  const char* name;
  Needs needs;
  std::vector<Operation> steps;
};

// Runs each script (as the process's user, or with the unprivileged user when root) and
// compares every step and the trees at the end.
void run_scripts(const std::vector<Script>& scripts, Mode umask = 022) {
  HostProcessState process;
  HostScratch scratch;
  const bool root = ::geteuid() == 0;
  const Setup setup = make_setup(scratch, root);
  int index = 0;
  for (const Script& script : scripts) {
    if (script.needs != Needs::Nothing && !root) {
      MESSAGE("skipped (not root): ", std::string(script.name));
      continue;
    }
    if (script.needs == Needs::RootProtectedHardlinks && !setup.shape.other_links) {
      MESSAGE("skipped (fs.protected_hardlinks is off): ", std::string(script.name));
      continue;
    }
    Sequence sequence(setup, "script" + std::to_string(index++),
                      std::string("script \"") + script.name + "\", host dir " + scratch.path() +
                          (scratch.tmpfs() ? " (tmpfs)" : ""),
                      umask);
    bool same = true;
    for (Operation op : script.steps) {
      // Without root, the process's own user is the unprivileged one.
      if (!root) op.actor = Actor::Self;
      if (!sequence.step(op)) {
        same = false;
        break;
      }
    }
    if (same) sequence.compare_trees();
  }
}

}  // namespace

TEST_CASE("differential: random operations by this process's user match Linux") {
  HostProcessState process;
  HostScratch scratch;
  const Setup setup = make_setup(scratch, false);
  MESSAGE(kSequences, " sequences of ", kSteps, " operations in ", scratch.path(),
          std::string(scratch.tmpfs() ? " (tmpfs)" : " (not tmpfs: directory sizes not compared)"));
  static constexpr Mode kUmasks[] = {022, 077, 002, 0};
  for (int i = 0; i < kSequences; ++i) run_random_sequence(setup, 1000 + i, kUmasks[i % 4]);
}

TEST_CASE("differential: random operations by an unprivileged user and root match Linux") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: not root, so setfsuid cannot act as another user");
    return;
  }
  HostProcessState process;
  HostScratch scratch;
  const Setup setup = make_setup(scratch, true);
  static constexpr Mode kUmasks[] = {022, 002, 077, 0};
  for (int i = 0; i < kSequences; ++i) run_random_sequence(setup, 2000 + i, kUmasks[i % 4]);
}

TEST_CASE("differential: random operations on an ext2 volume match Linux") {
  HostProcessState process;
  HostScratch scratch;
  Setup setup = make_setup(scratch, false);
  setup.ext2 = true;
  setup.shape.tmpfs = false;  // Directory offsets are ext2's.
  static constexpr Mode kUmasks[] = {022, 077, 002, 0};
  for (int i = 0; i < kSequences / 2; ++i) run_random_sequence(setup, 3000 + i, kUmasks[i % 4]);
  if (::geteuid() == 0) {
    Setup mixed = make_setup(scratch, true);
    mixed.ext2 = true;
    mixed.shape.tmpfs = false;
    for (int i = 0; i < kSequences / 2; ++i) run_random_sequence(mixed, 4000 + i, kUmasks[i % 4]);
  }
}

TEST_CASE("differential: scripted shapes match Linux") {
  const std::vector<Script> scripts = {
      {"a FIFO's ends: ENXIO, EOF, EAGAIN, EPIPE, ESPIPE, contents gone with the last close",
       Needs::Nothing,
       {call::mknod("p", S_IFIFO | 0644),
        call::open(0, "p", O_WRONLY),
        call::open(0, "p", O_RDONLY),
        call::read(0, 10),
        call::open(1, "p", O_WRONLY),
        call::read(0, 10),
        call::write(1, "hello"),
        call::read(0, 3),
        call::write(1, ""),
        call::pread(0, 1, 0),
        call::pwrite(1, "x", 0),
        call::lseek(0, 0, SEEK_SET),
        call::ftruncate(1, 0),
        call::truncate("p", 0),
        call::fstat(0),
        call::close(0),
        call::write(1, "x"),
        call::write(1, ""),
        call::open(0, "p", O_RDWR),
        call::write(0, "ab"),
        call::read(0, 10),
        call::close(0),
        call::close(1),
        call::open(0, "p", O_RDONLY),
        call::read(0, 10)}},
      {"a sticky directory: only the owners remove or rename",
       Needs::Root,
       {call::mkdir("t"), call::chmod("t", 01777), call::open(0, "t/f", O_WRONLY | O_CREAT, 0666),
        call::close(0), as_user(call::unlink("t/f")), as_user(call::rename("t/f", "t/g")),
        as_user(call::open(0, "t/u", O_WRONLY | O_CREAT, 0644)), as_user(call::close(0)),
        call::lstat("t/f"), as_user(call::rename("t/u", "t/v")), call::unlink("t/v"),
        as_user(call::rmdir("t"))}},
      {"fs.protected_hardlinks",
       Needs::RootProtectedHardlinks,
       {call::open(0, "f", O_WRONLY | O_CREAT, 0600), call::close(0), as_user(call::link("f", "g")),
        call::chmod("f", 0666), as_user(call::link("f", "g")), call::chmod("f", 04666),
        as_user(call::link("f", "h")), call::chmod("f", 02676), as_user(call::link("f", "i")),
        call::mkdir("d"), as_user(call::link("d", "e"))}},
      {"truncation drops setuid, and setgid with group-execute",
       Needs::Nothing,
       {as_user(call::open(0, "f", O_RDWR | O_CREAT, 0644)), as_user(call::fchmod(0, 04755)),
        as_user(call::ftruncate(0, 1)), as_user(call::fstat(0)), as_user(call::fchmod(0, 02755)),
        as_user(call::truncate("f", 0)), as_user(call::fstat(0)), as_user(call::fchmod(0, 02745)),
        as_user(call::truncate("f", 2)), as_user(call::fstat(0))}},
      {"search, read and write permission on directories",
       Needs::Nothing,
       {as_user(call::mkdir("d")), as_user(call::open(0, "d/f", O_WRONLY | O_CREAT, 0644)),
        as_user(call::close(0)), as_user(call::chmod("d", 0300)), as_user(call::readdir("d")),
        as_user(call::stat("d/f")), as_user(call::chmod("d", 0600)), as_user(call::stat("d/f")),
        as_user(call::readdir("d")), as_user(call::access("d", R_OK | X_OK)),
        as_user(call::chmod("d", 0500)), as_user(call::unlink("d/f")),
        as_user(call::open(0, "d/g", O_WRONLY | O_CREAT, 0644)),
        as_user(call::rename("d/f", "d/g")), call::readdir("d"), as_user(call::chmod("d", 0755))}},
  };
  run_scripts(scripts);
}

// Shapes where libvfs once differed from Linux (found by the random sequences; each fixed), kept
// as scripts so that they stay fixed whatever the generator happens to make.
TEST_CASE("differential: shapes libvfs once got wrong") {
  const std::string long_name(mos::vfs::kNameMax + 1, 'n');
  std::string long_target;
  while (long_target.size() < mos::vfs::kPathMax - 4) long_target += "./";
  long_target += "a";
  const std::vector<Script> scripts = {
      {"open(O_CREAT|O_EXCL) of \"a/.\": EEXIST",
       Needs::Nothing,
       {call::mkdir("a"), call::open(0, "a/.", O_WRONLY | O_CREAT | O_EXCL)}},
      {"mkdir of \"dangling-symlink/\": EEXIST, nothing made",
       Needs::Nothing,
       {call::symlink("missing", "l"), call::mkdir("l/")}},
      {"rename of \"symlink-to-directory/\": ENOTDIR, nothing moved",
       Needs::Nothing,
       {call::mkdir("d"), call::symlink("d", "l"), call::rename("l/", "m")}},
      {"rmdir of \"symlink-to-empty-directory/\": ENOTDIR, nothing removed",
       Needs::Nothing,
       {call::mkdir("d"), call::symlink("d", "l"), call::rmdir("l/")}},
      {"unlink of \"symlink-to-directory/\": ENOTDIR",
       Needs::Nothing,
       {call::mkdir("d"), call::symlink("d", "l"), call::unlink("l/")}},
      {"link to \"dangling-symlink/\": EEXIST",
       Needs::Nothing,
       {call::open(0, "f", O_WRONLY | O_CREAT), call::close(0), call::symlink("missing", "l"),
        call::link("f", "l/")}},
      {"open(O_CREAT) through a symlink whose target ends in a slash: EISDIR",
       Needs::Nothing,
       {call::symlink("c/", "c"), call::open(0, "c", O_WRONLY | O_CREAT)}},
      {"open(O_DIRECTORY|O_NOFOLLOW) of a symlink: ENOTDIR",
       Needs::Nothing,
       {call::open(0, "f", O_WRONLY | O_CREAT), call::close(0), call::symlink("f", "l"),
        call::open(0, "l", O_RDONLY | O_DIRECTORY | O_NOFOLLOW)}},
      {"rename of a missing name to a too-long name: ENOENT",
       Needs::Nothing,
       {call::rename("missing", long_name)}},
      {"a long symlink followed by more path: no limit on the expansion",
       Needs::Nothing,
       {call::mkdir("a"), call::mkdir("a/b"), call::symlink(long_target, "l"), call::stat("l/b/")}},
      {"a symlink loop that grows: ELOOP",
       Needs::Nothing,
       {call::symlink("l/" + std::string(mos::vfs::kNameMax, 'n'), "l"), call::stat("l")}},
      {"a FIFO: EINVAL for a negative offset or a bad whence before ESPIPE",
       Needs::Nothing,
       {call::mknod("p", S_IFIFO | 0644), call::open(0, "p", O_RDWR), call::pwrite(0, "x", -1),
        call::pread(0, 1, -1), call::lseek(0, 0, 7)}},
      {"a write by an unprivileged user drops setuid",
       Needs::Nothing,
       {as_user(call::open(0, "f", O_RDWR | O_CREAT, 0644)), as_user(call::fchmod(0, 04755)),
        as_user(call::write(0, "x")), as_user(call::fstat(0))}},
      {"truncate by a non-member drops setgid without group-execute",
       Needs::Root,
       {call::open(0, "f", O_WRONLY | O_CREAT, 0666), call::fchmod(0, 02666), call::close(0),
        as_user(call::truncate("f", 0)), call::stat("f")}},
      {"O_TRUNC by a non-member drops setgid without group-execute",
       Needs::Root,
       {call::open(0, "f", O_WRONLY | O_CREAT, 0666), call::fchmod(0, 02666), call::close(0),
        as_user(call::open(1, "f", O_WRONLY | O_TRUNC)), call::fstat(1)}},
      {"a new file in a setgid directory keeps setgid without group-execute",
       Needs::Root,
       {call::mkdir("d", 0777), call::chmod("d", 02777),
        as_user(call::open(0, "d/f", O_WRONLY | O_CREAT, 02644))}},
      {"O_CREAT of someone else's socket in a sticky world-writable directory: EACCES",
       Needs::Root,
       {as_user(call::mkdir("t")), as_user(call::chmod("t", 01777)),
        call::mknod("t/s", S_IFSOCK | 0644), as_user(call::open(0, "t/s", O_RDONLY | O_CREAT))}},
  };
  run_scripts(scripts);
}
