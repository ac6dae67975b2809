// Processes: the program registry and /bin, posix_spawn (argv, envp, file actions, attributes,
// $PATH, '#!' scripts, errors before the child exists), mos_spawn_function, waiting (statuses,
// WNOHANG, ECHILD, WNOWAIT, groups, zombies, orphans going to init), process groups and
// sessions with POSIX's rules.
#include "core_test_support.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>

#include <cstdlib>

using namespace mos;
using namespace mos::posix;
using namespace mos::posix::test;

namespace {

// Writes what it was started with to descriptor 1: its arguments, its environment, its working
// directory, its open descriptors (below 16) and whether SIGUSR1 is caught or ignored; exits
// with argc.
int record_main(int argc, char** argv) {
  Process& me = self();
  std::string out = "argv:";
  for (int i = 0; i < argc; ++i) out += (i ? "|" : "") + std::string(argv[i]);
  out += argv[argc] == nullptr ? "\n" : " (argv not null-ended)\n";
  out += "env:";
  for (char** e = me.environment(); e != nullptr && *e != nullptr; ++e) {
    out += (e == me.environment() ? "" : "|") + std::string(*e);
  }
  char cwd[256];
  auto length = working_directory(me, std::span(cwd));
  out += "\ncwd:" + (length ? std::string(cwd, *length) : std::string("?")) + "\nfds:";
  for (int fd = 0; fd < 16; ++fd) {
    if (me.fds().get(fd)) out += " " + std::to_string(fd);
  }
  const SignalAction usr1 = me.action(sig::kUser1);
  out += "\nusr1:";
  out += usr1.kind == SignalAction::Kind::Default  ? "default"
         : usr1.kind == SignalAction::Kind::Ignore ? "ignore"
                                                   : "handler";
  out += "\nmask:" + std::to_string(me.signal_mask().bits()) + "\n";
  (void)write_text(me, 1, out);
  return argc;
}

// Exits with the number in argv[1].
int exit_main(int argc, char** argv) {
  return argc > 1 ? std::atoi(argv[1]) : 100;
}

void noop_handler(int) {}

// A world with "record" and "exit" registered and installed in /bin, and /out ready for a
// child's descriptor 1.
World& program_world() {
  World& world = fresh_world();
  REQUIRE(world.system->register_program("record", record_main).has_value());
  REQUIRE(world.system->register_program("exit", exit_main).has_value());
  REQUIRE(world.system->install_programs("/bin").has_value());
  return world;
}

// Spawns `path` with stdout on /out; the pid or the error.
Result<Pid> spawn_recording(World& world, std::string_view path, std::vector<const char*> argv,
                            std::vector<const char*> envp = {}, bool search = false,
                            SpawnFileActions* extra = nullptr) {
  SpawnFileActions own;
  SpawnFileActions& actions = extra != nullptr ? *extra : own;
  REQUIRE(actions.add_open(1, "/out", O_WRONLY | O_CREAT | O_TRUNC, 0644).has_value());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  return world.system->spawn(world.init(), path, search, &actions, nullptr,
                             const_cast<char* const*>(argv.data()),
                             const_cast<char* const*>(envp.data()));
}

}  // namespace

TEST_CASE("programs: registering and installing") {
  World& world = fresh_world();
  System& system = *world.system;
  REQUIRE(system.register_program("record", record_main).has_value());
  CHECK(error_of(system.register_program("record", exit_main)) == Error::Exists);
  CHECK(error_of(system.register_program("", exit_main)) == Error::InvalidArgument);
  CHECK(error_of(system.register_program(std::string(40, 'n'), exit_main)) ==
        Error::InvalidArgument);
  CHECK(error_of(system.register_program("null", nullptr)) == Error::InvalidArgument);
  CHECK((system.find_program("record") == record_main));
  CHECK((system.find_program("recor") == nullptr));
  for (int i = 0; i < 40; ++i) {  // Beyond the first allocation.
    REQUIRE(system.register_program("p" + std::to_string(i), exit_main).has_value());
  }
  CHECK((system.find_program("p39") == exit_main));
  REQUIRE(system.install_programs("/bin").has_value());
  CHECK(file_text(world, "/bin/record") == "MOSAIC-LINKED-PROGRAM record\n");
  CHECK((world.space.must_stat("/bin/record").mode & 07777) == 0755);
  CHECK((world.space.must_stat("/bin").mode & 07777) == 0755);
  REQUIRE(system.install_programs("/bin").has_value());  // Again: rewrites.
  world.space.write_file("/file", "x");
  CHECK(error_of(system.install_programs("/file/bin")) == Error::NotDirectory);
}

TEST_CASE("spawn: argv, envp and file actions") {
  World& world = program_world();
  Process& init = world.init();
  REQUIRE(make_directory(init, kAtWorkingDirectory, "/work", 0755).has_value());

  SUBCASE("argv and envp reach the program; stdout is the opened file") {
    auto pid = spawn_recording(world, "/bin/record", {"rec", "one", "two words"}, {"A=1", "B=x"});
    REQUIRE(pid.has_value());
    CHECK(*pid == 2);
    CHECK(exit_code_of(world, *pid) == 3);
    CHECK(file_text(world, "/out") ==
          "argv:rec|one|two words\nenv:A=1|B=x\ncwd:/\nfds: 1\nusr1:default\nmask:0\n");
  }
  SUBCASE("open, dup2, close and chdir actions, in order") {
    SpawnFileActions actions;
    REQUIRE(actions.add_open(5, "/work/five", O_RDWR | O_CREAT, 0600).has_value());
    REQUIRE(actions.add_dup2(5, 7).has_value());
    REQUIRE(actions.add_close(5).has_value());
    REQUIRE(actions.add_close(12).has_value());  // Not open: allowed (as glibc).
    REQUIRE(actions.add_chdir("/work").has_value());
    auto pid = spawn_recording(world, "/bin/record", {"record"}, {}, false, &actions);
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 1);
    CHECK(file_text(world, "/out") ==
          "argv:record\nenv:\ncwd:/work\nfds: 1 7\nusr1:default\nmask:0\n");
    CHECK(world.space.must_stat("/work/five").mode % 01000 == 0600);
  }
  SUBCASE("the parent's descriptors are inherited, close-on-exec ones are not") {
    CHECK(value_of(open(init, kAtWorkingDirectory, "/work", O_RDONLY, 0)) == 0);
    CHECK(value_of(dup3(init, 0, 9, O_CLOEXEC)) == 9);
    CHECK(value_of(dup2(init, 0, 11)) == 11);
    auto pid = spawn_recording(world, "/bin/record", {"record"});
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 1);
    CHECK(file_text(world, "/out").find("fds: 0 1 11\n") != std::string::npos);
  }
  SUBCASE("an action's error is spawn's, and no child is made") {
    SpawnFileActions actions;
    REQUIRE(actions.add_open(3, "/missing/file", O_RDONLY, 0).has_value());
    CHECK(error_of(spawn_recording(world, "/bin/record", {"record"}, {}, false, &actions)) ==
          Error::NoEntry);
    SpawnFileActions dup_bad;
    REQUIRE(dup_bad.add_dup2(40, 3).has_value());
    CHECK(error_of(spawn_recording(world, "/bin/record", {"record"}, {}, false, &dup_bad)) ==
          Error::BadFileDescriptor);
    SpawnFileActions chdir_bad;
    REQUIRE(chdir_bad.add_chdir("/bin/record").has_value());
    CHECK(error_of(spawn_recording(world, "/bin/record", {"record"}, {}, false, &chdir_bad)) ==
          Error::NotDirectory);
    CHECK(error_of(world.system->wait(init, WaitFor::Any, 0, wait_options::kExited)) ==
          Error::NoChild);
    SpawnFileActions negative;
    CHECK(error_of(negative.add_open(-1, "/x", O_RDONLY, 0)) == Error::BadFileDescriptor);
    CHECK(error_of(negative.add_close(-1)) == Error::BadFileDescriptor);
    CHECK(error_of(negative.add_dup2(0, -1)) == Error::BadFileDescriptor);
  }
  SUBCASE("caught signals go back to default, ignored ones stay ignored, the mask is kept") {
    SignalAction handler;
    handler.kind = SignalAction::Kind::Handler;
    handler.handler = noop_handler;
    REQUIRE(world.system->set_action(init, sig::kUser1, &handler).has_value());
    const SignalSet usr2 = SignalSet::of(sig::kUser2);
    REQUIRE(world.system->change_mask(init, 2, &usr2).has_value());
    auto pid = spawn_recording(world, "/bin/record", {"record"});
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 1);
    CHECK(file_text(world, "/out").find("usr1:default\nmask:2048\n") != std::string::npos);
    SignalAction ignore;
    ignore.kind = SignalAction::Kind::Ignore;
    REQUIRE(world.system->set_action(init, sig::kUser1, &ignore).has_value());
    const SignalSet none;
    REQUIRE(world.system->change_mask(init, 2, &none).has_value());
    auto again = spawn_recording(world, "/bin/record", {"record"});
    REQUIRE(again.has_value());
    CHECK(exit_code_of(world, *again) == 1);
    CHECK(file_text(world, "/out").find("usr1:ignore\nmask:0\n") != std::string::npos);
    const SignalAction default_action;
    REQUIRE(world.system->set_action(init, sig::kUser1, &default_action).has_value());
  }
  init.fds().close_all();
}

TEST_CASE("spawn: $PATH search") {
  World& world = program_world();
  Process& init = world.init();
  REQUIRE(make_directory(init, kAtWorkingDirectory, "/other", 0755).has_value());
  world.space.write_file("/other/record", "MOSAIC-LINKED-PROGRAM exit\n", 0644);  // Not runnable.

  SUBCASE("found in a later directory; a non-executable match is skipped") {
    auto pid = spawn_recording(world, "record", {"record", "x"}, {"PATH=/nope:/other:/bin"}, true);
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 2);
    CHECK(file_text(world, "/out").starts_with("argv:record|x\n"));
  }
  SUBCASE("only a non-executable match: EACCES") {
    CHECK(error_of(spawn_recording(world, "record", {"record"}, {"PATH=/other:/nope"}, true)) ==
          Error::AccessDenied);
  }
  SUBCASE("nothing found: ENOENT") {
    CHECK(error_of(spawn_recording(world, "record", {"record"}, {"PATH=/nope"}, true)) ==
          Error::NoEntry);
    CHECK(error_of(spawn_recording(world, "absent", {"absent"}, {}, true)) == Error::NoEntry);
  }
  SUBCASE("no PATH: /bin:/usr/bin") {
    auto pid = spawn_recording(world, "record", {"record"}, {"HOME=/"}, true);
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 1);
  }
  SUBCASE("an empty PATH entry is the working directory") {
    REQUIRE(change_directory(init, "/bin").has_value());
    auto pid = spawn_recording(world, "exit", {"exit", "6"}, {"PATH=/nope:"}, true);
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 6);
  }
  SUBCASE("no search: a name without slash is relative to the working directory") {
    CHECK(error_of(spawn_recording(world, "record", {"record"}, {"PATH=/bin"}, false)) ==
          Error::NoEntry);
    REQUIRE(change_directory(init, "/bin").has_value());
    auto pid = spawn_recording(world, "exit", {"exit", "4"}, {}, false);
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 4);
  }
}

TEST_CASE("spawn: '#!' scripts and the errors of program files") {
  World& world = program_world();
  Process& init = world.init();
  REQUIRE(make_directory(init, kAtWorkingDirectory, "/s", 0755).has_value());

  SUBCASE("the interpreter gets its argument, the script's path, then argv[1...]") {
    world.space.write_file("/s/script", "#!/bin/record  -x  \necho hi\n", 0755);
    auto pid = spawn_recording(world, "/s/script", {"ignored0", "a1", "a2"});
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 5);
    CHECK(file_text(world, "/out").starts_with("argv:/bin/record|-x|/s/script|a1|a2\n"));
  }
  SUBCASE("without an argument, and found on $PATH") {
    world.space.write_file("/s/plain", "#! /bin/record\n", 0755);
    auto pid = spawn_recording(world, "plain", {"plain", "z"}, {"PATH=/s"}, true);
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 3);
    CHECK(file_text(world, "/out").starts_with("argv:/bin/record|/s/plain|z\n"));
  }
  SUBCASE("a script whose interpreter is a script") {
    world.space.write_file("/s/inner", "#!/bin/record\n", 0755);
    world.space.write_file("/s/outer", "#!/s/inner\n", 0755);
    auto pid = spawn_recording(world, "/s/outer", {"outer", "q"});
    REQUIRE(pid.has_value());
    CHECK(exit_code_of(world, *pid) == 4);
    CHECK(file_text(world, "/out").starts_with("argv:/bin/record|/s/inner|/s/outer|q\n"));
  }
  SUBCASE("a script interpreting itself: ELOOP") {
    world.space.write_file("/s/self", "#!/s/self\n", 0755);
    CHECK(error_of(spawn_recording(world, "/s/self", {"self"})) == Error::SymlinkLoop);
  }
  SUBCASE("errors") {
    world.space.write_file("/s/text", "just text\n", 0755);
    world.space.write_file("/s/unknown", "MOSAIC-LINKED-PROGRAM nosuch\n", 0755);
    world.space.write_file("/s/noexec", "#!/bin/record\n", 0644);
    world.space.write_file("/s/badinterp", "#!/bin/missing\n", 0755);
    world.space.write_file("/s/empty", "", 0755);
    world.space.write_file("/s/bare", "#!\n", 0755);
    CHECK(error_of(spawn_recording(world, "/s/text", {"t"})) == Error::ExecFormat);
    CHECK(error_of(spawn_recording(world, "/s/unknown", {"t"})) == Error::ExecFormat);
    CHECK(error_of(spawn_recording(world, "/s/empty", {"t"})) == Error::ExecFormat);
    CHECK(error_of(spawn_recording(world, "/s/bare", {"t"})) == Error::ExecFormat);
    CHECK(error_of(spawn_recording(world, "/s/noexec", {"t"})) == Error::AccessDenied);
    CHECK(error_of(spawn_recording(world, "/s", {"t"})) == Error::AccessDenied);
    CHECK(error_of(spawn_recording(world, "/s/missing", {"t"})) == Error::NoEntry);
    CHECK(error_of(spawn_recording(world, "/s/text/x", {"t"})) == Error::NotDirectory);
    CHECK(error_of(spawn_recording(world, "/s/badinterp", {"t"})) == Error::NoEntry);
    CHECK(error_of(spawn_recording(world, "", {"t"})) == Error::NoEntry);
    CHECK(error_of(world.system->wait(init, WaitFor::Any, 0, wait_options::kExited)) ==
          Error::NoChild);
  }
}

TEST_CASE("spawn attributes: group, session, mask, defaults") {
  World& world = program_world();
  Process& init = world.init();
  static Pid seen_group, seen_session;
  static std::uint64_t seen_mask;
  auto report = [](void*) -> int {
    Process& me = self();
    seen_group = me.group();
    seen_session = me.session();
    seen_mask = me.signal_mask().bits();
    return 0;
  };
  SpawnAttributes attributes;
  attributes.flags = spawn_flags::kSetGroup | spawn_flags::kSetSignalMask;
  attributes.group = 0;
  attributes.mask = SignalSet::of(sig::kUser1) | SignalSet::of(sig::kKill);
  const Pid leader = must_spawn_function(world, report, nullptr, nullptr, &attributes);
  CHECK(exit_code_of(world, leader) == 0);
  CHECK(seen_group == leader);
  CHECK(seen_session == 1);
  CHECK(seen_mask == SignalSet::of(sig::kUser1).bits());  // SIGKILL cannot be blocked.

  attributes.flags = spawn_flags::kSetGroup;
  attributes.group = 4242;
  CHECK(error_of(world.system->spawn_function(init, report, nullptr, nullptr, &attributes)) ==
        Error::NotPermitted);
  attributes.group = 1;
  const Pid member = must_spawn_function(world, report, nullptr, nullptr, &attributes);
  CHECK(exit_code_of(world, member) == 0);
  CHECK(seen_group == 1);

  attributes.flags = spawn_flags::kSetSession;
  const Pid session_leader = must_spawn_function(world, report, nullptr, nullptr, &attributes);
  CHECK(exit_code_of(world, session_leader) == 0);
  CHECK(seen_group == session_leader);
  CHECK(seen_session == session_leader);
}

TEST_CASE("spawn_function: a copy of the parent's state, running entry(arg)") {
  World& world = fresh_world();
  Process& init = world.init();
  const int fd = open(init, kAtWorkingDirectory, "/shared", O_RDWR | O_CREAT, 0644).value();
  const int cloexec = open(init, kAtWorkingDirectory, "/", O_RDONLY | O_CLOEXEC, 0).value();
  REQUIRE(make_directory(init, kAtWorkingDirectory, "/here", 0755).has_value());
  REQUIRE(change_directory(init, "/here").has_value());
  (void)set_umask(init, 027);
  char variable[] = "WHO=parent";
  char* environment[] = {variable, nullptr};
  REQUIRE(init.set_environment(environment).has_value());
  struct Seen {
    int fd = -1, cloexec = -1;
    bool fd_open = false, cloexec_open = false;
    std::string cwd, env;
    vfs::Mode umask = 0;
    Pid pid = 0, parent = 0;
    int arg = 0;
  };
  static Seen seen;
  seen = Seen{};
  seen.fd = fd;
  seen.cloexec = cloexec;
  static int argument = 77;
  const Pid child = must_spawn_function(
      world,
      [](void* arg) -> int {
        Process& me = self();
        seen.arg = *static_cast<int*>(arg);
        seen.fd_open = me.fds().get(seen.fd).has_value();
        seen.cloexec_open = me.fds().get(seen.cloexec).has_value();
        char cwd[64];
        auto length = working_directory(me, std::span(cwd));
        if (length) seen.cwd.assign(cwd, *length);
        seen.env = me.environment()[0] != nullptr ? me.environment()[0] : "";
        seen.umask = me.umask();
        seen.pid = me.pid();
        seen.parent = me.parent_pid();
        (void)write_text(me, seen.fd, "child");
        return 12;
      },
      &argument);
  CHECK(exit_code_of(world, child) == 12);
  CHECK(seen.arg == 77);
  CHECK(seen.fd_open);
  CHECK(seen.cloexec_open);  // No exec, nothing closes.
  CHECK(seen.cwd == "/here");
  CHECK(seen.env == "WHO=parent");
  CHECK(seen.umask == 027);
  CHECK(seen.pid == child);
  CHECK(seen.parent == 1);
  // The open file description is shared: the parent's offset moved.
  CHECK(value_of(seek(init, fd, 0, SEEK_CUR)) == 5);
  CHECK(file_text(world, "/shared") == "child");
  (void)set_umask(init, 022);
  REQUIRE(change_directory(init, "/").has_value());
  init.fds().close_all();
}

TEST_CASE("wait: statuses, WNOHANG, ECHILD, WNOWAIT, by group") {
  World& world = fresh_world();
  Process& init = world.init();
  System& system = *world.system;
  using namespace wait_options;

  SUBCASE("exit statuses are Linux's encoding") {
    static int code;
    for (int value : {0, 1, 42, 255, 256 + 7}) {
      code = value;
      const Pid pid = must_spawn_function(world, [](void*) -> int { return code; });
      const WaitResult result = must_wait(world, pid);
      CHECK(result.pid == pid);
      CHECK(WIFEXITED(result.status));
      CHECK_FALSE(WIFSIGNALED(result.status));
      CHECK(WEXITSTATUS(result.status) == (value & 0xff));
    }
  }
  SUBCASE("WNOHANG: 0 while the child runs, then its status") {
    const Pid pid = must_spawn_function(world, pause_forever);
    auto none = system.wait(init, WaitFor::Process, pid, kExited | kNoHang);
    REQUIRE(none.has_value());
    CHECK(none->pid == 0);
    REQUIRE(system.kill(init, pid, sig::kTerminate).has_value());
    const WaitResult result = must_wait(world, pid);
    CHECK(WIFSIGNALED(result.status));
    CHECK(WTERMSIG(result.status) == SIGTERM);
    CHECK(error_of(system.wait(init, WaitFor::Process, pid, kExited | kNoHang)) == Error::NoChild);
  }
  SUBCASE("ECHILD: no children, or not ours") {
    CHECK(error_of(system.wait(init, WaitFor::Any, 0, kExited)) == Error::NoChild);
    CHECK(error_of(system.wait(init, WaitFor::Process, 99, kExited)) == Error::NoChild);
    CHECK(error_of(system.wait(init, WaitFor::Group, 99, kExited)) == Error::NoChild);
    CHECK(error_of(system.wait(init, WaitFor::Any, 0, kExited | 0x100)) == Error::InvalidArgument);
  }
  SUBCASE("WNOWAIT leaves the zombie; the next wait reaps it") {
    const Pid pid = must_spawn_function(world, [](void*) -> int { return 9; });
    auto peek = system.wait(init, WaitFor::Process, pid, kExited | kNoWait);
    REQUIRE(peek.has_value());
    CHECK(peek->pid == pid);
    CHECK(WEXITSTATUS(peek->status) == 9);
    RefPtr<Process> zombie = system.find(pid);
    REQUIRE(zombie);
    CHECK(zombie->state() == ProcessState::Zombie);
    zombie = {};
    CHECK(exit_code_of(world, pid) == 9);
    CHECK_FALSE(system.find(pid));
  }
  SUBCASE("a zombie stays until waited for; any child matches WaitFor::Any") {
    const Pid a = must_spawn_function(world, [](void*) -> int { return 1; });
    const Pid b = must_spawn_function(world, [](void*) -> int { return 2; });
    REQUIRE(eventually([&] {
      RefPtr<Process> pa = system.find(a), pb = system.find(b);
      return pa && pb && pa->state() == ProcessState::Zombie && pb->state() == ProcessState::Zombie;
    }));
    const WaitResult first = must_wait(world, 0);
    const WaitResult second = must_wait(world, 0);
    CHECK(((first.pid == a && second.pid == b) || (first.pid == b && second.pid == a)));
    CHECK(WEXITSTATUS(first.status) + WEXITSTATUS(second.status) == 3);
    CHECK(error_of(system.wait(init, WaitFor::Any, 0, kExited)) == Error::NoChild);
  }
  SUBCASE("by process group") {
    SpawnAttributes attributes;
    attributes.flags = spawn_flags::kSetGroup;
    const Pid leader = must_spawn_function(world, pause_forever, nullptr, nullptr, &attributes);
    const Pid other = must_spawn_function(world, [](void*) -> int { return 5; });
    auto waited = system.wait(init, WaitFor::Group, leader, kExited | kNoHang);
    REQUIRE(waited.has_value());
    CHECK(waited->pid == 0);  // `other` (group 1) does not match.
    REQUIRE(system.kill(init, leader, sig::kKill).has_value());
    auto group_wait = system.wait(init, WaitFor::Group, leader, kExited);
    REQUIRE(group_wait.has_value());
    CHECK(group_wait->pid == leader);
    CHECK(WTERMSIG(group_wait->status) == SIGKILL);
    CHECK(exit_code_of(world, other) == 5);
  }
  SUBCASE("a SIGCHLD ignored by the parent leaves no zombies") {
    SignalAction ignore;
    ignore.kind = SignalAction::Kind::Ignore;
    REQUIRE(system.set_action(init, sig::kChild, &ignore).has_value());
    const Pid pid = must_spawn_function(world, [](void*) -> int { return 1; });
    CHECK(eventually([&] { return !system.find(pid); }));
    CHECK(error_of(system.wait(init, WaitFor::Any, 0, kExited)) == Error::NoChild);
    const SignalAction default_action;
    REQUIRE(system.set_action(init, sig::kChild, &default_action).has_value());
  }
  reap_all(world);
}

TEST_CASE("wait: orphans go to init") {
  World& world = fresh_world();
  System& system = *world.system;
  static Pid grandchild;
  grandchild = 0;
  const Pid parent = must_spawn_function(world, [](void*) -> int {
    Process& me = self();
    auto pid = me.system().spawn_function(
        me,
        [](void*) -> int {
          sched::sleep_for(30 * kMs);
          return 21;
        },
        nullptr, nullptr, nullptr);
    grandchild = pid ? *pid : -1;
    return 0;
  });
  CHECK(exit_code_of(world, parent) == 0);
  REQUIRE(grandchild > 0);
  RefPtr<Process> orphan = system.find(grandchild);
  REQUIRE(orphan);
  CHECK(orphan->parent_pid() == 1);
  orphan = {};
  CHECK(exit_code_of(world, grandchild) == 21);

  SUBCASE("a zombie orphan is reaped by init too") {
    grandchild = 0;
    const Pid quick = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      auto pid = me.system().spawn_function(
          me, [](void*) -> int { return 8; }, nullptr, nullptr, nullptr);
      grandchild = pid ? *pid : -1;
      RefPtr<Process> child = me.system().find(grandchild);
      while (child && child->state() != ProcessState::Zombie) sched::sleep_for(kMs);
      return 0;  // Ends with a zombie child.
    });
    CHECK(exit_code_of(world, quick) == 0);
    REQUIRE(grandchild > 0);
    CHECK(exit_code_of(world, grandchild) == 8);
  }
}

TEST_CASE("process groups and sessions") {
  World& world = fresh_world();
  Process& init = world.init();
  System& system = *world.system;
  const Pid a = must_spawn_function(world, pause_forever);
  const Pid b = must_spawn_function(world, pause_forever);
  CHECK(value_of(system.group_of(init, a)) == 1);
  CHECK(value_of(system.session_of(init, a)) == 1);

  SUBCASE("setpgid by the parent") {
    REQUIRE(system.set_group(init, a, 0).has_value());
    CHECK(value_of(system.group_of(init, a)) == a);
    REQUIRE(system.set_group(init, b, a).has_value());  // Joins a's group.
    CHECK(value_of(system.group_of(init, b)) == a);
    REQUIRE(system.set_group(init, b, b).has_value());
    CHECK(value_of(system.group_of(init, b)) == b);
    CHECK(error_of(system.set_group(init, b, 4242)) == Error::NotPermitted);
    CHECK(error_of(system.set_group(init, 4242, 0)) == Error::NoProcess);
    CHECK(error_of(system.set_group(init, a, -3)) == Error::InvalidArgument);
    CHECK(error_of(system.set_group(init, -3, 0)) == Error::InvalidArgument);
    CHECK(error_of(system.set_group(init, 0, 0)) == Error::NotPermitted);  // Init leads a session.
    CHECK(error_of(system.group_of(init, 4242)) == Error::NoProcess);
    CHECK(error_of(system.group_of(init, -1)) == Error::InvalidArgument);
    CHECK(system.group_exists(a, 1));
    CHECK_FALSE(system.group_exists(a, 2));
    CHECK_FALSE(system.group_exists(4242, 1));
  }
  SUBCASE("setsid: EPERM for a group leader, a new session otherwise") {
    struct Result2 {
      Error leader_error = Error{0};
      Pid session = 0, group = 0, sid = 0;
      Error setpgid_error = Error{0};
    };
    static Result2 seen;
    seen = Result2{};
    SpawnAttributes leader_attributes;
    leader_attributes.flags = spawn_flags::kSetGroup;
    const Pid leader = must_spawn_function(
        world,
        [](void*) -> int {
          Process& me = self();
          seen.leader_error = error_of(me.system().create_session(me));
          return 0;
        },
        nullptr, nullptr, &leader_attributes);
    CHECK(exit_code_of(world, leader) == 0);
    CHECK(seen.leader_error == Error::NotPermitted);
    const Pid member = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      auto session = me.system().create_session(me);
      seen.session = session ? *session : -1;
      seen.group = me.group();
      seen.sid = me.system().session_of(me, 0).value_or(-1);
      // A session leader cannot change its group.
      seen.setpgid_error = error_of(me.system().set_group(me, 0, 1));
      sched::sleep_for(100 * kMs);
      return 0;
    });
    REQUIRE(eventually([&] { return seen.session != 0; }));
    CHECK(seen.session == member);
    CHECK(seen.group == member);
    CHECK(seen.sid == member);
    CHECK(seen.setpgid_error == Error::NotPermitted);
    // The parent cannot move a child of another session.
    CHECK(error_of(system.set_group(init, member, 1)) == Error::NotPermitted);
    CHECK(exit_code_of(world, member) == 0);
  }
  SUBCASE("setpgid of a process that is not a child: ESRCH") {
    static Error error;
    static Pid target;
    target = a;
    const Pid c = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      error = error_of(me.system().set_group(me, target, 0));
      return 0;
    });
    CHECK(exit_code_of(world, c) == 0);
    CHECK(error == Error::NoProcess);
  }
  reap_all(world);
}

namespace {

// A child that sets up its descriptors itself, then runs /bin/exit (what vfork + execve does).
int exec_from_function(void* arg) noexcept {
  Process& me = self();
  char name[] = "exit";
  char code[] = "42";
  char* argv[] = {name, code, nullptr};
  (void)me.system().exec(me, "/bin/exit", false, argv, nullptr);
  *static_cast<int*>(arg) = 1;  // Only reached when exec failed.
  return 99;
}

int exec_missing(void* arg) noexcept {
  Process& me = self();
  char name[] = "nothing";
  char* argv[] = {name, nullptr};
  auto failed = me.system().exec(me, "/bin/nothing", false, argv, nullptr);
  *static_cast<int*>(arg) = failed ? 0 : static_cast<int>(failed.error());
  return 7;
}

}  // namespace

TEST_CASE("exec: a process runs another program in its place, keeping its pid") {
  World& world = program_world();
  int failed = 0;
  const Pid child = must_spawn_function(world, exec_from_function, &failed);
  CHECK(exit_code_of(world, child) == 42);
  CHECK(failed == 0);
  // A failed exec returns to the caller, which goes on.
  int error = 0;
  const Pid other = must_spawn_function(world, exec_missing, &error);
  CHECK(exit_code_of(world, other) == 7);
  CHECK(error == static_cast<int>(Error::NoEntry));
}

namespace {

// What <unistd.h>'s vfork() expands to, for a linked program, then the child's part: set up
// descriptor 1 and exec /bin/record (or _exit with 5 when `arg` says so).
int vfork_parent(void* arg) noexcept {
  Process& me = self();
  System& system = me.system();
  const bool exec_it = arg != nullptr;
  // The jump comes back into this frame, so the setjmp must be here (as the macro puts it in
  // its caller), not in a helper that has returned.
  Pid pid;
  if (__builtin_setjmp(system.vfork_prepare(me)) != 0) {
    pid = system.vfork_resume(*current_process());
  } else {
    auto entered = system.vfork_enter(*current_process());
    pid = entered ? *entered : -1;
  }
  if (pid == 0) {
    Process& child = self();  // The child, on its parent's thread.
    if (!exec_it) system.exit(child, 5);
    auto file = open(child, kAtWorkingDirectory, "/vforked", vfs::open_flags::kCreate |
                                                               vfs::open_flags::kWriteOnly, 0644);
    if (!file || !dup2(child, *file, 1)) system.exit(child, 90);
    char name[] = "record";
    char word[] = "from-vfork";
    char* argv[] = {name, word, nullptr};
    (void)system.exec(child, "/bin/record", false, argv, nullptr);
    system.exit(child, 91);
  }
  // The parent again: its own process, with the child's pid.
  if (current_process() != &me || pid <= 0) return 80;
  auto waited = system.wait(me, WaitFor::Process, pid, wait_options::kExited);
  if (!waited) return 81;
  return WIFEXITED(waited->status) ? WEXITSTATUS(waited->status) : 82;
}

}  // namespace

TEST_CASE("vfork: the child borrows the parent's thread until it execs or exits") {
  World& world = program_world();
  // The child execs /bin/record with its descriptor 1 on /vforked; record exits with argc 2.
  int exec_it = 1;
  const Pid parent = must_spawn_function(world, vfork_parent, &exec_it);
  CHECK(exit_code_of(world, parent) == 2);
  CHECK(file_text(world, "/vforked").find("argv:record|from-vfork\n") == 0);
  // The child exits at once: the parent sees its status.
  const Pid other = must_spawn_function(world, vfork_parent, nullptr);
  CHECK(exit_code_of(world, other) == 5);
}
