#include <k/result.hpp>

#include "child_process.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

using mos::Error;
using mos::Result;

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error::InvalidArgument;
  return c - '0';
}

Result<int> sum_digits(const char* s) {
  int total = 0;
  for (; *s; ++s) total += MOS_TRY(parse_digit(*s));
  return total;
}

Result<void> check_all_digits(const char* s) {
  MOS_TRY(sum_digits(s));
  return {};
}

// Counts constructions (by every constructor), copies and destructions, to check Result does
// not copy what it can move and destroys exactly what it constructed.
struct Tracked {
  static inline int constructed = 0;
  static inline int copies = 0;
  static inline int destroyed = 0;
  std::string text;
  explicit Tracked(std::string t) : text(std::move(t)) { ++constructed; }
  Tracked(const Tracked& o) : text(o.text) {
    ++constructed;
    ++copies;
  }
  Tracked(Tracked&& o) noexcept : text(std::move(o.text)) { ++constructed; }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) noexcept = default;
  ~Tracked() { ++destroyed; }
};

}  // namespace

TEST_CASE("Result holds a value or an error") {
  Result<int> ok = 42;
  REQUIRE(ok.has_value());
  CHECK(static_cast<bool>(ok));
  CHECK(*ok == 42);
  CHECK(ok.value_or(7) == 42);

  Result<int> bad = Error::NoEntry;
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == Error::NoEntry);
  CHECK(bad.value_or(7) == 7);

  Result<int> via_unexpected = mos::Unexpected(Error::Busy);
  CHECK(via_unexpected.error() == Error::Busy);
}

TEST_CASE("MOS_TRY propagates the first error and yields values") {
  CHECK(sum_digits("123").value() == 6);
  CHECK(sum_digits("1x3").error() == Error::InvalidArgument);
  CHECK(check_all_digits("99").has_value());
  CHECK(check_all_digits("9a").error() == Error::InvalidArgument);
}

TEST_CASE("Result copies, moves and destroys its value correctly") {
  Tracked::constructed = 0;
  Tracked::copies = 0;
  Tracked::destroyed = 0;
  {
    Result<Tracked> a = Tracked("x");
    Result<Tracked> b = std::move(a);
    CHECK(b->text == "x");
    Result<Tracked> c = b;
    CHECK(c->text == "x");
    CHECK(Tracked::copies == 1);
    c = Error::NoSpace;
    CHECK(c.error() == Error::NoSpace);
    c = b;
    CHECK(c->text == "x");
  }
  // Temporaries, a, b and c: everything constructed was destroyed, exactly once.
  CHECK(Tracked::constructed >= 4);
  CHECK(Tracked::destroyed == Tracked::constructed);
}

TEST_CASE("and_then and transform chain on values and skip on errors") {
  auto doubled = Result<int>(21).transform([](int v) { return v * 2; });
  CHECK(doubled.value() == 42);
  auto chained = Result<int>(5).and_then([](int v) -> Result<int> {
    if (v > 3) return Error::OutOfRange;
    return v;
  });
  CHECK(chained.error() == Error::OutOfRange);
  auto skipped = Result<int>(Error::Io).transform([](int v) { return v + 1; });
  CHECK(skipped.error() == Error::Io);
}

TEST_CASE("reading the value of an error is a programmer error that panics") {
  auto outcome = mos::host::run_in_child([] {
    Result<int> bad = Error::Io;
    (void)bad.value();
  });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("bad Result access") != std::string::npos);
}
