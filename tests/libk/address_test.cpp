#include <k/address.hpp>

#include "random.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <type_traits>

namespace {

using mos::PhysAddr;
using mos::VirtAddr;

// Physical and virtual addresses never convert into each other, nor silently from integers.
static_assert(!std::is_convertible_v<PhysAddr, VirtAddr>);
static_assert(!std::is_convertible_v<VirtAddr, PhysAddr>);
static_assert(!std::is_constructible_v<PhysAddr, VirtAddr>);
static_assert(!std::is_constructible_v<VirtAddr, PhysAddr>);
static_assert(!std::is_convertible_v<std::uint64_t, PhysAddr>);
static_assert(!std::is_convertible_v<std::uint64_t, VirtAddr>);
static_assert(sizeof(PhysAddr) == 8 && sizeof(VirtAddr) == 8);
static_assert(std::is_trivially_copyable_v<PhysAddr> && std::is_trivially_copyable_v<VirtAddr>);

// Everything is usable at compile time.
static_assert(mos::align_up(0x1001, 0x1000) == 0x2000);
static_assert(PhysAddr(0x1234).align_down(0x1000) == PhysAddr(0x1000));
static_assert((VirtAddr(0x2000) - VirtAddr(0x1000)) == 0x1000);

constexpr std::uint64_t kMax = ~std::uint64_t{0};

}  // namespace

TEST_CASE("align_down, align_up and is_aligned on edge values") {
  struct Case {
    std::uint64_t value, alignment, down, up;
    bool aligned;
  };
  const Case cases[] = {
      {0, 1, 0, 0, true},
      {0, 4096, 0, 0, true},
      {1, 1, 1, 1, true},
      {1, 4096, 0, 4096, false},
      {4095, 4096, 0, 4096, false},
      {4096, 4096, 4096, 4096, true},
      {4097, 4096, 4096, 8192, false},
      {0x1234'5678, 0x10, 0x1234'5670, 0x1234'5680, false},
      {0x20'0000, 0x20'0000, 0x20'0000, 0x20'0000, true},
      {0x20'0001, 0x20'0000, 0x20'0000, 0x40'0000, false},
      {kMax, 1, kMax, kMax, true},
      {kMax, 2, kMax - 1, 0, false},  // Rounding up wraps at 2^64, as documented.
      {kMax - 4095, 4096, kMax - 4095, kMax - 4095, true},
      {kMax - 4096, 4096, kMax - 8191, kMax - 4095, false},
      {std::uint64_t{1} << 63, std::uint64_t{1} << 63, std::uint64_t{1} << 63,
       std::uint64_t{1} << 63, true},
      {3, std::uint64_t{1} << 63, 0, std::uint64_t{1} << 63, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CAPTURE(c.alignment);
    CHECK(mos::align_down(c.value, c.alignment) == c.down);
    CHECK(mos::align_up(c.value, c.alignment) == c.up);
    CHECK(mos::is_aligned(c.value, c.alignment) == c.aligned);
    PhysAddr p(c.value);
    CHECK(p.align_down(c.alignment).value() == c.down);
    CHECK(p.align_up(c.alignment).value() == c.up);
    CHECK(p.is_aligned(c.alignment) == c.aligned);
    VirtAddr v(c.value);
    CHECK(v.align_down(c.alignment).value() == c.down);
    CHECK(v.align_up(c.alignment).value() == c.up);
    CHECK(v.is_aligned(c.alignment) == c.aligned);
  }
}

TEST_CASE("alignment helpers agree with division on random values") {
  auto gen = mos::test::make_bitgen(0xadd7);
  for (int round = 0; round < 5000; ++round) {
    std::uint64_t value = absl::Uniform<std::uint64_t>(gen, 0, kMax / 2);
    std::uint64_t alignment = std::uint64_t{1} << absl::Uniform(gen, 0, 40);
    CAPTURE(value);
    CAPTURE(alignment);
    std::uint64_t down = value / alignment * alignment;
    REQUIRE(mos::align_down(value, alignment) == down);
    REQUIRE(mos::align_up(value, alignment) == (down == value ? value : down + alignment));
    REQUIRE(mos::is_aligned(value, alignment) == (value % alignment == 0));
  }
}

TEST_CASE("address arithmetic moves by byte offsets and measures distances") {
  PhysAddr p(0x10'0000);
  CHECK((p + 0x1000).value() == 0x10'1000);
  CHECK((p - 0x1000).value() == 0xf'f000);
  CHECK((p + 0x1000) - p == 0x1000);
  p += 0x20;
  CHECK(p.value() == 0x10'0020);
  p -= 0x10;
  CHECK(p.value() == 0x10'0010);
  CHECK((PhysAddr(0) - 1).value() == kMax);  // Unsigned wrap, like the integers underneath.

  VirtAddr v(0xffff'8000'0000'0000);
  VirtAddr w = v + 0x2000;
  // Arithmetic on a virtual address yields a virtual address, never a physical one.
  static_assert(std::is_convertible_v<decltype(v + 1), VirtAddr>);
  static_assert(!std::is_convertible_v<decltype(v + 1), PhysAddr>);
  static_assert(std::is_same_v<decltype(p + 1), PhysAddr>);
  CHECK(w.value() == 0xffff'8000'0000'2000);
  CHECK(w - v == 0x2000);
  w -= 0x1000;
  CHECK(w.value() == 0xffff'8000'0000'1000);
  w += 0x10;
  CHECK(w.value() == 0xffff'8000'0000'1010);
  CHECK(PhysAddr().value() == 0);
  CHECK(VirtAddr().value() == 0);
}

TEST_CASE("addresses compare by value") {
  struct Case {
    std::uint64_t a, b;
  };
  const Case cases[] = {{0, 0}, {0, 1}, {1, 0}, {0x1000, 0x2000}, {kMax, 0}, {kMax, kMax}};
  for (const Case& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    PhysAddr pa(c.a), pb(c.b);
    CHECK((pa == pb) == (c.a == c.b));
    CHECK((pa != pb) == (c.a != c.b));
    CHECK((pa < pb) == (c.a < c.b));
    CHECK((pa <= pb) == (c.a <= c.b));
    CHECK((pa > pb) == (c.a > c.b));
    CHECK((pa >= pb) == (c.a >= c.b));
    CHECK(((pa <=> pb) == (c.a <=> c.b)));
    VirtAddr va(c.a), vb(c.b);
    CHECK((va == vb) == (c.a == c.b));
    CHECK((va < vb) == (c.a < c.b));
    CHECK((va >= vb) == (c.a >= c.b));
  }
}

TEST_CASE("VirtAddr converts to and from pointers") {
  int object = 0;
  VirtAddr v = VirtAddr::of(&object);
  CHECK(v.value() == reinterpret_cast<std::uintptr_t>(&object));
  CHECK(v.as_ptr<int>() == &object);
  *v.as_ptr<int>() = 42;
  CHECK(object == 42);
  CHECK(v.as_ptr() == static_cast<void*>(&object));
  int array[4] = {};
  CHECK(VirtAddr(VirtAddr::of(&array[0]) + sizeof(int)).as_ptr<int>() == &array[1]);
  CHECK(VirtAddr::of(&array[3]) - VirtAddr::of(&array[1]) == 2 * sizeof(int));
  CHECK(VirtAddr::of(&array[0]).is_aligned(alignof(int)));
}
