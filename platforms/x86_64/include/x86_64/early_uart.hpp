#pragma once
/// The boot console: a 16550 UART driven by polling, usable from the first C++ line and from
/// exception handlers. The interrupt-driven driver comes with libdrv; this one never needs
/// interrupts, memory allocation or locks of its own.

#include <k/platform/io.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mos::x86_64 {

/// A polled 16550 at `base` (COM1 is 0x3f8). [16550 datasheet] register map.
template <platform::PortIo Io>
class EarlyUart {
 public:
  static constexpr std::uint16_t kCom1 = 0x3f8;

  // Register offsets from the base port.
  static constexpr std::uint16_t kData = 0;           ///< RBR/THR, or DLL with DLAB set.
  static constexpr std::uint16_t kInterruptEnable = 1;  ///< IER, or DLM with DLAB set.
  static constexpr std::uint16_t kFifoControl = 2;    ///< FCR (write).
  static constexpr std::uint16_t kLineControl = 3;    ///< LCR.
  static constexpr std::uint16_t kModemControl = 4;   ///< MCR.
  static constexpr std::uint16_t kLineStatus = 5;     ///< LSR.
  static constexpr std::uint16_t kScratch = 7;

  static constexpr std::uint8_t kLsrDataReady = 0x01;
  static constexpr std::uint8_t kLsrTransmitEmpty = 0x20;  ///< THR can take a byte.

  /// How many times write() polls LSR before it gives up on a byte, so that a missing or stuck
  /// UART slows the console down instead of hanging the kernel.
  static constexpr int kTransmitPolls = 1 << 16;

  constexpr explicit EarlyUart(Io io, std::uint16_t base = kCom1) noexcept : io_(io), base_(base) {}

  /// Programs 115200 baud, 8N1, FIFOs on, interrupts off. Returns false if no UART answers
  /// (the scratch register does not hold a value); writes are then dropped.
  bool init() noexcept {
    io_.write8(reg(kScratch), 0x5a);
    present_ = io_.read8(reg(kScratch)) == 0x5a;
    if (!present_) return false;
    io_.write8(reg(kInterruptEnable), 0x00);
    io_.write8(reg(kLineControl), 0x80);  // DLAB: the next two registers are the divisor.
    io_.write8(reg(kData), 0x01);         // 115200 / 1.
    io_.write8(reg(kInterruptEnable), 0x00);
    io_.write8(reg(kLineControl), 0x03);  // 8 data bits, no parity, one stop bit.
    io_.write8(reg(kFifoControl), 0xc7);  // Enable and clear FIFOs, 14-byte threshold.
    io_.write8(reg(kModemControl), 0x03); // DTR and RTS: some hosts wait for them.
    return true;
  }

  /// Writes `text`, turning "\n" into "\r\n" as terminals expect.
  void write(std::string_view text) noexcept {
    if (!present_) return;
    for (char c : text) {
      if (c == '\n') put('\r');
      put(c);
    }
  }

  /// Whether a received byte is waiting.
  bool can_read() noexcept {
    return present_ && (io_.read8(reg(kLineStatus)) & kLsrDataReady) != 0;
  }

  /// Reads the bytes that are waiting, up to buffer.size(); returns how many.
  std::size_t read_available(std::span<char> buffer) noexcept {
    std::size_t n = 0;
    while (n < buffer.size() && can_read()) buffer[n++] = static_cast<char>(io_.read8(reg(kData)));
    return n;
  }

  bool present() const noexcept { return present_; }

 private:
  std::uint16_t reg(std::uint16_t offset) const noexcept {
    return static_cast<std::uint16_t>(base_ + offset);
  }

  void put(char c) noexcept {
    for (int i = 0; i < kTransmitPolls; ++i) {
      if (io_.read8(reg(kLineStatus)) & kLsrTransmitEmpty) break;
    }
    io_.write8(reg(kData), static_cast<std::uint8_t>(c));
  }

  Io io_;
  std::uint16_t base_;
  bool present_ = false;
};

}  // namespace mos::x86_64
