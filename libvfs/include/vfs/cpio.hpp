#pragma once
/// CpioReader: walks a cpio archive in the "newc" format (magic 070701) or its "crc" variant
/// (070702), the format of a Linux initramfs, held whole in memory (a boot module). It neither
/// allocates nor copies: names and file data are views into the archive.
///
/// The format ([linux] Documentation/driver-api/early-userspace/buffer-format.rst): each entry
/// is a 110-byte header (the magic, then 13 fields of 8 ASCII hex digits: ino, mode, uid, gid,
/// nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check), the name
/// (namesize bytes including its NUL), zero padding so that header and name end on a multiple
/// of 4, the data (filesize bytes) and padding to a multiple of 4 again. The entry named
/// "TRAILER!!!" ends the archive; whatever follows it (cpio pads to 512-byte blocks) is ignored.
///
/// Hard links: the entries of one file share (devmajor, devminor, ino) and have nlink > 1. GNU
/// cpio stores the data only with the last of them and gives the others filesize 0; the kernel
/// also accepts the data on any one of them. An unpacker keeps a table of (dev, ino) of entries
/// with nlink > 1, links later entries to the first one, and lets an entry that carries data
/// replace the contents. The reader itself reports entries one by one and links nothing.
///
/// Every byte is untrusted: a malformed archive gives a CpioError naming the entry and the
/// problem, never a crash, a read outside the archive or a loop. The reader's code is always
/// Error::BadMessage; `what` tells the cases apart. (The unpacker, vfs/initramfs.hpp, reports
/// an entry it cannot make with the same shape and the file system's error.)

#include <vfs/types.hpp>

#include <k/error.hpp>
#include <k/format.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mos::vfs {

/// One archive member, as its header describes it. Views point into the archive.
struct CpioEntry {
  /// The name as stored, without its NUL: often "./etc/passwd" or "etc/passwd", and "." for
  /// the root. Never empty and free of NUL bytes; see normalize_cpio_name().
  std::string_view name;
  Mode mode = 0;  ///< The full st_mode: one of the FileType values | permission bits.
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t nlink = 0;
  std::uint32_t mtime = 0;  ///< Seconds since the epoch.
  std::uint32_t ino = 0;    ///< With `dev`, identifies the entries of one hard-linked file.
  DeviceNumber dev;         ///< The device the file was on (devmajor, devminor).
  DeviceNumber rdev;        ///< For device nodes, the device they stand for.
  /// A regular file's contents, or a symlink's target; empty for every other type, and for the
  /// earlier entries of a hard-linked file (see the file comment).
  std::span<const std::byte> data;
  std::size_t offset = 0;  ///< Where the entry's header starts in the archive.
  std::size_t index = 0;   ///< The entry's position: 0 for the first.

  FileType type() const noexcept { return type_of(mode); }
  Mode permissions() const noexcept { return mode & kPermissionMask; }
  /// A symlink's target (the data as text).
  std::string_view symlink_target() const noexcept {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
  }
};

/// Why an archive was rejected. Printed by mos::format as e.g.
/// "cpio: entry 3 'etc/passwd' at offset 0x1a4: truncated archive: the data runs past its end
/// (EBADMSG)".
struct CpioError {
  Error code = Error::BadMessage;  ///< BadMessage: the archive is malformed (see the file comment).
  std::string_view what;           ///< A static sentence naming the problem.
  std::size_t index = 0;           ///< The entry concerned: 0 for the first.
  /// Where that entry's header starts (for a missing trailer: the end of the archive).
  std::size_t offset = 0;
  /// The entry's name as stored (without the last byte of namesize, which should be the NUL),
  /// when it lies within the archive; empty when it does not or was not reached.
  std::string_view name;
};

/// Reads the entries of an archive one by one; see the file comment.
class CpioReader {
 public:
  /// Reads `archive`, which must outlive the reader and the entries it returns.
  explicit CpioReader(std::span<const std::byte> archive) noexcept : archive_(archive) {}

  /// The next entry, or an empty optional once the trailer has been read (and on every call
  /// after). After an error, returns that same error on every call without reading further.
  Result<std::optional<CpioEntry>, CpioError> next() noexcept;

  /// Where the next header is expected; after the trailer, the end of the trailer (its padding
  /// included, as far as the archive goes), which is where a following archive could start.
  std::size_t offset() const noexcept { return offset_; }
  /// How many entries next() has returned.
  std::size_t entries_read() const noexcept { return index_; }
  /// Whether the trailer has been read.
  bool at_end() const noexcept { return state_ == State::End; }
  /// The error next() reported, if it did.
  const std::optional<CpioError>& error() const noexcept { return error_; }

 private:
  enum class State : std::uint8_t { Reading, End, Failed };

  Result<std::optional<CpioEntry>, CpioError> read_entry() noexcept;

  std::span<const std::byte> archive_;
  std::size_t offset_ = 0;
  std::size_t index_ = 0;
  State state_ = State::Reading;
  std::optional<CpioError> error_;
};

/// Turns an archive name into a path relative to the root, written into `buffer`: leading "/"
/// and "./", empty and "." components and a trailing "/" are dropped, so "./a//b/" gives "a/b"
/// and ".", "./" or "/" give "" (the root itself). The result is never longer than `name`, so a
/// buffer of name.size() characters always suffices.
/// Errors: InvalidArgument for an empty name, one with a NUL byte, or one with a ".." component
/// (it would escape the root, or its meaning would depend on symlinks); NameTooLong when
/// `buffer` is too small.
Result<std::string_view> normalize_cpio_name(std::string_view name,
                                             std::span<char> buffer) noexcept;

/// Writes the message of `e` (see CpioError); control characters and bytes outside ASCII in the
/// name are escaped as \xNN, and a long name is cut short.
void format_cpio_error(OutputSink& sink, const CpioError& e) noexcept;

}  // namespace mos::vfs

namespace mos {

/// Prints a CpioError; see vfs::format_cpio_error().
template <>
struct Formatter<vfs::CpioError> {
  static void format(OutputSink& sink, const vfs::CpioError& e, const FormatSpec&) noexcept {
    vfs::format_cpio_error(sink, e);
  }
};

}  // namespace mos
