// The cpio newc / crc reader. [linux] Documentation/driver-api/early-userspace/buffer-format.rst
//
// Offsets are computed in 64 bits from 32-bit fields, so no padding or sum can wrap, and every
// range is checked against the archive's size before it is looked at.

#include <vfs/cpio.hpp>

#include <algorithm>
#include <array>

namespace mos::vfs {
namespace {

using Bytes = std::span<const std::byte>;

constexpr std::size_t kHeaderSize = 110;  // The magic and 13 fields of 8 hex digits.
constexpr std::size_t kMagicSize = 6;
constexpr std::size_t kFieldSize = 8;
constexpr std::string_view kTrailerName = "TRAILER!!!";
constexpr std::size_t kMaxNameShown = 200;  // Of a name in an error message.

enum Field : std::size_t {
  kIno,
  kMode,
  kUid,
  kGid,
  kNlink,
  kMtime,
  kFileSize,
  kDevMajor,
  kDevMinor,
  kRdevMajor,
  kRdevMinor,
  kNameSize,
  kCheck,
  kFieldCount,
};

// One sentence per field, so that the error says which field holds the bad digit.
constexpr std::array<std::string_view, kFieldCount> kBadDigit = {
    "non-hex digit in the ino field",       "non-hex digit in the mode field",
    "non-hex digit in the uid field",       "non-hex digit in the gid field",
    "non-hex digit in the nlink field",     "non-hex digit in the mtime field",
    "non-hex digit in the filesize field",  "non-hex digit in the devmajor field",
    "non-hex digit in the devminor field",  "non-hex digit in the rdevmajor field",
    "non-hex digit in the rdevminor field", "non-hex digit in the namesize field",
    "non-hex digit in the check field",
};

constexpr std::uint64_t align4(std::uint64_t v) noexcept {
  return (v + 3) & ~std::uint64_t{3};
}

std::string_view as_text(Bytes bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Eight hex digits, either case (GNU cpio writes upper case, the kernel's gen_init_cpio lower).
std::optional<std::uint32_t> parse_hex(std::string_view digits) noexcept {
  std::uint32_t value = 0;
  for (char c : digits) {
    std::uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

bool all_zero(Bytes bytes) noexcept {
  return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

// Why the bytes at a header position are not a newc header, naming the usual mistakes.
std::string_view bad_start(Bytes rest) noexcept {
  // A trailer that went missing leaves the block padding; call that what it is.
  if (all_zero(rest)) return "archive ends without a TRAILER!!! entry";
  if (rest.size() >= 2 && rest[0] == std::byte{0x1f} && rest[1] == std::byte{0x8b}) {
    return "archive is gzip-compressed; only uncompressed archives are read";
  }
  if (rest.size() >= kMagicSize && as_text(rest.first(kMagicSize)) == "070707") {
    return "old portable (odc) cpio format; write the archive with -H newc";
  }
  // A short header that starts like a newc one was cut off; anything else is not cpio.
  std::string_view start = as_text(rest.first(std::min(rest.size(), kMagicSize)));
  bool newc_start = std::string_view("070701").starts_with(start) ||
                    std::string_view("070702").starts_with(start);
  if (rest.size() < kHeaderSize && newc_start) {
    return "truncated archive: a header runs past its end";
  }
  return "bad magic: a newc header starts with 070701 or 070702";
}

bool has_data(FileType type) noexcept {
  return type == FileType::Regular || type == FileType::Symlink;
}

}  // namespace

Result<std::optional<CpioEntry>, CpioError> CpioReader::next() noexcept {
  switch (state_) {
    case State::End:
      return std::optional<CpioEntry>();
    case State::Failed:
      return *error_;
    case State::Reading:
      break;
  }
  auto entry = read_entry();
  if (!entry.has_value()) {
    state_ = State::Failed;
    error_ = entry.error();
  }
  return entry;
}

Result<std::optional<CpioEntry>, CpioError> CpioReader::read_entry() noexcept {
  const std::uint64_t size = archive_.size();
  const std::size_t at = offset_;
  CpioError error{Error::BadMessage, {}, index_, at, {}};
  auto fail = [&error](std::string_view what) noexcept {
    error.what = what;
    return error;
  };

  Bytes rest = archive_.subspan(at);
  if (rest.empty()) return fail("archive ends without a TRAILER!!! entry");
  std::string_view magic = rest.size() >= kMagicSize ? as_text(rest.first(kMagicSize)) : "";
  bool crc = magic == "070702";
  if ((magic != "070701" && !crc) || rest.size() < kHeaderSize) return fail(bad_start(rest));

  std::array<std::uint32_t, kFieldCount> field{};
  std::string_view digits = as_text(rest.subspan(kMagicSize, kFieldCount * kFieldSize));
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    std::optional<std::uint32_t> value = parse_hex(digits.substr(i * kFieldSize, kFieldSize));
    if (!value) return fail(kBadDigit[i]);
    field[i] = *value;
  }

  const std::uint64_t name_size = field[kNameSize];
  if (name_size == 0) return fail("namesize is 0: a name needs at least its NUL");
  const std::uint64_t name_end = at + kHeaderSize + name_size;
  if (name_end > size) return fail("truncated archive: the name runs past its end");
  std::string_view stored = as_text(rest.subspan(kHeaderSize, name_size));
  std::string_view name = stored.substr(0, stored.size() - 1);
  error.name = name;
  if (stored.back() != '\0') return fail("name is not NUL-terminated within namesize");
  if (name.find('\0') != std::string_view::npos) return fail("name contains a NUL byte");
  if (name.empty()) return fail("name is empty");

  const std::uint64_t file_size = field[kFileSize];
  if (name == kTrailerName) {
    if (file_size != 0) return fail("TRAILER!!! entry has data");
    // Its padding may be cut off by the end of the archive; nothing needs it.
    offset_ = static_cast<std::size_t>(std::min(align4(name_end), size));
    state_ = State::End;
    return std::optional<CpioEntry>();
  }

  const Mode mode = field[kMode];
  if ((mode & ~(kTypeMask | kPermissionMask)) != 0) {
    return fail("mode has bits beyond the file type and permissions");
  }
  if (!valid_type(mode)) return fail("mode has unknown file type bits");
  const FileType type = type_of(mode);

  Bytes data;
  std::uint64_t end = name_end;
  if (file_size != 0) {
    // The kernel ignores data of other types; refusing it catches a corrupted filesize here
    // rather than as a bad magic somewhere later.
    if (!has_data(type)) return fail("only regular files and symlinks may have data");
    const std::uint64_t data_at = align4(name_end);
    end = data_at + file_size;
    if (end > size) return fail("truncated archive: the data runs past its end");
    data = archive_.subspan(static_cast<std::size_t>(data_at), static_cast<std::size_t>(file_size));
  }
  if (type == FileType::Symlink) {
    if (data.empty()) return fail("symlink has an empty target");
    if (as_text(data).find('\0') != std::string_view::npos) {
      return fail("symlink target contains a NUL byte");
    }
  }
  // GNU cpio sums regular files only (it writes 0 for symlinks), and so does the kernel. In
  // 070701 archives the check field should be 0, but readers ignore it.
  if (crc && type == FileType::Regular) {
    std::uint32_t sum = 0;
    for (std::byte b : data) sum += std::to_integer<std::uint32_t>(b);
    if (sum != field[kCheck]) return fail("checksum mismatch: the data does not sum to check");
  }

  CpioEntry entry;
  entry.name = name;
  entry.mode = mode;
  entry.uid = field[kUid];
  entry.gid = field[kGid];
  entry.nlink = field[kNlink];
  entry.mtime = field[kMtime];
  entry.ino = field[kIno];
  entry.dev = {field[kDevMajor], field[kDevMinor]};
  entry.rdev = {field[kRdevMajor], field[kRdevMinor]};
  entry.data = data;
  entry.offset = at;
  entry.index = index_;
  offset_ = static_cast<std::size_t>(std::min(align4(end), size));
  ++index_;
  return std::optional<CpioEntry>(entry);
}

Result<std::string_view> normalize_cpio_name(std::string_view name,
                                             std::span<char> buffer) noexcept {
  if (name.empty() || name.find('\0') != std::string_view::npos) return Error::InvalidArgument;
  std::size_t out = 0;
  std::size_t i = 0;
  while (i < name.size()) {
    if (name[i] == '/') {
      ++i;
      continue;
    }
    std::size_t slash = name.find('/', i);
    std::size_t stop = slash == std::string_view::npos ? name.size() : slash;
    std::string_view component = name.substr(i, stop - i);
    i = stop;
    if (component == ".") continue;
    if (component == "..") return Error::InvalidArgument;
    const std::size_t needed = (out == 0 ? 0 : 1) + component.size();
    if (buffer.size() - out < needed) return Error::NameTooLong;
    if (out != 0) buffer[out++] = '/';
    std::copy(component.begin(), component.end(),
              buffer.begin() + static_cast<std::ptrdiff_t>(out));
    out += component.size();
  }
  return std::string_view(buffer.data(), out);
}

void format_cpio_error(OutputSink& sink, const CpioError& e) noexcept {
  format_to(sink, "cpio: entry {}", e.index);
  if (!e.name.empty()) {
    // The name comes from the archive: keep control characters out of the console.
    sink.write(" '");
    std::string_view shown = e.name.substr(0, kMaxNameShown);
    std::size_t run = 0;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      const auto c = static_cast<unsigned char>(shown[i]);
      if (c >= 0x20 && c < 0x7f) continue;
      sink.write(shown.substr(run, i - run));
      format_to(sink, "\\x{:02x}", c);
      run = i + 1;
    }
    sink.write(shown.substr(run));
    sink.write(shown.size() < e.name.size() ? "'..." : "'");
  }
  format_to(sink, " at offset {:#x}: {} ({})", e.offset, e.what, e.code);
}

}  // namespace mos::vfs
