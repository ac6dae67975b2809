// /dev/null, /dev/zero and /dev/full (Linux's drivers/char/mem.c).
#include <vfs/devfs.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::vfs {
namespace {

class MemoryDevice final : public Device {
 public:
  enum class Kind : std::uint8_t { Null, Zero, Full };
  explicit MemoryDevice(Kind kind) noexcept : kind_(kind) {}

  Result<std::size_t> read(std::uint64_t, std::span<std::byte> out, std::uint32_t) noexcept override {
    if (kind_ == Kind::Null) return std::size_t{0};
    memory_set(out.data(), 0, out.size());
    return out.size();
  }
  Result<std::size_t> write(std::uint64_t, std::span<const std::byte> data,
                            std::uint32_t) noexcept override {
    if (kind_ == Kind::Full) return Error::NoSpace;
    return data.size();
  }
  // These devices have no position: lseek leaves the offset at 0 whatever it is asked.
  Result<std::int64_t> seek(std::int64_t, std::int64_t, Whence) noexcept override {
    return std::int64_t{0};
  }

 private:
  Kind kind_;
};

RefPtr<Device> make(MemoryDevice::Kind kind) noexcept {
  auto* device = new (std::nothrow) MemoryDevice(kind);
  return device != nullptr ? RefPtr<Device>::adopt(device) : RefPtr<Device>();
}

}  // namespace

RefPtr<Device> make_null_device() noexcept { return make(MemoryDevice::Kind::Null); }
RefPtr<Device> make_zero_device() noexcept { return make(MemoryDevice::Kind::Zero); }
RefPtr<Device> make_full_device() noexcept { return make(MemoryDevice::Kind::Full); }

}  // namespace mos::vfs
