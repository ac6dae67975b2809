#pragma once
/// DMA memory for host tests: zeroed, page-aligned host allocations whose "physical" address is
/// the host address plus a fixed offset, so a driver that hands a device a virtual address by
/// mistake is caught: fake devices reach memory only through translate(), which accepts ranges
/// inside live allocations and nothing else. Usable from several (libsched) threads.

#include <drv/dma.hpp>

#include <k/spin_lock.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>

namespace mos::testing {

/// See the file comment.
class FakeDmaMemory final : public drv::DmaMemory {
 public:
  /// What is added to a host address to make its "physical" one.
  static constexpr std::uint64_t kPhysOffset = 0x0000100000000000ull;

  ~FakeDmaMemory() {
    for (auto& [phys, a] : live_) std::free(a.virt);
  }

  Result<drv::DmaRegion> allocate(std::size_t bytes) noexcept override {
    if (bytes == 0) return Error::InvalidArgument;
    const std::size_t size = (bytes + 4095) & ~std::size_t{4095};
    void* p = std::aligned_alloc(4096, size);
    if (p == nullptr) return Error::NoMemory;
    std::memset(p, 0, size);
    drv::DmaRegion region{static_cast<std::byte*>(p),
                          PhysAddr(reinterpret_cast<std::uintptr_t>(p) + kPhysOffset), size};
    SpinLockGuard guard(lock_);
    live_[region.phys.value()] = region;
    ++allocations_;
    return region;
  }
  void free(const drv::DmaRegion& region) noexcept override {
    if (!region) return;
    {
      SpinLockGuard guard(lock_);
      live_.erase(region.phys.value());
    }
    std::free(region.virt);
  }

  /// The host pointer for the device range [phys, phys + length), or nullptr if it is not
  /// entirely inside one live allocation.
  std::byte* translate(std::uint64_t phys, std::uint64_t length) {
    SpinLockGuard guard(lock_);
    auto it = live_.upper_bound(phys);
    if (it == live_.begin()) return nullptr;
    --it;
    const drv::DmaRegion& r = it->second;
    if (phys + length < phys || phys + length > r.phys.value() + r.size) return nullptr;
    return r.virt + (phys - r.phys.value());
  }
  /// Allocations alive now (leak checks).
  std::size_t live() {
    SpinLockGuard guard(lock_);
    return live_.size();
  }
  /// Allocations ever made.
  std::size_t allocations() const { return allocations_; }

 private:
  SpinLock lock_;
  std::map<std::uint64_t, drv::DmaRegion> live_;
  std::size_t allocations_ = 0;
};

}  // namespace mos::testing
