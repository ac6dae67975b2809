#pragma once
/// devfs: the /dev of a namespace. A tmpfs (mode 0755) mounted at /dev, holding a device node
/// for each device a driver registers through add_device, with Linux's names and numbers. It
/// starts with the memory devices and the console:
///
/// | node | number | reads | writes |
/// |---|---|---|---|
/// | /dev/null | 1:3 | end of file | swallowed |
/// | /dev/zero | 1:5 | zeros | swallowed |
/// | /dev/full | 1:7 | zeros | ENOSPC |
/// | /dev/random | 1:8 | the CSPRNG; waits until it is seeded (EAGAIN with O_NONBLOCK) | mixed in, uncredited |
/// | /dev/urandom | 1:9 | the CSPRNG, never waits | mixed in, uncredited |
/// | /dev/console | 5:1 | the platform console | the platform console |
///
/// The generator is libk's Csprng, seeded from the platform (RDSEED/RDRAND where present, and
/// timer jitter; k/random.hpp). Under QEMU's -icount without RDRAND the jitter is deterministic
/// and credits next to nothing, so /dev/random keeps waiting there (urandom serves at once).

#include <vfs/device.hpp>
#include <vfs/vfs.hpp>

#include <k/result.hpp>

#include <string_view>

namespace mos::vfs {

/// Makes a tmpfs at `path` (a directory made if missing) and the standard nodes in it. Root's
/// context; Error::NoMemory, or the VFS's errors.
Result<void> mount_devfs(Vfs& vfs, std::string_view path = "/dev") noexcept;

/// Registers `device` as `type` (CharDevice or BlockDevice) number `number` in the namespace's
/// registry and makes its node `path` (e.g. "/dev/vda") with `mode`'s permissions.
Result<void> add_device(Vfs& vfs, std::string_view path, FileType type, DeviceNumber number,
                        RefPtr<Device> device, Mode mode) noexcept;

/// The devices themselves, for images that want them elsewhere.
RefPtr<Device> make_null_device() noexcept;
RefPtr<Device> make_zero_device() noexcept;
RefPtr<Device> make_full_device() noexcept;
/// `blocking`: /dev/random's waiting until seeded; urandom otherwise.
RefPtr<Device> make_random_device(bool blocking) noexcept;
RefPtr<Device> make_console_device() noexcept;

}  // namespace mos::vfs
