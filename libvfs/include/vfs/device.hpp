#pragma once
/// Devices as files: a driver registers a Device under a device number (major, minor) and a
/// type (char or block); opening a device node of that number and type reaches it. Device nodes
/// live in any file system (mknod); devfs is where drivers put theirs.

#include <vfs/types.hpp>

#include <ipc/object.hpp>

#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::vfs {

class BlockDevice;

/// A device's file operations. `flags` are the open file's flags (O_NONBLOCK says whether an
/// operation may wait). The defaults refuse: Error::InvalidArgument for read and write,
/// Error::NotTerminal for control (ENOTTY, as for an ioctl a device does not know).
class Device : public RefCounted {
 public:
  /// Called on every open of a node of this device. Error::NoDeviceOrAddress and friends.
  virtual Result<void> open(std::uint32_t flags) noexcept;
  /// Called when an open file of the device goes (its last descriptor closed).
  virtual void close() noexcept {}
  virtual Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out,
                                   std::uint32_t flags) noexcept;
  virtual Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data,
                                    std::uint32_t flags) noexcept;
  /// ioctl: `request` and its argument, in the caller's address space as the caller gave it.
  virtual Result<std::int64_t> control(std::uint32_t request, std::uintptr_t argument) noexcept;
  /// What poll finds now (default: always readable and writable, like a regular file).
  virtual ipc::PollEvents poll() noexcept;
  /// lseek from `position` (the open file's offset): the new offset. The default leaves the
  /// offset as it is and returns it (Linux's noop_llseek, which most character devices use); a
  /// terminal says Error::IllegalSeek, a disk moves within its size.
  virtual Result<std::int64_t> seek(std::int64_t position, std::int64_t offset,
                                    Whence whence) noexcept;
  /// Whether reads and writes advance the open file's offset (a disk: yes; a terminal: no).
  virtual bool advances_offset() const noexcept { return false; }
  /// The disk behind a block-device file (what `mount /dev/vda` mounts); nullptr for others.
  virtual BlockDevice* block_device() noexcept { return nullptr; }
};

/// The devices registered by type and number. Synchronised.
class DeviceRegistry {
 public:
  DeviceRegistry() noexcept = default;
  DeviceRegistry(const DeviceRegistry&) = delete;
  DeviceRegistry& operator=(const DeviceRegistry&) = delete;
  ~DeviceRegistry();

  /// Registers `device`. Error::Exists if the number is taken for that type,
  /// Error::InvalidArgument for a type other than CharDevice or BlockDevice, Error::NoMemory.
  Result<void> add(FileType type, DeviceNumber number, RefPtr<Device> device) noexcept;
  /// Removes a registration. Error::NoEntry.
  Result<void> remove(FileType type, DeviceNumber number) noexcept;
  /// The device, or Error::NoDeviceOrAddress (ENXIO: no driver for the node, as Linux says).
  Result<RefPtr<Device>> find(FileType type, DeviceNumber number) const noexcept;

 private:
  struct Entry {
    ListNode node;
    FileType type;
    DeviceNumber number;
    RefPtr<Device> device;
  };
  mutable SpinLock lock_;
  IntrusiveList<Entry, &Entry::node> entries_;
};

}  // namespace mos::vfs
