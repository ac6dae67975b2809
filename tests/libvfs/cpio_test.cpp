// The cpio newc / crc reader (vfs/cpio.hpp): archives written by GNU cpio from a tree the test
// builds, checked field by field against lstat(); every prefix of an archive; random corruption;
// one hand-built archive per error; the printed error; and name normalisation.

#include <vfs/cpio.hpp>

#include "cpio_tree.hpp"
#include "exact_buffer.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace mos::vfs::test;
using mos::Error;
using mos::vfs::CpioEntry;
using mos::vfs::CpioError;
using mos::vfs::CpioReader;
using mos::vfs::FileType;
using mos::vfs::normalize_cpio_name;

constexpr std::size_t kHeaderSize = 110;
constexpr std::string_view kTruncatedHeader = "truncated archive: a header runs past its end";
constexpr std::string_view kTruncatedName = "truncated archive: the name runs past its end";
constexpr std::string_view kTruncatedData = "truncated archive: the data runs past its end";
constexpr std::string_view kNoTrailer = "archive ends without a TRAILER!!! entry";

/// Where field `i` (0 = ino ... 12 = check) of the header at `entry` lies.
constexpr std::size_t field_offset(std::size_t entry, std::size_t i) {
  return entry + 6 + 8 * i;
}

ByteVector bytes_of(std::string_view text) {
  ByteVector b(text.size());
  if (!text.empty()) std::memcpy(b.data(), text.data(), text.size());
  return b;
}

std::string text_of(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}


/// The header fields of a hand-built entry; unset sizes and check are computed.
struct Fields {
  std::uint32_t ino = 1;
  std::uint32_t mode = 0100644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t nlink = 1;
  std::uint32_t mtime = 0;
  std::optional<std::uint32_t> filesize;
  std::uint32_t devmajor = 0;
  std::uint32_t devminor = 0;
  std::uint32_t rdevmajor = 0;
  std::uint32_t rdevminor = 0;
  std::optional<std::uint32_t> namesize;
  std::optional<std::uint32_t> check;
};

/// Appends one entry: header, `stored_name` exactly as given (add the NUL yourself), padding,
/// data, padding. [linux] buffer-format.rst
void append_entry(ByteVector& out, const Fields& f, std::string_view stored_name,
                  std::string_view data, std::string_view magic = "070701") {
  std::uint32_t sum = 0;
  for (char c : data) sum += static_cast<unsigned char>(c);
  const auto file_size = f.filesize.value_or(static_cast<std::uint32_t>(data.size()));
  const auto name_size = f.namesize.value_or(static_cast<std::uint32_t>(stored_name.size()));
  const auto check = f.check.value_or(magic == "070702" ? sum : 0);
  const std::uint32_t values[] = {f.ino,       f.mode,    f.uid,      f.gid,      f.nlink,
                                  f.mtime,     file_size, f.devmajor, f.devminor, f.rdevmajor,
                                  f.rdevminor, name_size, check};
  std::string header(magic);
  for (std::uint32_t v : values) {
    char digits[9];
    std::snprintf(digits, sizeof digits, "%08X", v);
    header += digits;
  }
  auto append = [&out](std::string_view s) {
    ByteVector b = bytes_of(s);
    out.insert(out.end(), b.begin(), b.end());
  };
  append(header);
  append(stored_name);
  while (out.size() % 4 != 0) out.push_back(std::byte{0});
  append(data);
  while (out.size() % 4 != 0) out.push_back(std::byte{0});
}

/// A regular file, directory, ... named `name` (the NUL is added).
void append_file(ByteVector& out, std::string_view name, std::uint32_t mode, std::string_view data,
                 std::string_view magic = "070701") {
  Fields f;
  f.mode = mode;
  append_entry(out, f, std::string(name) + '\0', data, magic);
}

void append_trailer(ByteVector& out, std::string_view magic = "070701") {
  Fields f;
  f.ino = 0;
  f.mode = 0;
  append_entry(out, f, std::string_view("TRAILER!!!\0", 11), "", magic);
}

/// An entry as parsed, copied out of the archive.
struct Parsed {
  std::string name;
  CpioEntry entry;  // Its views point into the parsed buffer, which is gone: use the copies.
  std::string data;
};

/// What a whole parse gave: the entries before the end or the error, and the error if any.
struct Outcome {
  std::vector<Parsed> entries;
  std::optional<CpioError> error;
  std::string message;         // The printed error.
  std::string error_name;      // A copy of error->name.
  std::size_t end_offset = 0;  // reader.offset() at the end.
  std::size_t calls = 0;
};

std::string describe(const CpioError& e) {
  char buffer[1024];
  std::size_t n = mos::format_to_buffer(buffer, "{}", e);
  return std::string(buffer, std::min(n, sizeof buffer));
}

/// Reads `archive` to its end or first error, from an exact-size copy, and checks that the reader
/// then stays where it is.
Outcome parse(std::span<const std::byte> archive) {
  mos::test::ExactBuffer exact(archive);
  CpioReader reader(exact.span());
  Outcome out;
  // Each entry takes at least 112 bytes, so a reader that loops is caught.
  const std::size_t max_calls = archive.size() / 112 + 2;
  while (out.calls++ <= max_calls) {
    auto next = reader.next();
    if (!next.has_value()) {
      out.error = next.error();
      out.message = describe(next.error());
      out.error_name = std::string(next.error().name);
      auto again = reader.next();
      REQUIRE_FALSE(again.has_value());
      CHECK(again.error().what == out.error->what);
      CHECK(again.error().offset == out.error->offset);
      CHECK(again.error().index == out.error->index);
      REQUIRE(reader.error().has_value());
      CHECK(reader.error()->what == out.error->what);
      CHECK(out.error->index == out.entries.size());
      CHECK(out.error->code == Error::BadMessage);
      CHECK(out.message.find(std::string(out.error->what)) != std::string::npos);
      break;
    }
    if (!next->has_value()) {
      CHECK(reader.at_end());
      auto again = reader.next();
      CHECK((again.has_value() && !again->has_value()));
      break;
    }
    const CpioEntry& e = **next;
    CHECK(e.index == out.entries.size());
    CHECK(e.offset % 4 == 0);
    Parsed p{std::string(e.name), e, text_of(e.data)};
    p.entry.name = {};  // The views die with the buffer.
    p.entry.data = {};
    out.entries.push_back(std::move(p));
  }
  REQUIRE(out.calls <= max_calls + 1);
  out.end_offset = reader.offset();
  CHECK(reader.entries_read() == out.entries.size());
  return out;
}

std::string why(const Outcome& o) {
  return o.error ? o.message : std::string();
}

/// Checks every entry against lstat() of the file it came from (the name as stored, relative to
/// `dir` unless absolute) and returns the set of their normalised names.
std::set<std::string> check_against_files(const Outcome& parsed, const fs::path& dir,
                                          const Tree& tree, const fs::path& name_base) {
  std::set<std::string> names;
  for (const Parsed& p : parsed.entries) {
    INFO("entry ", p.entry.index, " '", p.name, "'");
    const CpioEntry& e = p.entry;
    fs::path path = p.name.starts_with("/") ? fs::path(p.name) : dir / p.name;
    struct stat st;
    REQUIRE(lstat(path.c_str(), &st) == 0);
    CHECK(e.mode == st.st_mode);
    CHECK(e.uid == st.st_uid);
    CHECK(e.gid == st.st_gid);
    CHECK(e.nlink == st.st_nlink);
    CHECK(e.mtime == static_cast<std::uint32_t>(st.st_mtime));
    CHECK(e.ino == static_cast<std::uint32_t>(st.st_ino));
    CHECK(e.dev.major == major(st.st_dev));
    CHECK(e.dev.minor == minor(st.st_dev));
    CHECK(e.rdev.major == major(st.st_rdev));
    CHECK(e.rdev.minor == minor(st.st_rdev));

    std::vector<char> buffer(p.name.size());
    auto normal = normalize_cpio_name(p.name, buffer);
    REQUIRE(normal.has_value());
    std::string relative(*normal);
    if (!name_base.empty()) relative = fs::path(relative).lexically_relative(name_base).string();
    if (relative == ".") relative.clear();
    CHECK(names.insert(relative).second);

    switch (e.type()) {
      case FileType::Regular:
        CHECK(S_ISREG(st.st_mode));
        REQUIRE(tree.contents.contains(relative));
        // The data-less entry of a hard-linked file (see vfs/cpio.hpp).
        if (p.data.empty() && e.nlink > 1) break;
        CHECK(p.data == tree.contents.at(relative));
        break;
      case FileType::Symlink: {
        char target[256];
        ssize_t n = readlink(path.c_str(), target, sizeof target);
        REQUIRE(n > 0);
        CHECK(p.data == std::string(target, static_cast<std::size_t>(n)));
        break;
      }
      default:
        CHECK(p.data.empty());
        break;
    }
  }
  return names;
}

/// The entries of the hard-linked pair hard1 / d1/hard2, as GNU cpio writes them: same
/// (dev, ino), nlink 2, and only the later one carries the data.
void check_gnu_hard_links(const Outcome& parsed, const Tree& tree) {
  std::vector<const Parsed*> pair;
  for (const Parsed& p : parsed.entries) {
    if (p.name.ends_with("hard1") || p.name.ends_with("hard2")) pair.push_back(&p);
  }
  REQUIRE(pair.size() == 2);
  CHECK(pair[0]->entry.ino == pair[1]->entry.ino);
  CHECK(pair[0]->entry.dev == pair[1]->entry.dev);
  CHECK(pair[0]->entry.nlink == 2);
  CHECK(pair[1]->entry.nlink == 2);
  CHECK(pair[0]->data.empty());
  CHECK(pair[1]->data == tree.contents.at("hard1"));
}

/// A newc archive of the tree written by the test itself, with "./" before every name (GNU
/// cpio 2.13 strips a leading "./" whatever it is given). Hard links carry their data twice,
/// which the format permits.
ByteVector dot_slash_archive(const Tree& tree) {
  ByteVector out;
  for (const std::string& relative : tree_paths(tree.root)) {
    fs::path path = tree.root / relative;
    struct stat st;
    REQUIRE(lstat(path.c_str(), &st) == 0);
    Fields f;
    f.ino = static_cast<std::uint32_t>(st.st_ino);
    f.mode = st.st_mode;
    f.uid = st.st_uid;
    f.gid = st.st_gid;
    f.nlink = static_cast<std::uint32_t>(st.st_nlink);
    f.mtime = static_cast<std::uint32_t>(st.st_mtime);
    f.devmajor = major(st.st_dev);
    f.devminor = minor(st.st_dev);
    f.rdevmajor = major(st.st_rdev);
    f.rdevminor = minor(st.st_rdev);
    std::string data;
    if (S_ISREG(st.st_mode)) data = tree.contents.at(relative);
    if (S_ISLNK(st.st_mode)) data = fs::read_symlink(path).string();
    append_entry(out, f, (relative.empty() ? std::string(".") : "./" + relative) + '\0', data);
  }
  append_trailer(out);
  return out;
}

/// A small archive by GNU cpio: a directory, files of 0 and 5 bytes, a symlink.
ByteVector small_gnu_archive(const TempDir& tmp, std::string_view format) {
  fs::path root = tmp.path() / ("small-" + std::string(format));
  fs::create_directories(root / "dir");
  std::ofstream(root / "dir/hello", std::ios::binary) << "hello";
  std::ofstream(root / "empty", std::ios::binary);
  REQUIRE(symlink("dir/hello", (root / "sym").c_str()) == 0);
  return gnu_cpio(root, "find . | LC_ALL=C sort", format);
}

}  // namespace

TEST_CASE("cpio: archives written by GNU cpio match the files they came from") {
  TempDir tmp;
  Tree tree = make_tree(tmp.path() / "root");
  if (!tree.has_char_device) MESSAGE("mknod not permitted: no character device in the tree");
  const std::set<std::string> expected = tree_paths(tree.root);

  for (std::string_view format : {"newc", "crc"}) {
    SUBCASE((std::string(format) + ", relative names").c_str()) {
      ByteVector archive = gnu_cpio(tree.root, "find .", format);
      REQUIRE(text_of(archive).starts_with(format == "newc" ? "070701" : "070702"));
      CHECK(archive.size() % 512 == 0);  // Block padding after the trailer, ignored.
      Outcome parsed = parse(archive);
      REQUIRE_MESSAGE(!parsed.error, why(parsed));
      CHECK(parsed.entries.front().name == ".");
      CHECK(check_against_files(parsed, tree.root, tree, "") == expected);
      check_gnu_hard_links(parsed, tree);
      CHECK(parsed.end_offset < archive.size());
      CHECK(parsed.end_offset % 4 == 0);
    }
    SUBCASE((std::string(format) + ", absolute names").c_str()) {
      ByteVector archive = gnu_cpio(tree.root, "find \"$PWD\"", format);
      Outcome parsed = parse(archive);
      REQUIRE_MESSAGE(!parsed.error, why(parsed));
      // The reader keeps the leading "/"; normalising drops it.
      CHECK(parsed.entries.front().name == tree.root.string());
      const fs::path base = tree.root.relative_path();
      CHECK(check_against_files(parsed, tree.root, tree, base) == expected);
      check_gnu_hard_links(parsed, tree);
    }
  }
  SUBCASE("names with ./, written by the test") {
    Outcome parsed = parse(dot_slash_archive(tree));
    REQUIRE_MESSAGE(!parsed.error, why(parsed));
    for (const Parsed& p : parsed.entries) {
      CHECK((p.name == "." || p.name.starts_with("./")));
    }
    CHECK(check_against_files(parsed, tree.root, tree, "") == expected);
  }
}

TEST_CASE("cpio: every prefix of an archive is an error until the trailer is complete") {
  TempDir tmp;
  for (std::string_view format : {"newc", "crc"}) {
    CAPTURE(format);
    ByteVector archive = small_gnu_archive(tmp, format);
    const std::string text = text_of(archive);
    const std::size_t trailer_name = text.find("TRAILER!!!");
    REQUIRE(trailer_name != std::string::npos);
    const std::size_t trailer_end = trailer_name + 11;  // Through its NUL.
    const std::vector<Parsed> full = parse(archive).entries;
    REQUIRE(full.size() == 5);

    for (std::size_t length = 0; length <= archive.size(); ++length) {
      CAPTURE(length);
      Outcome o = parse(std::span(archive).first(length));
      if (length >= trailer_end) {
        CHECK_MESSAGE(!o.error, why(o));
        CHECK(o.entries.size() == full.size());
        CHECK(o.end_offset == std::min<std::size_t>(length, trailer_name - kHeaderSize + 124));
        continue;
      }
      REQUIRE(o.error.has_value());
      const std::string_view what = o.error->what;
      CHECK((what == kTruncatedHeader || what == kTruncatedName || what == kTruncatedData ||
             what == kNoTrailer));
      REQUIRE(o.entries.size() <= full.size());
      for (std::size_t i = 0; i < o.entries.size(); ++i) {
        CHECK(o.entries[i].name == full[i].name);
        CHECK(o.entries[i].data == full[i].data);
      }
    }
  }
}

TEST_CASE("cpio: corrupted archives end in an entry list or an error, never worse") {
  TempDir tmp;
  auto gen = mos::test::make_bitgen(0xc0220);
  for (std::string_view format : {"newc", "crc"}) {
    CAPTURE(format);
    const ByteVector original = small_gnu_archive(tmp, format);
    const Outcome clean = parse(original);
    REQUIRE(!clean.error);
    std::vector<std::size_t> headers;
    for (const Parsed& p : clean.entries) headers.push_back(p.entry.offset);
    headers.push_back(text_of(original).find("TRAILER!!!") - kHeaderSize);

    for (int round = 0; round < 3000; ++round) {
      CAPTURE(round);
      ByteVector archive = original;
      const int kind = absl::Uniform<int>(gen, 0, 3);
      if (kind == 0) {
        // Anywhere, any bit.
        const std::size_t at = absl::Uniform<std::size_t>(gen, 0, archive.size());
        archive[at] ^= static_cast<std::byte>(1u << absl::Uniform<unsigned>(gen, 0, 8));
        (void)parse(archive);
      } else if (kind == 1) {
        // A header byte, any value.
        const std::size_t entry = headers[absl::Uniform<std::size_t>(gen, 0, headers.size())];
        const std::size_t at = entry + absl::Uniform<std::size_t>(gen, 0, kHeaderSize);
        archive[at] = static_cast<std::byte>(absl::Uniform<unsigned>(gen, 0, 256));
        (void)parse(archive);
      } else {
        // A digit of a hex field replaced by something else: the error names the field.
        const std::size_t which = absl::Uniform<std::size_t>(gen, 0, headers.size());
        const std::size_t field = absl::Uniform<std::size_t>(gen, 0, 13);
        const std::size_t at = field_offset(headers[which], field) + absl::Uniform(gen, 0u, 8u);
        char c;
        do {
          c = static_cast<char>(absl::Uniform<unsigned>(gen, 0, 256));
        } while (std::isxdigit(static_cast<unsigned char>(c)));
        archive[at] = static_cast<std::byte>(c);
        Outcome o = parse(archive);
        REQUIRE(o.error.has_value());
        static constexpr const char* kFieldNames[] = {
            "ino",      "mode",     "uid",       "gid",       "nlink",    "mtime", "filesize",
            "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"};
        CHECK(o.error->what ==
              "non-hex digit in the " + std::string(kFieldNames[field]) + " field");
        CHECK(o.error->index == which);
        CHECK(o.error->offset == headers[which]);
        CHECK(o.error_name.empty());  // The name was not reached.
      }
    }
  }
}

TEST_CASE("cpio: in a GNU crc archive, a changed data byte breaks the sum of its file") {
  TempDir tmp;
  ByteVector archive = small_gnu_archive(tmp, "crc");
  // The data of dir/hello: the only "hello" right after a NUL (its name's, as no padding
  // follows a 10-byte name).
  const std::size_t hello = text_of(archive).find(std::string("\0hello", 6)) + 1;
  REQUIRE(hello != 0);
  REQUIRE_MESSAGE(!parse(archive).error, why(parse(archive)));
  archive[hello] ^= std::byte{0x20};
  Outcome o = parse(archive);
  REQUIRE(o.error.has_value());
  CHECK(o.error->what == "checksum mismatch: the data does not sum to check");
  CHECK(o.error_name == "dir/hello");
  CHECK(o.entries.size() == 2);  // "." and "dir" come first.
}

TEST_CASE("cpio: hand-built archives: fields, padding, case, the end") {
  SUBCASE("every field lands where it belongs") {
    ByteVector a;
    Fields f;
    f.ino = 0x12345678;
    f.mode = 0020620;
    f.uid = 0x1001;
    f.gid = 0x2002;
    f.nlink = 3;
    f.mtime = 0x65a1b2c3;
    f.devmajor = 8;
    f.devminor = 0x11;
    f.rdevmajor = 4;
    f.rdevminor = 0x40;
    append_entry(a, f, std::string_view("dev/tty0\0", 9), "");
    append_trailer(a);
    Outcome o = parse(a);
    REQUIRE_MESSAGE(!o.error, why(o));
    REQUIRE(o.entries.size() == 1);
    const CpioEntry& e = o.entries[0].entry;
    CHECK(o.entries[0].name == "dev/tty0");
    CHECK(e.ino == 0x12345678);
    CHECK(e.mode == 0020620);
    CHECK(e.type() == FileType::CharDevice);
    CHECK(e.permissions() == 0620);
    CHECK(e.uid == 0x1001);
    CHECK(e.gid == 0x2002);
    CHECK(e.nlink == 3);
    CHECK(e.mtime == 0x65a1b2c3);
    CHECK(e.dev == mos::vfs::DeviceNumber{8, 0x11});
    CHECK(e.rdev == mos::vfs::DeviceNumber{4, 0x40});
    CHECK(e.offset == 0);
    CHECK(o.entries[0].data.empty());
  }
  SUBCASE("names and data of every length modulo 4 are padded right") {
    ByteVector a;
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t n = 1; n <= 9; ++n) {
      for (std::size_t d = 0; d <= 9; ++d) {
        files.emplace_back(std::string(n, static_cast<char>('a' + d)), std::string(d, 'x'));
        append_file(a, files.back().first, 0100600, files.back().second);
      }
    }
    append_trailer(a);
    Outcome o = parse(a);
    REQUIRE_MESSAGE(!o.error, why(o));
    REQUIRE(o.entries.size() == files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      CHECK(o.entries[i].name == files[i].first);
      CHECK(o.entries[i].data == files[i].second);
    }
    CHECK(o.end_offset == a.size());
  }
  SUBCASE("lower-case hex digits are read too") {
    ByteVector a;
    Fields f;
    f.mtime = 0xabcdef01;
    append_entry(a, f, std::string_view("f\0", 2), "");
    append_trailer(a);
    for (std::size_t i = 6; i < kHeaderSize; ++i) {
      a[i] = static_cast<std::byte>(std::tolower(std::to_integer<int>(a[i])));
    }
    Outcome o = parse(a);
    REQUIRE_MESSAGE(!o.error, why(o));
    CHECK(o.entries.at(0).entry.mtime == 0xabcdef01);
  }
  SUBCASE("whatever follows the trailer is ignored; next() keeps saying the end") {
    ByteVector a;
    append_file(a, "a", 0100644, "abc");
    append_trailer(a);
    const std::size_t end = a.size();
    ByteVector junk = bytes_of("not an archive at all");
    a.insert(a.end(), junk.begin(), junk.end());
    Outcome o = parse(a);
    REQUIRE_MESSAGE(!o.error, why(o));
    CHECK(o.entries.size() == 1);
    CHECK(o.end_offset == end);
  }
  SUBCASE("a crc archive with the right sums passes") {
    ByteVector a;
    append_file(a, "d", 0040755, "", "070702");
    append_file(a, "d/f", 0100644, std::string("\xff\xfe\x01 data", 8), "070702");
    append_file(a, "d/s", 0120777, "f", "070702");  // Symlinks carry no sum.
    append_trailer(a, "070702");
    Outcome o = parse(a);
    REQUIRE_MESSAGE(!o.error, why(o));
    CHECK(o.entries.size() == 3);
    CpioReader reader(a);
    for (int i = 0; i < 3; ++i) {
      auto e = reader.next();
      REQUIRE((e.has_value() && e->has_value()));
      if (i == 2) CHECK((*e)->symlink_target() == "f");
    }
  }
  SUBCASE("an empty archive is only a trailer") {
    ByteVector a;
    append_trailer(a);
    Outcome o = parse(a);
    CHECK_MESSAGE(!o.error, why(o));
    CHECK(o.entries.empty());
  }
}

TEST_CASE("cpio: each malformation has its own error, naming the entry") {
  struct Case {
    const char* label;
    ByteVector archive;
    std::string_view what;
    std::string name;  // What the error names.
    bool ends_here;    // Whether the archive must end where the builder stops.
  };
  std::vector<Case> cases;
  // A good first entry (120 bytes), so that errors point at entry 1, offset 0x78. Unless the
  // case is about the end, a trailer follows the bad entry, to show that it is not reached.
  auto add_case = [&](bool ends_here, const char* label, std::string_view what, std::string name,
                      auto build) {
    ByteVector a;
    append_file(a, "ok", 0100644, "ok");
    build(a);
    cases.push_back({label, a, what, std::move(name), ends_here});
  };
  auto with = [&](auto&&... args) { add_case(false, args...); };
  auto ending = [&](auto&&... args) { add_case(true, args...); };
  auto add_fields = [](Fields f, std::string stored, std::string data) {
    return [=](ByteVector& a) { append_entry(a, f, stored, data); };
  };
  const std::string etc_passwd("etc/passwd\0", 11);
  Fields regular;
  Fields symlink_fields;
  symlink_fields.mode = 0120777;

  with("bad magic", "bad magic: a newc header starts with 070701 or 070702", "",
       [](ByteVector& a) { append_entry(a, Fields{}, "x", "", "070703"); });
  with("odc magic", "old portable (odc) cpio format; write the archive with -H newc", "",
       [](ByteVector& a) { append_entry(a, Fields{}, "x", "", "070707"); });
  with("gzip", "archive is gzip-compressed; only uncompressed archives are read", "",
       [](ByteVector& a) {
         ByteVector gz = bytes_of("\x1f\x8b\x08\x00 compressed bytes");
         a.insert(a.end(), gz.begin(), gz.end());
       });
  ending("short header", kTruncatedHeader, "", [](ByteVector& a) {
    ByteVector part = bytes_of("07070100000001");
    a.insert(a.end(), part.begin(), part.end());
  });
  with("short junk", "bad magic: a newc header starts with 070701 or 070702", "",
       [](ByteVector& a) { a.push_back(std::byte{'x'}); });
  ending("end without trailer", kNoTrailer, "", [](ByteVector&) {});
  ending("zero padding without trailer", kNoTrailer, "",
         [](ByteVector& a) { a.resize(a.size() + 512, std::byte{0}); });
  with("non-hex digit", "non-hex digit in the uid field", "", [](ByteVector& a) {
    const std::size_t at = a.size();
    append_file(a, "etc/passwd", 0100644, "root");
    a[field_offset(at, 2) + 7] = std::byte{'G'};
  });
  with("space in a field", "non-hex digit in the filesize field", "", [](ByteVector& a) {
    const std::size_t at = a.size();
    append_file(a, "etc/passwd", 0100644, "root");
    a[field_offset(at, 6)] = std::byte{' '};
  });
  Fields namesize0;
  namesize0.namesize = 0;
  with("namesize 0", "namesize is 0: a name needs at least its NUL", "",
       add_fields(namesize0, "", ""));
  with("name without NUL", "name is not NUL-terminated within namesize", "etc/passw",
       add_fields(regular, "etc/passwd", ""));
  with("embedded NUL", "name contains a NUL byte", std::string("etc\0passwd", 10),
       add_fields(regular, std::string("etc\0passwd\0", 11), ""));
  with("empty name", "name is empty", "", add_fields(regular, std::string(1, '\0'), ""));
  Fields huge_name;
  huge_name.namesize = 0xffffffff;
  ending("name past the end", kTruncatedName, "", add_fields(huge_name, etc_passwd, ""));
  Fields long_data;
  long_data.filesize = 100;
  ending("data past the end", kTruncatedData, "etc/passwd",
         add_fields(long_data, etc_passwd, "root"));
  Fields huge_data;
  huge_data.filesize = 0xffffffff;  // Padded, it needs 33 bits.
  ending("data size that overflows 32 bits when padded", kTruncatedData, "etc/passwd",
         add_fields(huge_data, etc_passwd, "root"));
  with("symlink without target", "symlink has an empty target", "etc/passwd",
       add_fields(symlink_fields, etc_passwd, ""));
  with("symlink target with NUL", "symlink target contains a NUL byte", "etc/passwd",
       add_fields(symlink_fields, etc_passwd, std::string("a\0b", 3)));
  for (std::uint32_t mode : {0000644u, 0030644u, 0070644u, 0110644u, 0170644u}) {
    Fields f;
    f.mode = mode;
    with("unknown type", "mode has unknown file type bits", "etc/passwd",
         add_fields(f, etc_passwd, ""));
  }
  Fields high_mode;
  high_mode.mode = 0x10000 | 0100644;
  with("mode above 16 bits", "mode has bits beyond the file type and permissions", "etc/passwd",
       add_fields(high_mode, etc_passwd, ""));
  Fields directory;
  directory.mode = 0040755;
  with("directory with data", "only regular files and symlinks may have data", "etc/passwd",
       add_fields(directory, etc_passwd, "data"));
  Fields trailer;
  trailer.mode = 0;
  with("trailer with data", "TRAILER!!! entry has data", "TRAILER!!!",
       add_fields(trailer, std::string("TRAILER!!!\0", 11), "x"));
  with("crc mismatch", "checksum mismatch: the data does not sum to check", "etc/passwd",
       [](ByteVector& a) {
         const std::size_t at = a.size();
         append_file(a, "etc/passwd", 0100644, "root:x:0:0", "070702");
         a[at + 124] ^= std::byte{0x01};  // A data byte: header, name and padding take 124.
       });

  for (const Case& c : cases) {
    INFO(c.label);
    ByteVector archive = c.archive;
    if (!c.ends_here) append_trailer(archive);
    Outcome o = parse(archive);
    REQUIRE(o.error.has_value());
    CHECK(o.error->what == c.what);
    CHECK(o.error->index == 1);
    CHECK(o.error->offset == 0x78);
    CHECK(o.entries.size() == 1);
    CHECK(o.error_name == c.name);
  }
}

TEST_CASE("cpio: the printed error names entry, offset, problem and code") {
  ByteVector a;
  append_file(a, "ok", 0100644, "ok");
  Fields f;
  f.filesize = 100;
  append_entry(a, f, std::string("etc/passwd\0", 11), "root");
  Outcome o = parse(a);
  REQUIRE(o.error.has_value());
  CHECK(o.message ==
        "cpio: entry 1 'etc/passwd' at offset 0x78: truncated archive: the data runs past its "
        "end (EBADMSG)");

  SUBCASE("without a name") {
    CpioError e{Error::BadMessage, "archive ends without a TRAILER!!! entry", 7, 0x400, {}};
    CHECK(describe(e) ==
          "cpio: entry 7 at offset 0x400: archive ends without a TRAILER!!! entry "
          "(EBADMSG)");
  }
  SUBCASE("control characters and non-ASCII bytes in a name are escaped") {
    CpioError e{Error::BadMessage, "x", 0, 0, std::string_view("a\nb\x1b[2J\xc3\xa9\0", 10)};
    CHECK(describe(e) ==
          "cpio: entry 0 'a\\x0ab\\x1b[2J\\xc3\\xa9\\x00' at offset 0x0: x (EBADMSG)");
  }
  SUBCASE("a long name is cut short") {
    std::string name(1000, 'n');
    CpioError e{Error::BadMessage, "x", 0, 0, name};
    CHECK(describe(e) == "cpio: entry 0 '" + std::string(200, 'n') +
                             "'... at offset 0x0: x "
                             "(EBADMSG)");
  }
}

TEST_CASE("cpio: normalize_cpio_name gives a path relative to the root") {
  struct Case {
    std::string_view name;
    std::optional<std::string_view> relative;  // Empty: rejected with InvalidArgument.
  };
  const Case cases[] = {
      {".", ""},
      {"./", ""},
      {"/", ""},
      {"./a/b", "a/b"},
      {"/a", "a"},
      {"a//b", "a/b"},
      {"a/b/", "a/b"},
      {"./a/./b/.", "a/b"},
      {"//./a", "a"},
      {"etc/passwd", "etc/passwd"},
      {"...", "..."},
      {"a/..b/c..", "a/..b/c.."},
      {"a/../b", std::nullopt},
      {"..", std::nullopt},
      {"../a", std::nullopt},
      {"a/..", std::nullopt},
      {"/../a", std::nullopt},
      {"", std::nullopt},
      {std::string_view("a\0b", 3), std::nullopt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::vector<char> buffer(c.name.size());
    auto r = normalize_cpio_name(c.name, buffer);
    if (c.relative) {
      REQUIRE(r.has_value());
      CHECK(*r == *c.relative);
    } else {
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == Error::InvalidArgument);
    }
  }
  SUBCASE("a buffer too small is NameTooLong") {
    std::array<char, 3> buffer;
    CHECK(normalize_cpio_name("./ab", buffer).value() == "ab");
    CHECK(normalize_cpio_name("a/b", buffer).value() == "a/b");
    CHECK(normalize_cpio_name("a/bc", buffer).error() == Error::NameTooLong);
    CHECK(normalize_cpio_name("abcd", buffer).error() == Error::NameTooLong);
  }
}
