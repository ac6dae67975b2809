#pragma once
// Trees of every file type cpio carries, made on the host, and GNU cpio archives of them: what
// the cpio reader's and the initramfs unpacker's tests check Mosaic against.

#include "random.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mos::vfs::test {

namespace fs = std::filesystem;
using ByteVector = std::vector<std::byte>;

/// A temporary directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mos-vfs-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline ByteVector read_host_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* b = reinterpret_cast<const std::byte*>(s.data());
  return ByteVector(b, b + s.size());
}

/// Runs GNU cpio in copy-out mode over what `find_command` lists, from `dir`.
inline ByteVector gnu_cpio(const fs::path& dir, const std::string& find_command, std::string_view format) {
  const fs::path out = dir.parent_path() / ("archive." + std::string(format));
  std::string command = "cd '" + dir.string() + "' && " + find_command + " | cpio -o -H " +
                        std::string(format) + " --quiet > '" + out.string() + "'";
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
  ByteVector archive = read_host_file(out);
  fs::remove(out);
  return archive;
}

/// A tree with every file type cpio carries, fixed modes and times, random file contents.
struct Tree {
  fs::path root;
  std::map<std::string, std::string> contents;  // Regular files by relative path.
  bool has_char_device = false;
};

inline void write_host_file(const fs::path& path, const std::string& data, mode_t mode) {
  std::ofstream(path, std::ios::binary) << data;
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

inline Tree make_tree(const fs::path& root) {
  auto gen = mos::test::make_bitgen(0xc910);
  Tree t{root, {}, false};
  REQUIRE(mkdir(root.c_str(), 0755) == 0);
  auto random_text = [&gen](std::size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(absl::Uniform<unsigned>(gen, 0, 256));
    return s;
  };
  const std::pair<std::size_t, mode_t> sizes[] = {{0, 0644},     {1, 0600},     {3, 0755},
                                                  {4, 0444},     {5, 04755},    {511, 0640},
                                                  {4096, 01644}, {100000, 0604}};
  for (auto [size, mode] : sizes) {
    std::string name = "file" + std::to_string(size);
    t.contents[name] = random_text(size);
    write_host_file(root / name, t.contents[name], mode);
  }
  fs::create_directories(root / "d1/d2/d3");
  REQUIRE(chmod((root / "d1/d2").c_str(), 0700) == 0);
  REQUIRE(chmod((root / "d1/d2/d3").c_str(), 02775) == 0);
  t.contents["d1/d2/d3/deep"] = random_text(77);
  write_host_file(root / "d1/d2/d3/deep", t.contents["d1/d2/d3/deep"], 0640);
  REQUIRE(symlink("d1/d2/d3/deep", (root / "link").c_str()) == 0);
  REQUIRE(symlink("../../file5", (root / "d1/d2/up").c_str()) == 0);
  t.contents["hard1"] = random_text(1234);
  write_host_file(root / "hard1", t.contents["hard1"], 0600);
  REQUIRE(link((root / "hard1").c_str(), (root / "d1/hard2").c_str()) == 0);
  t.contents["d1/hard2"] = t.contents["hard1"];
  REQUIRE(mkfifo((root / "fifo").c_str(), 0620) == 0);
  REQUIRE(chmod((root / "fifo").c_str(), 0620) == 0);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string socket_path = (root / "sock").string();
  REQUIRE(socket_path.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  close(s);
  // A character device needs privileges: use one where the test may make it.
  t.has_char_device = mknod((root / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0;
  if (t.has_char_device) REQUIRE(chmod((root / "null").c_str(), 0666) == 0);
  // Distinct times, set last so that creating children does not change them again.
  std::int64_t when = 1'600'000'000;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    timespec times[2] = {{when, 0}, {when, 0}};
    REQUIRE(utimensat(AT_FDCWD, e.path().c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
    when += 3601;
  }
  return t;
}

/// Every path of the tree relative to its root, "" for the root itself.
inline std::set<std::string> tree_paths(const fs::path& root) {
  std::set<std::string> paths{""};
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    paths.insert(e.path().lexically_relative(root).string());
  }
  return paths;
}

}  // namespace mos::vfs::test
