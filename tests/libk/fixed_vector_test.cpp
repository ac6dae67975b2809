#include <k/fixed_vector.hpp>

#include "child_process.hpp"
#include "random.hpp"

#include <absl/container/inlined_vector.h>
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using mos::Error;
using mos::FixedVector;

// Counts live instances, so that leaks and double destruction show up as a wrong count.
struct Counted {
  static inline int live = 0;
  int value;
  explicit Counted(int v) : value(v) { ++live; }
  Counted(const Counted& other) : value(other.value) { ++live; }
  Counted(Counted&& other) noexcept : value(other.value) { ++live; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) noexcept = default;
  ~Counted() { --live; }
};

template <class T, std::size_t N>
std::vector<T> contents(const FixedVector<T, N>& v) {
  return std::vector<T>(v.begin(), v.end());
}

std::vector<int> values(const FixedVector<Counted, 8>& v) {
  std::vector<int> out;
  for (const Counted& c : v) out.push_back(c.value);
  return out;
}

static_assert(FixedVector<int, 5>::capacity() == 5);
static_assert(std::is_nothrow_move_constructible_v<FixedVector<int, 3>>);

}  // namespace

TEST_CASE("a new FixedVector is empty and holds no objects") {
  Counted::live = 0;
  FixedVector<Counted, 8> v;
  CHECK(v.empty());
  CHECK_FALSE(v.full());
  CHECK(v.size() == 0);
  CHECK(v.begin() == v.end());
  CHECK(v.span().empty());
  CHECK(Counted::live == 0);
}

TEST_CASE("push_back fills to capacity, then reports NoBufferSpace without changing anything") {
  FixedVector<int, 3> v;
  CHECK(v.push_back(1).has_value());
  int two = 2;
  CHECK(v.push_back(two).has_value());
  CHECK(v.emplace_back(3).has_value());
  CHECK(v.full());
  auto result = v.push_back(4);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == Error::NoBufferSpace);
  CHECK(v.emplace_back(5).error() == Error::NoBufferSpace);
  CHECK(v.insert(v.begin(), 6).error() == Error::NoBufferSpace);
  CHECK(contents(v) == std::vector<int>{1, 2, 3});
  CHECK(v.front() == 1);
  CHECK(v.back() == 3);
  CHECK(v[1] == 2);
  CHECK(v.data() == &v[0]);
  CHECK(v.span().size() == 3);
  CHECK(v.span()[2] == 3);
}

TEST_CASE("insert places an element before a position, shifting the rest") {
  struct Case {
    const char* name;
    std::size_t index;
    std::vector<int> expected;
  };
  const Case cases[] = {
      {"at the front", 0, {9, 0, 1, 2}},
      {"in the middle", 1, {0, 9, 1, 2}},
      {"before the last", 2, {0, 1, 9, 2}},
      {"at the end", 3, {0, 1, 2, 9}},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      FixedVector<int, 4> v;
      for (int i = 0; i < 3; ++i) REQUIRE(v.push_back(i).has_value());
      REQUIRE(v.insert(v.begin() + c.index, 9).has_value());
      CHECK(contents(v) == c.expected);
      CHECK(v.full());
    }
  }
}

TEST_CASE("erase removes an element, shifting the rest, and returns the next position") {
  struct Case {
    const char* name;
    std::size_t index;
    std::vector<int> expected;
  };
  const Case cases[] = {
      {"the first", 0, {1, 2, 3}},
      {"a middle one", 2, {0, 1, 3}},
      {"the last", 3, {0, 1, 2}},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      Counted::live = 0;
      FixedVector<Counted, 8> v;
      for (int i = 0; i < 4; ++i) REQUIRE(v.emplace_back(i).has_value());
      auto next = v.erase(v.begin() + c.index);
      CHECK(next == v.begin() + c.index);
      CHECK(values(v) == c.expected);
      CHECK(Counted::live == 3);
    }
  }
}

TEST_CASE("pop_back and clear destroy elements exactly once") {
  Counted::live = 0;
  {
    FixedVector<Counted, 8> v;
    for (int i = 0; i < 5; ++i) REQUIRE(v.emplace_back(i).has_value());
    CHECK(Counted::live == 5);
    v.pop_back();
    CHECK(Counted::live == 4);
    CHECK(v.back().value == 3);
    v.clear();
    CHECK(v.empty());
    CHECK(Counted::live == 0);
    for (int i = 0; i < 2; ++i) REQUIRE(v.emplace_back(i).has_value());
  }
  CHECK(Counted::live == 0);  // The destructor destroyed the rest.
}

TEST_CASE("copies and moves keep the elements and the live count right") {
  Counted::live = 0;
  {
    FixedVector<Counted, 8> a;
    for (int i = 0; i < 3; ++i) REQUIRE(a.emplace_back(i).has_value());
    FixedVector<Counted, 8> b(a);
    CHECK(values(b) == std::vector<int>{0, 1, 2});
    CHECK(Counted::live == 6);
    FixedVector<Counted, 8> c(std::move(b));
    CHECK(b.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified.
    CHECK(values(c) == std::vector<int>{0, 1, 2});
    CHECK(Counted::live == 6);
    REQUIRE(c.emplace_back(7).has_value());
    a = c;
    CHECK(values(a) == std::vector<int>{0, 1, 2, 7});
    CHECK(Counted::live == 8);
    a = a;  // Self-assignment keeps the contents.
    CHECK(values(a) == std::vector<int>{0, 1, 2, 7});
    b = std::move(a);
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move)
    CHECK(values(b) == std::vector<int>{0, 1, 2, 7});
    CHECK(Counted::live == 8);
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("move-only elements can be inserted and erased") {
  FixedVector<std::unique_ptr<int>, 4> v;
  REQUIRE(v.push_back(std::make_unique<int>(1)).has_value());
  REQUIRE(v.push_back(std::make_unique<int>(3)).has_value());
  REQUIRE(v.insert(v.begin() + 1, std::make_unique<int>(2)).has_value());
  CHECK(*v[0] == 1);
  CHECK(*v[1] == 2);
  CHECK(*v[2] == 3);
  v.erase(v.begin());
  CHECK(*v.front() == 2);
  CHECK(v.size() == 2);
}

TEST_CASE("a random sequence of operations matches absl::InlinedVector, step by step") {
  constexpr std::size_t kCapacity = 12;
  auto gen = mos::test::make_bitgen(0xf1ed);
  Counted::live = 0;
  {
    FixedVector<Counted, kCapacity> v;
    absl::InlinedVector<int, kCapacity> model;
    int next = 0;
    for (int step = 0; step < 20000; ++step) {
      CAPTURE(step);
      switch (absl::Uniform(gen, 0, 7)) {
        case 0:
        case 1: {
          auto result = v.emplace_back(next);
          if (model.size() == kCapacity) {
            REQUIRE(result.error() == Error::NoBufferSpace);
          } else {
            REQUIRE(result.has_value());
            model.push_back(next);
          }
          ++next;
          break;
        }
        case 2: {
          std::size_t index = absl::Uniform<std::size_t>(gen, 0, model.size() + 1);
          auto result = v.insert(v.begin() + index, Counted(next));
          if (model.size() == kCapacity) {
            REQUIRE(result.error() == Error::NoBufferSpace);
          } else {
            REQUIRE(result.has_value());
            model.insert(model.begin() + static_cast<std::ptrdiff_t>(index), next);
          }
          ++next;
          break;
        }
        case 3: {
          if (model.empty()) break;
          std::size_t index = absl::Uniform<std::size_t>(gen, 0, model.size());
          auto it = v.erase(v.begin() + index);
          REQUIRE(it == v.begin() + index);
          model.erase(model.begin() + static_cast<std::ptrdiff_t>(index));
          break;
        }
        case 4:
          if (model.empty()) break;
          v.pop_back();
          model.pop_back();
          break;
        case 5: {
          if (model.empty()) break;
          std::size_t index = absl::Uniform<std::size_t>(gen, 0, model.size());
          v[index].value = -next;
          model[index] = -next;
          ++next;
          break;
        }
        default:
          if (absl::Bernoulli(gen, 0.9)) break;
          v.clear();
          model.clear();
          break;
      }
      REQUIRE(v.size() == model.size());
      REQUIRE(v.empty() == model.empty());
      REQUIRE(v.full() == (model.size() == kCapacity));
      REQUIRE(Counted::live == static_cast<int>(model.size()));
      for (std::size_t i = 0; i < model.size(); ++i) REQUIRE(v[i].value == model[i]);
      if (!model.empty()) {
        REQUIRE(v.front().value == model.front());
        REQUIRE(v.back().value == model.back());
      }
    }
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("out-of-range access is a programmer error that panics") {
  struct Case {
    const char* name;
    void (*body)();
    const char* condition;
  };
  const Case cases[] = {
      {"indexing at size()",
       [] {
         FixedVector<int, 4> v;
         (void)v.push_back(1);
         (void)v[1];
       },
       "i < size_"},
      {"pop_back of an empty vector",
       [] {
         FixedVector<int, 4> v;
         v.pop_back();
       },
       "size_ > 0"},
      {"erasing end()",
       [] {
         FixedVector<int, 4> v;
         (void)v.push_back(1);
         v.erase(v.end());
       },
       "pos >= begin() && pos < end()"},
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
