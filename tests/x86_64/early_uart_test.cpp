#include <x86_64/early_uart.hpp>

#include "fake_port_io.hpp"

#include <doctest/doctest.h>

#include <string>

using mos::testing::FakePortIo;
using mos::testing::FakePortSpace;
using Uart = mos::x86_64::EarlyUart<FakePortIo>;

namespace {

constexpr std::uint16_t kBase = 0x3f8;

// A UART that is always ready to transmit and collects what is sent.
struct ReadyUart {
  FakePortSpace space;
  std::string sent;
  ReadyUart() {
    space.on_read(kBase + Uart::kLineStatus, [] { return Uart::kLsrTransmitEmpty; });
    space.on_write(kBase + Uart::kData, [this](std::uint32_t v) { sent += static_cast<char>(v); });
  }
};

}  // namespace

TEST_CASE("init programs 115200 8N1 with the divisor latch, FIFOs on and interrupts off") {
  ReadyUart fake;
  Uart uart(FakePortIo(fake.space));
  REQUIRE(uart.init());
  CHECK(uart.present());
  // The divisor (1 = 115200 baud) goes to the data port while LCR has DLAB set, then LCR = 8N1.
  CHECK(fake.space.writes_to(kBase + Uart::kLineControl) == std::vector<std::uint32_t>{0x80, 0x03});
  CHECK(fake.space.writes_to(kBase + Uart::kInterruptEnable) == std::vector<std::uint32_t>{0, 0});
  CHECK(fake.space.writes_to(kBase + Uart::kFifoControl) == std::vector<std::uint32_t>{0xc7});
  bool dlab = false;
  bool divisor_written_under_dlab = false;
  for (const auto& a : fake.space.log()) {
    if (a.kind != FakePortSpace::Access::Kind::Write) continue;
    if (a.port == kBase + Uart::kLineControl) dlab = (a.value & 0x80) != 0;
    if (a.port == kBase + Uart::kData && dlab && a.value == 1) divisor_written_under_dlab = true;
  }
  CHECK(divisor_written_under_dlab);
}

TEST_CASE("write translates newlines and waits for the transmitter") {
  ReadyUart fake;
  Uart uart(FakePortIo(fake.space));
  REQUIRE(uart.init());
  fake.sent.clear();
  uart.write("a\nb");
  CHECK(fake.sent == "a\r\nb");

  // A transmitter that is busy for three polls: the byte goes out after them, not before.
  FakePortSpace busy;
  busy.script_reads(kBase + Uart::kLineStatus, {0, 0, 0, Uart::kLsrTransmitEmpty});
  Uart slow(FakePortIo{busy});
  REQUIRE(slow.init());
  busy.clear_log();
  slow.write("x");
  int polls_before_write = 0;
  for (const auto& a : busy.log()) {
    if (a.kind == FakePortSpace::Access::Kind::Write) break;
    if (a.port == kBase + Uart::kLineStatus) ++polls_before_write;
  }
  CHECK(polls_before_write == 4);
  CHECK(busy.writes_to(kBase + Uart::kData).back() == 'x');
}

TEST_CASE("a UART that never gets ready costs bounded time, not a hang") {
  FakePortSpace stuck;
  stuck.on_read(kBase + Uart::kLineStatus, [] { return 0u; });
  Uart uart(FakePortIo{stuck});
  REQUIRE(uart.init());
  uart.write("z");
  CHECK(stuck.writes_to(kBase + Uart::kData).back() == 'z');
  CHECK(stuck.log().size() < static_cast<std::size_t>(Uart::kTransmitPolls) + 64);
}

TEST_CASE("a missing UART is detected through the scratch register and writes are dropped") {
  FakePortSpace empty;
  empty.on_read(kBase + Uart::kScratch, [] { return 0xffu; });  // Floating bus.
  Uart uart(FakePortIo{empty});
  CHECK_FALSE(uart.init());
  empty.clear_log();
  uart.write("lost");
  CHECK(empty.log().empty());
}

TEST_CASE("read_available returns only the bytes the UART holds") {
  FakePortSpace space;
  // Data ready twice, then empty.
  space.script_reads(kBase + Uart::kLineStatus, {Uart::kLsrDataReady, Uart::kLsrDataReady, 0});
  space.script_reads(kBase + Uart::kData, {'o', 'k'});
  Uart uart(FakePortIo{space});
  REQUIRE(uart.init());
  char buffer[8];
  CHECK(uart.read_available(buffer) == 2);
  CHECK(std::string(buffer, 2) == "ok");
  CHECK_FALSE(uart.can_read());
}
