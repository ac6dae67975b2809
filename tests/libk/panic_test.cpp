#include <k/panic.hpp>
#include <k/log.hpp>

#include "child_process.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
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

TEST_CASE("the logger keeps its last lines for dmesg, the oldest going first") {
  auto outcome = mos::host::run_in_child([] {
    mos::log::set_level(mos::log::Level::Info);
    mos::log::info("first {}", 1);
    mos::log::debug("not shown, not kept");
    char small[8];
    char all[64];
    const std::size_t kept = mos::log::copy_history(all);
    const std::size_t tail = mos::log::copy_history(small);
    std::string text(all, kept);
    if (text != "[info] first 1\n" || std::string(small, tail) != "first 1\n") std::exit(3);
    // Past the capacity, the newest kHistoryBytes remain.
    for (int i = 0; i < 2000; ++i) mos::log::info("line {:04}", i);
    std::string big(mos::log::kHistoryBytes + 16, '\0');
    big.resize(mos::log::copy_history(big));
    if (big.size() != mos::log::kHistoryBytes) std::exit(4);
    if (big.substr(big.size() - 17) != "[info] line 1999\n") std::exit(5);
    if (big.find("line 0000") != std::string::npos) std::exit(6);
  });
  CHECK(outcome.exit_status == 0);
}
