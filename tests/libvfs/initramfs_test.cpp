// The initramfs unpacker (vfs/initramfs.hpp): a tree of every file type, archived by GNU cpio,
// unpacked into a tmpfs and compared with the original file by file; layered archives;
// truncated archives and refusing file systems stop with an error that names the entry.
#include <vfs/initramfs.hpp>

#include "cpio_tree.hpp"
#include "vfs_test_support.hpp"

#include <k/format.hpp>

#include <string>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;

namespace {

std::string describe(const CpioError& e) {
  char buffer[512];
  const std::size_t n = mos::format_to_buffer(std::span(buffer), "{}", e);
  return std::string(buffer, n < sizeof buffer ? n : sizeof buffer);
}

// Checks what `ns` holds under `base` against the host tree at `root` (and the root itself if
// the archive had a "." entry).
void check_unpacked(Namespace& ns, const Tree& tree, const std::string& base, bool with_root) {
  std::map<std::uint64_t, std::uint64_t> host_to_mosaic_inode;
  for (const std::string& relative : tree_paths(tree.root)) {
    if (relative.empty() && !with_root) continue;
    const std::string host_path = (tree.root / relative).string();
    const std::string path = relative.empty() ? (base.empty() ? "/" : base) : base + "/" + relative;
    CAPTURE(path);
    struct stat host {};
    REQUIRE(lstat(host_path.c_str(), &host) == 0);
    const Stat st = ns.must_stat(path, false);
    CHECK(st.mode == host.st_mode);
    CHECK(st.uid == host.st_uid);
    CHECK(st.gid == host.st_gid);
    CHECK(st.modify.seconds == host.st_mtim.tv_sec);
    if (S_ISREG(host.st_mode)) {
      CHECK(ns.read_file(path) == tree.contents.at(relative));
      CHECK(st.links == host.st_nlink);
    }
    if (S_ISLNK(host.st_mode)) {
      char host_target[256];
      const ssize_t n = readlink(host_path.c_str(), host_target, sizeof host_target);
      REQUIRE(n > 0);
      char target[256];
      auto got = ns.vfs->read_link(ns.root, path, target);
      REQUIRE(got.has_value());
      CHECK(std::string(target, *got) == std::string(host_target, static_cast<std::size_t>(n)));
    }
    if (S_ISCHR(host.st_mode)) CHECK(st.rdev == DeviceNumber{major(host.st_rdev), minor(host.st_rdev)}.encode());
    // Two names share an inode in Mosaic exactly when they do on the host.
    auto [it, fresh] = host_to_mosaic_inode.emplace(host.st_ino, st.inode);
    if (!fresh) CHECK(it->second == st.inode);
  }
}

}  // namespace

TEST_CASE("initramfs: every file type, with modes, owners, times and hard links") {
  TempDir dir;
  const Tree tree = make_tree(dir.path() / "tree");
  for (std::string find : {"find .", "find . -mindepth 1"}) {
    CAPTURE(find);
    const ByteVector archive = gnu_cpio(tree.root, find, "newc");
    Namespace ns;
    auto unpacked = unpack_initramfs(*ns.vfs, archive);
    REQUIRE_MESSAGE(unpacked.has_value(), describe(unpacked.error()));
    CHECK(unpacked->files == 10);  // The hard-linked file counts once.
    CHECK(unpacked->hard_links == 1);
    CHECK(unpacked->symlinks == 2);
    CHECK(unpacked->directories >= 3);
    check_unpacked(ns, tree, "", find == "find .");
  }
}

TEST_CASE("initramfs: unpacking below a directory, and an archive layered over another") {
  TempDir dir;
  const Tree tree = make_tree(dir.path() / "tree");
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/sub", 0755).has_value());
  Path sub = ns.vfs->resolve(ns.root, "/sub").value();
  REQUIRE(unpack_initramfs(*ns.vfs, gnu_cpio(tree.root, "find .", "newc"), &sub).has_value());
  check_unpacked(ns, tree, "/sub", true);

  // A second archive replaces a file with a directory, a directory with a file, and rewrites a
  // file's contents.
  const fs::path second = dir.path() / "second";
  fs::create_directories(second / "file0");
  write_host_file(second / "file0" / "inside", "inside", 0644);
  fs::create_directories(second / "d1" / "d2" / "d3");
  write_host_file(second / "file3", "new contents", 0600);
  REQUIRE(unpack_initramfs(*ns.vfs, gnu_cpio(second, "find . -mindepth 1", "newc"), &sub).has_value());
  CHECK(ns.read_file("/sub/file0/inside") == "inside");
  CHECK(ns.read_file("/sub/file3") == "new contents");
  CHECK((ns.must_stat("/sub/file3").mode & 0777) == 0600);
  CHECK(ns.read_file("/sub/d1/d2/d3/deep") == tree.contents.at("d1/d2/d3/deep"));  // Kept.
}

TEST_CASE("initramfs: a truncated archive stops at the entry it cuts, naming it") {
  TempDir dir;
  const Tree tree = make_tree(dir.path() / "tree");
  const ByteVector archive = gnu_cpio(tree.root, "find . -mindepth 1 | sort", "newc");
  // Cut inside the data of the 100000-byte file.
  CpioReader reader(archive);
  std::size_t cut = 0;
  std::string cut_name;
  while (auto entry = reader.next().value()) {
    if (entry->data.size() == 100000) {
      cut = entry->offset + 110 + 50;
      cut_name = std::string(entry->name);
      break;
    }
  }
  REQUIRE(cut != 0);
  Namespace ns;
  auto unpacked = unpack_initramfs(*ns.vfs, std::span(archive).first(cut));
  REQUIRE_FALSE(unpacked.has_value());
  CHECK(unpacked.error().code == Error::BadMessage);
  CHECK(unpacked.error().name == cut_name);
  CHECK(describe(unpacked.error()).find(cut_name) != std::string::npos);
  // What came before it is there; the cut file is not.
  CHECK(ns.vfs->stat(ns.root, "/d1/d2/d3/deep").has_value());
  CHECK(error_of(ns.vfs->stat(ns.root, "/" + cut_name)) == Error::NoEntry);
}

TEST_CASE("initramfs: entries the file system refuses stop the unpacking with its error") {
  TempDir dir;
  const fs::path root = dir.path() / "big";
  fs::create_directories(root);
  write_host_file(root / "a-small", "small", 0644);
  write_host_file(root / "b-large", std::string(64 * 1024, 'x'), 0644);
  const ByteVector archive = gnu_cpio(root, "find . -mindepth 1 | sort", "newc");
  TmpFsOptions options;
  options.max_bytes = 4 * 4096;
  Namespace ns(options);
  auto unpacked = unpack_initramfs(*ns.vfs, archive);
  REQUIRE_FALSE(unpacked.has_value());
  CHECK(unpacked.error().code == Error::NoSpace);
  CHECK(unpacked.error().name == "b-large");
  CHECK(describe(unpacked.error()).find("ENOSPC") != std::string::npos);
  CHECK(ns.read_file("/a-small") == "small");

  // A name that climbs out of the root is refused, not followed.
  ByteVector escaping;
  auto append = [&escaping](std::string_view text) {
    for (char c : text) escaping.push_back(static_cast<std::byte>(c));
  };
  const std::string name = "../escape";
  char header[111];
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X", 1u,
                0100644u, 0u, 0u, 1u, 0u, 0u, 0u, 0u, 0u, 0u, name.size() + 1, 0u);
  append(std::string_view(header, 110));
  append(name);
  escaping.push_back(std::byte{0});
  while (escaping.size() % 4 != 0) escaping.push_back(std::byte{0});
  Namespace clean;
  auto refused = unpack_initramfs(*clean.vfs, escaping);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Error::InvalidArgument);
  CHECK(refused.error().name == name);
}
