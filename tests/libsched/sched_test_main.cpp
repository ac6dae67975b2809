// The main of libsched's core tests: starts a Scheduler on this process's one "CPU" (the boot
// thread is the test runner itself) before doctest runs the cases. Thread bodies in these tests
// do not use doctest's macros: doctest is not written for code that a timer signal may switch
// away from in the middle of an assertion. They record what they saw, and the test case checks
// it after joining them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <sched/scheduler.hpp>

#include "host_stacks.hpp"
#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/time.h>

#include <cstdio>

mos::sched::testing::HostStacks& mos::sched::test::stacks() {
  static mos::sched::testing::HostStacks stacks;
  return stacks;
}

int main(int argc, char** argv) {
  static mos::sched::Scheduler scheduler;
  if (auto ready = scheduler.init(mos::sched::test::stacks()); !ready) {
    std::fprintf(stderr, "cannot start the scheduler\n");
    return 1;
  }
  doctest::Context context(argc, argv);
  const int result = context.run();
  // No tick after this: the exit handlers (the leak checker among them) run with the scheduler's
  // threads gone, and a preemption then would switch into freed state.
  const itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  sigset_t alarm;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  sigprocmask(SIG_BLOCK, &alarm, nullptr);
  return result;
}
