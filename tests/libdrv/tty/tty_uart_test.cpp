// The whole path: a fake 16550 receives keystrokes, the real driver's interrupt handler hands
// them to a Tty, whose echo goes back out through the driver's transmit ring and THRE
// interrupts onto the fake's wire, while a reader thread waits for the line.
// Thread bodies use no doctest macros (see tests/libsched/sched_test_main.cpp).
#include "../serial/uart_test_support.hpp"
#include "sched_test_support.hpp"
#include "tty_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>

using namespace mos::drv;
using namespace mos::drv::test;
namespace sched = mos::sched;

namespace {

struct Console {
  UartRig rig;
  mos::RefPtr<Tty> tty;
  Console() {
    REQUIRE(rig.uart.init().has_value());
    rig.service();
    auto made = Tty::create(rig.uart);
    REQUIRE(made.has_value());
    tty = *made;
    rig.uart.set_sink(tty.get());
  }
  ~Console() { rig.uart.set_sink(nullptr); }
  // Keystrokes arrive on the line; the interrupt handler runs as they come.
  void keys(std::string_view text) {
    rig.fake.receive(text);
    rig.settle();
  }
};

}  // namespace

TEST_CASE("tty over uart: a reader gets the edited line, the echo appears on the wire") {
  Console c;
  struct Shared {
    Tty* tty;
    mos::Result<std::string> line = std::string();
    std::atomic<bool> done{false};
  } shared{c.tty.get()};
  sched::Thread& reader = sched::test::must_spawn([s = &shared] {
    s->line = read_text(*s->tty, 128, 0);
    s->done = true;
  });
  for (int i = 0; i < 10; ++i) sched::yield();
  c.keys("ls -l\x7f\x7fx\r");
  for (int i = 0; i < 1000 && !shared.done; ++i) {
    c.rig.fake.transmit();
    c.rig.service();
    sched::yield();
  }
  sched::test::must_join(reader);
  CHECK(shared.line.value() == "ls x\n");
  c.rig.transmit_until(17);
  CHECK(c.rig.fake.wire() == "ls -l\b \b\b \bx\r\n");
  CHECK(c.rig.uart.stats().rx_bytes == 9);
  CHECK(c.tty->stats().echo_dropped == 0);
}

TEST_CASE("tty over uart: program output goes out with ONLCR; ^C from the line signals") {
  Console c;
  RecordingSignals signals;
  c.tty->set_signal_target(&signals);
  REQUIRE(write_text(*c.tty, "$ ok\n").value() == 5);
  c.rig.transmit_until(6);
  CHECK(c.rig.fake.wire() == "$ ok\r\n");
  c.rig.fake.clear_wire();

  c.keys("sleep 10");
  c.keys("\x03");
  REQUIRE(signals.raised.size() == 1);
  CHECK(signals.raised[0].first == mos::drv::tty_signal::kSigint);
  c.rig.transmit_until(10);
  CHECK(c.rig.fake.wire() == "sleep 10^C");
  CHECK(c.tty->readable_bytes() == 0);
}

TEST_CASE("tty over uart: a long write blocks on the full ring and completes through THRE") {
  Console c;
  std::string text;
  for (int i = 0; i < 600; ++i) text += "line " + std::to_string(i) + "\n";
  struct Shared {
    Tty* tty;
    const std::string* text;
    mos::Result<std::size_t> written = std::size_t{0};
    std::atomic<bool> done{false};
  } shared{c.tty.get(), &text};
  sched::Thread& writer = sched::test::must_spawn([s = &shared] {
    s->written = write_text(*s->tty, *s->text);
    s->done = true;
  });
  std::string expected;
  for (char ch : text) {
    if (ch == '\n') expected += '\r';
    expected += ch;
  }
  for (int i = 0; i < 100000 && c.rig.fake.wire().size() < expected.size(); ++i) {
    c.rig.fake.transmit();
    c.rig.service();
    sched::yield();
  }
  sched::test::must_join(writer);
  CHECK(shared.written.value() == text.size());
  CHECK(c.rig.fake.wire() == expected);
  CHECK(c.rig.fake.tx_overflows() == 0);
}

TEST_CASE("tty over uart: 12 KiB typed at once reach a slow reader intact, held back, not lost") {
  Console c;
  std::string text;
  for (int i = 0; i < 120; ++i) {
    std::string line = "line " + std::to_string(i) + " ";
    line.resize(100, static_cast<char>('a' + i % 26));
    text += line + "\n";
  }
  struct Shared {
    Tty* tty;
    std::size_t expected;
    std::string got;
    std::atomic<bool> done{false};
  } shared{c.tty.get(), text.size(), {}};
  sched::Thread& reader = sched::test::must_spawn([s = &shared] {
    while (s->got.size() < s->expected) {
      auto line = read_text(*s->tty, 256, 0);
      if (!line || line->empty()) break;
      s->got += *line;
      sched::yield();  // A slow reader: the sender gets ahead of it.
    }
    s->done = true;
  });
  // The sender has flow control, as QEMU's back ends: it passes on what the chip takes.
  std::size_t sent = 0;
  bool held = false;
  for (int i = 0; i < 100000 && !shared.done; ++i) {
    sent = send_with_flow_control(c.rig, text, sent);
    held = held || (sent < text.size() && c.rig.fake.rx_room() == 0);
    c.rig.fake.transmit();  // The echo leaves.
    c.rig.service();
    sched::yield();
  }
  sched::test::must_join(reader);
  CHECK(held);  // The sender did have to wait for the reader.
  CHECK(shared.got == text);
  CHECK(c.tty->stats().input_dropped == 0);
  CHECK(c.rig.fake.bytes_lost() == 0);
  CHECK(c.rig.uart.stats().overruns == 0);
}
