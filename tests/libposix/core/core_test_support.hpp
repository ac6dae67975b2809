#pragma once
// What libposix's core tests share: a fresh world per test (a tmpfs namespace and a System whose
// init is the test thread), helpers that wait for children and for a process to block, and
// failure messages that name errnos.
//
// A System cannot be destroyed (its alarm thread and its processes' threads outlive any test),
// so each world is kept reachable for the rest of the run instead of being freed.
//
// The test thread is init: it must never get a signal whose default action ends a process (init
// cannot end), so the signal tests run their subjects in child processes. Child code never uses
// doctest's macros (see sched_test_main.cpp): it records what it saw, and the test checks it
// after waiting for the child.

#include <posix/files.hpp>
#include <posix/signals.hpp>
#include <posix/system.hpp>
#include <posix/waiting.hpp>

#include <sched/thread.hpp>
#include <sched/time.hpp>

#include "vfs_test_support.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace mos::posix::test {

using vfs::test::bytes_of;
using vfs::test::error_of;

inline constexpr std::uint64_t kMs = 1'000'000;

/// A Result as the system-call layer returns it: the value, or -errno (so a failed CHECK prints
/// both sides as numbers).
template <class T>
long long value_of(const Result<T>& r) {
  if (!r) return -static_cast<long long>(r.error());
  return static_cast<long long>(*r);
}

/// A namespace over a fresh tmpfs and a System over it, whose init is the test thread.
struct World {
  vfs::test::Namespace space;
  System* system = nullptr;

  Process& init() { return system->init(); }
  vfs::Vfs& vfs() { return *space.vfs; }
};

/// A new world; the test thread becomes its init.
inline World& fresh_world() {
  // Reachable to the end (a leak checker must not report them): Systems are never destroyed.
  struct Kept {
    World* world;
    Kept* next;
  };
  static Kept* kept = nullptr;
  auto* world = new World;
  auto system = System::create(*world->space.vfs);
  REQUIRE(system.has_value());
  world->system = *system;
  kept = new Kept{world, kept};
  // The test thread is every world's init: a signal an earlier test left must not end this
  // test's waits.
  sched::clear_interrupt();
  return *world;
}

/// The calling process (a child's code calls this; never null there).
inline Process& self() {
  return *current_process();
}

/// waitpid(pid, &status, options | WEXITED) from init, which must succeed.
inline WaitResult must_wait(World& world, Pid pid, int options = 0) {
  auto waited = world.system->wait(world.init(), pid > 0 ? WaitFor::Process : WaitFor::Any,
                                   pid > 0 ? pid : 0, options | wait_options::kExited);
  REQUIRE_MESSAGE(waited.has_value(), "wait ", pid, ": ", error_name(waited.error()));
  return *waited;
}

/// The exit code of child `pid`, which must exit normally.
inline int exit_code_of(World& world, Pid pid) {
  const WaitResult result = must_wait(world, pid);
  CHECK(result.pid == pid);
  REQUIRE_MESSAGE(WIFEXITED(result.status), "status ", result.status);
  return WEXITSTATUS(result.status);
}

/// A child that waits in pause() until killed, delivering what comes.
inline int pause_forever(void*) {
  Process& me = self();
  while (true) {
    (void)pause(me);
    (void)me.system().deliver_signals(me);
  }
}

/// Ends the children of init that a test left (they are killed, then reaped).
inline void reap_all(World& world) {
  (void)world.system->kill(world.init(), -1, sig::kKill);
  while (world.system->wait(world.init(), WaitFor::Any, 0, wait_options::kExited)) {
  }
}

/// Spawns entry(arg) as a child of init (must succeed).
inline Pid must_spawn_function(World& world, FunctionMain entry, void* arg = nullptr,
                               const SpawnFileActions* actions = nullptr,
                               const SpawnAttributes* attributes = nullptr) {
  auto pid = world.system->spawn_function(world.init(), entry, arg, actions, attributes);
  REQUIRE_MESSAGE(pid.has_value(), "spawn_function: ", error_name(pid.error()));
  return *pid;
}

/// Waits (5 s at most) until process `pid`'s thread blocks or sleeps, or the process stops.
inline bool wait_until_blocked(World& world, Pid pid) {
  const std::uint64_t give_up = sched::now() + 5000 * kMs;
  while (sched::now() < give_up) {
    RefPtr<Process> process = world.system->find(pid);
    if (!process) return false;
    if (process->state() == ProcessState::Stopped) return true;
    sched::Thread* thread = process->thread();
    if (thread != nullptr && (thread->state() == sched::ThreadState::Blocked ||
                              thread->state() == sched::ThreadState::Sleeping)) {
      return true;
    }
    sched::sleep_for(kMs);
  }
  return false;
}

/// Waits (5 s at most) until `predicate()` holds.
template <class Predicate>
bool eventually(Predicate predicate) {
  const std::uint64_t give_up = sched::now() + 5000 * kMs;
  while (!predicate()) {
    if (sched::now() >= give_up) return false;
    sched::sleep_for(kMs);
  }
  return true;
}

/// Writes `text` to the descriptor (any process; child code may use it).
inline bool write_text(Process& process, int fd, std::string_view text) {
  auto written = posix::write(process, fd, bytes_of(text));
  return written.has_value() && *written == text.size();
}

/// Everything a descriptor reads until end of file (test thread only).
inline std::string read_all(Process& process, int fd) {
  std::string out;
  char buffer[512];
  for (;;) {
    auto n = posix::read(process, fd, std::as_writable_bytes(std::span(buffer)));
    REQUIRE_MESSAGE(n.has_value(), "read: ", error_name(n.error()));
    if (*n == 0) return out;
    out.append(buffer, *n);
  }
}

/// The contents of a file of the world's namespace.
inline std::string file_text(World& world, std::string_view path) {
  return world.space.read_file(path);
}

}  // namespace mos::posix::test
