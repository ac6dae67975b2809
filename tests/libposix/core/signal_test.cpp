// Signals: kill's targets and errors, default actions (terminate, core, ignore, stop and
// continue, seen through wait), handlers run at a safe point under their mask, sigprocmask's
// blocking and pending set, the signals that cannot be caught, waits that a signal interrupts
// (EINTR, or a restart under SA_RESTART through the sys:: layer), SIGCHLD, alarm and SIGALRM,
// and a terminal's signal to its foreground group. Subjects are child processes: init (the test
// thread) must not be ended by a signal.
#include "core_test_support.hpp"

#include <posix/system_calls.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <cerrno>

using namespace mos;
using namespace mos::posix;
using namespace mos::posix::test;

namespace {

// What handlers and children saw; reset by each test, read after waiting for the child.
struct Seen {
  int calls = 0;
  int last_signal = 0;
  std::uint64_t mask_in_handler = 0;
  int info_signo = 0;
  Pid info_pid = 0;
  int info_status = 0;
  long result = 0;
  long remaining = 0;
  std::uint64_t pending = 0;
  bool flag = false;
  Error error = Error{0};
  int order[8] = {};
};
Seen seen;
int g_fds[2];
Pid g_group_member = 0;
volatile bool g_done = false;

void counting_handler(int signal) {
  ++seen.calls;
  seen.last_signal = signal;
  seen.mask_in_handler = self().signal_mask().bits();
  if (seen.calls <= 8) seen.order[seen.calls - 1] = signal;
}

void info_handler(int signal, void* info, void*) {
  const auto* details = static_cast<const SignalInfo*>(info);
  ++seen.calls;
  seen.info_signo = details->signo;
  seen.info_pid = details->pid;
  seen.info_status = details->status;
  (void)signal;
}

SignalAction handler_action(void (*handler)(int), std::uint32_t flags = 0,
                            SignalSet mask = SignalSet()) {
  SignalAction action;
  action.kind = SignalAction::Kind::Handler;
  action.handler = handler;
  action.flags = flags;
  action.mask = mask;
  return action;
}

// In a child: counting_handler catches `signal` (with `flags`) in the calling process.
void catch_in_self(int signal, std::uint32_t flags = 0) {
  Process& me = self();
  const SignalAction action = handler_action(counting_handler, flags);
  (void)me.system().set_action(me, signal, &action);
}

// A child that waits for signals until g_done, delivering them; exits with its handler count.
int wait_for_signals(void*) {
  Process& me = self();
  while (!g_done) {
    (void)sleep_until(me, sched::Deadline::after(2 * kMs));
    (void)me.system().deliver_signals(me);
  }
  return seen.calls;
}

void reset() {
  seen = Seen{};
  g_done = false;
}

}  // namespace

TEST_CASE("signals: default actions seen through wait") {
  World& world = fresh_world();
  System& system = *world.system;
  reset();

  SUBCASE("terminate") {
    for (int signal : {SIGTERM, SIGINT, SIGUSR1, SIGHUP, SIGALRM, 40}) {
      CAPTURE(signal);
      const Pid pid = must_spawn_function(world, pause_forever);
      REQUIRE(system.kill(world.init(), pid, signal).has_value());
      const WaitResult result = must_wait(world, pid);
      CHECK(WIFSIGNALED(result.status));
      CHECK(WTERMSIG(result.status) == signal);
      CHECK_FALSE(WCOREDUMP(result.status));
    }
  }
  SUBCASE("core dump") {
    const Pid pid = must_spawn_function(world, pause_forever);
    REQUIRE(system.kill(world.init(), pid, SIGQUIT).has_value());
    const WaitResult result = must_wait(world, pid);
    CHECK(WIFSIGNALED(result.status));
    CHECK(WTERMSIG(result.status) == SIGQUIT);
    CHECK(WCOREDUMP(result.status));
  }
  SUBCASE("ignored by default: nothing happens, nothing stays pending") {
    const Pid pid = must_spawn_function(world, wait_for_signals);
    for (int signal : {SIGCHLD, SIGURG, SIGWINCH, SIGCONT}) {
      REQUIRE(system.kill(world.init(), pid, signal).has_value());
    }
    sched::sleep_for(20 * kMs);
    RefPtr<Process> process = system.find(pid);
    REQUIRE(process);
    CHECK(process->state() == ProcessState::Running);
    CHECK(process->pending_signals().empty());
    process = {};
    g_done = true;
    CHECK(exit_code_of(world, pid) == 0);
  }
  SUBCASE("stop, continue, kill while stopped: WUNTRACED and WCONTINUED") {
    using namespace wait_options;
    const Pid pid = must_spawn_function(world, wait_for_signals);
    REQUIRE(system.kill(world.init(), pid, SIGSTOP).has_value());
    auto stopped = system.wait(world.init(), WaitFor::Process, pid, kExited | kUntraced);
    REQUIRE(stopped.has_value());
    CHECK(stopped->pid == pid);
    CHECK(WIFSTOPPED(stopped->status));
    CHECK(WSTOPSIG(stopped->status) == SIGSTOP);
    CHECK(system.find(pid)->state() == ProcessState::Stopped);
    // Reported once.
    auto again = system.wait(world.init(), WaitFor::Process, pid, kExited | kUntraced | kNoHang);
    REQUIRE(again.has_value());
    CHECK(again->pid == 0);
    // Without WUNTRACED a stop is not reported.
    REQUIRE(system.kill(world.init(), pid, SIGCONT).has_value());
    auto continued = system.wait(world.init(), WaitFor::Process, pid, kExited | kContinued);
    REQUIRE(continued.has_value());
    CHECK(continued->pid == pid);
    CHECK(WIFCONTINUED(continued->status));
    CHECK(system.find(pid)->state() == ProcessState::Running);
    // SIGTSTP stops by default too; SIGKILL ends a stopped process.
    REQUIRE(system.kill(world.init(), pid, SIGTSTP).has_value());
    REQUIRE(eventually([&] { return system.find(pid)->state() == ProcessState::Stopped; }));
    auto plain = system.wait(world.init(), WaitFor::Process, pid, kExited | kNoHang);
    REQUIRE(plain.has_value());
    CHECK(plain->pid == 0);
    REQUIRE(system.kill(world.init(), pid, SIGKILL).has_value());
    const WaitResult killed = must_wait(world, pid);
    CHECK(WIFSIGNALED(killed.status));
    CHECK(WTERMSIG(killed.status) == SIGKILL);
  }
  SUBCASE("a caught SIGTSTP does not stop; SIGCONT resumes even when caught") {
    static SignalAction action;
    action = handler_action(counting_handler);
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      (void)me.system().set_action(me, sig::kTerminalStop, &action);
      (void)me.system().set_action(me, sig::kContinue, &action);
      return wait_for_signals(nullptr);
    });
    REQUIRE(eventually([&] {
      RefPtr<Process> process = system.find(pid);
      return process && process->action(SIGCONT).kind == SignalAction::Kind::Handler;
    }));
    REQUIRE(system.kill(world.init(), pid, SIGTSTP).has_value());
    REQUIRE(eventually([] { return seen.calls == 1; }));
    CHECK(system.find(pid)->state() == ProcessState::Running);
    REQUIRE(system.kill(world.init(), pid, SIGSTOP).has_value());
    REQUIRE(eventually([&] { return system.find(pid)->state() == ProcessState::Stopped; }));
    REQUIRE(system.kill(world.init(), pid, SIGCONT).has_value());
    REQUIRE(eventually([] { return seen.calls == 2; }));
    CHECK(seen.order[0] == SIGTSTP);
    CHECK(seen.order[1] == SIGCONT);
    g_done = true;
    CHECK(exit_code_of(world, pid) == 2);
  }
  reap_all(world);
}

TEST_CASE("signals: handlers at a safe point, masks, flags") {
  World& world = fresh_world();
  reset();

  SUBCASE("runs at deliver_signals with its mask and the signal blocked; then restored") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      System& system = me.system();
      const SignalAction action = handler_action(
          counting_handler, 0, SignalSet::of(sig::kUser2) | SignalSet::of(sig::kKill));
      (void)system.set_action(me, sig::kUser1, &action);
      // The stored mask drops what cannot be blocked.
      const SignalAction stored = system.set_action(me, sig::kUser1, nullptr).value();
      seen.flag = stored.mask == SignalSet::of(sig::kUser2) && stored.handler == counting_handler;
      (void)system.kill(me, me.pid(), sig::kUser1);
      seen.result = seen.calls;  // Not yet: only at a safe point.
      seen.pending = me.pending_signals().bits();
      (void)system.deliver_signals(me);
      if (me.signal_mask().bits() != 0) return 99;
      return seen.calls;
    });
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.flag);
    CHECK(seen.result == 0);
    CHECK(seen.pending == SignalSet::of(sig::kUser1).bits());
    CHECK(seen.last_signal == SIGUSR1);
    CHECK(seen.mask_in_handler == (SignalSet::of(sig::kUser1) | SignalSet::of(sig::kUser2)).bits());
  }
  SUBCASE("SA_NODEFER leaves the signal unblocked; SA_RESETHAND restores the default") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      System& system = me.system();
      const SignalAction action =
          handler_action(counting_handler, action_flags::kNoDefer | action_flags::kResetHand);
      (void)system.set_action(me, sig::kUser2, &action);
      (void)system.kill(me, me.pid(), sig::kUser2);
      (void)system.deliver_signals(me);
      seen.flag = system.set_action(me, sig::kUser2, nullptr)->kind == SignalAction::Kind::Default;
      return seen.calls;
    });
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.mask_in_handler == 0);
    CHECK(seen.flag);
  }
  SUBCASE("SA_SIGINFO handlers get the signal number") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      SignalAction action;
      action.kind = SignalAction::Kind::Handler;
      action.info_handler = info_handler;
      action.flags = action_flags::kSigInfo;
      (void)me.system().set_action(me, sig::kHangup, &action);
      (void)me.system().kill(me, me.pid(), sig::kHangup);
      (void)me.system().deliver_signals(me);
      return seen.calls;
    });
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.info_signo == SIGHUP);
  }
  SUBCASE("several pending signals are delivered lowest first") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      System& system = me.system();
      const SignalAction action = handler_action(counting_handler);
      for (int signal : {sig::kTerminate, sig::kUser1, sig::kHangup}) {
        (void)system.set_action(me, signal, &action);
      }
      const SignalSet all = SignalSet::all();
      (void)system.change_mask(me, 2, &all);
      for (int signal : {sig::kTerminate, sig::kUser1, sig::kHangup, sig::kUser1}) {
        (void)system.kill(me, me.pid(), signal);
      }
      seen.pending = me.pending_signals().bits();
      const SignalSet none;
      (void)system.change_mask(me, 2, &none);
      (void)system.deliver_signals(me);
      return seen.calls;
    });
    CHECK(exit_code_of(world, pid) == 3);  // Standard signals do not queue.
    CHECK(seen.order[0] == SIGHUP);
    CHECK(seen.order[1] == SIGUSR1);
    CHECK(seen.order[2] == SIGTERM);
    CHECK(seen.pending ==
          (SignalSet::of(SIGHUP) | SignalSet::of(SIGUSR1) | SignalSet::of(SIGTERM)).bits());
  }
  reap_all(world);
}

TEST_CASE("signals: sigprocmask blocks, pending holds, unblocking delivers") {
  World& world = fresh_world();
  reset();
  const Pid pid = must_spawn_function(world, [](void*) -> int {
    Process& me = self();
    System& system = me.system();
    const SignalAction action = handler_action(counting_handler);
    (void)system.set_action(me, sig::kUser1, &action);
    const SignalSet block =
        SignalSet::of(sig::kUser1) | SignalSet::of(sig::kKill) | SignalSet::of(sig::kStop);
    const SignalSet old = system.change_mask(me, 0, &block).value();
    if (!old.empty() || me.signal_mask() != SignalSet::of(sig::kUser1)) return 90;
    (void)system.kill(me, me.pid(), sig::kUser1);
    (void)system.deliver_signals(me);
    if (seen.calls != 0) return 91;
    if (!me.pending_signals().has(sig::kUser1)) return 92;
    unsigned long pending = 0;
    if (sys::rt_sigpending(&pending) != 0 || pending != (1UL << (SIGUSR1 - 1))) return 93;
    // A blocked signal whose action becomes "ignore" is discarded.
    (void)system.kill(me, me.pid(), sig::kUser2);
    SignalAction ignore;
    ignore.kind = SignalAction::Kind::Ignore;
    (void)system.set_action(me, sig::kUser2, &ignore);
    if (me.pending_signals().has(sig::kUser2)) return 94;
    // Unblocking: the next safe point delivers.
    const SignalSet unblock = SignalSet::of(sig::kUser1);
    (void)system.change_mask(me, 1, &unblock);
    (void)system.deliver_signals(me);
    if (seen.calls != 1 || !me.pending_signals().empty()) return 95;
    if (error_of(system.change_mask(me, 3, &unblock)) != Error::InvalidArgument) return 96;
    if (!system.change_mask(me, 3, nullptr)) return 97;  // `how` is ignored without a set.
    return 0;
  });
  CHECK(exit_code_of(world, pid) == 0);
}

TEST_CASE("signals: SIGKILL and SIGSTOP cannot be caught, ignored or blocked") {
  World& world = fresh_world();
  Process& init = world.init();
  System& system = *world.system;
  reset();
  const SignalAction action = handler_action(counting_handler);
  SignalAction ignore;
  ignore.kind = SignalAction::Kind::Ignore;
  CHECK(error_of(system.set_action(init, SIGKILL, &action)) == Error::InvalidArgument);
  CHECK(error_of(system.set_action(init, SIGKILL, &ignore)) == Error::InvalidArgument);
  CHECK(error_of(system.set_action(init, SIGSTOP, &action)) == Error::InvalidArgument);
  CHECK(error_of(system.set_action(init, 0, &action)) == Error::InvalidArgument);
  CHECK(error_of(system.set_action(init, 65, nullptr)) == Error::InvalidArgument);
  CHECK(system.set_action(init, SIGKILL, nullptr).has_value());

  // A child that blocks everything still dies of SIGKILL, even blocked in a read.
  REQUIRE(pipe(init, g_fds, 0).has_value());
  const Pid pid = must_spawn_function(world, [](void*) -> int {
    Process& me = self();
    const SignalSet all = SignalSet::all();
    (void)me.system().change_mask(me, 2, &all);
    char buffer[4];
    (void)sys::read(g_fds[0], buffer, sizeof buffer);
    return 1;
  });
  REQUIRE(wait_until_blocked(world, pid));
  REQUIRE(system.kill(init, pid, SIGTERM).has_value());  // Blocked: stays pending.
  sched::sleep_for(10 * kMs);
  CHECK(system.find(pid)->pending_signals().has(SIGTERM));
  REQUIRE(system.kill(init, pid, SIGKILL).has_value());
  const WaitResult result = must_wait(world, pid);
  CHECK(WIFSIGNALED(result.status));
  CHECK(WTERMSIG(result.status) == SIGKILL);
  init.fds().close_all();
}

TEST_CASE("signals: kill's targets, permissions and errors") {
  World& world = fresh_world();
  Process& init = world.init();
  System& system = *world.system;
  reset();
  SpawnAttributes leader;
  leader.flags = spawn_flags::kSetGroup;
  const Pid a = must_spawn_function(world, pause_forever, nullptr, nullptr, &leader);
  SpawnAttributes member;
  member.flags = spawn_flags::kSetGroup;
  member.group = a;
  const Pid b = must_spawn_function(world, pause_forever, nullptr, nullptr, &member);
  const Pid c = must_spawn_function(world, pause_forever);

  SUBCASE("errors and signal 0") {
    CHECK(system.kill(init, a, 0).has_value());
    CHECK(error_of(system.kill(init, 4242, 0)) == Error::NoProcess);
    CHECK(error_of(system.kill(init, -4242, SIGTERM)) == Error::NoProcess);
    CHECK(error_of(system.kill(init, a, 65)) == Error::InvalidArgument);
    CHECK(error_of(system.kill(init, a, -1)) == Error::InvalidArgument);
    CHECK(system.find(a)->state() == ProcessState::Running);
  }
  SUBCASE("a group: -pgid") {
    REQUIRE(system.kill(init, -a, SIGTERM).has_value());
    CHECK(WTERMSIG(must_wait(world, a).status) == SIGTERM);
    CHECK(WTERMSIG(must_wait(world, b).status) == SIGTERM);
    auto still =
        system.wait(init, WaitFor::Process, c, wait_options::kExited | wait_options::kNoHang);
    REQUIRE(still.has_value());
    CHECK(still->pid == 0);
  }
  SUBCASE("0: the sender's own group, itself included") {
    g_group_member = a;
    const Pid sender = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      (void)me.system().set_group(me, 0, g_group_member);
      seen.error = error_of(me.system().kill(me, 0, SIGUSR2));
      (void)me.system().deliver_signals(me);
      return 0;  // Not reached: SIGUSR2 ends it.
    });
    CHECK(WTERMSIG(must_wait(world, sender).status) == SIGUSR2);
    CHECK(seen.error == Error{0});
    CHECK(WTERMSIG(must_wait(world, a).status) == SIGUSR2);
    CHECK(WTERMSIG(must_wait(world, b).status) == SIGUSR2);
  }
  SUBCASE("-1: everyone but init and the sender") {
    const Pid sender = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      seen.error = error_of(me.system().kill(me, -1, SIGTERM));
      (void)me.system().deliver_signals(me);
      return 6;
    });
    CHECK(exit_code_of(world, sender) == 6);
    CHECK(seen.error == Error{0});
    for (Pid pid : {a, b, c}) CHECK(WTERMSIG(must_wait(world, pid).status) == SIGTERM);
  }
  SUBCASE("an unprivileged sender: EPERM for others' processes, SIGCONT in its session") {
    g_group_member = a;
    const Pid sender = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      ProcessCredentials& ids = me.credentials();
      ids.uid = ids.euid = ids.suid = 1000;
      seen.error = error_of(me.system().kill(me, 1, SIGTERM));
      seen.result = static_cast<long>(error_of(me.system().kill(me, 1, 0)));
      seen.flag = me.system().kill(me, g_group_member, SIGCONT).has_value();
      return 0;
    });
    CHECK(exit_code_of(world, sender) == 0);
    CHECK(seen.error == Error::NotPermitted);
    CHECK(seen.result == static_cast<long>(Error::NotPermitted));
    CHECK(seen.flag);
  }
  reap_all(world);
}

TEST_CASE("signals: a blocked call is interrupted, or restarted under SA_RESTART") {
  World& world = fresh_world();
  Process& init = world.init();
  System& system = *world.system;
  reset();
  REQUIRE(pipe(init, g_fds, 0).has_value());

  SUBCASE("a pipe read: EINTR after a handler without SA_RESTART") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      catch_in_self(sig::kUser1);
      char buffer[8];
      seen.result = sys::read(g_fds[0], buffer, sizeof buffer);
      return seen.calls;
    });
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGUSR1).has_value());
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.result == -EINTR);
  }
  SUBCASE("a pipe read: restarted after an SA_RESTART handler, then gets the data") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      catch_in_self(sig::kUser1, action_flags::kRestart);
      char buffer[8];
      seen.result = sys::read(g_fds[0], buffer, sizeof buffer);
      return seen.calls;
    });
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGUSR1).has_value());
    REQUIRE(eventually([] { return seen.calls == 1; }));
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(write_text(init, g_fds[1], "data"));
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.result == 4);
  }
  SUBCASE("a pipe read: restarted after a stop and continue (no handler ran)") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      char buffer[8];
      seen.result = sys::read(g_fds[0], buffer, sizeof buffer);
      return 0;
    });
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGSTOP).has_value());
    REQUIRE(eventually([&] { return system.find(pid)->state() == ProcessState::Stopped; }));
    REQUIRE(system.kill(init, pid, SIGCONT).has_value());
    sched::sleep_for(10 * kMs);
    REQUIRE(write_text(init, g_fds[1], "abc"));
    CHECK(exit_code_of(world, pid) == 0);
    CHECK(seen.result == 3);
  }
  SUBCASE("nanosleep: EINTR with the time left") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      catch_in_self(sig::kUser1, action_flags::kRestart);
      long remaining = 0;
      seen.result = sys::nanosleep(5'000'000'000, &remaining);
      seen.remaining = remaining;
      (void)sys::deliver_signals();
      return seen.calls;
    });
    REQUIRE(wait_until_blocked(world, pid));
    const std::uint64_t before = sched::now();
    REQUIRE(system.kill(init, pid, SIGUSR1).has_value());
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(sched::now() - before < 3'000'000'000);
    CHECK(seen.result == -EINTR);  // Linux: nanosleep is never restarted with SA_RESTART.
    CHECK(seen.remaining > 1'000'000'000);
    CHECK(seen.remaining <= 5'000'000'000);
  }
  SUBCASE("an ignored signal does not interrupt a sleep") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      seen.result = sys::nanosleep(100 * kMs, nullptr);
      return 0;
    });
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGCHLD).has_value());
    REQUIRE(system.kill(init, pid, SIGWINCH).has_value());
    CHECK(exit_code_of(world, pid) == 0);
    CHECK(seen.result == 0);
  }
  SUBCASE("wait for a child: EINTR after a handler") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      catch_in_self(sig::kUser1);
      Process& me = self();
      (void)me.system().spawn_function(me, pause_forever, nullptr, nullptr, nullptr);
      sys::WaitInfo info{};
      seen.result = sys::wait(0, 0, WEXITED, &info);
      (void)me.system().kill(me, -1, SIGKILL);  // The grandchild (init is spared).
      (void)sys::wait(0, 0, WEXITED, &info);
      return seen.calls;
    });
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGUSR1).has_value());
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.result == -EINTR);
  }
  SUBCASE("pause and sigsuspend return EINTR after the handler") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      const SignalAction action = handler_action(counting_handler, action_flags::kRestart);
      (void)me.system().set_action(me, sig::kUser1, &action);
      (void)me.system().set_action(me, sig::kUser2, &action);
      seen.result = sys::pause();
      (void)sys::deliver_signals();
      // sigsuspend: USR2 blocked meanwhile, USR1 wakes it, the old mask comes back.
      const SignalSet usr1 = SignalSet::of(sig::kUser1);
      (void)me.system().change_mask(me, 2, &usr1);
      seen.remaining = sys::rt_sigsuspend(SignalSet::of(sig::kUser2).bits());
      seen.pending = me.signal_mask().bits();
      (void)sys::deliver_signals();
      return seen.calls;
    });
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGUSR1).has_value());
    REQUIRE(eventually([] { return seen.calls == 1; }));
    REQUIRE(wait_until_blocked(world, pid));
    REQUIRE(system.kill(init, pid, SIGUSR2).has_value());  // Blocked by the suspend mask.
    sched::sleep_for(10 * kMs);
    CHECK(seen.calls == 1);
    REQUIRE(system.kill(init, pid, SIGUSR1).has_value());
    CHECK(exit_code_of(world, pid) == 3);  // USR1, then USR2 once the old mask is back.
    CHECK(seen.result == -EINTR);
    CHECK(seen.remaining == -EINTR);
    CHECK(seen.pending == SignalSet::of(sig::kUser1).bits());
  }
  init.fds().close_all();
  reap_all(world);
}

TEST_CASE("signals: SIGCHLD tells the parent, with the child's pid and status") {
  World& world = fresh_world();
  reset();
  static Pid grandchild;
  const Pid pid = must_spawn_function(world, [](void*) -> int {
    Process& me = self();
    SignalAction action;
    action.kind = SignalAction::Kind::Handler;
    action.info_handler = info_handler;
    action.flags = action_flags::kSigInfo;
    (void)me.system().set_action(me, sig::kChild, &action);
    auto child = me.system().spawn_function(
        me, [](void*) -> int { return 13; }, nullptr, nullptr, nullptr);
    grandchild = child ? *child : -1;
    while (seen.calls == 0) {
      (void)pause(me);
      (void)me.system().deliver_signals(me);
    }
    auto waited = me.system().wait(me, WaitFor::Any, 0, wait_options::kExited);
    return waited && waited->pid == grandchild ? 0 : 1;
  });
  CHECK(exit_code_of(world, pid) == 0);
  CHECK(seen.info_signo == SIGCHLD);
  CHECK(seen.info_pid == grandchild);
  CHECK(WEXITSTATUS(seen.info_status) == 13);
}

TEST_CASE("signals: alarm") {
  World& world = fresh_world();
  reset();

  SUBCASE("SIGALRM's default action ends the process after the time") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      seen.result = me.system().set_alarm(me, 1);
      return pause_forever(nullptr);
    });
    const std::uint64_t before = sched::now();
    const WaitResult result = must_wait(world, pid);
    const std::uint64_t took = sched::now() - before;
    CHECK(WIFSIGNALED(result.status));
    CHECK(WTERMSIG(result.status) == SIGALRM);
    CHECK(took >= 800 * kMs);
    CHECK(took < 3000 * kMs);
    CHECK(seen.result == 0);
  }
  SUBCASE("alarm returns what was left, 0 cancels, a handler catches it") {
    const Pid pid = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      System& system = me.system();
      const SignalAction action = handler_action(counting_handler);
      (void)system.set_action(me, sig::kAlarm, &action);
      seen.order[4] = static_cast<int>(system.set_alarm(me, 5));
      seen.order[5] = static_cast<int>(system.set_alarm(me, 0));
      seen.order[6] = static_cast<int>(system.set_alarm(me, 0));
      (void)system.set_alarm(me, 1);
      seen.result = sys::pause();
      (void)system.deliver_signals(me);
      return seen.calls;
    });
    CHECK(exit_code_of(world, pid) == 1);
    CHECK(seen.order[4] == 0);
    CHECK(seen.order[5] == 5);
    CHECK(seen.order[6] == 0);
    CHECK(seen.last_signal == SIGALRM);
    CHECK(seen.result == -EINTR);
  }
}

TEST_CASE("signals: a terminal's signal reaches its foreground group") {
  World& world = fresh_world();
  System& system = *world.system;
  reset();
  SpawnAttributes attributes;
  attributes.flags = spawn_flags::kSetGroup;
  const Pid a = must_spawn_function(world, pause_forever, nullptr, nullptr, &attributes);
  attributes.group = a;
  const Pid b = must_spawn_function(world, pause_forever, nullptr, nullptr, &attributes);
  const Pid c = must_spawn_function(world, pause_forever);
  system.signal_foreground(SIGINT, a);
  system.signal_foreground(SIGINT, 0);  // Ignored: no group.
  system.signal_foreground(99, a);      // Ignored: no signal.
  CHECK(WTERMSIG(must_wait(world, a).status) == SIGINT);
  CHECK(WTERMSIG(must_wait(world, b).status) == SIGINT);
  CHECK(system.find(c)->state() == ProcessState::Running);
  reap_all(world);
}

// Linux discards a SIGCONT whose action is SIG_DFL once it has continued the process (SIGCONT is
// in the kernel's "ignored by default" set with SIGCHLD, SIGURG and SIGWINCH): a running
// process's nanosleep goes on, and nothing stays pending.
TEST_CASE("signals: SIGCONT to a running process is discarded") {
  World& world = fresh_world();
  reset();
  const Pid pid = must_spawn_function(world, [](void*) -> int {
    seen.result = sys::nanosleep(200 * kMs, nullptr);
    seen.pending = self().pending_signals().bits();
    return 0;
  });
  REQUIRE(wait_until_blocked(world, pid));
  REQUIRE(world.system->kill(world.init(), pid, SIGCONT).has_value());
  CHECK(exit_code_of(world, pid) == 0);
  CHECK(seen.result == 0);
  CHECK(seen.pending == 0);
}

// Linux resumes a nanosleep that a stop and continue interrupted, for the time that was left
// (no handler ran, so the call restarts; ERESTART_RESTARTBLOCK).
TEST_CASE("signals: nanosleep goes on after a stop and continue") {
  World& world = fresh_world();
  reset();
  const Pid pid = must_spawn_function(world, [](void*) -> int {
    const std::uint64_t start = sched::now();
    seen.result = sys::nanosleep(300 * kMs, nullptr);
    (void)sys::deliver_signals();  // As the C layer does on its way out.
    seen.remaining = static_cast<long>(sched::now() - start);
    return 0;
  });
  REQUIRE(wait_until_blocked(world, pid));
  REQUIRE(world.system->kill(world.init(), pid, SIGSTOP).has_value());
  REQUIRE(eventually([&] { return world.system->find(pid)->state() == ProcessState::Stopped; }));
  REQUIRE(world.system->kill(world.init(), pid, SIGCONT).has_value());
  CHECK(exit_code_of(world, pid) == 0);
  CHECK(seen.result == 0);
  CHECK(seen.remaining >= static_cast<long>(290 * kMs));
}
