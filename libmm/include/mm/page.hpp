#pragma once
/// Page and frame sizes, and the physical range type shared by libmm.

#include <k/address.hpp>
#include <k/format.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::mm {

inline constexpr std::size_t kPageShift = 12;
/// The size of a base page and of a physical frame.
inline constexpr std::size_t kPageSize = std::size_t{1} << kPageShift;

/// The page sizes of x86-64 paging. [intel-sdm vol3] 4.5
enum class PageSize : std::uint8_t { Size4K, Size2M, Size1G };

/// Bytes in a page of `size`.
constexpr std::uint64_t page_bytes(PageSize size) noexcept {
  switch (size) {
    case PageSize::Size4K: return 4096;
    case PageSize::Size2M: return 2ULL << 20;
    case PageSize::Size1G: return 1ULL << 30;
  }
  return 4096;
}

/// A half-open range of physical addresses [start, end).
struct PhysRange {
  PhysAddr start;
  PhysAddr end;

  constexpr std::uint64_t size() const noexcept { return end - start; }
  constexpr bool empty() const noexcept { return end <= start; }
  constexpr bool contains(PhysAddr a) const noexcept { return a >= start && a < end; }
  constexpr bool overlaps(PhysRange other) const noexcept {
    return start < other.end && other.start < end;
  }
};

/// How physical memory is reached from the kernel: every physical address p is readable at
/// virtual address p + offset (the kernel's direct map; in host tests, simulated RAM).
class PhysMap {
 public:
  constexpr PhysMap() noexcept = default;
  constexpr explicit PhysMap(std::uintptr_t offset) noexcept : offset_(offset) {}

  /// The virtual address of physical address `p`.
  VirtAddr to_virt(PhysAddr p) const noexcept { return VirtAddr(p.value() + offset_); }
  /// A pointer to the object of type T at physical address `p`.
  template <class T>
  T* at(PhysAddr p) const noexcept {
    return to_virt(p).as_ptr<T>();
  }
  /// The physical address of virtual address `v`, which must lie in the map.
  PhysAddr to_phys(VirtAddr v) const noexcept { return PhysAddr(v.value() - offset_); }
  std::uintptr_t offset() const noexcept { return offset_; }

 private:
  std::uintptr_t offset_ = 0;
};

}  // namespace mos::mm

template <>
struct mos::Formatter<mos::mm::PhysRange> {
  static void format(OutputSink& sink, const mos::mm::PhysRange& r, const FormatSpec&) noexcept {
    format_to(sink, "[{} - {})", r.start, r.end);
  }
};
