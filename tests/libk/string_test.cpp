#include <k/string.hpp>

#include "random.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

}  // namespace

TEST_CASE("memory_copy and memory_set match libc at every alignment and length") {
  for (std::size_t src_off = 0; src_off < 9; ++src_off) {
    for (std::size_t dst_off = 0; dst_off < 9; ++dst_off) {
      for (std::size_t n : {0u, 1u, 7u, 8u, 15u, 16u, 17u, 63u, 64u, 65u, 100u, 127u, 200u}) {
        std::vector<unsigned char> src(256), ours(256, 0xee), theirs(256, 0xee);
        for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<unsigned char>(i * 7);
        mos::memory_copy(ours.data() + dst_off, src.data() + src_off, n);
        std::memcpy(theirs.data() + dst_off, src.data() + src_off, n);
        REQUIRE(ours == theirs);
        mos::memory_set(ours.data() + dst_off, 0x1a5, n);  // Only the low byte counts.
        std::memset(theirs.data() + dst_off, 0x1a5, n);
        REQUIRE(ours == theirs);
      }
    }
  }
}

TEST_CASE("memory_move handles every overlap like memmove") {
  auto gen = mos::test::make_bitgen(1);
  for (int round = 0; round < 2000; ++round) {
    std::vector<unsigned char> ours(96), theirs(96);
    for (std::size_t i = 0; i < ours.size(); ++i) ours[i] = theirs[i] = static_cast<unsigned char>(i);
    std::size_t n = absl::Uniform<std::size_t>(gen, 0, 48);
    std::size_t from = absl::Uniform<std::size_t>(gen, 0, 96 - n + 1);
    std::size_t to = absl::Uniform<std::size_t>(gen, 0, 96 - n + 1);
    mos::memory_move(ours.data() + to, ours.data() + from, n);
    std::memmove(theirs.data() + to, theirs.data() + from, n);
    REQUIRE(ours == theirs);
  }
}

TEST_CASE("comparisons and lengths agree with libc") {
  auto gen = mos::test::make_bitgen(2);
  for (int round = 0; round < 2000; ++round) {
    char a[24] = {}, b[24] = {};
    std::size_t la = absl::Uniform<std::size_t>(gen, 0, 23);
    std::size_t lb = absl::Uniform<std::size_t>(gen, 0, 23);
    // A small alphabet, including a byte above 127, so equal prefixes and sign issues occur.
    const char alphabet[] = {'a', 'b', '\xf0'};
    for (std::size_t i = 0; i < la; ++i) a[i] = alphabet[absl::Uniform(gen, 0, 3)];
    for (std::size_t i = 0; i < lb; ++i) b[i] = alphabet[absl::Uniform(gen, 0, 3)];
    std::size_t n = absl::Uniform<std::size_t>(gen, 0, 24);
    REQUIRE(mos::string_length(a) == std::strlen(a));
    REQUIRE(mos::string_length_bounded(a, n) == strnlen(a, n));
    REQUIRE(sign(mos::string_compare(a, b)) == sign(std::strcmp(a, b)));
    REQUIRE(sign(mos::string_compare_bounded(a, b, n)) == sign(std::strncmp(a, b, n)));
    REQUIRE(sign(mos::memory_compare(a, b, n)) == sign(std::memcmp(a, b, n)));
    REQUIRE(mos::memory_find(a, 'b', n) == std::memchr(a, 'b', n));
  }
}
