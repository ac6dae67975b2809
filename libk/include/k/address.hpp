#pragma once
/// Typed addresses: a physical address and a virtual address are different types, so that one is
/// never used as the other by accident. Both are plain 64-bit values with alignment helpers.

#include <k/format.hpp>

#include <compare>
#include <cstdint>

namespace mos {

/// Rounds `value` down to a multiple of `alignment` (a power of two).
constexpr std::uint64_t align_down(std::uint64_t value, std::uint64_t alignment) noexcept {
  return value & ~(alignment - 1);
}
/// Rounds `value` up to a multiple of `alignment` (a power of two). Wraps at 2^64 like unsigned
/// arithmetic; callers validating untrusted ranges check for that.
constexpr std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) noexcept {
  return (value + alignment - 1) & ~(alignment - 1);
}
/// Whether `value` is a multiple of `alignment` (a power of two).
constexpr bool is_aligned(std::uint64_t value, std::uint64_t alignment) noexcept {
  return (value & (alignment - 1)) == 0;
}

namespace detail {

/// The shared shape of PhysAddr and VirtAddr; Tag keeps them distinct types.
template <class Tag>
class Address {
 public:
  constexpr Address() noexcept = default;
  constexpr explicit Address(std::uint64_t value) noexcept : value_(value) {}

  constexpr std::uint64_t value() const noexcept { return value_; }

  constexpr Address align_down(std::uint64_t alignment) const noexcept {
    return Address(mos::align_down(value_, alignment));
  }
  constexpr Address align_up(std::uint64_t alignment) const noexcept {
    return Address(mos::align_up(value_, alignment));
  }
  constexpr bool is_aligned(std::uint64_t alignment) const noexcept {
    return mos::is_aligned(value_, alignment);
  }

  constexpr Address operator+(std::uint64_t offset) const noexcept {
    return Address(value_ + offset);
  }
  constexpr Address operator-(std::uint64_t offset) const noexcept {
    return Address(value_ - offset);
  }
  /// The distance between two addresses of the same kind.
  constexpr std::uint64_t operator-(Address other) const noexcept { return value_ - other.value_; }
  constexpr Address& operator+=(std::uint64_t offset) noexcept {
    value_ += offset;
    return *this;
  }
  constexpr Address& operator-=(std::uint64_t offset) noexcept {
    value_ -= offset;
    return *this;
  }
  constexpr auto operator<=>(const Address&) const noexcept = default;

 private:
  std::uint64_t value_ = 0;
};

struct PhysTag {};
struct VirtTag {};

}  // namespace detail

/// A physical memory address.
using PhysAddr = detail::Address<detail::PhysTag>;

/// A virtual memory address.
class VirtAddr : public detail::Address<detail::VirtTag> {
 public:
  using Address::Address;
  constexpr VirtAddr(Address a) noexcept : Address(a) {}  // NOLINT: results of arithmetic
  /// The address of an object.
  static VirtAddr of(const volatile void* p) noexcept {
    return VirtAddr(reinterpret_cast<std::uintptr_t>(p));
  }
  /// The address as a pointer.
  template <class T = void>
  T* as_ptr() const noexcept {
    return reinterpret_cast<T*>(static_cast<std::uintptr_t>(value()));
  }
};

/// Prints addresses as 0x-prefixed, 16-digit hex unless a spec says otherwise.
template <class Tag>
struct Formatter<detail::Address<Tag>> {
  static void format(OutputSink& sink, detail::Address<Tag> a, const FormatSpec& spec) noexcept {
    if (spec.type == 0 && spec.width == 0) {
      format_to(sink, "{:#018x}", a.value());
    } else {
      format_to(sink, "{:#x}", a.value());
    }
  }
};
template <>
struct Formatter<VirtAddr> : Formatter<detail::Address<detail::VirtTag>> {};

}  // namespace mos
