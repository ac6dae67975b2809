// The namespace: path resolution (".", "..", symlinks and ELOOP, trailing slashes, long names,
// empty paths, search permission), the operations on names and their errors, and the dentry
// cache. Expected values are Linux's (the differential test checks many of them against the
// host's kernel too).
#include "vfs_test_support.hpp"

#include <string>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using namespace open_flags;

TEST_CASE("paths: absolute and relative, '.', '..', repeated slashes, '..' at the root") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/a", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/a/b", 0755).has_value());
  ns.write_file("/a/b/f", "hello");
  CHECK(ns.read_file("/a/b/f") == "hello");
  CHECK(ns.read_file("//a///b//f") == "hello");
  CHECK(ns.read_file("/a/./b/../b/f") == "hello");
  CHECK(ns.read_file("/../../a/b/f") == "hello");  // ".." of the root is the root.
  Context in_a = ns.root;
  in_a.cwd = ns.vfs->resolve(ns.root, "/a").value();
  CHECK(ns.read_file(in_a, "b/f") == "hello");
  CHECK(ns.read_file(in_a, "./b/../b/f") == "hello");
  CHECK(ns.read_file(in_a, "../a/b/f") == "hello");
  CHECK(ns.must_stat("/a/..").inode == ns.must_stat("/").inode);
  CHECK(ns.must_stat("/").mode == (static_cast<Mode>(FileType::Directory) | 01777));
}

TEST_CASE("paths: empty, missing, through a file, too long") {
  Namespace ns;
  ns.write_file("/file", "x");
  CHECK(error_of(ns.vfs->stat(ns.root, "")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->stat(ns.root, "/missing")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->stat(ns.root, "/missing/x")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->stat(ns.root, "/file/x")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->stat(ns.root, "/file/")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->stat(ns.root, "/file/.")) == Error::NotDirectory);
  const std::string long_name(256, 'n');
  CHECK(error_of(ns.vfs->stat(ns.root, "/" + long_name)) == Error::NameTooLong);
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/" + long_name, 0755)) == Error::NameTooLong);
  const std::string longest_name(255, 'n');
  CHECK(ns.vfs->make_directory(ns.root, "/" + longest_name, 0755).has_value());
  std::string long_path;
  while (long_path.size() < kPathMax) long_path += "/.";
  CHECK(error_of(ns.vfs->stat(ns.root, long_path)) == Error::NameTooLong);
  CHECK(ns.vfs->stat(ns.root, long_path.substr(0, kPathMax - 2)).has_value());
}

TEST_CASE("paths: symlinks, relative and absolute, chains, loops after 40") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  ns.write_file("/d/f", "data");
  REQUIRE(ns.vfs->make_symlink(ns.root, "f", "/d/rel").has_value());
  REQUIRE(ns.vfs->make_symlink(ns.root, "/d/f", "/abs").has_value());
  REQUIRE(ns.vfs->make_symlink(ns.root, "d", "/dirlink").has_value());
  REQUIRE(ns.vfs->make_symlink(ns.root, "/abs", "/chain").has_value());
  CHECK(ns.read_file("/d/rel") == "data");
  CHECK(ns.read_file("/abs") == "data");
  CHECK(ns.read_file("/dirlink/f") == "data");
  CHECK(ns.read_file("/chain") == "data");
  CHECK(ns.must_stat("/dirlink/").inode == ns.must_stat("/d").inode);  // A trailing slash follows.
  const Stat link = ns.must_stat("/abs", false);
  CHECK(type_of(link.mode) == FileType::Symlink);
  CHECK((link.mode & 07777) == 0777);
  CHECK(link.size == 4);
  char target[64];
  auto n = ns.vfs->read_link(ns.root, "/abs", target);
  REQUIRE(n.has_value());
  CHECK(std::string(target, *n) == "/d/f");
  CHECK(error_of(ns.vfs->read_link(ns.root, "/d/f", target)) == Error::InvalidArgument);
  // A loop, and a chain one too long.
  REQUIRE(ns.vfs->make_symlink(ns.root, "/loop2", "/loop1").has_value());
  REQUIRE(ns.vfs->make_symlink(ns.root, "/loop1", "/loop2").has_value());
  CHECK(error_of(ns.vfs->stat(ns.root, "/loop1")) == Error::SymlinkLoop);
  CHECK(ns.vfs->stat(ns.root, "/loop1", false).has_value());
  ns.write_file("/end", "end");
  std::string previous = "/end";
  for (int i = 0; i < kMaxSymlinks; ++i) {
    const std::string name = "/l" + std::to_string(i);
    REQUIRE(ns.vfs->make_symlink(ns.root, previous, name).has_value());
    previous = name;
  }
  CHECK(ns.read_file(previous) == "end");  // 40 links: followed.
  REQUIRE(ns.vfs->make_symlink(ns.root, previous, "/l40").has_value());
  CHECK(error_of(ns.vfs->stat(ns.root, "/l40")) == Error::SymlinkLoop);  // 41: ELOOP.
  // Dangling links, empty targets.
  REQUIRE(ns.vfs->make_symlink(ns.root, "/nowhere", "/dangling").has_value());
  CHECK(error_of(ns.vfs->stat(ns.root, "/dangling")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->make_symlink(ns.root, "", "/empty")) == Error::NoEntry);
}

TEST_CASE("paths: search permission on every directory passed through") {
  Namespace ns;
  Context user = ns.user(1000, 1000);
  REQUIRE(ns.vfs->make_directory(ns.root, "/locked", 0700).has_value());
  ns.write_file("/locked/f", "secret", 0644);
  CHECK(error_of(ns.vfs->stat(user, "/locked/f")) == Error::AccessDenied);
  CHECK(ns.vfs->stat(user, "/locked").has_value());  // The directory itself is visible.
  REQUIRE(ns.vfs->change_mode(ns.root, "/locked", 0711).has_value());  // Search, not read.
  CHECK(ns.read_file(user, "/locked/f") == "secret");
  CHECK(error_of(ns.vfs->open(user, "/locked", kReadOnly | kDirectory)) == Error::AccessDenied);
}

TEST_CASE("names: mkdir, rmdir and their errors") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0777).has_value());
  CHECK((ns.must_stat("/d").mode & 07777) == 0755);  // umask 022.
  CHECK(ns.must_stat("/d").links == 2);
  CHECK(ns.must_stat("/").links == 3);
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/d", 0755)) == Error::Exists);
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/d/.", 0755)) == Error::Exists);
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/", 0755)) == Error::Exists);
  CHECK(ns.vfs->make_directory(ns.root, "/d/sub/", 0755).has_value());  // Trailing slash.
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/x/y", 0755)) == Error::NoEntry);
  ns.write_file("/d/sub/f", "");
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/d/sub")) == Error::NotEmpty);
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/d/sub/f")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/d/.")) == Error::InvalidArgument);
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/d/sub/..")) == Error::NotEmpty);
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/")) == Error::Busy);
  CHECK(error_of(ns.vfs->remove_directory(ns.root, "/missing")) == Error::NoEntry);
  REQUIRE(ns.vfs->unlink(ns.root, "/d/sub/f").has_value());
  REQUIRE(ns.vfs->remove_directory(ns.root, "/d/sub/").has_value());
  CHECK(ns.must_stat("/d").links == 2);
  CHECK(error_of(ns.vfs->stat(ns.root, "/d/sub")) == Error::NoEntry);
}

TEST_CASE("names: unlink, link and their errors; link counts") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  ns.write_file("/f", "x");
  REQUIRE(ns.vfs->link(ns.root, "/f", "/d/g").has_value());
  CHECK(ns.must_stat("/f").links == 2);
  CHECK(ns.must_stat("/d/g").inode == ns.must_stat("/f").inode);
  CHECK(error_of(ns.vfs->link(ns.root, "/f", "/d/g")) == Error::Exists);
  CHECK(error_of(ns.vfs->link(ns.root, "/d", "/d2")) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->link(ns.root, "/missing", "/m")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->link(ns.root, "/f", "/new/")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->unlink(ns.root, "/d")) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->unlink(ns.root, "/f/")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->unlink(ns.root, "/d/.")) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->unlink(ns.root, "/missing")) == Error::NoEntry);
  REQUIRE(ns.vfs->unlink(ns.root, "/f").has_value());
  CHECK(ns.must_stat("/d/g").links == 1);
  CHECK(ns.read_file("/d/g") == "x");
  // A file unlinked while open stays readable through the open file.
  auto open = ns.vfs->open(ns.root, "/d/g", kReadOnly);
  REQUIRE(open.has_value());
  REQUIRE(ns.vfs->unlink(ns.root, "/d/g").has_value());
  std::byte b[4];
  CHECK((*open)->read(b).value() == 1);
  CHECK(ns.vfs->stat(**open).value().links == 0);
}

TEST_CASE("names: mknod makes FIFOs, devices (root only) and regular files") {
  Namespace ns;
  Context user = ns.user(1000, 1000);
  REQUIRE(ns.vfs->make_node(ns.root, "/fifo", static_cast<Mode>(FileType::Fifo) | 0666).has_value());
  CHECK(type_of(ns.must_stat("/fifo").mode) == FileType::Fifo);
  CHECK((ns.must_stat("/fifo").mode & 0777) == 0644);
  REQUIRE(ns.vfs->make_node(ns.root, "/null", static_cast<Mode>(FileType::CharDevice) | 0666,
                            DeviceNumber{1, 3}).has_value());
  CHECK(ns.must_stat("/null").rdev == DeviceNumber{1, 3}.encode());
  CHECK(ns.vfs->make_node(ns.root, "/plain", 0644).has_value());
  CHECK(type_of(ns.must_stat("/plain").mode) == FileType::Regular);
  CHECK(error_of(ns.vfs->make_node(ns.root, "/dir", static_cast<Mode>(FileType::Directory) | 0755)) ==
        Error::NotPermitted);
  CHECK(error_of(ns.vfs->make_node(ns.root, "/bad", 0170644)) == Error::InvalidArgument);
  CHECK(error_of(ns.vfs->make_node(user, "/tmp-dev", static_cast<Mode>(FileType::BlockDevice) | 0600,
                                   DeviceNumber{8, 0})) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->make_node(ns.root, "/fifo", static_cast<Mode>(FileType::Fifo) | 0600)) ==
        Error::Exists);
  CHECK(error_of(ns.vfs->make_node(ns.root, "/x/", static_cast<Mode>(FileType::Fifo) | 0600)) ==
        Error::NoEntry);
}

TEST_CASE("rename: files, over files, directories, errors") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/a", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/a/sub", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/b", 0755).has_value());
  ns.write_file("/a/f", "f");
  ns.write_file("/b/g", "g");
  REQUIRE(ns.vfs->rename(ns.root, "/a/f", "/b/g").has_value());  // Over an existing file.
  CHECK(ns.read_file("/b/g") == "f");
  CHECK(error_of(ns.vfs->stat(ns.root, "/a/f")) == Error::NoEntry);
  // Directories: across parents (link counts follow), over an empty directory.
  REQUIRE(ns.vfs->rename(ns.root, "/a/sub", "/b/sub").has_value());
  CHECK(ns.must_stat("/a").links == 2);
  CHECK(ns.must_stat("/b").links == 3);
  REQUIRE(ns.vfs->make_directory(ns.root, "/empty", 0755).has_value());
  REQUIRE(ns.vfs->rename(ns.root, "/b/sub", "/empty").has_value());
  CHECK(ns.must_stat("/b").links == 2);
  // Errors.
  ns.write_file("/empty/inner", "");
  REQUIRE(ns.vfs->make_directory(ns.root, "/d2", 0755).has_value());
  CHECK(error_of(ns.vfs->rename(ns.root, "/d2", "/empty")) == Error::NotEmpty);
  CHECK(error_of(ns.vfs->rename(ns.root, "/d2", "/b/g")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->rename(ns.root, "/b/g", "/d2")) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->rename(ns.root, "/empty", "/empty/x")) == Error::InvalidArgument);
  CHECK(error_of(ns.vfs->rename(ns.root, "/empty/inner", "/empty/inner/x")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->rename(ns.root, "/missing", "/x")) == Error::NoEntry);
  CHECK(error_of(ns.vfs->rename(ns.root, "/b/g/", "/x")) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->rename(ns.root, "/b/.", "/x")) == Error::Busy);
  CHECK(error_of(ns.vfs->rename(ns.root, "/b", "/b/..")) == Error::Busy);
  REQUIRE(ns.vfs->make_directory(ns.root, "/p", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/p/c", 0755).has_value());
  ns.write_file("/p/c/f", "");
  // The target is an ancestor of the source: ENOTEMPTY comes before the type mismatch.
  CHECK(error_of(ns.vfs->rename(ns.root, "/p/c/f", "/p")) == Error::NotEmpty);
  REQUIRE(ns.vfs->make_directory(ns.root, "/q", 0755).has_value());
  CHECK(error_of(ns.vfs->rename(ns.root, "/p/c/f", "/q")) == Error::IsDirectory);
  REQUIRE(ns.vfs->make_directory(ns.root, "/p/c/d", 0755).has_value());
  CHECK(error_of(ns.vfs->rename(ns.root, "/p/c/d", "/p")) == Error::NotEmpty);  // Its ancestor.
  // The same file under two names: nothing happens.
  REQUIRE(ns.vfs->link(ns.root, "/b/g", "/b/h").has_value());
  REQUIRE(ns.vfs->rename(ns.root, "/b/g", "/b/h").has_value());
  CHECK(ns.must_stat("/b/g").links == 2);
  REQUIRE(ns.vfs->rename(ns.root, "/b/g", "/b/g").has_value());
  CHECK(ns.list("/b") == std::vector<std::string>{"g", "h"});
}

TEST_CASE("rename: an open directory keeps its name in step; getcwd of a removed directory") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/a", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/a/b", 0755).has_value());
  Context in_b = ns.root;
  in_b.cwd = ns.vfs->resolve(ns.root, "/a/b").value();
  char name[64];
  CHECK(std::string(name, ns.vfs->name_of(ns.root, in_b.cwd, name).value()) == "/a/b");
  REQUIRE(ns.vfs->rename(ns.root, "/a", "/z").has_value());
  CHECK(std::string(name, ns.vfs->name_of(ns.root, in_b.cwd, name).value()) == "/z/b");
  ns.write_file(in_b, "f", "in b");
  CHECK(ns.read_file("/z/b/f") == "in b");
  CHECK(error_of(ns.vfs->name_of(ns.root, in_b.cwd, std::span(name, 3))) == Error::NameTooLong);
  REQUIRE(ns.vfs->unlink(ns.root, "/z/b/f").has_value());
  REQUIRE(ns.vfs->remove_directory(ns.root, "/z/b").has_value());
  CHECK(error_of(ns.vfs->name_of(ns.root, in_b.cwd, name)) == Error::NoEntry);
  CHECK(error_of(ns.vfs->open(in_b, "new", kCreate | kWriteOnly, 0644)) == Error::NoEntry);
  CHECK(error_of(ns.vfs->stat(in_b, "anything")) == Error::NoEntry);
  CHECK(ns.vfs->stat(in_b, "..").value().inode == ns.must_stat("/z").inode);
}

TEST_CASE("dentry cache: many lookups stay bounded, and pruned names are found again") {
  Namespace ns;
  ns.vfs->set_dentry_cache_limit(64);
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  for (int i = 0; i < 500; ++i) ns.write_file("/d/f" + std::to_string(i), std::to_string(i));
  for (int i = 0; i < 500; ++i) {
    CHECK(error_of(ns.vfs->stat(ns.root, "/d/missing" + std::to_string(i))) == Error::NoEntry);
  }
  CHECK(ns.vfs->cached_dentries() <= 64);
  for (int i = 0; i < 500; i += 7) CHECK(ns.read_file("/d/f" + std::to_string(i)) == std::to_string(i));
  CHECK(ns.list("/d").size() == 500);
}
