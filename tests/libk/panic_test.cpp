#include <k/panic.hpp>
#include <k/log.hpp>

#include "child_process.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("MOS_ASSERT panics with the condition and location, exiting with the panic status") {
  auto outcome = mos::host::run_in_child([] {
    int frames = 3;
    MOS_ASSERT(frames == 4);
  });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("assertion failed: frames == 4") != std::string::npos);
  CHECK(outcome.output.find("panic_test.cpp") != std::string::npos);
}

TEST_CASE("MOS_ASSERT on a true condition does nothing") {
  auto outcome = mos::host::run_in_child([] { MOS_ASSERT(1 + 1 == 2); });
  CHECK(outcome.exit_status == 0);
  CHECK(outcome.output.empty());
}

TEST_CASE("MOS_PANIC formats its message") {
  auto outcome = mos::host::run_in_child([] { MOS_PANIC("frame {:#x} freed twice", 0x5000); });
  CHECK(outcome.exit_status == 101);
  CHECK(outcome.output.find("frame 0x5000 freed twice") != std::string::npos);
}

TEST_CASE("the logger prefixes lines with their level and filters by level") {
  auto outcome = mos::host::run_in_child([] {
    mos::log::set_level(mos::log::Level::Info);
    mos::log::info("booted in {} steps", 3);
    mos::log::debug("hidden {}", 1);
    mos::log::error("disk {} failed", "vda");
  });
  CHECK(outcome.exit_status == 0);
  CHECK(outcome.output == "[info] booted in 3 steps\n[error] disk vda failed\n");
}
