#include <vfs/device.hpp>

#include <new>

namespace mos::vfs {

Result<void> Device::open(std::uint32_t) noexcept { return {}; }
Result<std::size_t> Device::read(std::uint64_t, std::span<std::byte>, std::uint32_t) noexcept {
  return Error::InvalidArgument;
}
Result<std::size_t> Device::write(std::uint64_t, std::span<const std::byte>,
                                  std::uint32_t) noexcept {
  return Error::InvalidArgument;
}
Result<std::int64_t> Device::control(std::uint32_t, std::uintptr_t) noexcept {
  return Error::NotTerminal;
}
ipc::PollEvents Device::poll() noexcept {
  return ipc::PollEvents::Readable | ipc::PollEvents::Writable;
}
Result<std::int64_t> Device::seek(std::int64_t position, std::int64_t, Whence) noexcept {
  return position;
}

DeviceRegistry::~DeviceRegistry() {
  while (Entry* entry = entries_.pop_front()) delete entry;
}

Result<void> DeviceRegistry::add(FileType type, DeviceNumber number,
                                 RefPtr<Device> device) noexcept {
  if (type != FileType::CharDevice && type != FileType::BlockDevice) return Error::InvalidArgument;
  auto* entry = new (std::nothrow) Entry{{}, type, number, static_cast<RefPtr<Device>&&>(device)};
  if (entry == nullptr) return Error::NoMemory;
  {
    SpinLockGuard guard(lock_);
    bool taken = false;
    for (const Entry& e : entries_) taken = taken || (e.type == type && e.number == number);
    if (!taken) {
      entries_.push_back(*entry);
      return {};
    }
  }
  delete entry;  // Outside the lock: it may drop the last reference to the device.
  return Error::Exists;
}

Result<void> DeviceRegistry::remove(FileType type, DeviceNumber number) noexcept {
  Entry* found = nullptr;
  {
    SpinLockGuard guard(lock_);
    for (Entry& e : entries_) {
      if (e.type == type && e.number == number) {
        found = &e;
        break;
      }
    }
    if (found == nullptr) return Error::NoEntry;
    entries_.erase(*found);
  }
  delete found;
  return {};
}

Result<RefPtr<Device>> DeviceRegistry::find(FileType type, DeviceNumber number) const noexcept {
  SpinLockGuard guard(lock_);
  for (const Entry& e : entries_) {
    if (e.type == type && e.number == number) return e.device;
  }
  return Error::NoDeviceOrAddress;
}

}  // namespace mos::vfs
