// /dev/console: the platform console, raw (no line discipline: libdrv's tty adds one).
#include <vfs/devfs.hpp>

#include <k/platform/console.hpp>

#include <new>
#include <string_view>

namespace mos::vfs {
namespace {

class ConsoleDevice final : public Device {
 public:
  Result<std::size_t> read(std::uint64_t, std::span<std::byte> out, std::uint32_t) noexcept override {
    if (out.empty()) return std::size_t{0};
    return platform::console_read(std::span(reinterpret_cast<char*>(out.data()), out.size()));
  }
  Result<std::size_t> write(std::uint64_t, std::span<const std::byte> data, std::uint32_t) noexcept override {
    platform::console_write(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    return data.size();
  }
  Result<std::int64_t> seek(std::int64_t, std::int64_t, Whence) noexcept override {
    return Error::IllegalSeek;  // A terminal has no position.
  }
};

}  // namespace

RefPtr<Device> make_console_device() noexcept {
  auto* device = new (std::nothrow) ConsoleDevice;
  return device != nullptr ? RefPtr<Device>::adopt(device) : RefPtr<Device>();
}

}  // namespace mos::vfs
