#pragma once
// The kinds of open file besides the plain one (a regular file or directory of a file system,
// which OpenFile itself is): FIFOs and devices. Made by Vfs::open.

#include <vfs/device.hpp>
#include <vfs/open_file.hpp>

#include <ipc/object.hpp>

namespace mos::vfs {

/// An open regular file or directory: OpenFile's own behaviour.
class PlainFile final : public OpenFile {
 public:
  PlainFile(Vfs& vfs, Path path, std::uint32_t flags, const Credentials& opener) noexcept
      : OpenFile(vfs, static_cast<Path&&>(path), flags, opener) {}
};

/// Opens the FIFO at `path`, waiting for the other end as POSIX says (see fifo.hpp). Outside
/// the namespace lock. Error::NoDeviceOrAddress for a non-blocking writer with no reader.
Result<RefPtr<OpenFile>> open_fifo(Vfs& vfs, Path path, std::uint32_t flags,
                                   const Credentials& opener) noexcept;

/// Opens `device` through the node at `path` (Device::open decides).
Result<RefPtr<OpenFile>> open_device(Vfs& vfs, Path path, std::uint32_t flags,
                                     const Credentials& opener, RefPtr<Device> device) noexcept;

}  // namespace mos::vfs
