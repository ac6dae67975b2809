// bench: the guest side of ./mosaic bench. The command line option bench=SUITE picks what runs;
// each suite prints "bench: NAME VALUE" lines (cycle-counter ticks per operation: guest
// instructions under -icount), then "bench: done". tools/guest_bench.py boots it once per
// scheduling policy and sets the numbers next to Linux's in the same QEMU.
#include "bench.hpp"

#include <k/app.hpp>
#include <k/log.hpp>

namespace mos::bench {

void report(std::string_view name, std::uint64_t value) noexcept {
  log::info("bench: {} {}", name, value);
}

void report_sized(std::string_view name, std::uint64_t size, std::uint64_t value) noexcept {
  log::info("bench: {}_{} {}", name, size, value);
}

}  // namespace mos::bench

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  const auto suite = boot.options().option("bench");
  if (!suite) {
    log::error("bench: say which suite to run with bench=SUITE (suites: sched, ipc)");
    return platform::kExitFailure;
  }
  bool ran = false;
  if (*suite == "sched") ran = bench::run_sched();
  if (*suite == "ipc") ran = bench::run_ipc();
  if (!ran) {
    log::error("bench: suite '{}' is unknown or could not run", *suite);
    return platform::kExitFailure;
  }
  log::info("bench: done");
  return platform::kExitSuccess;
}
