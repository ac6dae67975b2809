#pragma once
// What the UART and tty-over-UART tests share: the real driver on a fake 16550, a sink that
// records, and the interrupt controller's part (calling on_interrupt while the IRQ is up).

#include <drv/tty_interfaces.hpp>
#include <drv/uart_16550.hpp>

#include "fake_port_io.hpp"
#include "fake_uart_16550.hpp"

#include <k/platform/interrupts.hpp>

#include <span>
#include <string>

namespace mos::drv::test {

using Uart = Uart16550<mos::testing::FakePortIo>;

/// A fake 16550 and the driver on it (not initialised).
struct UartRig {
  mos::testing::FakePortSpace space;
  testing::FakeUart16550 fake{space};
  Uart uart{mos::testing::FakePortIo(space)};

  /// Runs the handler as interrupt dispatch would: interrupts off, while the line is asserted.
  /// Returns how many times it ran.
  int service() {
    const auto state = platform::interrupts_save_and_disable();
    int calls = 0;
    while (fake.irq_pending() && calls < 64) {
      uart.on_interrupt();
      ++calls;
    }
    platform::interrupts_restore(state);
    return calls;
  }
  /// Lets the line idle so that bytes below the trigger level raise a timeout, then services.
  int settle() {
    fake.line_idle();
    return service();
  }
  /// Sends what the TX FIFO holds and services the THRE interrupt, until the wire has `bytes`
  /// bytes or `rounds` passes made no progress.
  void transmit_until(std::size_t bytes, int rounds = 1000) {
    for (int i = 0; i < rounds && fake.wire().size() < bytes; ++i) {
      fake.transmit();
      service();
    }
  }
};

/// A CharacterSink that keeps everything it is given.
struct RecordingSink final : CharacterSink {
  std::string received;
  int calls = 0;
  void receive(std::span<const char> characters) noexcept override {
    received.append(characters.data(), characters.size());
    ++calls;
  }
};

}  // namespace mos::drv::test
