// Pipes through posix::pipe: data in order, end of file once every writer is gone, EPIPE and
// SIGPIPE once every reader is gone, O_NONBLOCK's EAGAIN, blocking reads woken by another
// process, and poll(2) over pipes with its timeouts and revents as Linux reports them.
#include "core_test_support.hpp"

#include <posix/system_calls.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>

using namespace mos;
using namespace mos::posix;
using namespace mos::posix::test;

namespace {

// What a child saw; read by the test after waiting for the child.
struct Seen {
  int fds[2] = {-1, -1};
  Error error = Error{0};
  bool pending_pipe = false;
  int handled = 0;
  std::string text;
};

int g_handled_signal = 0;
void record_signal(int signal) {
  g_handled_signal = signal;
}

}  // namespace

TEST_CASE("pipe: data, end of file, descriptors") {
  World& world = fresh_world();
  Process& init = world.init();
  int fds[2] = {-1, -1};
  REQUIRE(pipe(init, fds, 0).has_value());
  CHECK(fds[0] == 0);
  CHECK(fds[1] == 1);
  CHECK(value_of(fcntl(init, fds[0], F_GETFL, 0)) == O_RDONLY);
  CHECK(value_of(fcntl(init, fds[1], F_GETFL, 0)) == O_WRONLY);
  CHECK(value_of(fcntl(init, fds[0], F_GETFD, 0)) == 0);
  const vfs::Stat st = posix::stat(init, fds[0]).value();
  CHECK(vfs::type_of(st.mode) == vfs::FileType::Fifo);
  CHECK(error_of(seek(init, fds[0], 0, SEEK_SET)) == Error::IllegalSeek);
  REQUIRE(write_text(init, fds[1], "hello "));
  REQUIRE(write_text(init, fds[1], "world"));
  char buffer[4];
  CHECK(value_of(read(init, fds[0], std::as_writable_bytes(std::span(buffer)))) == 4);
  CHECK(std::string_view(buffer, 4) == "hell");
  CHECK(error_of(read(init, fds[1], std::as_writable_bytes(std::span(buffer)))) ==
        Error::BadFileDescriptor);
  CHECK(error_of(write(init, fds[0], bytes_of("x"))) == Error::BadFileDescriptor);
  // A dup of the writer keeps the pipe open for writing.
  const int writer_copy = dup(init, fds[1]).value();
  REQUIRE(close(init, fds[1]).has_value());
  REQUIRE(write_text(init, writer_copy, "!"));
  REQUIRE(close(init, writer_copy).has_value());
  CHECK(read_all(init, fds[0]) == "o world!");
  CHECK(value_of(read(init, fds[0], std::as_writable_bytes(std::span(buffer)))) ==
        0);  // EOF stays.
  int bad[2];
  CHECK(error_of(pipe(init, bad, O_APPEND)) == Error::InvalidArgument);
  REQUIRE(pipe(init, bad, O_CLOEXEC | O_NONBLOCK).has_value());
  CHECK(value_of(fcntl(init, bad[0], F_GETFD, 0)) == FD_CLOEXEC);
  CHECK(value_of(fcntl(init, bad[1], F_GETFD, 0)) == FD_CLOEXEC);
  CHECK(value_of(fcntl(init, bad[0], F_GETFL, 0)) == (O_RDONLY | O_NONBLOCK));
  init.fds().close_all();
}

TEST_CASE("pipe: O_NONBLOCK gives EAGAIN on an empty or a full pipe") {
  World& world = fresh_world();
  Process& init = world.init();
  int fds[2];
  REQUIRE(pipe(init, fds, O_NONBLOCK).has_value());
  char buffer[512];
  CHECK(error_of(read(init, fds[0], std::as_writable_bytes(std::span(buffer)))) == Error::TryAgain);
  std::size_t capacity = 0;
  const std::string chunk(512, 'z');
  for (int i = 0; i < 100000; ++i) {
    auto n = write(init, fds[1], bytes_of(chunk));
    if (!n) {
      CHECK(n.error() == Error::TryAgain);
      break;
    }
    capacity += *n;
  }
  CHECK(capacity >= 4096);  // POSIX's PIPE_BUF at least; Linux has 65536.
  CHECK(capacity <= 1024 * 1024);
  // Reading makes room again.
  CHECK(value_of(read(init, fds[0], std::as_writable_bytes(std::span(buffer)))) == 512);
  CHECK(value_of(write(init, fds[1], bytes_of(std::string_view(chunk).substr(0, 100)))) == 100);

  SUBCASE("F_SETFL turns O_NONBLOCK on and off on a blocking pipe") {
    int other[2];
    REQUIRE(pipe(init, other, 0).has_value());
    REQUIRE(fcntl(init, other[0], F_SETFL, O_NONBLOCK).has_value());
    CHECK(error_of(read(init, other[0], std::as_writable_bytes(std::span(buffer)))) ==
          Error::TryAgain);
    REQUIRE(write_text(init, other[1], "q"));
    REQUIRE(fcntl(init, other[0], F_SETFL, 0).has_value());
    CHECK(value_of(read(init, other[0], std::as_writable_bytes(std::span(buffer)))) == 1);
  }
  init.fds().close_all();
}

TEST_CASE("pipe: a blocked reader in another process is woken by a writer") {
  World& world = fresh_world();
  Process& init = world.init();
  static Seen seen;
  seen = Seen{};
  REQUIRE(pipe(init, seen.fds, 0).has_value());
  const Pid child = must_spawn_function(world, [](void*) -> int {
    Process& me = self();
    (void)close(me, seen.fds[1]);
    char buffer[64];
    auto n = read(me, seen.fds[0], std::as_writable_bytes(std::span(buffer)));
    if (!n) {
      seen.error = n.error();
      return 1;
    }
    seen.text.assign(buffer, *n);
    auto eof = read(me, seen.fds[0], std::as_writable_bytes(std::span(buffer)));
    return eof.has_value() && *eof == 0 ? 0 : 2;
  });
  REQUIRE(close(init, seen.fds[0]).has_value());
  REQUIRE(wait_until_blocked(world, child));
  REQUIRE(write_text(init, seen.fds[1], "ping"));
  sched::sleep_for(20 * kMs);
  REQUIRE(close(init, seen.fds[1]).has_value());  // The child's second read sees EOF.
  CHECK(exit_code_of(world, child) == 0);
  CHECK(seen.error == Error{0});
  CHECK(seen.text == "ping");
}

TEST_CASE("pipe: writing with no reader is EPIPE and raises SIGPIPE") {
  World& world = fresh_world();
  static Seen seen;

  SUBCASE("the default action ends the writer") {
    seen = Seen{};
    const Pid child = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      if (!pipe(me, seen.fds, 0)) return 9;
      (void)close(me, seen.fds[0]);
      auto n = write(me, seen.fds[1], bytes_of("x"));
      seen.error = error_of(n);
      seen.pending_pipe = me.pending_signals().has(sig::kPipe);
      (void)me.system().deliver_signals(me);
      return 0;  // Not reached: SIGPIPE ends it.
    });
    const WaitResult result = must_wait(world, child);
    CHECK(seen.error == Error::BrokenPipe);
    CHECK(seen.pending_pipe);
    CHECK(WIFSIGNALED(result.status));
    CHECK(WTERMSIG(result.status) == SIGPIPE);
  }
  SUBCASE("ignored: EPIPE only") {
    seen = Seen{};
    const Pid child = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      if (!pipe(me, seen.fds, 0)) return 9;
      SignalAction ignore;
      ignore.kind = SignalAction::Kind::Ignore;
      (void)me.system().set_action(me, sig::kPipe, &ignore);
      (void)close(me, seen.fds[0]);
      seen.error = error_of(write(me, seen.fds[1], bytes_of("x")));
      seen.pending_pipe = me.pending_signals().has(sig::kPipe);
      (void)me.system().deliver_signals(me);
      return 3;
    });
    CHECK(exit_code_of(world, child) == 3);
    CHECK(seen.error == Error::BrokenPipe);
    CHECK_FALSE(seen.pending_pipe);
  }
  SUBCASE("caught: the handler runs, through sys::write's -EPIPE") {
    seen = Seen{};
    g_handled_signal = 0;
    const Pid child = must_spawn_function(world, [](void*) -> int {
      Process& me = self();
      if (!pipe(me, seen.fds, 0)) return 9;
      SignalAction catch_it;
      catch_it.kind = SignalAction::Kind::Handler;
      catch_it.handler = record_signal;
      (void)me.system().set_action(me, sig::kPipe, &catch_it);
      (void)close(me, seen.fds[0]);
      const long n = sys::write(seen.fds[1], "x", 1);
      seen.error = n < 0 ? static_cast<Error>(-n) : Error{0};
      (void)sys::deliver_signals();
      seen.handled = g_handled_signal;
      return 4;
    });
    CHECK(exit_code_of(world, child) == 4);
    CHECK(seen.error == Error::BrokenPipe);
    CHECK(seen.handled == SIGPIPE);
  }
}

TEST_CASE("poll over pipes") {
  World& world = fresh_world();
  Process& init = world.init();
  int fds[2];
  REQUIRE(pipe(init, fds, 0).has_value());
  PollDescriptor set[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLOUT, 0}, {-1, POLLIN, 0}};

  SUBCASE("an empty pipe: writable, not readable") {
    CHECK(value_of(poll(init, std::span(set), sched::Deadline::after(0))) == 1);
    CHECK(set[0].revents == 0);
    CHECK(set[1].revents == POLLOUT);
    CHECK(set[2].revents == 0);  // A negative descriptor is skipped.
  }
  SUBCASE("a timeout with nothing ready") {
    const std::uint64_t before = sched::now();
    CHECK(value_of(poll(init, std::span(set, 1), sched::Deadline::after(50 * kMs))) == 0);
    const std::uint64_t took = sched::now() - before;
    CHECK(took >= 50 * kMs);
    CHECK(took < 2000 * kMs);
    CHECK(set[0].revents == 0);
  }
  SUBCASE("data makes the reader readable") {
    REQUIRE(write_text(init, fds[1], "x"));
    CHECK(value_of(poll(init, std::span(set), sched::Deadline::after(0))) == 2);
    CHECK(set[0].revents == POLLIN);
    CHECK(set[1].revents == POLLOUT);
  }
  SUBCASE("no writer left: POLLHUP on the reader, even without asking") {
    REQUIRE(close(init, fds[1]).has_value());
    set[0].events = 0;
    CHECK(value_of(poll(init, std::span(set, 1), sched::Deadline::after(0))) == 1);
    CHECK(set[0].revents == POLLHUP);
  }
  SUBCASE("no reader left: POLLERR on the writer") {
    REQUIRE(close(init, fds[0]).has_value());
    CHECK(value_of(poll(init, std::span(set + 1, 1), sched::Deadline::after(0))) == 1);
    CHECK((set[1].revents & POLLERR) != 0);
  }
  SUBCASE("a closed descriptor: POLLNVAL") {
    PollDescriptor invalid[1] = {{77, POLLIN, 0}};
    CHECK(value_of(poll(init, std::span(invalid), sched::Deadline::after(0))) == 1);
    CHECK(invalid[0].revents == POLLNVAL);
  }
  SUBCASE("a writer in another process wakes a blocked poll") {
    static int writer_fd;
    writer_fd = fds[1];
    const Pid child = must_spawn_function(world, [](void*) -> int {
      sched::sleep_for(50 * kMs);
      return write_text(self(), writer_fd, "late") ? 0 : 1;
    });
    const std::uint64_t before = sched::now();
    CHECK(value_of(poll(init, std::span(set, 1), sched::Deadline::after(5000 * kMs))) == 1);
    const std::uint64_t took = sched::now() - before;
    CHECK(set[0].revents == POLLIN);
    CHECK(took >= 40 * kMs);
    CHECK(took < 4000 * kMs);
    CHECK(exit_code_of(world, child) == 0);
  }
  SUBCASE("sys::poll with a millisecond timeout") {
    sys::PollFd raw[1] = {{fds[0], POLLIN, 0}};
    const std::uint64_t before = sched::now();
    CHECK(sys::poll(raw, 1, 30) == 0);
    CHECK(sched::now() - before >= 30 * kMs);
    REQUIRE(write_text(init, fds[1], "x"));
    CHECK(sys::poll(raw, 1, -1) == 1);
    CHECK(raw[0].revents == POLLIN);
  }
  init.fds().close_all();
}
