#pragma once
// The main of host benchmarks that need a Mosaic scheduler (libsched primitives, libipc, the
// VFS's namespace lock): the process's one OS thread becomes the boot thread of a scheduler on
// host stacks, then Google Benchmark runs there. Logging is turned down to warnings: stdout
// carries the JSON report.

#include <sched/scheduler.hpp>

#include <k/log.hpp>

#include "host_stacks.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>

namespace mos::bench {

/// Starts the scheduler, registers the benchmarks (`register_all`), initialises Google Benchmark
/// from the command line and calls `run()` (which runs them: RunSpecifiedBenchmarks, with any
/// setup around it; it returns the exit status). `name` prefixes error messages.
template <class Register, class Run>
int run_on_scheduler(const char* name, int argc, char** argv, Register register_all, Run run) {
  static sched::testing::HostStacks stacks;
  static sched::Scheduler scheduler;
  log::set_level(log::Level::Warn);
  if (!scheduler.init(stacks)) {
    std::fprintf(stderr, "%s: cannot start the scheduler\n", name);
    return 1;
  }
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const int status = run();
  benchmark::Shutdown();
  return status;
}

}  // namespace mos::bench
