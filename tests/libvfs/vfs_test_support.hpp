#pragma once
// What libvfs's tests share: a namespace over a fresh file system (tmpfs unless a test brings
// another), contexts for users, and helpers that turn a failed step into a failed test.

#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Failed checks print errno names.
template <>
struct doctest::StringMaker<mos::Error> {
  static doctest::String convert(mos::Error e) {
    const std::string_view name = mos::error_name(e);
    return doctest::String(name.data(), static_cast<unsigned>(name.size()));
  }
};

namespace mos::vfs::test {

inline std::span<const std::byte> bytes_of(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

/// A namespace with a tmpfs at its root (as `options` says), destroyed at the end of the test.
class Namespace {
 public:
  explicit Namespace(const TmpFsOptions& options = {}) {
    auto fs = TmpFs::create(options);
    REQUIRE(fs.has_value());
    root_fs = *fs;
    auto made = Vfs::create(root_fs, devices);
    REQUIRE(made.has_value());
    vfs = *made;
    root = vfs->context();
  }
  ~Namespace() {
    root = Context{};
    Vfs::destroy(vfs);
  }
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  /// A context at the root for `uid`/`gid` with `groups` (kept alive by the Namespace).
  Context user(std::uint32_t uid, std::uint32_t gid, std::vector<std::uint32_t> groups = {}) {
    group_lists.push_back(std::move(groups));
    Context c = vfs->context(Credentials{uid, gid, group_lists.back()});
    return c;
  }

  /// Creates (or truncates) `path` with `contents`.
  void write_file(std::string_view path, std::string_view contents, Mode mode = 0644) {
    write_file(root, path, contents, mode);
  }
  void write_file(const Context& context, std::string_view path, std::string_view contents,
                  Mode mode = 0644) {
    auto file = vfs->open(context, path,
                          open_flags::kWriteOnly | open_flags::kCreate | open_flags::kTruncate, mode);
    REQUIRE_MESSAGE(file.has_value(), "open ", path, ": ", error_name(file.error()));
    auto n = (*file)->write(bytes_of(contents));
    REQUIRE(n.has_value());
    REQUIRE(*n == contents.size());
  }
  /// The whole contents of `path`.
  std::string read_file(std::string_view path) { return read_file(root, path); }
  std::string read_file(const Context& context, std::string_view path) {
    auto file = vfs->open(context, path, open_flags::kReadOnly);
    REQUIRE_MESSAGE(file.has_value(), "open ", path, ": ", error_name(file.error()));
    std::string out;
    char buffer[1000];
    for (;;) {
      auto n = (*file)->read(std::as_writable_bytes(std::span(buffer)));
      REQUIRE(n.has_value());
      if (*n == 0) return out;
      out.append(buffer, *n);
    }
  }
  /// The names in directory `path` (without "." and ".."), in readdir order.
  std::vector<std::string> list(std::string_view path) { return list(root, path); }
  std::vector<std::string> list(const Context& context, std::string_view path);
  /// stat that must succeed.
  Stat must_stat(std::string_view path, bool follow = true) {
    auto st = vfs->stat(root, path, follow);
    REQUIRE_MESSAGE(st.has_value(), "stat ", path, ": ", error_name(st.error()));
    return *st;
  }

  DeviceRegistry devices;
  RefPtr<TmpFs> root_fs;
  Vfs* vfs = nullptr;
  Context root;
  std::vector<std::vector<std::uint32_t>> group_lists;
};

/// Collects readdir results.
class NameCollector final : public DirectorySink {
 public:
  explicit NameCollector(std::size_t room = ~std::size_t{0}) : room_(room) {}
  bool emit(std::string_view name, std::uint64_t inode, FileType type,
            std::uint64_t next) noexcept override {
    if (names.size() == room_) return false;
    names.emplace_back(name);
    inodes.push_back(inode);
    types.push_back(type);
    positions.push_back(next);
    return true;
  }
  std::vector<std::string> names;
  std::vector<std::uint64_t> inodes;
  std::vector<FileType> types;
  std::vector<std::uint64_t> positions;

 private:
  std::size_t room_;
};

inline std::vector<std::string> Namespace::list(const Context& context, std::string_view path) {
  auto dir = vfs->open(context, path, open_flags::kReadOnly | open_flags::kDirectory);
  REQUIRE_MESSAGE(dir.has_value(), "open ", path, ": ", error_name(dir.error()));
  NameCollector collector;
  REQUIRE((*dir)->read_directory(collector).has_value());
  std::vector<std::string> names;
  for (auto& n : collector.names) {
    if (n != "." && n != "..") names.push_back(n);
  }
  return names;
}

/// The error of a Result, or a sentinel when it succeeded (so CHECK(error(...) == ...) reads
/// well and fails clearly).
template <class T>
Error error_of(const Result<T>& r) {
  return r.has_value() ? Error{0} : r.error();
}

}  // namespace mos::vfs::test
