#include <k/bitmap.hpp>

#include "child_process.hpp"
#include "random.hpp"

#include <absl/container/btree_set.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using mos::Bitmap;

constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
// What the storage bits beyond size() hold in these tests; the bitmap must neither report nor
// change them.
constexpr std::uint64_t kJunk = 0xa5a5'5a5a'f00f'0ff0;

// Storage for a bitmap of `bits` bits plus one guard word, with the bits past the end of the
// bitmap (in its last word and the guard) filled with kJunk.
struct Storage {
  explicit Storage(std::size_t bits, bool set = false)
      : words(Bitmap::words_for(bits) + 1, set ? kAllOnes : 0), size(bits) {
    std::size_t tail = bits % 64;
    if (tail != 0) {
      std::uint64_t low = (std::uint64_t{1} << tail) - 1;
      words[bits / 64] = (words[bits / 64] & low) | (kJunk & ~low);
    }
    words.back() = kJunk;
  }
  Bitmap bitmap() { return Bitmap(std::span(words).first(words.size() - 1), size); }
  // Whether every bit outside the bitmap still holds kJunk.
  bool junk_intact() const {
    std::size_t tail = size % 64;
    if (tail != 0) {
      std::uint64_t low = (std::uint64_t{1} << tail) - 1;
      if ((words[size / 64] & ~low) != (kJunk & ~low)) return false;
    }
    return words.back() == kJunk;
  }

  std::vector<std::uint64_t> words;
  std::size_t size;
};

std::vector<std::size_t> set_bits(const Bitmap& bitmap) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < bitmap.size(); ++i) {
    if (bitmap.test(i)) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> iota(std::size_t first, std::size_t count) {
  std::vector<std::size_t> out;
  for (std::size_t i = first; i < first + count; ++i) out.push_back(i);
  return out;
}

// The reference answers, computed from the set of set bits by brute force.
struct Model {
  absl::btree_set<std::size_t> set;
  std::size_t size = 0;

  std::optional<std::size_t> first_set(std::size_t from) const {
    auto it = set.lower_bound(from);
    if (it == set.end()) return std::nullopt;
    return *it;
  }
  std::optional<std::size_t> first_clear(std::size_t from) const {
    for (std::size_t i = from; i < size; ++i) {
      if (!set.contains(i)) return i;
    }
    return std::nullopt;
  }
  std::optional<std::size_t> clear_run(std::size_t length, std::size_t alignment,
                                       std::size_t from) const {
    for (std::size_t start = (from + alignment - 1) / alignment * alignment; start + length <= size;
         start += alignment) {
      auto it = set.lower_bound(start);
      if (it == set.end() || *it >= start + length) return start;
    }
    return std::nullopt;
  }
};

constexpr bool constant_evaluated_bitmap_works() {
  std::uint64_t words[3] = {};
  Bitmap bitmap(words, 150);
  bitmap.set_range(0, 70);
  bitmap.set(100);
  return bitmap.count_set() == 71 && bitmap.find_first_clear() == 70 &&
         bitmap.find_first_set(71) == 100 && bitmap.find_clear_run(8, 64) == 128 &&
         !bitmap.find_clear_run(50, 1, 101).has_value() &&
         words[1] == (((std::uint64_t{1} << 6) - 1) | std::uint64_t{1} << 36);
}
static_assert(constant_evaluated_bitmap_works());

}  // namespace

TEST_CASE("words_for rounds up to whole words") {
  static_assert(Bitmap::words_for(0) == 0);
  CHECK(Bitmap::words_for(1) == 1);
  CHECK(Bitmap::words_for(63) == 1);
  CHECK(Bitmap::words_for(64) == 1);
  CHECK(Bitmap::words_for(65) == 2);
  CHECK(Bitmap::words_for(128) == 2);
  CHECK(Bitmap::words_for(129) == 3);
}

TEST_CASE("an empty bitmap has no bits and finds nothing") {
  Bitmap empty;
  CHECK(empty.size() == 0);
  CHECK(empty.count_set() == 0);
  CHECK_FALSE(empty.find_first_set().has_value());
  CHECK_FALSE(empty.find_first_clear().has_value());
  CHECK_FALSE(empty.find_clear_run(1).has_value());
}

TEST_CASE("set, clear and test address single bits in the documented word layout") {
  Storage storage(130);
  Bitmap bitmap = storage.bitmap();
  CHECK(bitmap.size() == 130);
  CHECK(bitmap.words().size() == 3);
  for (std::size_t i : {0u, 1u, 63u, 64u, 127u, 128u, 129u}) {
    CAPTURE(i);
    CHECK_FALSE(bitmap.test(i));
    bitmap.set(i);
    CHECK(bitmap.test(i));
    CHECK((storage.words[i / 64] >> (i % 64) & 1) == 1);
    bitmap.set(i);  // Setting twice is harmless.
    CHECK(bitmap.count_set() == 1);
    bitmap.clear(i);
    CHECK_FALSE(bitmap.test(i));
    CHECK(bitmap.count_set() == 0);
  }
  bitmap.set(5);
  bitmap.set(70);
  CHECK(storage.words[0] == std::uint64_t{1} << 5);
  CHECK(storage.words[1] == std::uint64_t{1} << 6);
  CHECK(storage.junk_intact());
}

TEST_CASE("set_range and clear_range touch exactly their bits") {
  struct Case {
    std::size_t first, count;
  };
  const Case cases[] = {{0, 0},   {5, 0},   {192, 0}, {0, 1},   {63, 1},   {63, 2},
                        {64, 1},  {0, 64},  {64, 64}, {1, 62},  {10, 100}, {1, 190},
                        {0, 192}, {191, 1}, {60, 8},  {0, 129}, {127, 65}};
  for (const Case& c : cases) {
    CAPTURE(c.first);
    CAPTURE(c.count);
    for (std::size_t size : {192u, 200u}) {
      CAPTURE(size);
      Storage clear_storage(size, false);
      Bitmap from_clear = clear_storage.bitmap();
      from_clear.set_range(c.first, c.count);
      CHECK(set_bits(from_clear) == iota(c.first, c.count));
      CHECK(from_clear.count_set() == c.count);
      CHECK(clear_storage.junk_intact());

      Storage set_storage(size, true);
      Bitmap from_set = set_storage.bitmap();
      from_set.clear_range(c.first, c.count);
      CHECK(from_set.count_set() == size - c.count);
      for (std::size_t i = 0; i < size; ++i) {
        if (from_set.test(i) != (i < c.first || i >= c.first + c.count)) {
          FAIL_CHECK("bit ", i, " is wrong after clear_range");
        }
      }
      CHECK(set_storage.junk_intact());
    }
  }
}

TEST_CASE("count_set ignores storage bits past the end") {
  for (std::size_t size : {1u, 63u, 64u, 65u, 100u, 128u}) {
    CAPTURE(size);
    Storage storage(size, true);
    CHECK(storage.bitmap().count_set() == size);
    Storage cleared(size, false);
    CHECK(cleared.bitmap().count_set() == 0);
  }
}

TEST_CASE("find_first_set and find_first_clear search from a start index") {
  // Set bits: 3, 64..127, 130. Size 140, so junk bits sit at 140..191.
  Storage storage(140);
  Bitmap bitmap = storage.bitmap();
  bitmap.set(3);
  bitmap.set_range(64, 64);
  bitmap.set(130);
  struct Case {
    std::size_t from;
    std::optional<std::size_t> set, clear;
  };
  const Case cases[] = {
      {0, 3, 0},
      {3, 3, 4},
      {4, 64, 4},
      {63, 64, 63},
      {64, 64, 128},
      {100, 100, 128},
      {127, 127, 128},
      {128, 130, 128},
      {131, std::nullopt, 131},
      {139, std::nullopt, 139},
      {140, std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.from);
    CHECK(bitmap.find_first_set(c.from) == c.set);
    CHECK(bitmap.find_first_clear(c.from) == c.clear);
  }
  SUBCASE("a full bitmap has no clear bit even with clear junk past its end") {
    Storage full(130, true);
    full.words[2] &= 0b11;  // Bits 130.. of the last word clear: they must not answer.
    CHECK_FALSE(full.bitmap().find_first_clear().has_value());
    CHECK(full.bitmap().find_first_set(129) == 129);
  }
  SUBCASE("an empty bitmap has no set bit even with set junk past its end") {
    Storage none(130, false);
    none.words[2] |= ~std::uint64_t{0b11};
    CHECK_FALSE(none.bitmap().find_first_set().has_value());
  }
}

TEST_CASE("find_clear_run finds the lowest aligned run of clear bits") {
  // 256 bits: 0..9 set, 20 set, 64..191 set except 100..103, 250 set.
  Storage storage(256);
  Bitmap bitmap = storage.bitmap();
  bitmap.set_range(0, 10);
  bitmap.set(20);
  bitmap.set_range(64, 128);
  bitmap.clear_range(100, 4);
  bitmap.set(250);
  struct Case {
    const char* name;
    std::size_t length, alignment, from;
    std::optional<std::size_t> expected;
  };
  const Case cases[] = {
      {"a single bit", 1, 1, 0, 10},
      {"fits before the lone set bit", 10, 1, 0, 10},
      {"too long for the first gap", 11, 1, 0, 21},
      {"ends exactly at a full word", 43, 1, 0, 21},
      {"longer than any gap below 64", 44, 1, 0, 192},
      {"aligned to 8", 4, 8, 0, 16},
      {"aligned to 16 past the lone bit", 5, 16, 0, 32},
      {"aligned to 64", 1, 64, 0, 192},
      {"inside a full region", 4, 1, 64, 100},
      {"inside a full region, aligned", 4, 4, 64, 100},
      {"inside a full region, misaligned", 4, 8, 64, 192},
      {"from an unaligned start", 2, 4, 13, 16},
      {"from inside a clear run, unaligned", 2, 1, 13, 13},
      {"up to the last bit", 5, 1, 251, 251},
      {"past the end", 6, 1, 251, std::nullopt},
      {"the whole tail", 58, 1, 192, 192},
      {"just too long for the tail", 59, 1, 192, std::nullopt},
      {"alignment larger than the bitmap", 1, 512, 0, std::nullopt},
      {"longer than the bitmap", 257, 1, 0, std::nullopt},
      {"from the end", 1, 1, 256, std::nullopt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(bitmap.find_clear_run(c.length, c.alignment, c.from) == c.expected);
  }
  SUBCASE("a huge alignment does not wrap the index") {
    std::size_t huge = std::size_t{1} << 63;
    CHECK_FALSE(bitmap.find_clear_run(1, huge, 11).has_value());
    Storage clear(64);
    CHECK(clear.bitmap().find_clear_run(1, huge) == 0);
    CHECK(clear.bitmap().find_clear_run(64, huge) == 0);
  }
}

TEST_CASE("find_clear_run crosses many full words in a large bitmap") {
  // A frame allocator's worst case: everything taken except a run near the end.
  constexpr std::size_t kBits = std::size_t{1} << 22;
  Storage storage(kBits, true);
  Bitmap bitmap = storage.bitmap();
  bitmap.clear_range(kBits - 5000, 1000);
  bitmap.clear_range(kBits - 3000, 2048);
  CHECK(bitmap.find_clear_run(1000) == kBits - 5000);
  CHECK(bitmap.find_clear_run(1001) == kBits - 3000);
  CHECK(bitmap.find_clear_run(1024, 1024) == kBits - 3000 + 1024 - (kBits - 3000) % 1024);
  CHECK_FALSE(bitmap.find_clear_run(2049).has_value());
  CHECK(bitmap.count_set() == kBits - 3048);
}

TEST_CASE("a random sequence of operations matches a btree_set of set bits, step by step") {
  auto gen = mos::test::make_bitgen(0xb17a9);
  for (std::size_t size : {1u, 2u, 63u, 64u, 65u, 127u, 128u, 129u, 200u, 333u, 640u, 1000u}) {
    CAPTURE(size);
    Storage storage(size, absl::Bernoulli(gen, 0.5));
    Bitmap bitmap = storage.bitmap();
    Model model;
    model.size = size;
    for (std::size_t i = 0; i < size; ++i) {
      if (bitmap.test(i)) model.set.insert(i);
    }
    for (int step = 0; step < 2000; ++step) {
      CAPTURE(step);
      std::size_t index = absl::Uniform<std::size_t>(gen, 0, size);
      // Ranges are often short, so that runs of every length appear.
      std::size_t first = absl::Uniform<std::size_t>(gen, 0, size + 1);
      std::size_t count =
          absl::Bernoulli(gen, 0.7)
              ? absl::Uniform<std::size_t>(gen, 0, std::min<std::size_t>(size - first, 16) + 1)
              : absl::Uniform<std::size_t>(gen, 0, size - first + 1);
      switch (absl::Uniform(gen, 0, 9)) {
        case 0:
          bitmap.set(index);
          model.set.insert(index);
          break;
        case 1:
          bitmap.clear(index);
          model.set.erase(index);
          break;
        case 2:
          bitmap.set_range(first, count);
          for (std::size_t i = first; i < first + count; ++i) model.set.insert(i);
          break;
        case 3:
        case 4:
          bitmap.clear_range(first, count);
          model.set.erase(model.set.lower_bound(first), model.set.lower_bound(first + count));
          break;
        case 5:
          REQUIRE(bitmap.find_first_set(first) == model.first_set(first));
          break;
        case 6:
          REQUIRE(bitmap.find_first_clear(first) == model.first_clear(first));
          break;
        default: {
          std::size_t length = absl::Uniform<std::size_t>(gen, 1, 80);
          std::size_t alignment = std::size_t{1} << absl::Uniform(gen, 0, 8);
          std::size_t from = absl::Bernoulli(gen, 0.5) ? 0 : first;
          CAPTURE(length);
          CAPTURE(alignment);
          CAPTURE(from);
          REQUIRE(bitmap.find_clear_run(length, alignment, from) ==
                  model.clear_run(length, alignment, from));
          break;
        }
      }
      REQUIRE(bitmap.count_set() == model.set.size());
      REQUIRE(bitmap.test(index) == model.set.contains(index));
      REQUIRE(storage.junk_intact());
      if (step % 64 == 0) {
        std::vector<std::size_t> expected(model.set.begin(), model.set.end());
        REQUIRE(set_bits(bitmap) == expected);
      }
    }
    std::vector<std::size_t> expected(model.set.begin(), model.set.end());
    REQUIRE(set_bits(bitmap) == expected);
  }
}

TEST_CASE("indices and ranges outside the bitmap are programmer errors that panic") {
  struct Case {
    const char* name;
    void (*body)();
    const char* condition;
  };
  const Case cases[] = {
      {"test at size()",
       [] {
         std::uint64_t words[2] = {};
         (void)Bitmap(words, 100).test(100);
       },
       "index < size_"},
      {"set past the end",
       [] {
         std::uint64_t words[2] = {};
         Bitmap(words, 100).set(128);
       },
       "index < size_"},
      {"a range past the end",
       [] {
         std::uint64_t words[2] = {};
         Bitmap(words, 100).set_range(90, 11);
       },
       "first <= size_ && count <= size_ - first"},
      {"a range whose end overflows",
       [] {
         std::uint64_t words[2] = {};
         Bitmap(words, 100).clear_range(10, std::numeric_limits<std::size_t>::max());
       },
       "first <= size_ && count <= size_ - first"},
      {"a search starting past the end",
       [] {
         std::uint64_t words[2] = {};
         (void)Bitmap(words, 100).find_first_set(101);
       },
       "from <= size_"},
      {"an alignment that is not a power of two",
       [] {
         std::uint64_t words[2] = {};
         (void)Bitmap(words, 100).find_clear_run(4, 3);
       },
       "std::has_single_bit(alignment)"},
      {"a run of length zero",
       [] {
         std::uint64_t words[2] = {};
         (void)Bitmap(words, 100).find_clear_run(0);
       },
       "length > 0"},
      {"storage too small for the size",
       [] {
         std::uint64_t words[2] = {};
         (void)Bitmap(words, 129);
       },
       "words_for(size) <= words.size()"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto outcome = mos::host::run_in_child([&] { c.body(); });
      CHECK(outcome.exit_status == 101);
      CHECK(outcome.output.find(std::string("assertion failed: ") + c.condition) !=
            std::string::npos);
    }
  }
}
