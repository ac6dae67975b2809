// The interrupt-driven 16550 driver against a behavioural fake chip: programming, absence,
// receive bursts in FIFO-sized interrupts, transmit drained by THRE interrupts, line errors.
// Thread bodies use no doctest macros (see tests/libsched/sched_test_main.cpp).
#include "sched_test_support.hpp"
#include "uart_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>
#include <vector>

using namespace mos::drv;
using namespace mos::drv::test;
using mos::Error;
using mos::ipc::Blocking;
namespace sched = mos::sched;
namespace regs = mos::drv::uart16550;

namespace {

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + i / 251) % 256);
  return s;
}

std::vector<std::uint32_t> writes(const UartRig& rig, std::uint16_t offset) {
  return rig.space.writes_to(static_cast<std::uint16_t>(regs::kCom1 + offset));
}

}  // namespace

TEST_CASE("uart: init programs 115200 8N1, FIFOs with a trigger level, OUT2 and the interrupts") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  CHECK(rig.fake.divisor() == 1);
  CHECK(rig.fake.lcr() == regs::kLcr8N1);  // DLAB off again, 8 data bits, no parity, 1 stop.
  CHECK(rig.fake.fifos_enabled());
  CHECK(rig.fake.rx_trigger() == 8);
  CHECK(rig.fake.mcr() == (regs::kMcrDtr | regs::kMcrRts | regs::kMcrOut2));
  CHECK(rig.fake.ier() == (regs::kIerRxData | regs::kIerTxEmpty | regs::kIerLineStatus));
  // The divisor goes in with DLAB set, and LCR ends as 8N1.
  CHECK(writes(rig, regs::kLcr) == std::vector<std::uint32_t>{regs::kLcrDlab, regs::kLcr8N1});
  CHECK(writes(rig, regs::kFcr) == std::vector<std::uint32_t>{0x87});
  // Interrupts are enabled last, after everything else is programmed.
  const auto& log = rig.space.log();
  REQUIRE(!log.empty());
  std::size_t last_write = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].kind == mos::testing::FakePortSpace::Access::Kind::Write) last_write = i;
  }
  CHECK(log[last_write].port == regs::kCom1 + regs::kIer);

  SUBCASE("other rates and trigger levels") {
    UartRig slow;
    REQUIRE(slow.uart.init({.baud = 9600, .rx_trigger = regs::kFcrTrigger14}).has_value());
    CHECK(slow.fake.divisor() == 12);
    CHECK(slow.fake.rx_trigger() == 14);
  }
  SUBCASE("a rate the divisor cannot make") {
    UartRig bad;
    CHECK(bad.uart.init({.baud = 7}).error() == Error::InvalidArgument);
    CHECK(bad.uart.init({.baud = 0}).error() == Error::InvalidArgument);
  }
}

TEST_CASE("uart: an absent chip is NoDevice, and the driver then refuses work") {
  SUBCASE("every port reads all ones") {
    mos::testing::FakePortSpace space;
    testing::FakeUart16550::install_absent(space);
    Uart uart{mos::testing::FakePortIo(space)};
    CHECK(uart.init().error() == Error::NoDevice);
    const std::string text = "x";
    CHECK(uart.write(text, Blocking::No).error() == Error::NoDevice);
    char buffer[4];
    CHECK(uart.read(buffer, Blocking::No).error() == Error::NoDevice);
    CHECK(uart.output(text) == 0);
  }
  SUBCASE("the scratch register does not keep a value") {
    UartRig rig;
    rig.space.on_read(regs::kCom1 + regs::kScratch, [] { return 0x00u; });
    CHECK(rig.uart.init().error() == Error::NoDevice);
  }
  SUBCASE("LSR reads all ones") {
    UartRig rig;
    rig.space.on_read(regs::kCom1 + regs::kLsr, [] { return 0xffu; });
    CHECK(rig.uart.init().error() == Error::NoDevice);
  }
}

TEST_CASE("uart: a burst of 1500 bytes arrives in FIFO-sized interrupts, none lost") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  RecordingSink sink;
  rig.uart.set_sink(&sink);
  const std::string data = pattern(1500);
  int interrupts = 0;
  std::size_t sent = 0;
  std::size_t step = 0;
  while (sent < data.size()) {
    // Bursts of 1 to 16 bytes: at least the trigger level raises "data available", fewer wait
    // for the character timeout.
    const std::size_t n = std::min<std::size_t>(1 + (step++ * 5) % 16, data.size() - sent);
    rig.fake.receive(std::string_view(data).substr(sent, n));
    sent += n;
    interrupts += rig.service();
    interrupts += rig.settle();
  }
  CHECK(rig.fake.bytes_lost() == 0);
  CHECK(sink.received.size() == data.size());
  CHECK(sink.received == data);
  const UartStats stats = rig.uart.stats();
  CHECK(stats.rx_bytes == 1500);
  CHECK(stats.overruns == 0);
  CHECK(stats.receiver_pauses == 0);
  CHECK(interrupts >= static_cast<int>(1500 / regs::kFifoDepth));
  CHECK(rig.fake.rx_level() == 0);
}

TEST_CASE("uart: without a sink, bytes wait for read(); a full ring pauses the chip, intact") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  char buffer[8];
  CHECK(rig.uart.read(buffer, Blocking::No).error() == Error::TryAgain);

  // A line without flow control: the ring takes 4096 bytes, then the receiver pauses, the
  // chip's FIFO keeps 16 and overruns on the rest.
  const std::string data = pattern(Uart::kRxCapacity + 100);
  for (std::size_t i = 0; i < data.size(); i += 16) {
    rig.fake.receive(std::string_view(data).substr(i, 16));
    rig.settle();
  }
  CHECK(rig.uart.stats().receiver_pauses == 1);
  CHECK((rig.fake.ier() & regs::kIerRxData) == 0);
  CHECK((rig.fake.ier() & regs::kIerTxEmpty) != 0);
  CHECK(rig.fake.rx_level() == regs::kFifoDepth);
  CHECK(rig.fake.bytes_lost() == 100 - regs::kFifoDepth);
  std::string got;
  char chunk[1000];
  while (true) {
    auto n = rig.uart.read(chunk, Blocking::No);
    if (!n) {
      CHECK(n.error() == Error::TryAgain);
      break;
    }
    got.append(chunk, *n);
    rig.service();  // Reading made room: the receiver goes on, the chip's bytes come in.
  }
  // Nothing buffered was dropped: the ring's bytes, then the FIFO's.
  CHECK(got == data.substr(0, Uart::kRxCapacity + regs::kFifoDepth));
  CHECK((rig.fake.ier() & regs::kIerRxData) != 0);
  CHECK(rig.uart.stats().overruns >= 1);  // The chip reported what it lost.

  SUBCASE("a blocked reader is woken by the interrupt") {
    std::atomic<bool> done{false};
    std::string seen;
    struct Args {
      Uart* uart;
      std::string* seen;
      std::atomic<bool>* done;
    } args{&rig.uart, &seen, &done};
    sched::Thread& reader = sched::test::must_spawn([a = &args] {
      char b[16];
      auto n = a->uart->read(b, Blocking::Yes);
      if (n) a->seen->assign(b, *n);
      *a->done = true;
    });
    for (int i = 0; i < 5; ++i) sched::yield();
    CHECK(!done);
    rig.fake.receive("hey");
    rig.settle();
    sched::test::must_join(reader);
    CHECK(seen == "hey");
  }
}

TEST_CASE("uart: what a sink holds back waits in the ring, then the chip; resuming delivers all") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  HoldingSink sink;
  sink.room = 100;
  rig.uart.set_sink(&sink);
  const std::string data = pattern(3 * Uart::kRxCapacity);
  // The sink takes 100 bytes, the ring the next 4096, the chip's FIFO 16; then the sender
  // (with flow control, as QEMU's back ends) waits.
  std::size_t sent = send_with_flow_control(rig, data, 0);
  CHECK(sent == 100 + Uart::kRxCapacity + regs::kFifoDepth);
  CHECK(sink.received == data.substr(0, 100));
  REQUIRE(sink.held != nullptr);
  CHECK(rig.uart.stats().receiver_pauses == 1);
  CHECK((rig.fake.ier() & regs::kIerRxData) == 0);

  SUBCASE("a sink with some room takes that much, and holds back again") {
    sink.room = 50;
    std::exchange(sink.held, nullptr)->resume_input();
    CHECK(sink.received == data.substr(0, 150));
    CHECK(sink.held != nullptr);
    CHECK((rig.fake.ier() & regs::kIerRxData) == 0);  // The ring is still nearly full.
  }
  SUBCASE("a sink with room for everything gets everything, in order, none lost") {
    sink.room = data.size();
    for (int round = 0; round < 100 && sent < data.size(); ++round) {
      if (sink.held != nullptr) std::exchange(sink.held, nullptr)->resume_input();
      rig.service();
      sent = send_with_flow_control(rig, data, sent);
    }
    rig.settle();
    CHECK(sent == data.size());
    CHECK(sink.received == data);
    CHECK(rig.fake.bytes_lost() == 0);
    CHECK(rig.uart.stats().overruns == 0);
    CHECK((rig.fake.ier() & regs::kIerRxData) != 0);
  }
  rig.uart.set_sink(nullptr);
}

TEST_CASE("uart: line errors are counted; bytes with parity or framing errors still arrive") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  RecordingSink sink;
  rig.uart.set_sink(&sink);

  SUBCASE("overrun: 20 bytes into a 16-byte FIFO before the interrupt is serviced") {
    rig.fake.receive(pattern(20));
    CHECK(rig.fake.bytes_lost() == 4);
    rig.settle();
    CHECK(rig.uart.stats().overruns == 1);
    CHECK(sink.received == pattern(16));
  }
  SUBCASE("parity and framing") {
    rig.fake.receive("a", regs::kLsrParity);
    rig.fake.receive("b", regs::kLsrFraming);
    rig.fake.receive("c");
    rig.settle();
    const UartStats stats = rig.uart.stats();
    CHECK(stats.parity_errors == 1);
    CHECK(stats.framing_errors == 1);
    CHECK(stats.overruns == 0);
    CHECK(sink.received == "abc");
  }
}

TEST_CASE("uart: a long write is drained by THRE interrupts, in order, never overfilling") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  rig.service();  // The THRE interrupt that enabling ETBEI raised: nothing to send.
  const std::string data = pattern(3 * Uart::kTxCapacity + 123);
  struct Shared {
    Uart* uart;
    const std::string* data;
    mos::Result<std::size_t> result = std::size_t{0};
    std::atomic<bool> done{false};
  } shared{&rig.uart, &data};
  sched::Thread& writer = sched::test::must_spawn([s = &shared] {
    s->result = s->uart->write(*s->data, Blocking::Yes);
    s->done = true;
  });
  // The "line": the chip sends a few bytes at a time, the driver refills on THRE.
  for (int i = 0; i < 100000 && rig.fake.wire().size() < data.size(); ++i) {
    rig.fake.transmit(1 + i % 16);
    rig.service();
    sched::yield();
  }
  sched::test::must_join(writer);
  REQUIRE(shared.result.has_value());
  CHECK(*shared.result == data.size());
  CHECK(rig.fake.wire() == data);
  CHECK(rig.fake.tx_overflows() == 0);
  CHECK(rig.uart.stats().tx_bytes == data.size());
  CHECK(rig.uart.tx_pending() == 0);
}

TEST_CASE("uart: non-blocking writes take what fits, then TryAgain") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  const std::string data = pattern(Uart::kTxCapacity + 1000);
  auto first = rig.uart.write(data, Blocking::No);
  REQUIRE(first.has_value());
  // The ring's worth; the kick moved the first 16 bytes straight into the idle FIFO.
  CHECK(*first == Uart::kTxCapacity);
  CHECK(rig.fake.tx_level() == regs::kFifoDepth);
  auto second = rig.uart.write(data, Blocking::No);
  REQUIRE(second.has_value());
  CHECK(*second == regs::kFifoDepth);
  CHECK(rig.uart.write(data, Blocking::No).error() == Error::TryAgain);
  CHECK(rig.fake.tx_overflows() == 0);
  rig.transmit_until(Uart::kTxCapacity + regs::kFifoDepth, 10000);
  CHECK(rig.fake.wire() == data.substr(0, Uart::kTxCapacity) + data.substr(0, regs::kFifoDepth));
}

TEST_CASE("uart: drain waits for the transmit ring to empty; discard drops it") {
  UartRig rig;
  REQUIRE(rig.uart.init().has_value());
  const std::string data = pattern(200);
  REQUIRE(rig.uart.write(data, Blocking::No).has_value());
  CHECK(rig.uart.drain(sched::Deadline::after(10 * sched::test::kMs)).error() == Error::TimedOut);
  rig.uart.discard_output();
  CHECK(rig.uart.tx_pending() == 0);
  CHECK(rig.uart.drain(sched::Deadline::after(10 * sched::test::kMs)).has_value());
  rig.transmit_until(regs::kFifoDepth);
  CHECK(rig.fake.wire() == data.substr(0, regs::kFifoDepth));  // What was in the FIFO already.
}
