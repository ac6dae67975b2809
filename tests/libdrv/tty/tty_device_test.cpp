// The tty as a device: non-canonical reads with VMIN/VTIME (on real threads and the virtual
// clock), blocking and non-blocking reads, poll, the ioctls, mode switches.
// Thread bodies use no doctest macros (see tests/libsched/sched_test_main.cpp).
#include "sched_test_support.hpp"
#include "tty_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>

using namespace mos::drv;
using namespace mos::drv::test;
using mos::Error;
using mos::ipc::PollEvents;
namespace sched = mos::sched;

namespace {

using Fixture = TtyFixture;

// A thread blocked in a read of `size` bytes; what it got, and when.
struct BlockedReader {
  Tty* tty;
  std::size_t size;
  std::uint32_t flags = 0;
  mos::Result<std::string> result = std::string();
  std::uint64_t finished_at = 0;
  std::atomic<bool> done{false};
  sched::Thread* thread = nullptr;

  void start() {
    thread = &sched::test::must_spawn([self = this] {
      self->result = read_text(*self->tty, self->size, self->flags);
      self->finished_at = sched::now();
      self->done = true;
    });
  }
  void join() { sched::test::must_join(*thread); }
};

void let_others_run() {
  for (int i = 0; i < 10; ++i) sched::yield();
}

}  // namespace

TEST_CASE("tty raw: VMIN=0 VTIME=0 returns at once with what there is") {
  Fixture f;
  f.raw(0, 0);
  CHECK(read_text(f.t(), 16, 0).value().empty());
  CHECK(read_text(f.t(), 16, kNonBlocking).value().empty());  // 0, not EAGAIN, as on Linux.
  type(f.t(), "abc");
  CHECK(read_text(f.t(), 2, 0).value() == "ab");
  CHECK(read_text(f.t(), 16, 0).value() == "c");
  CHECK(f.out.written.empty());  // make_raw turned echo off.
}

TEST_CASE("tty raw: VMIN>0 VTIME=0 blocks until VMIN bytes have come") {
  Fixture f;
  f.raw(3, 0);
  BlockedReader reader{&f.t(), 16};
  reader.start();
  let_others_run();
  CHECK(!reader.done);
  type(f.t(), "a");
  let_others_run();
  CHECK(!reader.done);
  type(f.t(), "bc");
  reader.join();
  CHECK(reader.result.value() == "abc");

  SUBCASE("a buffer smaller than VMIN is enough") {
    type(f.t(), "xy");
    CHECK(read_text(f.t(), 1, 0).value() == "x");
  }
  SUBCASE("non-blocking: what there is, or TryAgain") {
    CHECK(read_text(f.t(), 16, kNonBlocking).error() == Error::TryAgain);
    type(f.t(), "x");
    CHECK(read_text(f.t(), 16, kNonBlocking).value() == "x");
  }
}

TEST_CASE("tty raw: VMIN=0 VTIME>0 waits up to VTIME for one byte") {
  Fixture f;
  f.raw(0, 5);  // Half a second (virtual time: the test does not wait for it).
  const std::uint64_t start = sched::now();
  CHECK(read_text(f.t(), 16, 0).value().empty());
  CHECK(sched::now() - start >= 500 * sched::test::kMs);

  BlockedReader reader{&f.t(), 16};
  reader.start();
  let_others_run();
  type(f.t(), "q");
  reader.join();
  CHECK(reader.result.value() == "q");
}

TEST_CASE("tty raw: VMIN>0 VTIME>0 is an inter-byte timer started by the first byte") {
  Fixture f;
  f.raw(4, 1);  // 100 ms between bytes.
  BlockedReader reader{&f.t(), 16};
  reader.start();
  sched::sleep_for(300 * sched::test::kMs);
  CHECK(!reader.done);  // No byte yet: no timer.
  const std::uint64_t typed = sched::now();
  type(f.t(), "ab");
  reader.join();
  CHECK(reader.result.value() == "ab");  // Fewer than VMIN: the timer ran out.
  CHECK(reader.finished_at - typed >= 100 * sched::test::kMs);
}

TEST_CASE("tty canonical: a blocked reader wakes for a complete line only") {
  Fixture f;
  BlockedReader reader{&f.t(), 64};
  reader.start();
  let_others_run();
  type(f.t(), "partial");
  let_others_run();
  CHECK(!reader.done);
  type(f.t(), " line\n");
  reader.join();
  CHECK(reader.result.value() == "partial line\n");
}

TEST_CASE("tty canonical: VMIN and VTIME do not apply; a read waits for a line") {
  Fixture f;
  change_termios(f.t(), [](Termios& s) {
    s.c_cc[cc::kVmin] = 0;  // Left over from a raw-mode program.
    s.c_cc[cc::kVtime] = 0;
  });
  // Not "0 bytes, end of file" at once, as non-canonical VMIN=0 VTIME=0 would give.
  CHECK(read_text(f.t()).error() == Error::TryAgain);
  BlockedReader reader{&f.t(), 64};
  reader.start();
  let_others_run();
  CHECK(!reader.done);
  type(f.t(), "line\n");
  reader.join();
  CHECK(reader.result.value() == "line\n");
}

namespace {

// A terminal that answers ESC [ 6 n with a cursor-position report from inside its output call,
// as the VGA console does, and so while the tty holds its lock.
struct AnsweringOutput final : TerminalOutput {
  Tty* tty = nullptr;
  std::string written;
  std::size_t output(std::span<const char> bytes) noexcept override {
    written.append(bytes.data(), bytes.size());
    if (written.find("\x1b[6n") != std::string::npos) {
      written.clear();
      tty->receive_deferred(std::span<const char>("\x1b[3;7R", 6));
    }
    return bytes.size();
  }
};

}  // namespace

TEST_CASE("tty: a device's answer to a query comes back as input, without deadlock") {
  AnsweringOutput out;
  auto tty = Tty::create(out).value();
  out.tty = tty.get();
  change_termios(*tty, [](Termios& s) { s = make_raw(s); });
  REQUIRE(write_text(*tty, "\x1b[6n").value() == 4);
  CHECK(read_text(*tty).value() == "\x1b[3;7R");
  // Echoed raw (ECHO on, ECHOCTL off), a query typed by the user is answered too.
  change_termios(*tty, [](Termios& s) {
    s.c_lflag |= lflag::kEcho;
    s.c_lflag &= ~lflag::kEchoctl;
  });
  type(*tty, "\x1b[6n");
  CHECK(read_text(*tty).value() == "\x1b[6n\x1b[3;7R");
  // More than the deferred buffer holds is cut, not overrun.
  std::string flood(Tty::kDeferredBytes + 10, 'x');
  change_termios(*tty, [](Termios& s) { s.c_lflag &= ~lflag::kEcho; });
  tty->receive_deferred(std::span<const char>(flood.data(), flood.size()));
  type(*tty, "");
  CHECK(read_text(*tty, 256).value().size() == Tty::kDeferredBytes);
}

TEST_CASE("tty: switching modes") {
  Fixture f;
  SUBCASE("to non-canonical makes the edited line readable") {
    type(f.t(), "abc");
    f.raw(0, 0);
    CHECK(read_text(f.t()).value() == "abc");
  }
  SUBCASE("to non-canonical turns an end of file typed ahead into the EOF character") {
    type(f.t(), "ls\n\x04");
    CHECK(read_text(f.t()).value() == "ls\n");
    f.raw(0, 0);
    CHECK(read_text(f.t()).value() == "\x04");
    CHECK(read_text(f.t()).value().empty());
  }
  SUBCASE("to canonical makes unread input one line") {
    f.raw(0, 0);
    type(f.t(), "xy");
    change_termios(f.t(), [](Termios& t) { t.c_lflag |= lflag::kIcanon; });
    CHECK(read_text(f.t()).value() == "xy");
  }
  SUBCASE("a canonical reader blocked across the switch sees the data") {
    BlockedReader reader{&f.t(), 64};
    reader.start();
    let_others_run();
    type(f.t(), "raw");
    f.raw(1, 0);
    reader.join();
    CHECK(reader.result.value() == "raw");
  }
}

TEST_CASE("tty: poll says readable exactly when a read would not wait") {
  Fixture f;
  CHECK(f.t().poll() == PollEvents::Writable);
  type(f.t(), "ab");
  CHECK(f.t().poll() == PollEvents::Writable);
  type(f.t(), "\n");
  CHECK(f.t().poll() == (PollEvents::Readable | PollEvents::Writable));
  (void)read_text(f.t());
  CHECK(!any(f.t().poll() & PollEvents::Readable));
  f.raw(2, 0);  // A read waits for two bytes.
  type(f.t(), "x");
  CHECK(!any(f.t().poll() & PollEvents::Readable));
  type(f.t(), "y");
  CHECK(any(f.t().poll() & PollEvents::Readable));
  f.out.room = 0;
  CHECK(!any(f.t().poll() & PollEvents::Writable));
}

TEST_CASE("tty ioctl: TCGETS/TCSETS round trip; TCSETSF flushes input") {
  Fixture f;
  Termios t{};
  REQUIRE(f.t().control(tty_ioctl::kTcgets, reinterpret_cast<std::uintptr_t>(&t)).has_value());
  CHECK(t == kDefaultTermios);
  CHECK(t.c_cc[cc::kVintr] == 3);
  CHECK(t.c_cc[cc::kVerase] == 0177);
  CHECK(t.c_cc[cc::kVmin] == 1);
  t.c_lflag &= ~(lflag::kEcho | lflag::kIcanon);
  t.c_cc[cc::kVmin] = 7;
  t.c_cc[cc::kVtime] = 9;
  REQUIRE(f.t().control(tty_ioctl::kTcsets, reinterpret_cast<std::uintptr_t>(&t)).has_value());
  Termios back{};
  REQUIRE(f.t().control(tty_ioctl::kTcgets, reinterpret_cast<std::uintptr_t>(&back)).has_value());
  CHECK(back == t);
  CHECK(f.t().termios() == t);

  type(f.t(), "stale");
  REQUIRE(f.t().control(tty_ioctl::kTcsetsw, reinterpret_cast<std::uintptr_t>(&t)).has_value());
  CHECK(f.t().readable_bytes() == 5);
  REQUIRE(f.t().control(tty_ioctl::kTcsetsf, reinterpret_cast<std::uintptr_t>(&t)).has_value());
  CHECK(f.t().readable_bytes() == 0);
}

TEST_CASE("tty ioctl: window size, foreground group, FIONREAD, TCFLSH, errors") {
  Fixture f;
  RecordingSignals signals;
  f.t().set_signal_target(&signals);
  const auto arg = [](auto* p) { return reinterpret_cast<std::uintptr_t>(p); };

  WindowSize size{};
  REQUIRE(f.t().control(tty_ioctl::kTiocgwinsz, arg(&size)).has_value());
  CHECK(size == WindowSize{24, 80, 0, 0});
  WindowSize wide{50, 132, 0, 0};
  REQUIRE(f.t().control(tty_ioctl::kTiocswinsz, arg(&wide)).has_value());
  REQUIRE(f.t().control(tty_ioctl::kTiocgwinsz, arg(&size)).has_value());
  CHECK(size == wide);
  REQUIRE(signals.raised.size() == 1);
  CHECK(signals.raised[0].first == tty_signal::kSigwinch);
  REQUIRE(f.t().control(tty_ioctl::kTiocswinsz, arg(&wide)).has_value());
  CHECK(signals.raised.size() == 1);  // No change, no signal.

  std::int32_t group = 0;
  REQUIRE(f.t().control(tty_ioctl::kTiocgpgrp, arg(&group)).has_value());
  CHECK(group == 0);
  group = 77;
  REQUIRE(f.t().control(tty_ioctl::kTiocspgrp, arg(&group)).has_value());
  group = 0;
  REQUIRE(f.t().control(tty_ioctl::kTiocgpgrp, arg(&group)).has_value());
  CHECK(group == 77);
  group = -1;
  CHECK(f.t().control(tty_ioctl::kTiocspgrp, arg(&group)).error() == Error::InvalidArgument);

  std::int32_t pending = -1;
  type(f.t(), "ab\ncd");  // Canonical: only the complete line counts.
  REQUIRE(f.t().control(tty_ioctl::kFionread, arg(&pending)).has_value());
  CHECK(pending == 3);
  f.raw(1, 0);
  REQUIRE(f.t().control(tty_ioctl::kFionread, arg(&pending)).has_value());
  CHECK(pending == 5);

  REQUIRE(f.t().control(tty_ioctl::kTcflsh, kTciflush).has_value());
  REQUIRE(f.t().control(tty_ioctl::kFionread, arg(&pending)).has_value());
  CHECK(pending == 0);
  CHECK(f.out.discards == 0);
  REQUIRE(f.t().control(tty_ioctl::kTcflsh, kTcioflush).has_value());
  CHECK(f.out.discards == 1);
  CHECK(f.t().control(tty_ioctl::kTcflsh, 7).error() == Error::InvalidArgument);

  // tcdrain is TCSBRK with a nonzero argument; a break is not supported.
  REQUIRE(f.t().control(tty_ioctl::kTcsbrk, 1).has_value());
  CHECK(f.out.drains == 1);
  CHECK(f.t().control(tty_ioctl::kTcsbrk, 0).error() == Error::NotSupported);
  CHECK(f.out.drains == 1);

  CHECK(f.t().control(0x5499, 0).error() == Error::NotTerminal);
  CHECK(f.t().control(tty_ioctl::kTcgets, 0).error() == Error::BadAddress);
  CHECK(f.t().seek(0, 0, mos::vfs::Whence::Set).error() == Error::IllegalSeek);
}
