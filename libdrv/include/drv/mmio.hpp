#pragma once
/// Memory-mapped registers for drivers. MmioWindow is the small abstract interface drivers that
/// are compiled once (PCI MSI-X, virtio) use, so that host tests hand them a fake register model;
/// MappedRegisters is the machine's implementation (volatile accesses through a mapping) and also
/// satisfies platform::MmioRegion for drivers that take a provider as a template parameter.
/// MmioMapper maps a device's physical range (a PCI BAR) and hands out its window.

#include <k/address.hpp>
#include <k/platform/io.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::drv {

/// A window of device registers addressed by byte offset. Accesses are single loads and stores
/// of their width, little-endian as the devices we drive are.
class MmioWindow {
 public:
  /// Bytes the window covers; accesses must lie inside.
  virtual std::uint64_t size() const noexcept = 0;
  /// An 8-bit read at `offset`.
  virtual std::uint8_t read8(std::uintptr_t offset) noexcept = 0;
  /// A 16-bit read at `offset`.
  virtual std::uint16_t read16(std::uintptr_t offset) noexcept = 0;
  /// A 32-bit read at `offset`.
  virtual std::uint32_t read32(std::uintptr_t offset) noexcept = 0;
  /// A 64-bit read at `offset`.
  virtual std::uint64_t read64(std::uintptr_t offset) noexcept = 0;
  /// An 8-bit write at `offset`.
  virtual void write8(std::uintptr_t offset, std::uint8_t value) noexcept = 0;
  /// A 16-bit write at `offset`.
  virtual void write16(std::uintptr_t offset, std::uint16_t value) noexcept = 0;
  /// A 32-bit write at `offset`.
  virtual void write32(std::uintptr_t offset, std::uint32_t value) noexcept = 0;
  /// A 64-bit write at `offset`.
  virtual void write64(std::uintptr_t offset, std::uint64_t value) noexcept = 0;

 protected:
  ~MmioWindow() = default;
};

/// Registers reached through a virtual mapping: every access is a volatile load or store, so the
/// compiler neither merges, splits, reorders among themselves nor drops them.
class MappedRegisters final : public MmioWindow {
 public:
  /// The window [base, base + size) of an existing mapping (uncached for device memory).
  constexpr MappedRegisters(volatile std::byte* base, std::uint64_t size) noexcept
      : base_(base), size_(size) {}

  std::uint64_t size() const noexcept override { return size_; }
  std::uint8_t read8(std::uintptr_t offset) noexcept override { return load<std::uint8_t>(offset); }
  std::uint16_t read16(std::uintptr_t offset) noexcept override {
    return load<std::uint16_t>(offset);
  }
  std::uint32_t read32(std::uintptr_t offset) noexcept override {
    return load<std::uint32_t>(offset);
  }
  std::uint64_t read64(std::uintptr_t offset) noexcept override {
    return load<std::uint64_t>(offset);
  }
  void write8(std::uintptr_t offset, std::uint8_t v) noexcept override { store(offset, v); }
  void write16(std::uintptr_t offset, std::uint16_t v) noexcept override { store(offset, v); }
  void write32(std::uintptr_t offset, std::uint32_t v) noexcept override { store(offset, v); }
  void write64(std::uintptr_t offset, std::uint64_t v) noexcept override { store(offset, v); }

  /// The first register's address.
  volatile std::byte* base() const noexcept { return base_; }

 private:
  template <class T>
  T load(std::uintptr_t offset) const noexcept {
    return *reinterpret_cast<volatile const T*>(base_ + offset);
  }
  template <class T>
  void store(std::uintptr_t offset, T value) noexcept {
    *reinterpret_cast<volatile T*>(base_ + offset) = value;
  }

  volatile std::byte* base_;
  std::uint64_t size_;
};
static_assert(platform::MmioRegion<MappedRegisters>);

/// Maps device memory for drivers (PCI BARs). The windows it returns stay valid as long as the
/// mapper lives (on the machine: forever, kernel MMIO mappings are permanent).
class MmioMapper {
 public:
  /// The registers at physical [base, base + size). Error::InvalidArgument for an empty or
  /// wrapping range, Error::NoMemory when no mapping or window object can be made.
  virtual Result<MmioWindow*> map(PhysAddr base, std::uint64_t size) noexcept = 0;

 protected:
  ~MmioMapper() = default;
};

/// The machine's mapper: libmm's kernel MMIO window (mm::kernel_map_mmio, uncached) and a
/// MappedRegisters object from the kernel heap per mapping. Mapping one range twice maps it twice
/// (drivers map each BAR once).
class KernelMmioMapper final : public MmioMapper {
 public:
  Result<MmioWindow*> map(PhysAddr base, std::uint64_t size) noexcept override;
};

}  // namespace mos::drv
