#pragma once
/// OpenFile: an open file description (what open(2) makes and descriptors share): the file's
/// path, the access mode and status flags, and the offset. What reading and writing do depends on
/// the file: a regular file or directory of a file system, a FIFO (a libipc pipe shared by every
/// opener of the node), or a device.

#include <vfs/path.hpp>
#include <vfs/permission.hpp>
#include <vfs/types.hpp>
#include <vfs/vnode.hpp>

#include <ipc/object.hpp>

#include <sched/mutex.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::vfs {

class Vfs;

/// See the file comment.
class OpenFile : public RefCounted {
 public:
  const Path& path() const noexcept { return path_; }
  Vnode& vnode() const noexcept { return path_.vnode(); }
  Vfs& vfs() const noexcept { return vfs_; }

  /// The access mode and status flags (open_flags), as F_GETFL reports them.
  std::uint32_t flags() const noexcept { return flags_.load(std::memory_order_relaxed); }
  /// F_SETFL: changes the flags in open_flags::kStatusChangeable, keeps the rest.
  void set_status_flags(std::uint32_t flags) noexcept;
  bool readable() const noexcept;
  bool writable() const noexcept;
  bool non_blocking() const noexcept { return (flags() & open_flags::kNonBlocking) != 0; }

  /// read(2) and write(2) at the file's offset, which they advance. Error::BadFileDescriptor
  /// without the access, Error::IsDirectory on a directory. A write by an unprivileged `writer`
  /// (the calling process's credentials, as Linux's file_remove_privs takes them) drops a
  /// regular file's setuid and setgid bits (mode_after_write); without a writer, the opener
  /// writes.
  virtual Result<std::size_t> read(std::span<std::byte> out) noexcept;
  virtual Result<std::size_t> write(std::span<const std::byte> data,
                                    const Credentials& writer) noexcept;
  Result<std::size_t> write(std::span<const std::byte> data) noexcept {
    return write(data, opener_.view());
  }
  /// pread(2) and pwrite(2): at `offset`, leaving the file's offset. Error::IllegalSeek on a
  /// FIFO, Error::InvalidArgument for a negative offset.
  virtual Result<std::size_t> read_at(std::int64_t offset, std::span<std::byte> out) noexcept;
  virtual Result<std::size_t> write_at(std::int64_t offset, std::span<const std::byte> data,
                                       const Credentials& writer) noexcept;
  Result<std::size_t> write_at(std::int64_t offset, std::span<const std::byte> data) noexcept {
    return write_at(offset, data, opener_.view());
  }
  /// lseek(2): the new offset. Error::InvalidArgument for a result below 0 or a bad whence,
  /// Error::IllegalSeek on a FIFO.
  virtual Result<std::int64_t> seek(std::int64_t offset, Whence whence) noexcept;
  /// getdents: entries from the offset on (which it advances) into `sink`.
  /// Error::NotDirectory for anything but a directory.
  virtual Result<void> read_directory(DirectorySink& sink) noexcept;
  /// What poll finds now.
  virtual ipc::PollEvents poll() noexcept;
  /// ioctl(2). Error::NotTerminal unless the file is a device that knows the request.
  virtual Result<std::int64_t> control(std::uint32_t request, std::uintptr_t argument) noexcept;
  /// The libipc object poll can wait on (a FIFO's pipe), or nullptr for files that are always
  /// ready.
  virtual ipc::IpcObject* poll_object() noexcept { return nullptr; }
  /// fsync(2).
  Result<void> sync() noexcept;

  /// The offset now.
  std::int64_t offset() const noexcept { return offset_; }

 protected:
  OpenFile(Vfs& vfs, Path path, std::uint32_t flags, const Credentials& opener) noexcept;

  // A regular file's read and write at an offset, shared by the forms above.
  Result<std::size_t> read_contents(std::uint64_t offset, std::span<std::byte> out) noexcept;
  Result<std::size_t> write_contents(std::uint64_t* offset, std::span<const std::byte> data,
                                     bool append, const Credentials& writer) noexcept;

  Vfs& vfs_;
  Path path_;
  KeptCredentials opener_;
  std::atomic<std::uint32_t> flags_;
  sched::Mutex offset_lock_;  // Makes a read or write and its offset update one step.
  std::int64_t offset_ = 0;
};

}  // namespace mos::vfs
