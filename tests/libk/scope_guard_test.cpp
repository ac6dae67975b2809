#include <k/scope_guard.hpp>

#include <k/result.hpp>

#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <utility>

namespace {

using mos::Error;
using mos::Result;
using mos::ScopeGuard;

int g_calls = 0;
void count_call() {
  ++g_calls;
}

// The pattern ScopeGuard exists for: undo a half-finished step on every error path.
Result<int> acquire_two(bool fail_second, std::string& log) {
  log += "take1 ";
  ScopeGuard undo_first([&] { log += "undo1 "; });
  if (fail_second) return Error::Busy;
  log += "take2 ";
  undo_first.dismiss();
  return 2;
}

Result<int> checked_step(Result<int> step, std::string& log) {
  ScopeGuard trace([&] { log += "left "; });
  int value = MOS_TRY(std::move(step));
  log += "ok ";
  return value;
}

}  // namespace

TEST_CASE("the callable runs once when the scope ends") {
  int runs = 0;
  {
    ScopeGuard guard([&] { ++runs; });
    CHECK(guard.armed());
    CHECK(runs == 0);
  }
  CHECK(runs == 1);
}

TEST_CASE("dismiss stops the callable from running") {
  int runs = 0;
  {
    ScopeGuard guard([&] { ++runs; });
    guard.dismiss();
    CHECK_FALSE(guard.armed());
    guard.dismiss();  // Dismissing twice is harmless.
  }
  CHECK(runs == 0);
}

TEST_CASE("class template argument deduction names the callable's type") {
  auto lambda = [] {};
  ScopeGuard from_lambda(lambda);
  static_assert(std::is_same_v<decltype(from_lambda), ScopeGuard<decltype(lambda)>>);
  from_lambda.dismiss();

  g_calls = 0;
  {
    ScopeGuard from_function(count_call);  // A function decays to a pointer.
    static_assert(std::is_same_v<decltype(from_function), ScopeGuard<void (*)()>>);
  }
  CHECK(g_calls == 1);
}

TEST_CASE("guards run in reverse order of construction") {
  std::string order;
  {
    ScopeGuard first([&] { order += "1"; });
    ScopeGuard second([&] { order += "2"; });
    ScopeGuard third([&] { order += "3"; });
  }
  CHECK(order == "321");
}

TEST_CASE("a moved guard runs its callable once, from the new owner") {
  int runs = 0;
  {
    auto make = [&] { return ScopeGuard([&] { ++runs; }); };
    ScopeGuard outer = make();
    {
      ScopeGuard inner(std::move(outer));
      CHECK(inner.armed());
      CHECK_FALSE(outer.armed());  // NOLINT(bugprone-use-after-move): moved-from state.
    }
    CHECK(runs == 1);
  }
  CHECK(runs == 1);
}

TEST_CASE("guards undo work on early returns, including MOS_TRY") {
  struct Case {
    const char* name;
    bool fail_second;
    const char* log;
    bool ok;
  };
  const Case cases[] = {
      {"success keeps the work", false, "take1 take2 ", true},
      {"failure undoes it", true, "take1 undo1 ", false},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      std::string log;
      auto result = acquire_two(c.fail_second, log);
      CHECK(result.has_value() == c.ok);
      CHECK(log == c.log);
    }
  }
  SUBCASE("MOS_TRY returning early still runs the guard") {
    std::string log;
    CHECK(checked_step(Error::Io, log).error() == Error::Io);
    CHECK(log == "left ");
    log.clear();
    CHECK(checked_step(5, log).value() == 5);
    CHECK(log == "ok left ");
  }
}

TEST_CASE("a guard can hold a callable with state of its own") {
  std::string out;
  {
    ScopeGuard guard([&out, text = std::string("saved")] { out = text; });
  }
  CHECK(out == "saved");
}
