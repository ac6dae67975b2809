// Open device nodes: every operation goes to the registered Device.
#include "files.hpp"

#include <new>

namespace mos::vfs {
namespace {

class DeviceFile final : public OpenFile {
 public:
  using OpenFile::write;
  using OpenFile::write_at;
  DeviceFile(Vfs& vfs, Path path, std::uint32_t flags, const Credentials& opener,
             RefPtr<Device> device) noexcept
      : OpenFile(vfs, static_cast<Path&&>(path), flags, opener),
        device_(static_cast<RefPtr<Device>&&>(device)) {}
  ~DeviceFile() override { device_->close(); }

  Result<std::size_t> read(std::span<std::byte> out) noexcept override {
    if (!readable()) return Error::BadFileDescriptor;
    sched::MutexGuard guard(offset_lock_);
    const std::size_t n =
        MOS_TRY(device_->read(static_cast<std::uint64_t>(offset_), out, flags()));
    if (device_->advances_offset()) offset_ += static_cast<std::int64_t>(n);
    return n;
  }
  Result<std::size_t> write(std::span<const std::byte> data, const Credentials&) noexcept override {
    if (!writable()) return Error::BadFileDescriptor;
    sched::MutexGuard guard(offset_lock_);
    const std::size_t n =
        MOS_TRY(device_->write(static_cast<std::uint64_t>(offset_), data, flags()));
    if (device_->advances_offset()) offset_ += static_cast<std::int64_t>(n);
    return n;
  }
  Result<std::size_t> read_at(std::int64_t offset, std::span<std::byte> out) noexcept override {
    if (!readable()) return Error::BadFileDescriptor;
    if (offset < 0) return Error::InvalidArgument;
    return device_->read(static_cast<std::uint64_t>(offset), out, flags());
  }
  Result<std::size_t> write_at(std::int64_t offset, std::span<const std::byte> data,
                                       const Credentials&) noexcept override {
    if (!writable()) return Error::BadFileDescriptor;
    if (offset < 0) return Error::InvalidArgument;
    return device_->write(static_cast<std::uint64_t>(offset), data, flags());
  }
  Result<std::int64_t> seek(std::int64_t offset, Whence whence) noexcept override {
    if (!valid_whence(whence)) return Error::InvalidArgument;
    sched::MutexGuard guard(offset_lock_);
    offset_ = MOS_TRY(device_->seek(offset_, offset, whence));
    return offset_;
  }
  Result<void> read_directory(DirectorySink&) noexcept override { return Error::NotDirectory; }
  ipc::PollEvents poll() noexcept override { return device_->poll(); }
  Result<std::int64_t> control(std::uint32_t request, std::uintptr_t argument) noexcept override {
    return device_->control(request, argument);
  }

 private:
  RefPtr<Device> device_;
};

}  // namespace

Result<RefPtr<OpenFile>> open_device(Vfs& vfs, Path path, std::uint32_t flags,
                                     const Credentials& opener, RefPtr<Device> device) noexcept {
  MOS_TRY(device->open(flags));
  auto* file = new (std::nothrow) DeviceFile(vfs, static_cast<Path&&>(path), flags, opener, device);
  if (file == nullptr) {
    device->close();
    return Error::NoMemory;
  }
  return RefPtr<OpenFile>::adopt(file);
}

}  // namespace mos::vfs
