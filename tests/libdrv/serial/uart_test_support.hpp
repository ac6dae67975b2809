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

/// A CharacterSink that takes offered bytes only while it has `room`, and remembers who to call
/// back when it held some back.
struct HoldingSink final : CharacterSink {
  std::string received;
  std::size_t room = 0;
  InputSource* held = nullptr;
  void receive(std::span<const char> characters) noexcept override {
    received.append(characters.data(), characters.size());
  }
  std::size_t offer(std::span<const char> characters, InputSource& source) noexcept override {
    const std::size_t n = characters.size() < room ? characters.size() : room;
    received.append(characters.data(), n);
    room -= n;
    if (n < characters.size()) held = &source;
    return n;
  }
};

/// Sends `data` from `sent` on as a sender with flow control does (QEMU's back ends): only what
/// the RX FIFO has room for, servicing the interrupts as they come; stops when the chip takes
/// no more. Returns the new `sent`.
inline std::size_t send_with_flow_control(UartRig& rig, std::string_view data, std::size_t sent) {
  while (sent < data.size()) {
    const std::size_t room = rig.fake.rx_room();
    if (room == 0) break;
    const std::size_t n = room < data.size() - sent ? room : data.size() - sent;
    rig.fake.receive(data.substr(sent, n));
    sent += n;
    rig.settle();
  }
  return sent;
}

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
