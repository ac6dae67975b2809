// Mounts: a mount hides the directory it is on; nested mounts; ".." across mount points and at
// the root; bind mounts of directories and files; EXDEV across mounts; umount refuses while
// anything uses the mount (EBUSY) and restores what was hidden; read-only mounts.
#include "vfs_test_support.hpp"

#include <string>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using mos::RefPtr;
using namespace open_flags;

namespace {

RefPtr<TmpFs> make_tmpfs() {
  TmpFsOptions options;
  options.root_mode = 0755;
  auto fs = TmpFs::create(options);
  REQUIRE(fs.has_value());
  return *fs;
}

}  // namespace

TEST_CASE("mounts: a mount hides the directory under it, umount brings it back") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/mnt", 0755).has_value());
  ns.write_file("/mnt/hidden", "under");
  auto fs = make_tmpfs();
  REQUIRE(ns.vfs->mount(ns.root, fs, "/mnt").has_value());
  CHECK(ns.list("/mnt").empty());
  CHECK(error_of(ns.vfs->stat(ns.root, "/mnt/hidden")) == Error::NoEntry);
  ns.write_file("/mnt/on-top", "over");
  CHECK(ns.must_stat("/mnt").device != ns.must_stat("/").device);
  CHECK(ns.must_stat("/mnt/on-top").device == fs->device().encode());
  CHECK(ns.must_stat("/mnt/..").inode == ns.must_stat("/").inode);  // ".." leaves the mount.
  REQUIRE(ns.vfs->unmount(ns.root, "/mnt").has_value());
  CHECK(ns.read_file("/mnt/hidden") == "under");
  CHECK(error_of(ns.vfs->stat(ns.root, "/mnt/on-top")) == Error::NoEntry);
  // Mounted again, the file system still holds what was written to it.
  REQUIRE(ns.vfs->mount(ns.root, fs, "/mnt").has_value());
  CHECK(ns.read_file("/mnt/on-top") == "over");
}

TEST_CASE("mounts: nested mounts, EXDEV, EBUSY and the errors of mount and umount") {
  Namespace ns;
  Context user = ns.user(1000, 1000);
  REQUIRE(ns.vfs->make_directory(ns.root, "/a", 0755).has_value());
  REQUIRE(ns.vfs->mount(ns.root, make_tmpfs(), "/a").has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/a/b", 0755).has_value());
  REQUIRE(ns.vfs->mount(ns.root, make_tmpfs(), "/a/b").has_value());
  ns.write_file("/a/b/f", "deep");
  ns.write_file("/a/g", "shallow");
  char name[64];
  Path deep = ns.vfs->resolve(ns.root, "/a/b").value();
  CHECK(std::string(name, ns.vfs->name_of(ns.root, deep, name).value()) == "/a/b");
  CHECK(ns.read_file("/a/b/../g") == "shallow");
  CHECK(ns.read_file("/a/b/../../a/g") == "shallow");
  // Across mounts: rename and link are EXDEV.
  CHECK(error_of(ns.vfs->rename(ns.root, "/a/g", "/a/b/g")) == Error::CrossDevice);
  CHECK(error_of(ns.vfs->link(ns.root, "/a/g", "/a/b/g")) == Error::CrossDevice);
  // Busy: a mount on it, a working directory in it, an open file in it.
  CHECK(error_of(ns.vfs->unmount(ns.root, "/a")) == Error::Busy);
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/a/b")) == Error::Busy);
  CHECK(error_of(ns.vfs->rename(ns.root, "/a/b", "/a/c")) == Error::Busy);
  {
    Context inside = ns.root;
    inside.cwd = deep;
    CHECK(error_of(ns.vfs->unmount(ns.root, "/a/b")) == Error::Busy);
  }
  deep = Path();
  {
    auto open = ns.vfs->open(ns.root, "/a/b/f", kReadOnly);
    REQUIRE(open.has_value());
    CHECK(error_of(ns.vfs->unmount(ns.root, "/a/b")) == Error::Busy);
  }
  // Errors: not a mount root, not root, not a directory, the namespace's root.
  CHECK(error_of(ns.vfs->unmount(ns.root, "/a/g")) == Error::InvalidArgument);
  CHECK(error_of(ns.vfs->unmount(user, "/a/b")) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->mount(user, make_tmpfs(), "/a")) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->mount(ns.root, make_tmpfs(), "/a/g")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->mount(ns.root, make_tmpfs(), "/missing")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->unmount(ns.root, "/")) == Error::Busy);
  REQUIRE(ns.vfs->unmount(ns.root, "/a/b").has_value());
  REQUIRE(ns.vfs->unmount(ns.root, "/a").has_value());
  CHECK(ns.list("/a").empty());
}

TEST_CASE("mounts: bind mounts show the same files at two places") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/src", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/src/sub", 0755).has_value());
  ns.write_file("/src/sub/f", "one");
  REQUIRE(ns.vfs->make_directory(ns.root, "/view", 0755).has_value());
  REQUIRE(ns.vfs->bind_mount(ns.root, "/src/sub", "/view").has_value());
  CHECK(ns.read_file("/view/f") == "one");
  ns.write_file("/view/g", "two");
  CHECK(ns.read_file("/src/sub/g") == "two");
  CHECK(ns.must_stat("/view/f").inode == ns.must_stat("/src/sub/f").inode);
  CHECK(ns.must_stat("/view/..").inode == ns.must_stat("/").inode);  // Up from the bind's root.
  // A file bound over a file.
  ns.write_file("/config", "original");
  ns.write_file("/override", "replacement");
  REQUIRE(ns.vfs->bind_mount(ns.root, "/override", "/config").has_value());
  CHECK(ns.read_file("/config") == "replacement");
  CHECK(error_of(ns.vfs->bind_mount(ns.root, "/override", "/view")) == Error::NotDirectory);
  // Across the bind and its source: same file system, different mounts: EXDEV as Linux.
  CHECK(error_of(ns.vfs->rename(ns.root, "/view/g", "/src/g")) == Error::CrossDevice);
  REQUIRE(ns.vfs->unmount(ns.root, "/config").has_value());
  CHECK(ns.read_file("/config") == "original");
  REQUIRE(ns.vfs->unmount(ns.root, "/view").has_value());
  CHECK(ns.list("/view").empty());
  CHECK(ns.read_file("/src/sub/g") == "two");
}

TEST_CASE("mounts: a read-only mount refuses writes with EROFS, devices and FIFOs still work") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/ro", 0755).has_value());
  auto fs = make_tmpfs();
  REQUIRE(ns.vfs->mount(ns.root, fs, "/ro").has_value());
  ns.write_file("/ro/f", "data");
  REQUIRE(ns.vfs->make_node(ns.root, "/ro/fifo", static_cast<Mode>(FileType::Fifo) | 0666).has_value());
  REQUIRE(ns.vfs->unmount(ns.root, "/ro").has_value());
  REQUIRE(ns.vfs->mount(ns.root, fs, "/ro", kMountReadOnly).has_value());
  CHECK(ns.read_file("/ro/f") == "data");
  CHECK(error_of(ns.vfs->open(ns.root, "/ro/f", kWriteOnly)) == Error::ReadOnlyFileSystem);
  CHECK(error_of(ns.vfs->open(ns.root, "/ro/new", kCreate | kWriteOnly, 0644)) ==
        Error::ReadOnlyFileSystem);
  CHECK(error_of(ns.vfs->unlink(ns.root, "/ro/f")) == Error::ReadOnlyFileSystem);
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/ro/d", 0755)) == Error::ReadOnlyFileSystem);
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/ro/f", 0755)) == Error::Exists);  // EEXIST first.
  CHECK(error_of(ns.vfs->change_mode(ns.root, "/ro/f", 0600)) == Error::ReadOnlyFileSystem);
  CHECK(error_of(ns.vfs->truncate(ns.root, "/ro/f", 0)) == Error::ReadOnlyFileSystem);
  CHECK(error_of(ns.vfs->access(ns.root, "/ro/f", access_mode::kWrite)) == Error::ReadOnlyFileSystem);
  CHECK((ns.vfs->statfs(ns.root, "/ro").value().flags & kStatFsReadOnly) != 0);
  CHECK(ns.vfs->open(ns.root, "/ro/fifo", kReadWrite).has_value());
}
