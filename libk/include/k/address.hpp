#pragma once
/// Typed addresses: a physical address and a virtual address are different types, so that one is
/// never used as the other by accident. Both are plain 64-bit values with alignment helpers.

#include <k/format.hpp>

#include <compare>
#include <cstdint>
#include <type_traits>

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

/// The shared shape of PhysAddr and VirtAddr. Derived is the address type itself, so that
/// arithmetic on a VirtAddr yields a VirtAddr and the two kinds never mix.
template <class Derived>
class Address {
 public:
  constexpr Address() noexcept = default;
  constexpr explicit Address(std::uint64_t value) noexcept : value_(value) {}

  constexpr std::uint64_t value() const noexcept { return value_; }

  constexpr Derived align_down(std::uint64_t alignment) const noexcept {
    return Derived(mos::align_down(value_, alignment));
  }
  constexpr Derived align_up(std::uint64_t alignment) const noexcept {
    return Derived(mos::align_up(value_, alignment));
  }
  constexpr bool is_aligned(std::uint64_t alignment) const noexcept {
    return mos::is_aligned(value_, alignment);
  }

  constexpr Derived operator+(std::uint64_t offset) const noexcept {
    return Derived(value_ + offset);
  }
  constexpr Derived operator-(std::uint64_t offset) const noexcept {
    return Derived(value_ - offset);
  }
  /// The distance between two addresses of the same kind.
  constexpr std::uint64_t operator-(Derived other) const noexcept {
    return value_ - other.value();
  }
  constexpr Derived& operator+=(std::uint64_t offset) noexcept {
    value_ += offset;
    return static_cast<Derived&>(*this);
  }
  constexpr Derived& operator-=(std::uint64_t offset) noexcept {
    value_ -= offset;
    return static_cast<Derived&>(*this);
  }
  friend constexpr bool operator==(Derived a, Derived b) noexcept {
    return a.value() == b.value();
  }
  friend constexpr auto operator<=>(Derived a, Derived b) noexcept {
    return a.value() <=> b.value();
  }

 private:
  std::uint64_t value_ = 0;
};

}  // namespace detail

/// A physical memory address.
class PhysAddr : public detail::Address<PhysAddr> {
 public:
  using Address::Address;
};

/// A virtual memory address.
class VirtAddr : public detail::Address<VirtAddr> {
 public:
  using Address::Address;
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

/// Prints addresses as 0x-prefixed, 16-digit hex.
template <class A>
  requires(std::is_same_v<A, PhysAddr> || std::is_same_v<A, VirtAddr>)
struct Formatter<A> {
  static void format(OutputSink& sink, A a, const FormatSpec&) noexcept {
    format_to(sink, "{:#018x}", a.value());
  }
};

}  // namespace mos
