#pragma once
/// MMIO fakes for host tests: FakeMmioRegion is a BAR's register space over a byte array (an
/// MSI-X table, say) with its accesses logged, and FakeMmioMapper hands out windows that tests
/// registered at physical addresses, as the kernel's mapper would map BARs.

#include <drv/mmio.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

namespace mos::testing {

/// See the file comment.
class FakeMmioRegion final : public drv::MmioWindow {
 public:
  /// One logged write.
  struct Write {
    std::uintptr_t offset;
    std::uint64_t value;
    int width;
  };

  explicit FakeMmioRegion(std::size_t size) : bytes_(size) {}

  std::uint64_t size() const noexcept override { return bytes_.size(); }
  std::uint8_t read8(std::uintptr_t o) noexcept override { return load<std::uint8_t>(o); }
  std::uint16_t read16(std::uintptr_t o) noexcept override { return load<std::uint16_t>(o); }
  std::uint32_t read32(std::uintptr_t o) noexcept override { return load<std::uint32_t>(o); }
  std::uint64_t read64(std::uintptr_t o) noexcept override { return load<std::uint64_t>(o); }
  void write8(std::uintptr_t o, std::uint8_t v) noexcept override { store(o, v); }
  void write16(std::uintptr_t o, std::uint16_t v) noexcept override { store(o, v); }
  void write32(std::uintptr_t o, std::uint32_t v) noexcept override { store(o, v); }
  void write64(std::uintptr_t o, std::uint64_t v) noexcept override { store(o, v); }

  /// Writes so far, in order.
  const std::vector<Write>& writes() const { return writes_; }
  /// Reads a value directly (no log).
  template <class T>
  T peek(std::uintptr_t o) const {
    T v;
    std::memcpy(&v, bytes_.data() + o, sizeof v);
    return v;
  }
  /// Sets a value directly (no log).
  template <class T>
  void poke(std::uintptr_t o, T v) {
    std::memcpy(bytes_.data() + o, &v, sizeof v);
  }

 private:
  template <class T>
  T load(std::uintptr_t o) noexcept {
    if (o + sizeof(T) > bytes_.size()) return static_cast<T>(~T{0});
    return peek<T>(o);
  }
  template <class T>
  void store(std::uintptr_t o, T v) noexcept {
    writes_.push_back({o, v, static_cast<int>(8 * sizeof(T))});
    if (o + sizeof(T) <= bytes_.size()) poke(o, v);
  }

  std::vector<std::byte> bytes_;
  std::vector<Write> writes_;
};

/// See the file comment.
class FakeMmioMapper final : public drv::MmioMapper {
 public:
  /// map(base, n) returns `window` for n up to its size.
  void add(PhysAddr base, drv::MmioWindow& window) { windows_[base.value()] = &window; }

  Result<drv::MmioWindow*> map(PhysAddr base, std::uint64_t size) noexcept override {
    ++maps_;
    auto it = windows_.find(base.value());
    if (it == windows_.end() || size > it->second->size()) return Error::InvalidArgument;
    return it->second;
  }
  /// How many map calls were made.
  int maps() const { return maps_; }

 private:
  std::map<std::uint64_t, drv::MmioWindow*> windows_;
  int maps_ = 0;
};

}  // namespace mos::testing
