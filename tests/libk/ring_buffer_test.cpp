#include <k/ring_buffer.hpp>

#include "child_process.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace {

using mos::Error;
using mos::RingBuffer;

// Counts live instances, so that leaks and double destruction show up as a wrong count.
struct Counted {
  static inline int live = 0;
  int value;
  explicit Counted(int v) : value(v) { ++live; }
  Counted(const Counted& other) : value(other.value) { ++live; }
  Counted(Counted&& other) noexcept : value(other.value) { ++live; }
  Counted& operator=(const Counted&) = default;
  ~Counted() { --live; }
};

// No default constructor: the buffer must not construct slots it does not use.
struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

template <class T, std::size_t N>
concept HasBulkWrite = requires(RingBuffer<T, N>& ring, std::span<const T> values) {
  ring.write(values);
};

static_assert(HasBulkWrite<int, 4>);
static_assert(!HasBulkWrite<std::string, 4>, "bulk copies are for trivially copyable T only");
static_assert(RingBuffer<int, 1>::capacity() == 1);
static_assert(RingBuffer<char, 4096>::capacity() == 4096);

template <class T, std::size_t N>
std::vector<T> contents(const RingBuffer<T, N>& ring) {
  std::vector<T> out;
  for (std::size_t i = 0; i < ring.size(); ++i) out.push_back(ring[i]);
  return out;
}

}  // namespace

TEST_CASE("a new ring buffer is empty") {
  RingBuffer<int, 8> ring;
  CHECK(ring.empty());
  CHECK_FALSE(ring.full());
  CHECK(ring.size() == 0);
  CHECK(ring.capacity() == 8);
  CHECK(ring.peek() == nullptr);
  CHECK_FALSE(ring.pop().has_value());
}

TEST_CASE("push fills to capacity, then reports NoBufferSpace without changing anything") {
  RingBuffer<int, 4> ring;
  for (int i = 0; i < 4; ++i) {
    CHECK(ring.push(i).has_value());
    CHECK(ring.size() == static_cast<std::size_t>(i + 1));
  }
  CHECK(ring.full());
  auto result = ring.push(99);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == Error::NoBufferSpace);
  CHECK(ring.emplace(98).error() == Error::NoBufferSpace);
  CHECK(ring.size() == 4);
  CHECK(contents(ring) == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("pop returns elements in FIFO order and peek shows the oldest") {
  RingBuffer<int, 4> ring;
  REQUIRE(ring.push(10).has_value());
  REQUIRE(ring.push(20).has_value());
  REQUIRE(ring.peek() != nullptr);
  CHECK(*ring.peek() == 10);
  *ring.peek() = 11;  // peek hands out the element itself.
  const auto& view = ring;
  CHECK(*view.peek() == 11);
  CHECK(ring.size() == 2);
  CHECK(ring.pop() == 11);
  CHECK(ring.pop() == 20);
  CHECK_FALSE(ring.pop().has_value());
  CHECK(ring.empty());
}

TEST_CASE("positions wrap around the storage many times") {
  RingBuffer<int, 4> ring;
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 100; ++round) {
    // Keep two to three elements in flight so that the oldest sits at every slot in turn.
    while (ring.size() < 3) REQUIRE(ring.push(next_in++).has_value());
    REQUIRE(ring.pop() == next_out++);
    REQUIRE(ring.pop() == next_out++);
    REQUIRE(ring[0] == next_out);
  }
  CHECK(next_in == 201);
}

TEST_CASE("elements are constructed, moved and destroyed exactly once") {
  Counted::live = 0;
  {
    RingBuffer<Counted, 4> ring;
    CHECK(Counted::live == 0);  // Free slots hold no objects.
    REQUIRE(ring.emplace(1).has_value());
    REQUIRE(ring.push(Counted(2)).has_value());
    Counted three(3);
    REQUIRE(ring.push(three).has_value());
    CHECK(Counted::live == 4);
    {
      std::optional<Counted> popped = ring.pop();
      REQUIRE(popped.has_value());
      CHECK(popped->value == 1);
      CHECK(Counted::live == 4);
    }
    CHECK(Counted::live == 3);
    RingBuffer<Counted, 4> copy(ring);
    CHECK(Counted::live == 5);
    CHECK(copy[0].value == 2);
    CHECK(copy[1].value == 3);
    RingBuffer<Counted, 4> moved(std::move(copy));
    CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified.
    CHECK(Counted::live == 5);
    ring.clear();
    CHECK(ring.empty());
    CHECK(Counted::live == 3);
    ring = moved;
    CHECK(Counted::live == 5);
    moved = std::move(ring);
    CHECK(Counted::live == 3);
    CHECK(moved.size() == 2);
    CHECK(moved[1].value == 3);
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("move-only and non-default-constructible elements work") {
  RingBuffer<std::unique_ptr<int>, 2> owners;
  REQUIRE(owners.push(std::make_unique<int>(7)).has_value());
  REQUIRE(owners.push(std::make_unique<int>(8)).has_value());
  auto overflow = std::make_unique<int>(9);
  CHECK(owners.push(std::move(overflow)).error() == Error::NoBufferSpace);
  std::optional<std::unique_ptr<int>> first = owners.pop();
  REQUIRE(first.has_value());
  CHECK(**first == 7);

  RingBuffer<NoDefault, 2> values;
  REQUIRE(values.emplace(5).has_value());
  CHECK(values.peek()->value == 5);
}

TEST_CASE("bulk write and read copy as much as fits, across the wrap") {
  struct Case {
    const char* name;
    std::size_t prefill;   // Pushed and popped first, to move the positions.
    std::size_t occupied;  // Elements already in the buffer before the write.
    std::size_t write;     // Elements offered to write().
    std::size_t read;      // Room offered to read().
  };
  const Case cases[] = {
      {"into an empty buffer", 0, 0, 5, 5},
      {"more than fits", 0, 0, 12, 12},
      {"into a full buffer", 0, 8, 3, 0},
      {"nothing", 3, 2, 0, 0},
      {"wrapping the write", 6, 0, 5, 5},
      {"wrapping a partial write", 6, 3, 7, 8},
      {"exactly to the end of the storage", 5, 0, 3, 3},
      {"reading less than is there", 7, 2, 4, 3},
      {"reading into a larger span", 2, 1, 2, 10},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      RingBuffer<std::uint16_t, 8> ring;
      std::deque<std::uint16_t> model;
      for (std::size_t i = 0; i < c.prefill; ++i) {
        REQUIRE(ring.push(0).has_value());
        REQUIRE(ring.pop().has_value());
      }
      std::uint16_t next = 100;
      for (std::size_t i = 0; i < c.occupied; ++i) {
        REQUIRE(ring.push(next).has_value());
        model.push_back(next++);
      }
      std::vector<std::uint16_t> in(c.write);
      std::iota(in.begin(), in.end(), next);
      std::size_t room = 8 - model.size();
      std::size_t written = ring.write(in);
      CHECK(written == std::min(c.write, room));
      model.insert(model.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(written));
      CHECK(ring.size() == model.size());
      CHECK(contents(ring) == std::vector<std::uint16_t>(model.begin(), model.end()));

      std::vector<std::uint16_t> out(c.read + 1, 0xdead);
      std::size_t got = ring.read(std::span(out).first(c.read));
      CHECK(got == std::min(c.read, model.size()));
      for (std::size_t i = 0; i < got; ++i) {
        CHECK(out[i] == model.front());
        model.pop_front();
      }
      // Nothing beyond what was read is written.
      for (std::size_t i = got; i < out.size(); ++i) CHECK(out[i] == 0xdead);
      CHECK(contents(ring) == std::vector<std::uint16_t>(model.begin(), model.end()));
    }
  }
}

TEST_CASE("a random sequence of operations matches std::deque, step by step") {
  auto gen = mos::test::make_bitgen(0x21a6);
  RingBuffer<std::uint32_t, 16> ring;
  std::deque<std::uint32_t> model;
  std::uint32_t next = 0;
  for (int step = 0; step < 20000; ++step) {
    CAPTURE(step);
    switch (absl::Uniform(gen, 0, 8)) {
      case 0:
      case 1: {
        auto result = ring.push(next);
        if (model.size() == 16) {
          REQUIRE_FALSE(result.has_value());
          REQUIRE(result.error() == Error::NoBufferSpace);
        } else {
          REQUIRE(result.has_value());
          model.push_back(next);
        }
        ++next;
        break;
      }
      case 2:
      case 3: {
        std::optional<std::uint32_t> popped = ring.pop();
        if (model.empty()) {
          REQUIRE_FALSE(popped.has_value());
        } else {
          REQUIRE(popped == model.front());
          model.pop_front();
        }
        break;
      }
      case 4: {
        std::uint32_t* oldest = ring.peek();
        REQUIRE((oldest == nullptr) == model.empty());
        if (oldest != nullptr) REQUIRE(*oldest == model.front());
        break;
      }
      case 5: {
        std::vector<std::uint32_t> in(absl::Uniform<std::size_t>(gen, 0, 20));
        for (auto& v : in) v = next++;
        std::size_t written = ring.write(in);
        REQUIRE(written == std::min(in.size(), 16 - model.size()));
        model.insert(model.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(written));
        break;
      }
      case 6: {
        std::vector<std::uint32_t> out(absl::Uniform<std::size_t>(gen, 0, 20));
        std::size_t got = ring.read(out);
        REQUIRE(got == std::min(out.size(), model.size()));
        for (std::size_t i = 0; i < got; ++i) {
          REQUIRE(out[i] == model.front());
          model.pop_front();
        }
        break;
      }
      default:
        if (absl::Bernoulli(gen, 0.9)) break;
        ring.clear();
        model.clear();
        break;
    }
    REQUIRE(ring.size() == model.size());
    REQUIRE(ring.empty() == model.empty());
    REQUIRE(ring.full() == (model.size() == 16));
    REQUIRE(contents(ring) == std::vector<std::uint32_t>(model.begin(), model.end()));
  }
}

TEST_CASE("indexing past the contents is a programmer error that panics") {
  auto outcome = mos::host::run_in_child([] {
    RingBuffer<int, 4> ring;
    (void)ring.push(1);
    (void)ring[1];
  });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("assertion failed: i < size()") != std::string::npos);
}
