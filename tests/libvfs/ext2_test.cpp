// ext2 against Debian's e2fsprogs: images made by mke2fs (populated by mke2fs -d and debugfs)
// are mounted through the VFS and read; what Mosaic writes must pass `e2fsck -fn` and read back
// the same through debugfs. Block sizes 1, 2 and 4 KiB, inode sizes 128 and 256; a randomised
// sequence against a model; full disks; damaged images and unsupported features.
#include "random.hpp"
#include "sched_test_support.hpp"
#include "vfs_test_support.hpp"

#include <vfs/block_device.hpp>
#include <vfs/ext2.hpp>

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>

#include <atomic>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using mos::RefPtr;
using mos::Result;
using namespace open_flags;

namespace {

constexpr const char* kMke2fs = "/usr/sbin/mke2fs";
constexpr const char* kE2fsck = "/usr/sbin/e2fsck";
constexpr const char* kDebugfs = "/usr/sbin/debugfs";

void require_e2fsprogs() {
  for (const char* tool : {kMke2fs, kE2fsck, kDebugfs}) {
    REQUIRE_MESSAGE(access(tool, X_OK) == 0, tool,
                    " is missing: install e2fsprogs (./mosaic installs it)");
  }
}

// Runs a shell command; its exit status, and its output in `output` if asked.
int run(const std::string& command, std::string* output = nullptr) {
  char name[] = "/tmp/mosaic-ext2-out-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  const int status = std::system((command + " >" + name + " 2>&1").c_str());
  std::ifstream in(name, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unlink(name);
  if (output != nullptr) *output = text;
  if (status == -1 || !WIFEXITED(status)) return -1;
  if (WEXITSTATUS(status) != 0) MESSAGE(command, " -> ", WEXITSTATUS(status), "\n", text);
  return WEXITSTATUS(status);
}

// A temporary directory, removed at the end.
struct TempDir {
  TempDir() {
    char name[] = "/tmp/mosaic-ext2-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { (void)std::system(("rm -rf " + path).c_str()); }
  std::string path;
};

std::string read_host_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void write_host_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  REQUIRE(out.good());
}

std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed + i / 251) % 26);
  return s;
}

// An image file and the disk over its bytes.
struct Image {
  std::string file;
  std::vector<std::byte> bytes;
  RefPtr<MemoryBlockDevice> disk;

  void load() {
    const std::string raw = read_host_file(file);
    REQUIRE(!raw.empty());
    bytes.assign(reinterpret_cast<const std::byte*>(raw.data()),
                 reinterpret_cast<const std::byte*>(raw.data()) + raw.size());
    disk = MemoryBlockDevice::wrap(bytes).value();
  }
  void save() {
    write_host_file(file, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  int fsck(std::string* output = nullptr) {
    return run(std::string(kE2fsck) + " -fn " + file, output);
  }
  std::string debugfs(const std::string& request) {
    std::string out;
    CHECK(run(std::string(kDebugfs) + " -R '" + request + "' " + file, &out) == 0);
    return out;
  }
  // The contents debugfs reads for `path` (`cat` into a host file: exact bytes).
  std::string debugfs_cat(const std::string& path) {
    const std::string dump = file + ".dump";
    CHECK(run(std::string(kDebugfs) + " -R 'dump " + path + " " + dump + "' " + file) == 0);
    std::string s = read_host_file(dump);
    unlink(dump.c_str());
    return s;
  }
};

Image make_image(const TempDir& dir, int block_size, int inode_size, int size_kib,
                 const std::string& extra = "", const std::string& populate = "") {
  require_e2fsprogs();
  Image image;
  image.file = dir.path + "/disk.img";
  std::string command = std::string(kMke2fs) + " -q -F -t ext2 -b " + std::to_string(block_size) +
                        " -I " + std::to_string(inode_size) + " " + extra;
  if (!populate.empty()) command += " -d " + populate;
  command += " " + image.file + " " + std::to_string(size_kib) + "k";
  REQUIRE(run(command) == 0);
  return image;
}

void debugfs_write(Image& image, const std::vector<std::string>& requests) {
  const std::string script = image.file + ".cmds";
  std::string text;
  for (const auto& r : requests) text += r + "\n";
  write_host_file(script, text);
  std::string out;
  REQUIRE(run(std::string(kDebugfs) + " -w -f " + script + " " + image.file, &out) == 0);
  unlink(script.c_str());
}

// A namespace (tmpfs root) with the image's ext2 mounted at /mnt.
struct Mounted {
  explicit Mounted(Image& image, Ext2Access access = Ext2Access::ReadWrite) {
    image.load();
    Ext2Options options;
    options.access = access;
    options.cache_blocks = 64;  // Small, so that trimming runs in the tests.
    auto mounted = mount_ext2(image.disk, options);
    REQUIRE_MESSAGE(mounted.has_value(), "mount_ext2: ", mos::error_name(mounted.error()));
    fs = *mounted;
    ns.vfs->set_time({1700000000, 0});
    REQUIRE(ns.vfs->make_directory(ns.root, "/mnt", 0755).has_value());
    REQUIRE(ns.vfs->mount(ns.root, fs, "/mnt").has_value());
  }
  // Unmounts (writing everything back) and saves the image file.
  void finish(Image& image) {
    REQUIRE(ns.vfs->unmount(ns.root, "/mnt").has_value());
    image.save();
  }
  Namespace ns;
  RefPtr<FileSystem> fs;
};

std::string read_link(Namespace& ns, std::string_view path) {
  char buffer[4096];
  auto n = ns.vfs->read_link(ns.root, path, buffer);
  REQUIRE_MESSAGE(n.has_value(), "readlink ", path, ": ", mos::error_name(n.error()));
  return std::string(buffer, *n);
}

std::string read_at(Namespace& ns, std::string_view path, std::uint64_t offset, std::size_t n) {
  auto file = ns.vfs->open(ns.root, path, kReadOnly);
  REQUIRE(file.has_value());
  std::string out(n, '\0');
  auto got = (*file)->read_at(static_cast<std::int64_t>(offset),
                              std::as_writable_bytes(std::span(out.data(), out.size())));
  REQUIRE(got.has_value());
  out.resize(*got);
  return out;
}

void write_at(Namespace& ns, std::string_view path, std::uint64_t offset, std::string_view data) {
  auto file = ns.vfs->open(ns.root, path, kWriteOnly | kCreate, 0644);
  REQUIRE_MESSAGE(file.has_value(), "open ", path, ": ", mos::error_name(file.error()));
  auto n = (*file)->write_at(static_cast<std::int64_t>(offset), bytes_of(data));
  REQUIRE_MESSAGE(n.has_value(), "pwrite ", path, ": ", mos::error_name(n.error()));
  REQUIRE(*n == data.size());
}

struct Geometry {
  int block_size;
  int inode_size;
};
constexpr Geometry kGeometries[] = {{1024, 128}, {1024, 256}, {2048, 128},
                                    {2048, 256}, {4096, 128}, {4096, 256}};

}  // namespace

TEST_CASE("ext2: Mosaic reads what mke2fs -d and debugfs wrote") {
  for (const Geometry g : kGeometries) {
    CAPTURE(g.block_size);
    CAPTURE(g.inode_size);
    TempDir dir;
    const std::string tree = dir.path + "/tree";
    REQUIRE(run("mkdir -p " + tree + "/sub/deeper") == 0);
    write_host_file(tree + "/small", "hello, ext2\n");
    write_host_file(tree + "/sub/medium", pattern(100000, 3));
    write_host_file(tree + "/sub/deeper/empty", "");
    REQUIRE(run("ln -s small " + tree + "/fast") == 0);
    const std::string long_target = "sub/deeper/" + std::string(80, 'x') + "/target";
    REQUIRE(run("ln -s " + long_target + " " + tree + "/slow") == 0);
    REQUIRE(run("ln " + tree + "/small " + tree + "/sub/hard") == 0);
    // A sparse file with data in direct, single, double and triple indirect blocks.
    const std::uint64_t p = static_cast<std::uint64_t>(g.block_size) / 4;
    const std::uint64_t offsets[] = {0, 12ull * g.block_size + 5, (12 + p + 3) * g.block_size,
                                     (12 + p + p * p + 7) * g.block_size + 100};
    {
      std::fstream out(tree + "/sparse", std::ios::out | std::ios::binary);
      for (std::size_t i = 0; i < 4; ++i) {
        out.seekp(static_cast<std::streamoff>(offsets[i]));
        const std::string chunk = "chunk-" + std::to_string(i);
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      }
    }
    Image image = make_image(dir, g.block_size, g.inode_size, 16384, "-N 256", tree);
    // debugfs's mknod takes numbers below 256: the new encoding (major 300, minor 70000) is
    // written into i_block[1] by hand.
    debugfs_write(image,
                  {"mknod old_dev c 4 5", "mknod new_dev b 1 1", "sif new_dev block[0] 0",
                   "sif new_dev block[1] 0x11112c70", "mknod fifo p", "sif /small uid 1234",
                   "sif /small gid 4321", "sif /small mode 0100640", "mkdir /made_by_debugfs",
                   "write " + tree + "/sub/medium written_by_debugfs",
                   "symlink debugfs_link /an/absolute/target"});
    Mounted m(image, Ext2Access::ReadOnly);
    Namespace& ns = m.ns;
    CHECK(m.fs->read_only());
    CHECK(m.fs->type_name() == "ext2");
    CHECK(ns.read_file("/mnt/small") == "hello, ext2\n");
    CHECK(ns.read_file("/mnt/sub/hard") == "hello, ext2\n");
    CHECK(ns.read_file("/mnt/sub/medium") == pattern(100000, 3));
    CHECK(ns.read_file("/mnt/sub/deeper/empty").empty());
    CHECK(read_link(ns, "/mnt/fast") == "small");
    CHECK(read_link(ns, "/mnt/slow") == long_target);
    CHECK(ns.read_file("/mnt/fast") == "hello, ext2\n");  // Followed through the VFS.
    const Stat small = ns.must_stat("/mnt/small");
    CHECK(small.mode == 0100640);
    CHECK(small.uid == 1234);
    CHECK(small.gid == 4321);
    CHECK(small.links == 2);
    CHECK(small.size == 12);
    CHECK(small.inode == ns.must_stat("/mnt/sub/hard").inode);
    CHECK(ns.must_stat("/mnt/sub").links == 3);  // ".", its name, deeper's "..".
    CHECK(type_of(ns.must_stat("/mnt/fast", false).mode) == FileType::Symlink);
    CHECK(ns.must_stat("/mnt/slow", false).size == static_cast<std::int64_t>(long_target.size()));
    const Stat old_dev = ns.must_stat("/mnt/old_dev");
    CHECK(type_of(old_dev.mode) == FileType::CharDevice);
    CHECK(DeviceNumber::decode(old_dev.rdev) == DeviceNumber{4, 5});
    const Stat new_dev = ns.must_stat("/mnt/new_dev");
    CHECK(type_of(new_dev.mode) == FileType::BlockDevice);
    CHECK(DeviceNumber::decode(new_dev.rdev) == DeviceNumber{300, 70000});
    CHECK(type_of(ns.must_stat("/mnt/fifo").mode) == FileType::Fifo);
    const Stat sparse = ns.must_stat("/mnt/sparse");
    CHECK(sparse.size == static_cast<std::int64_t>(offsets[3] + 7));
    CHECK(sparse.blocks < 64u * static_cast<unsigned>(g.block_size / 512));  // Holes stay holes.
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(read_at(ns, "/mnt/sparse", offsets[i], 7) == "chunk-" + std::to_string(i));
      CHECK(read_at(ns, "/mnt/sparse", offsets[i] + 7, 5) == std::string(i == 3 ? 0 : 5, '\0'));
    }
    const auto names = ns.list("/mnt");
    for (const char* name : {"small", "sub", "fast", "slow", "sparse", "old_dev", "new_dev", "fifo",
                             "made_by_debugfs", "lost+found"}) {
      CHECK_MESSAGE(std::find(names.begin(), names.end(), name) != names.end(), name);
    }
    CHECK(ns.list("/mnt/sub/deeper") == std::vector<std::string>{"empty"});
    CHECK(ns.read_file("/mnt/written_by_debugfs") == pattern(100000, 3));
    CHECK(read_link(ns, "/mnt/debugfs_link") == "/an/absolute/target");
    CHECK(ns.must_stat("/mnt/made_by_debugfs").links == 2);
    const StatFs st = ns.vfs->statfs(ns.root, "/mnt").value();
    CHECK(st.type == kExt2Magic);
    CHECK(st.block_size == static_cast<std::uint64_t>(g.block_size));
    CHECK((st.flags & kStatFsReadOnly) != 0);
    CHECK(error_of(ns.vfs->make_directory(ns.root, "/mnt/x", 0755)) == Error::ReadOnlyFileSystem);
  }
}

TEST_CASE("ext2: what Mosaic writes passes e2fsck and reads back through debugfs") {
  for (const Geometry g : kGeometries) {
    CAPTURE(g.block_size);
    CAPTURE(g.inode_size);
    TempDir dir;
    Image image = make_image(dir, g.block_size, g.inode_size, 24576, "-N 2048");
    const std::uint64_t p = static_cast<std::uint64_t>(g.block_size) / 4;
    // Past the single indirect blocks into the double ones.
    const std::string big = pattern((12 + p + 2 * p + 3) * g.block_size + 123, 11);
    std::string appended = "first line\n";
    const std::string slow_target = "/" + std::string(200, 's') + "/end";
    {
      Mounted m(image);
      Namespace& ns = m.ns;
      CHECK(!m.fs->read_only());
      ns.write_file("/mnt/hello", "hello from Mosaic\n");
      ns.write_file("/mnt/big", big);
      {
        auto file = ns.vfs->open(ns.root, "/mnt/appended", kWriteOnly | kCreate | kAppend, 0600);
        REQUIRE(file.has_value());
        for (int i = 0; i < 50; ++i) {
          const std::string line = "line " + std::to_string(i) + "\n";
          REQUIRE((*file)->write(bytes_of(line)).has_value());
          if (i > 0) appended += line;
        }
        appended = "";
        for (int i = 0; i < 50; ++i) appended += "line " + std::to_string(i) + "\n";
      }
      write_at(ns, "/mnt/hello", 6, "HELLO");  // Overwrite in the middle.
      ns.write_file("/mnt/shrink", pattern(5 * g.block_size + 17, 5));
      REQUIRE(ns.vfs->truncate(ns.root, "/mnt/shrink", g.block_size + 3).has_value());
      REQUIRE(ns.vfs->truncate(ns.root, "/mnt/shrink", 3 * g.block_size).has_value());
      ns.write_file("/mnt/grow", "abc");
      REQUIRE(ns.vfs->truncate(ns.root, "/mnt/grow", 20 * g.block_size + 1).has_value());
      write_at(ns, "/mnt/grow", 30ull * g.block_size, "tail");
      REQUIRE(ns.vfs->make_directory(ns.root, "/mnt/d1", 0750).has_value());
      REQUIRE(ns.vfs->make_directory(ns.root, "/mnt/d1/d2", 0755).has_value());
      REQUIRE(ns.vfs->make_directory(ns.root, "/mnt/gone", 0755).has_value());
      REQUIRE(ns.vfs->remove_directory(ns.root, "/mnt/gone").has_value());
      CHECK(error_of(ns.vfs->remove_directory(ns.root, "/mnt/d1")) == Error::NotEmpty);
      ns.write_file("/mnt/d1/d2/file", "in d2");
      ns.write_file("/mnt/victim", "to be replaced");
      ns.write_file("/mnt/mover", "moved over the victim");
      REQUIRE(ns.vfs->rename(ns.root, "/mnt/mover", "/mnt/victim").has_value());
      REQUIRE(ns.vfs->rename(ns.root, "/mnt/d1/d2", "/mnt/d2moved").has_value());  // Across dirs.
      REQUIRE(ns.vfs->rename(ns.root, "/mnt/hello", "/mnt/d1/hello").has_value());
      REQUIRE(ns.vfs->make_symlink(ns.root, "d1/hello", "/mnt/fastlink").has_value());
      REQUIRE(ns.vfs->make_symlink(ns.root, slow_target, "/mnt/slowlink").has_value());
      REQUIRE(ns.vfs->link(ns.root, "/mnt/d1/hello", "/mnt/hardlink").has_value());
      ns.write_file("/mnt/unlinked", "bye");
      REQUIRE(ns.vfs->unlink(ns.root, "/mnt/unlinked").has_value());
      {
        // Unlinked while open: readable until closed, deleted after.
        ns.write_file("/mnt/open-unlinked", pattern(3 * g.block_size, 1));
        auto file = ns.vfs->open(ns.root, "/mnt/open-unlinked", kReadOnly);
        REQUIRE(file.has_value());
        REQUIRE(ns.vfs->unlink(ns.root, "/mnt/open-unlinked").has_value());
        char buffer[10];
        CHECK((*file)->read(std::as_writable_bytes(std::span(buffer))).value() == 10);
      }
      REQUIRE(ns.vfs->make_node(ns.root, "/mnt/chr", 0020644, DeviceNumber{1, 3}).has_value());
      REQUIRE(
          ns.vfs->make_node(ns.root, "/mnt/blk", 0060600, DeviceNumber{259, 65536}).has_value());
      REQUIRE(ns.vfs->make_node(ns.root, "/mnt/pipe", 0010600).has_value());
      REQUIRE(ns.vfs->make_node(ns.root, "/mnt/sock", 0140600).has_value());
      REQUIRE(ns.vfs->change_mode(ns.root, "/mnt/d1/hello", 0604).has_value());
      REQUIRE(ns.vfs->change_owner(ns.root, "/mnt/d1/hello", 1000, 2000).has_value());
      REQUIRE(ns.vfs->set_times(ns.root, "/mnt/big", {1600000000, 0}, {1500000000, 0}).has_value());
      // A directory of many entries: more than one block.
      REQUIRE(ns.vfs->make_directory(ns.root, "/mnt/many", 0755).has_value());
      for (int i = 0; i < 300; ++i) {
        ns.write_file("/mnt/many/entry-with-a-longish-name-" + std::to_string(i),
                      std::to_string(i));
      }
      for (int i = 0; i < 300; i += 3) {
        REQUIRE(ns.vfs->unlink(ns.root, "/mnt/many/entry-with-a-longish-name-" + std::to_string(i))
                    .has_value());
      }
      CHECK(ns.list("/mnt/many").size() == 200);
      CHECK(ns.must_stat("/mnt/many").size > g.block_size);
      // Read back before unmounting.
      CHECK(ns.read_file("/mnt/big") == big);
      CHECK(ns.read_file("/mnt/d1/hello") == "hello HELLOMosaic\n");
      CHECK(ns.read_file("/mnt/victim") == "moved over the victim");
      CHECK(ns.must_stat("/mnt/d1").links == 2);
      CHECK(ns.must_stat("/mnt/d2moved").links == 2);
      CHECK(ns.must_stat("/mnt/d2moved/..").inode == ns.must_stat("/mnt").inode);
      CHECK(ns.must_stat("/mnt/hardlink").links == 2);
      REQUIRE(ns.vfs->sync().has_value());
      m.finish(image);
    }
    std::string report;
    CHECK(image.fsck(&report) == 0);
    CHECK(image.debugfs_cat("/big") == big);
    CHECK(image.debugfs_cat("/d1/hello") == "hello HELLOMosaic\n");
    CHECK(image.debugfs_cat("/hardlink") == "hello HELLOMosaic\n");
    CHECK(image.debugfs_cat("/appended") == appended);
    CHECK(image.debugfs_cat("/victim") == "moved over the victim");
    CHECK(image.debugfs_cat("/d2moved/file") == "in d2");
    const std::string shrink = image.debugfs_cat("/shrink");
    CHECK(shrink.size() == 3u * g.block_size);
    CHECK(shrink.substr(0, g.block_size + 3) ==
          pattern(5 * g.block_size + 17, 5).substr(0, g.block_size + 3));
    CHECK(shrink.substr(g.block_size + 3) == std::string(2 * g.block_size - 3, '\0'));
    const std::string grow = image.debugfs_cat("/grow");
    CHECK(grow.size() == 30u * g.block_size + 4);
    CHECK(grow.substr(0, 3) == "abc");
    CHECK(grow.substr(3, 30u * g.block_size - 3) == std::string(30u * g.block_size - 3, '\0'));
    CHECK(image.debugfs_cat("/slowlink") == slow_target);
    CHECK(image.debugfs("stat /fastlink").find("Fast link dest: \"d1/hello\"") !=
          std::string::npos);
    const std::string hello = image.debugfs("stat /d1/hello");
    CHECK(hello.find("Mode:  0604") != std::string::npos);
    CHECK(hello.find("User:  1000") != std::string::npos);
    CHECK(hello.find("Group:  2000") != std::string::npos);
    CHECK(hello.find("Links: 2") != std::string::npos);
    CHECK(image.debugfs("stat /chr").find("Device major/minor number: 01:03") != std::string::npos);
    CHECK(image.debugfs("stat /blk").find("Device major/minor number: 259:65536") !=
          std::string::npos);
    CHECK(image.debugfs("stat /big").find("mtime: 0x59682f00") != std::string::npos);
    CHECK(image.debugfs("ls /").find("unlinked") == std::string::npos);
    // And mounted again, Mosaic reads what it wrote.
    Mounted again(image, Ext2Access::ReadOnly);
    CHECK(again.ns.read_file("/mnt/big") == big);
    CHECK(read_link(again.ns, "/mnt/slowlink") == slow_target);
    CHECK(again.ns.list("/mnt/many").size() == 200);
    CHECK(DeviceNumber::decode(again.ns.must_stat("/mnt/blk").rdev) == DeviceNumber{259, 65536});
  }
}

TEST_CASE("ext2: a full disk gives ENOSPC, and freeing makes room again") {
  TempDir dir;
  Image image = make_image(dir, 1024, 128, 2048, "-N 64 -m 0");
  {
    Mounted m(image);
    Namespace& ns = m.ns;
    const std::string chunk = pattern(64 * 1024, 2);
    auto file = ns.vfs->open(ns.root, "/mnt/fill", kWriteOnly | kCreate, 0644);
    REQUIRE(file.has_value());
    std::uint64_t written = 0;
    Error error{};
    for (int i = 0; i < 100; ++i) {
      auto n = (*file)->write(bytes_of(chunk));
      if (!n) {
        error = n.error();
        break;
      }
      written += *n;
    }
    CHECK(error == Error::NoSpace);
    CHECK(written > 1500u * 1024);
    CHECK(ns.vfs->statfs(ns.root, "/mnt").value().free_blocks == 0);
    CHECK(error_of(ns.vfs->make_directory(ns.root, "/mnt/nodir", 0755)) == Error::NoSpace);
    file = {};
    // Inodes run out too.
    Error inode_error{};
    for (int i = 0; i < 100; ++i) {
      auto made = ns.vfs->make_node(ns.root, "/mnt/n" + std::to_string(i), 0010644);
      if (!made) {
        inode_error = made.error();
        break;
      }
    }
    CHECK(inode_error == Error::NoSpace);
    REQUIRE(ns.vfs->unlink(ns.root, "/mnt/fill").has_value());
    REQUIRE(ns.vfs->sync().has_value());  // Deletes the file now nothing holds it.
    CHECK(ns.vfs->statfs(ns.root, "/mnt").value().free_blocks > 1500);
    ns.write_file("/mnt/after", chunk);
    CHECK(ns.read_file("/mnt/after") == chunk);
    m.finish(image);
  }
  CHECK(image.fsck() == 0);
  CHECK(image.debugfs_cat("/after") == pattern(64 * 1024, 2));
}

TEST_CASE("ext2: a randomised sequence of operations against a model, then e2fsck") {
  for (const Geometry g : {Geometry{1024, 256}, Geometry{4096, 128}}) {
    CAPTURE(g.block_size);
    TempDir dir;
    Image image = make_image(dir, g.block_size, g.inode_size, 16384, "-N 512");
    auto bitgen = mos::test::make_bitgen(0xe27 + static_cast<unsigned>(g.block_size));
    // Path -> contents; hard links share them.
    absl::btree_map<std::string, std::shared_ptr<std::string>> files;
    absl::btree_map<std::string, std::string> symlinks;  // Path -> target.
    auto links_of = [&](const std::string& path) {
      std::uint32_t n = 0;
      for (const auto& f : files) n += f.second == files[path] ? 1 : 0;
      return n;
    };
    absl::btree_set<std::string> directories = {"/mnt"};
    int steps = 0;
    {
      Mounted m(image);
      Namespace& ns = m.ns;
      auto pick_directory = [&] {
        auto it = directories.begin();
        std::advance(it, absl::Uniform<std::size_t>(bitgen, 0, directories.size()));
        return *it;
      };
      auto pick_file = [&]() -> std::string {
        if (files.empty()) return {};
        auto it = files.begin();
        std::advance(it, absl::Uniform<std::size_t>(bitgen, 0, files.size()));
        return it->first;
      };
      for (; steps < 800; ++steps) {
        CAPTURE(steps);
        const int op = absl::Uniform(bitgen, 0, 12);
        const std::string name = "n" + std::to_string(absl::Uniform(bitgen, 0, 40));
        if (op == 0) {  // Create or overwrite a file.
          const std::string path = pick_directory() + "/" + name;
          if (directories.count(path) || symlinks.count(path)) continue;
          const std::string contents =
              pattern(absl::Uniform<std::size_t>(bitgen, 0, 6 * g.block_size), steps);
          ns.write_file(path, contents);
          if (files.count(path)) {
            *files[path] = contents;  // O_TRUNC: the inode stays, with its other names.
          } else {
            files[path] = std::make_shared<std::string>(contents);
          }
        } else if (op == 1 && !files.empty()) {  // Write at an offset.
          const std::string path = pick_file();
          std::string& model = *files[path];
          const std::uint64_t offset = absl::Uniform<std::uint64_t>(bitgen, 0, 40 * g.block_size);
          const std::string data = pattern(absl::Uniform<std::size_t>(bitgen, 1, 3000), steps);
          write_at(ns, path, offset, data);
          if (model.size() < offset + data.size()) model.resize(offset + data.size(), '\0');
          model.replace(offset, data.size(), data);
        } else if (op == 2 && !files.empty()) {  // Truncate.
          const std::string path = pick_file();
          const std::size_t size = absl::Uniform<std::size_t>(bitgen, 0, 20 * g.block_size);
          REQUIRE(ns.vfs->truncate(ns.root, path, static_cast<std::int64_t>(size)).has_value());
          files[path]->resize(size, '\0');
        } else if (op == 3 && !files.empty()) {  // Unlink.
          const std::string path = pick_file();
          REQUIRE(ns.vfs->unlink(ns.root, path).has_value());
          files.erase(path);
        } else if (op == 4 && !files.empty()) {  // Rename, maybe over a file.
          const std::string from = pick_file();
          const std::string to = pick_directory() + "/" + name;
          if (directories.count(to) || from == to) continue;
          REQUIRE(ns.vfs->rename(ns.root, from, to).has_value());
          auto contents = files[from];
          if (files.count(to) && files[to] == contents) continue;  // Two links: nothing moves.
          files.erase(from);
          symlinks.erase(to);
          files[to] = std::move(contents);
        } else if (op == 5) {  // mkdir.
          const std::string path = pick_directory() + "/d" + name;
          if (directories.count(path) || directories.size() > 12) continue;
          REQUIRE(ns.vfs->make_directory(ns.root, path, 0755).has_value());
          directories.insert(path);
        } else if (op == 6) {  // rmdir of an empty directory.
          const std::string path = pick_directory();
          if (path == "/mnt") continue;
          bool empty = true;
          for (const auto& f : files) empty = empty && f.first.rfind(path + "/", 0) != 0;
          for (const auto& d : directories) empty = empty && d.rfind(path + "/", 0) != 0;
          for (const auto& l : symlinks) empty = empty && l.first.rfind(path + "/", 0) != 0;
          const auto removed = ns.vfs->remove_directory(ns.root, path);
          CHECK(removed.has_value() == empty);
          if (empty) directories.erase(path);
        } else if (op == 7 && !files.empty()) {  // Check a file.
          const std::string path = pick_file();
          CHECK(ns.read_file(path) == *files[path]);
          const Stat st = ns.must_stat(path);
          CHECK(st.size == static_cast<std::int64_t>(files[path]->size()));
          CHECK(st.links == links_of(path));
        } else if (op == 8 && !files.empty()) {  // A hard link.
          const std::string from = pick_file();
          const std::string to = pick_directory() + "/" + name;
          if (files.count(to) || symlinks.count(to) || directories.count(to)) continue;
          REQUIRE(ns.vfs->link(ns.root, from, to).has_value());
          auto shared = files[from];  // Copied first: inserting moves the map's values.
          files[to] = std::move(shared);
        } else if (op == 9) {  // A symlink, fast or slow.
          const std::string path = pick_directory() + "/" + name;
          if (files.count(path) || symlinks.count(path) || directories.count(path)) continue;
          const std::string target =
              "t" + std::string(absl::Uniform<std::size_t>(bitgen, 1, 200), 'x');
          REQUIRE(ns.vfs->make_symlink(ns.root, target, path).has_value());
          symlinks[path] = target;
        } else if (op == 10 && !symlinks.empty()) {
          auto it = symlinks.begin();
          std::advance(it, absl::Uniform<std::size_t>(bitgen, 0, symlinks.size()));
          CHECK(read_link(ns, it->first) == it->second);
          if (absl::Bernoulli(bitgen, 0.5)) {
            REQUIRE(ns.vfs->unlink(ns.root, it->first).has_value());
            symlinks.erase(it);
          }
        } else if (op == 11 && absl::Bernoulli(bitgen, 0.2)) {
          REQUIRE(ns.vfs->sync().has_value());
        }
      }
      for (const auto& [path, contents] : files) CHECK(ns.read_file(path) == *contents);
      m.finish(image);
    }
    CHECK(image.fsck() == 0);
    Mounted again(image, Ext2Access::ReadOnly);
    for (const auto& [path, contents] : files) {
      CAPTURE(path);
      CHECK(again.ns.read_file(path) == *contents);
      CHECK(again.ns.must_stat(path).links == links_of(path));
    }
    for (const auto& [path, target] : symlinks) CHECK(read_link(again.ns, path) == target);
    for (const auto& d : directories)
      CHECK(type_of(again.ns.must_stat(d).mode) == FileType::Directory);
    MESSAGE("seed ", mos::test::test_seed(), ": ", files.size(), " names of files, ",
            symlinks.size(), " symlinks, ", directories.size(), " directories after ", steps,
            " steps");
  }
}

TEST_CASE("ext2: threads working at once leave a volume e2fsck accepts") {
  namespace sched = mos::sched;
  TempDir dir;
  Image image = make_image(dir, 1024, 256, 16384, "-N 1024");
  constexpr int kThreads = 4;
  std::atomic<int> wrong{0};
  std::atomic<int> failed{0};
  std::atomic<bool> stop{false};
  {
    Mounted m(image);
    Namespace& ns = m.ns;
    REQUIRE(ns.vfs->make_directory(ns.root, "/mnt/shared", 0755).has_value());
    Vfs* vfs = ns.vfs;
    const Context root = ns.root;
    std::vector<sched::Thread*> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.push_back(&sched::test::must_spawn([&, t] {
        const std::string home = "/mnt/t" + std::to_string(t);
        if (!vfs->make_directory(root, home, 0755)) ++failed;
        for (int i = 0; i < 60; ++i) {
          const std::string path = home + "/f" + std::to_string(i % 7);
          const std::string contents = pattern(static_cast<std::size_t>(i * 397 % 9000), i + t);
          auto file = vfs->open(root, path, kReadWrite | kCreate | kTruncate, 0644);
          if (!file || (*file)->write(bytes_of(contents)).value_or(0) != contents.size()) {
            ++failed;
            continue;
          }
          std::string back(contents.size(), '\0');
          auto n = (*file)->read_at(0, std::as_writable_bytes(std::span(back.data(), back.size())));
          if (!n || *n != contents.size() || back != contents) ++wrong;
          if (i % 5 == 0) {
            const std::string moved = "/mnt/shared/" + std::to_string(t) + "-" + std::to_string(i);
            if (!vfs->rename(root, path, moved)) ++failed;
            if (i % 10 == 0 && !vfs->unlink(root, moved)) ++failed;
          }
          if (i % 16 == 0) sched::yield();
        }
      }));
    }
    sched::Thread& lister = sched::test::must_spawn([&] {
      while (!stop) {
        auto d = vfs->open(root, "/mnt/shared", kReadOnly | kDirectory);
        NameCollector names;
        if (!d || !(*d)->read_directory(names)) ++failed;
        if (!vfs->statfs(root, "/mnt")) ++failed;
        sched::yield();
      }
    });
    for (sched::Thread* t : threads) sched::test::must_join(*t);
    stop = true;
    sched::test::must_join(lister);
    CHECK(failed == 0);
    CHECK(wrong == 0);
    CHECK(ns.list("/mnt/shared").size() == kThreads * 6);
    m.finish(image);
  }
  CHECK(image.fsck() == 0);
}

namespace {

// The superblock's byte `offset` (from the start of the disk: the superblock is at 1024).
void put32(Image& image, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) image.bytes[offset + i] = static_cast<std::byte>(value >> (8 * i));
}
void put16(Image& image, std::size_t offset, std::uint16_t value) {
  for (int i = 0; i < 2; ++i) image.bytes[offset + i] = static_cast<std::byte>(value >> (8 * i));
}
std::uint32_t get32(const Image& image, std::size_t offset) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | std::to_integer<std::uint32_t>(image.bytes[offset + i]);
  return v;
}

// The disk offset of inode `number`'s record (group 0 only), for a 1 KiB-block image.
std::size_t inode_offset(const Image& image, std::uint32_t number) {
  const std::uint32_t table = get32(image, 2048 + 8);  // Group 0's inode table.
  const std::uint32_t inode_size = get32(image, 1024 + 88) & 0xffff;
  return table * 1024ull + (number - 1) * inode_size;
}

Result<RefPtr<FileSystem>> mount_bytes(Image& image, Ext2Access access = Ext2Access::ReadWrite) {
  image.disk = MemoryBlockDevice::wrap(image.bytes).value();
  Ext2Options options;
  options.access = access;
  return mount_ext2(image.disk, options);
}

// The inode number of `path` as debugfs sees it.
std::uint32_t inode_of(Image& image, const std::string& path) {
  const std::string out = image.debugfs("stat " + path);
  const auto at = out.find("Inode: ");
  REQUIRE(at != std::string::npos);
  return static_cast<std::uint32_t>(std::stoul(out.substr(at + 7)));
}

}  // namespace

TEST_CASE("ext2: damaged images give errors, never crashes") {
  TempDir dir;
  const std::string tree = dir.path + "/tree";
  REQUIRE(run("mkdir -p " + tree + "/dir") == 0);
  for (int i = 0; i < 20; ++i) write_host_file(tree + "/dir/f" + std::to_string(i), "x");
  write_host_file(tree + "/big", pattern(400 * 1024, 9));  // Double indirect at 1 KiB.
  Image pristine = make_image(dir, 1024, 128, 4096, "-N 128", tree);
  pristine.load();
  const std::uint32_t dir_inode = inode_of(pristine, "/dir");
  const std::uint32_t big_inode = inode_of(pristine, "/big");
  auto fresh = [&] {
    Image copy = pristine;
    copy.disk = {};
    return copy;
  };

  SUBCASE("the superblock") {
    struct Case {
      const char* what;
      std::size_t offset;
      std::uint32_t value;
      bool wide;
      Error expected;
    };
    const Case cases[] = {
        {"magic", 1024 + 56, 0x1234, false, Error::BadMessage},
        {"block size log", 1024 + 24, 20, true, Error::BadMessage},
        {"inode count", 1024 + 0, 0xffffff00, true, Error::BadMessage},
        {"block count", 1024 + 4, 0xfffffff0, true, Error::BadMessage},
        {"blocks per group", 1024 + 32, 0, true, Error::BadMessage},
        {"inodes per group", 1024 + 40, 0x7fffffff, true, Error::BadMessage},
        {"inode size", 1024 + 88, 100, false, Error::BadMessage},
        {"first inode", 1024 + 84, 0, true, Error::BadMessage},
        {"revision", 1024 + 76, 7, true, Error::NotSupported},
        {"incompat extent", 1024 + 96, 0x42, true, Error::NotSupported},
        {"incompat unknown", 1024 + 96, 0x80000002, true, Error::NotSupported},
        {"group 0 inode table", 2048 + 8, 0xffffff, true, Error::BadMessage},
        {"group 0 block bitmap", 2048 + 0, 0, true, Error::BadMessage},
        {"group 0 free blocks", 2048 + 12, 0xffff, false, Error::BadMessage},
    };
    for (const Case& c : cases) {
      CAPTURE(c.what);
      Image image = fresh();
      if (c.wide) {
        put32(image, c.offset, c.value);
      } else {
        put16(image, c.offset, static_cast<std::uint16_t>(c.value));
      }
      CHECK(error_of(mount_bytes(image)) == c.expected);
    }
    Image zeros = fresh();
    std::fill(zeros.bytes.begin(), zeros.bytes.end(), std::byte{0});
    CHECK(error_of(mount_bytes(zeros)) == Error::BadMessage);
    // A disk shorter than the file system says.
    Image cut = fresh();
    cut.bytes.resize(cut.bytes.size() / 2);
    CHECK(error_of(mount_bytes(cut)) == Error::BadMessage);
  }

  SUBCASE("an unknown read-only-compatible feature mounts read-only") {
    Image image = fresh();
    put32(image, 1024 + 100, get32(image, 1024 + 100) | 0x4000);
    auto fs = mount_bytes(image);
    REQUIRE(fs.has_value());
    CHECK((*fs)->read_only());
  }

  // The rest mount fine and fail at the operation that meets the damage.
  auto mounted = [&](Image& image, auto&& check) {
    auto fs = mount_bytes(image);
    REQUIRE(fs.has_value());
    Namespace ns;
    REQUIRE(ns.vfs->make_directory(ns.root, "/mnt", 0755).has_value());
    REQUIRE(ns.vfs->mount(ns.root, *fs, "/mnt").has_value());
    check(ns);
  };
  const std::size_t dir_record = inode_offset(pristine, dir_inode);
  const std::uint32_t dir_block = get32(pristine, dir_record + 40);
  const std::size_t big_record = inode_offset(pristine, big_inode);

  SUBCASE("a directory entry with rec_len 0, and one running off its block") {
    for (std::uint16_t rec_len : {std::uint16_t{0}, std::uint16_t{0xfffc}, std::uint16_t{6}}) {
      CAPTURE(rec_len);
      Image image = fresh();
      put16(image, dir_block * 1024ull + 12 + 4, rec_len);  // ".."'s record.
      mounted(image, [](Namespace& ns) {
        CHECK(error_of(ns.vfs->stat(ns.root, "/mnt/dir/f7")) == Error::BadMessage);
        auto d = ns.vfs->open(ns.root, "/mnt/dir", kReadOnly | kDirectory);
        REQUIRE(d.has_value());
        NameCollector names;
        CHECK(error_of((*d)->read_directory(names)) == Error::BadMessage);
        CHECK(error_of(ns.vfs->open(ns.root, "/mnt/dir/new", kCreate | kWriteOnly, 0644)) ==
              Error::BadMessage);
      });
    }
  }

  SUBCASE("a directory entry naming an inode out of range, or a free one") {
    for (std::uint32_t inode : {0x7fffffffu, 100u}) {
      Image image = fresh();
      // f0 is the third entry: ".", ".." then the files in some order; damage every file entry's
      // inode by walking the block.
      std::size_t offset = dir_block * 1024ull;
      std::size_t at = 0;
      int damaged = 0;
      while (at < 1024) {
        const std::uint16_t rec = static_cast<std::uint16_t>(get32(image, offset + at + 4));
        const auto name_len = std::to_integer<std::size_t>(image.bytes[offset + at + 6]);
        if (name_len >= 2 && std::to_integer<char>(image.bytes[offset + at + 8]) == 'f') {
          put32(image, offset + at, inode);
          ++damaged;
        }
        if (rec == 0) break;
        at += rec;
      }
      REQUIRE(damaged == 20);
      mounted(image, [](Namespace& ns) {
        CHECK(error_of(ns.vfs->stat(ns.root, "/mnt/dir/f3")) == Error::BadMessage);
      });
    }
  }

  SUBCASE("block pointers beyond the disk and indirect blocks pointing at themselves") {
    {
      Image image = fresh();
      put32(image, big_record + 40 + 4 * 3, 0x00ffffff);  // A direct block.
      mounted(image, [](Namespace& ns) {
        auto file = ns.vfs->open(ns.root, "/mnt/big", kReadOnly);
        REQUIRE(file.has_value());
        std::string buffer(8192, '\0');
        CHECK(error_of((*file)->read(std::as_writable_bytes(
                  std::span(buffer.data(), buffer.size())))) == Error::BadMessage);
      });
    }
    {
      Image image = fresh();
      const std::uint32_t indirect = get32(image, big_record + 40 + 4 * 13);  // Double indirect.
      REQUIRE(indirect != 0);
      put32(image, indirect * 1024ull, indirect);  // Its first entry: itself.
      mounted(image, [](Namespace& ns) {
        // Reading follows the loop a fixed depth and ends; truncating frees the block twice,
        // which is caught.
        (void)read_at(ns, "/mnt/big", (12 + 256) * 1024ull, 100);
        CHECK(error_of(ns.vfs->truncate(ns.root, "/mnt/big", 0)) == Error::BadMessage);
      });
    }
    {
      Image image = fresh();
      put16(image, big_record + 26, 0);  // Links 0: a free inode named by a directory.
      mounted(image, [](Namespace& ns) {
        CHECK(error_of(ns.vfs->stat(ns.root, "/mnt/big")) == Error::BadMessage);
      });
    }
    {
      Image image = fresh();
      put32(image, dir_record + 4, 1000);  // A directory size not a multiple of the block size.
      mounted(image, [](Namespace& ns) {
        CHECK(error_of(ns.vfs->stat(ns.root, "/mnt/dir/f1")) == Error::BadMessage);
      });
    }
  }
  CHECK(pristine.fsck() == 0);  // The file itself was never damaged.
}

namespace {

// Reads everything under `path` (to depth 4): every error is fine, a crash or a hang is not.
void walk_everything(Namespace& ns, const std::string& path, int depth, int& visited) {
  auto d = ns.vfs->open(ns.root, path, kReadOnly | kDirectory);
  if (!d) return;
  NameCollector names(200);
  if (!(*d)->read_directory(names)) return;
  for (const std::string& name : names.names) {
    if (name == "." || name == "..") continue;
    const std::string child = path + "/" + name;
    ++visited;
    auto st = ns.vfs->stat(ns.root, child, false);
    if (!st) continue;
    if (type_of(st->mode) == FileType::Directory && depth < 4) {
      walk_everything(ns, child, depth + 1, visited);
    } else if (type_of(st->mode) == FileType::Symlink) {
      char buffer[4096];
      (void)ns.vfs->read_link(ns.root, child, buffer);
    } else if (type_of(st->mode) == FileType::Regular) {
      auto file = ns.vfs->open(ns.root, child, kReadOnly);
      if (!file) continue;
      std::string buffer(64 * 1024, '\0');
      (void)(*file)->read(std::as_writable_bytes(std::span(buffer.data(), buffer.size())));
    }
  }
}

}  // namespace

TEST_CASE("ext2: randomly damaged metadata gives errors, never a crash or a hang") {
  TempDir dir;
  const std::string tree = dir.path + "/tree";
  REQUIRE(run("mkdir -p " + tree + "/a/b " + tree + "/c") == 0);
  for (int i = 0; i < 30; ++i) {
    write_host_file(tree + (i % 2 ? "/a/f" : "/c/g") + std::to_string(i), pattern(i * 900, i));
  }
  write_host_file(tree + "/a/b/big", pattern(300 * 1024, 1));
  REQUIRE(run("ln -s a/b/big " + tree + "/link") == 0);
  REQUIRE(run("ln -s " + std::string(100, 'l') + " " + tree + "/a/slow") == 0);
  Image pristine = make_image(dir, 1024, 128, 2048, "-N 64", tree);
  pristine.load();
  auto bitgen = mos::test::make_bitgen(0xf022);
  constexpr int kRounds = 600;
  int mounted = 0;
  int visited = 0;
  for (int round = 0; round < kRounds; ++round) {
    CAPTURE(round);
    Image image = pristine;
    // Damage bytes among the first 40 blocks: superblock, descriptors, bitmaps, inode table,
    // directories and indirect blocks.
    const int flips = absl::Uniform(bitgen, 1, 40);
    const std::size_t end = absl::Bernoulli(bitgen, 0.1) ? 2048 : 40 * 1024;
    for (int i = 0; i < flips; ++i) {
      const std::size_t at = absl::Uniform<std::size_t>(bitgen, 1024, end);
      image.bytes[at] = static_cast<std::byte>(absl::Uniform(bitgen, 0, 256));
    }
    auto fs = mount_bytes(image);
    if (!fs) {
      CHECK((fs.error() == Error::BadMessage || fs.error() == Error::NotSupported));
      continue;
    }
    ++mounted;
    Namespace ns;
    REQUIRE(ns.vfs->make_directory(ns.root, "/mnt", 0755).has_value());
    REQUIRE(ns.vfs->mount(ns.root, *fs, "/mnt").has_value());
    walk_everything(ns, "/mnt", 0, visited);
    if (!(*fs)->read_only()) {
      // Changes on a damaged volume: errors are fine.
      if (auto file = ns.vfs->open(ns.root, "/mnt/a/new", kWriteOnly | kCreate, 0644)) {
        (void)(*file)->write(bytes_of(pattern(20000, 3)));
      }
      (void)ns.vfs->make_directory(ns.root, "/mnt/c/newdir", 0755);
      (void)ns.vfs->unlink(ns.root, "/mnt/c/g0");
      (void)ns.vfs->truncate(ns.root, "/mnt/a/b/big", 1000);
      (void)ns.vfs->rename(ns.root, "/mnt/a/f1", "/mnt/c/moved");
      (void)ns.vfs->sync();
    }
    REQUIRE(ns.vfs->unmount(ns.root, "/mnt").has_value());
  }
  MESSAGE(mounted, " of ", kRounds, " damaged images mounted; ", visited, " entries visited");
  CHECK(mounted > kRounds / 10);
  CHECK(mounted < kRounds);
}

TEST_CASE("ext2: features and access") {
  TempDir dir;
  SUBCASE("extents (INCOMPAT) refuse the mount") {
    Image image = make_image(dir, 4096, 256, 8192, "-O extent");
    image.load();
    CHECK(error_of(mount_ext2(image.disk)) == Error::NotSupported);
  }
  SUBCASE("dir_nlink (RO_COMPAT) mounts read-only") {
    Image image = make_image(dir, 1024, 128, 4096, "-O dir_nlink");
    image.load();
    auto fs = mount_ext2(image.disk);
    REQUIRE(fs.has_value());
    CHECK((*fs)->read_only());
  }
  SUBCASE("revision 0 (no features: directory entries without file types)") {
    Image image = make_image(dir, 1024, 128, 4096, "-r 0");
    {
      Mounted m(image);
      REQUIRE(m.ns.vfs->make_directory(m.ns.root, "/mnt/d", 0755).has_value());
      m.ns.write_file("/mnt/d/f", "revision 0");
      REQUIRE(m.ns.vfs->make_symlink(m.ns.root, "f", "/mnt/d/l").has_value());
      REQUIRE(m.ns.vfs->make_node(m.ns.root, "/mnt/d/p", 0010644).has_value());
      NameCollector names;
      auto d = m.ns.vfs->open(m.ns.root, "/mnt/d", kReadOnly | kDirectory);
      REQUIRE(d.has_value());
      REQUIRE((*d)->read_directory(names).has_value());
      absl::btree_map<std::string, FileType> types;
      for (std::size_t i = 0; i < names.names.size(); ++i) types[names.names[i]] = names.types[i];
      CHECK(types["f"] == FileType::Regular);
      CHECK(types["l"] == FileType::Symlink);
      CHECK(types["p"] == FileType::Fifo);
      d = {};
      // No LARGE_FILE feature on revision 0: files stop at 2 GiB.
      auto big = m.ns.vfs->open(m.ns.root, "/mnt/d/f", kWriteOnly);
      REQUIRE(big.has_value());
      CHECK(error_of((*big)->write_at(std::int64_t{3} << 30, bytes_of("x"))) ==
            Error::FileTooBig);
      CHECK((*big)->write_at(0x7ffffffe, bytes_of("x")).value() == 1);
      big = {};
      m.finish(image);
    }
    CHECK(image.fsck() == 0);
    CHECK(image.debugfs_cat("/d/f").substr(0, 10) == "revision 0");
  }
  SUBCASE("64 KiB blocks, and sectors larger than blocks, are not supported") {
    Image image = make_image(dir, 65536, 256, 8192);
    image.load();
    CHECK(error_of(mount_ext2(image.disk)) == Error::NotSupported);
    Image small = make_image(dir, 1024, 128, 4096);
    small.load();
    auto big_sectors = MemoryBlockDevice::wrap(small.bytes, 4096);
    REQUIRE(big_sectors.has_value());
    CHECK(error_of(mount_ext2(*big_sectors)) == Error::NotSupported);
  }
  SUBCASE("4 KiB sectors under 4 KiB blocks") {
    Image image = make_image(dir, 4096, 256, 8192);
    image.load();
    auto disk = MemoryBlockDevice::wrap(image.bytes, 4096);
    REQUIRE(disk.has_value());
    {
      auto fs = mount_ext2(*disk);
      REQUIRE(fs.has_value());
      Namespace ns;
      REQUIRE(ns.vfs->make_directory(ns.root, "/mnt", 0755).has_value());
      REQUIRE(ns.vfs->mount(ns.root, *fs, "/mnt").has_value());
      ns.write_file("/mnt/f", pattern(10000, 4));
      CHECK(ns.read_file("/mnt/f") == pattern(10000, 4));
      REQUIRE(ns.vfs->unmount(ns.root, "/mnt").has_value());
    }
    image.save();
    CHECK(image.fsck() == 0);
    CHECK(image.debugfs_cat("/f") == pattern(10000, 4));
  }
  SUBCASE("a read-only mount never writes") {
    Image image = make_image(dir, 1024, 128, 4096);
    {
      Mounted m(image, Ext2Access::ReadOnly);
      const auto writes = image.disk->writes();
      CHECK(error_of(m.ns.vfs->open(m.ns.root, "/mnt/f", kCreate | kWriteOnly, 0644)) ==
            Error::ReadOnlyFileSystem);
      (void)m.ns.list("/mnt");
      REQUIRE(m.ns.vfs->unmount(m.ns.root, "/mnt").has_value());
      CHECK(image.disk->writes() == writes);
    }
  }
  SUBCASE("a volume mounted for writing is marked in use until it is unmounted") {
    Image image = make_image(dir, 1024, 128, 4096);
    auto state = [&] { return std::to_integer<int>(image.bytes[1024 + 58]); };
    auto mounts = [&] {
      return std::to_integer<int>(image.bytes[1024 + 52]) |
             std::to_integer<int>(image.bytes[1024 + 53]) << 8;
    };
    {
      Mounted m(image);
      CHECK((state() & 1) == 0);  // Not clean: a crash now leaves it to e2fsck.
      CHECK(mounts() == 1);
      m.ns.write_file("/mnt/f", "data");
      m.finish(image);
    }
    CHECK((state() & 1) == 1);  // Clean again.
    CHECK(image.fsck() == 0);
    {
      Mounted m(image, Ext2Access::ReadOnly);  // A read-only mount changes nothing.
      CHECK((state() & 1) == 1);
      CHECK(mounts() == 1);
    }
  }
  SUBCASE("nothing reaches the disk before sync or unmount, everything after") {
    Image image = make_image(dir, 2048, 256, 8192);
    Mounted m(image);
    REQUIRE(m.ns.vfs->make_directory(m.ns.root, "/mnt/cached", 0755).has_value());
    const std::vector<std::byte> before = image.bytes;
    const auto writes = image.disk->writes();
    REQUIRE(m.ns.vfs->make_directory(m.ns.root, "/mnt/cached/more", 0755).has_value());
    CHECK(image.disk->writes() == writes);
    REQUIRE(m.ns.vfs->sync().has_value());
    CHECK(image.disk->writes() > writes);
    CHECK(image.bytes != before);
    m.finish(image);
    CHECK(image.fsck() == 0);
    CHECK(image.debugfs("ls /cached").find("more") != std::string::npos);
  }
}
