#pragma once
/// The interrupt-driven 16550A UART driver. [16550 datasheet] (TI PC16550D)
///
/// - init() finds the chip (scratch register, LSR not all ones: else Error::NoDevice), programs
///   the baud divisor, 8N1, both FIFOs with an RX trigger level, DTR/RTS/OUT2 (OUT2 connects
///   the IRQ on PCs), and enables the RX-data, THR-empty and line-status interrupts.
/// - on_interrupt() is what the interrupt routing layer calls for the UART's IRQ, in interrupt
///   context. It reads IIR until no interrupt is pending and, by cause: drains the RX FIFO while
///   LSR says data ready (into the receive ring, then to the sink); refills the TX FIFO with up
///   to 16 bytes from the transmit ring; counts line-status errors; then wakes waiters.
/// - Threads write() into the transmit ring; if the transmitter is idle the write itself puts
///   the first 16 bytes into the FIFO ("kick"), the THRE interrupts send the rest. A full ring
///   blocks the writer (ipc::Blocking::Yes) or gives a short count / Error::TryAgain (No).
/// - Received bytes are offered to the CharacterSink set with set_sink (a Tty), else stay in
///   the receive ring for read(). What the sink holds back, or nobody reads, waits in the ring;
///   when the ring is full the driver stops reading the chip (IER without the receive
///   interrupts) until there is room: QEMU then stops taking bytes from its back end, and a
///   real line without flow control overruns the FIFO (counted). See uart_queues.hpp.
///
/// As a TerminalOutput it is what a Tty writes through; output() never waits, so echo from the
/// tty (in this UART's interrupt context) cannot block.

#include <drv/tty_interfaces.hpp>
#include <drv/uart_16550_registers.hpp>
#include <drv/uart_queues.hpp>

#include <ipc/object.hpp>

#include <k/platform/io.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::drv {

/// Line settings for Uart16550::init.
struct UartConfig {
  /// Bits per second; must divide 115200 (the divisor latch is an integer).
  std::uint32_t baud = 115200;
  /// FCR trigger bits: an RX interrupt once this many bytes wait. 8 (not 14) leaves 8 byte
  /// times (0.7 ms at 115200) of interrupt latency before the 16-byte FIFO overruns.
  std::uint8_t rx_trigger = uart16550::kFcrTrigger8;
};

/// A 16550A at I/O port `base`, reached through the PortIo provider `Io`. See the file comment.
template <platform::PortIo Io>
class Uart16550 final : public UartQueues, public TerminalOutput {
 public:
  /// A driver for the UART at `base` (COM1 by default); nothing is touched until init().
  explicit Uart16550(Io io, std::uint16_t base = uart16550::kCom1) noexcept
      : io_(io), base_(base) {}

  /// Probes and programs the UART; see the file comment. Error::NoDevice if no UART answers,
  /// Error::InvalidArgument for a baud rate the divisor cannot make.
  Result<void> init(const UartConfig& config = {}) noexcept {
    using namespace uart16550;
    if (config.baud == 0 || kBaseBaud % config.baud != 0 || kBaseBaud / config.baud > 0xffff) {
      return Error::InvalidArgument;
    }
    const std::uint32_t divisor = kBaseBaud / config.baud;
    SpinLockGuard guard(lock_);
    // A scratch register that keeps two patterns is a UART; an absent ISA device reads 0xff.
    io_.write8(reg(kScratch), 0x5a);
    const bool first = io_.read8(reg(kScratch)) == 0x5a;
    io_.write8(reg(kScratch), 0xa5);
    const bool second = io_.read8(reg(kScratch)) == 0xa5;
    if (!first || !second || io_.read8(reg(kLsr)) == kLsrAbsent) return Error::NoDevice;

    io_.write8(reg(kIer), 0);
    io_.write8(reg(kLcr), kLcrDlab);
    io_.write8(reg(kData), static_cast<std::uint8_t>(divisor & 0xff));
    io_.write8(reg(kIer), static_cast<std::uint8_t>(divisor >> 8));
    io_.write8(reg(kLcr), kLcr8N1);
    io_.write8(reg(kFcr), static_cast<std::uint8_t>(kFcrEnable | kFcrClearRx | kFcrClearTx |
                                                    (config.rx_trigger & kFcrTriggerMask)));
    io_.write8(reg(kMcr), kMcrDtr | kMcrRts | kMcrOut2);
    // Without both FIFO bits in IIR it is an 8250/16450 (or a 16550 with a broken FIFO): one
    // byte per THRE interrupt.
    const bool fifos = (io_.read8(reg(kIir)) & kIirFifosEnabled) == kIirFifosEnabled;
    tx_fifo_bytes_ = fifos ? kFifoDepth : 1;
    // Forget what the chip held before: stale errors, bytes, modem changes.
    for (std::uint32_t i = 0; i < 2 * kFifoDepth; ++i) {
      if ((io_.read8(reg(kLsr)) & kLsrDataReady) == 0) break;
      (void)io_.read8(reg(kData));
    }
    (void)io_.read8(reg(kMsr));
    rx_.clear();
    tx_.clear();
    stats_ = {};
    ready_ = true;
    receiver_paused_ = false;
    set_receive_interrupts_locked(true);
    return {};
  }

  /// Stops the chip interrupting (IER 0): before its vector is released.
  void disable_interrupts() noexcept { io_.write8(reg(uart16550::kIer), 0); }

  /// The interrupt handler; see the file comment. Interrupt context (or a polling thread).
  void on_interrupt() noexcept {
    using namespace uart16550;
    bool received = false;
    bool sent = false;
    {
      SpinLockGuard guard(lock_);
      if (!ready_) return;
      ++stats_.interrupts;
      // Bounded: a wedged or removed chip must not keep the CPU here for ever.
      for (int round = 0; round < kMaxRounds; ++round) {
        const std::uint8_t iir = io_.read8(reg(kIir));
        if ((iir & kIirNonePending) != 0 || iir == 0xff) break;
        switch (iir & kIirIdMask) {
          case kIirLineStatus:
            (void)read_lsr_locked();  // Reading LSR counts and clears the errors.
            break;
          case kIirRxData:
          case kIirRxTimeout:
            received = drain_rx_locked() || received;
            break;
          case kIirTxEmpty:
            // Reading IIR cleared the THRE interrupt; with nothing to send it stays quiet. An
            // empty ring wakes waiters too: output() may have moved the last bytes itself, and
            // a drain waiting for the end would otherwise sleep for ever.
            sent = fill_tx_fifo_locked() > 0 || tx_.empty() || sent;
            break;
          default:
            (void)io_.read8(reg(kMsr));  // Reading MSR clears a modem-status interrupt.
            break;
        }
      }
    }
    after_interrupt(received, sent);
  }

  /// Queues `data` for transmission; see the file comment for blocking. Error::NoDevice before
  /// a successful init.
  Result<std::size_t> write(std::span<const char> data, ipc::Blocking blocking) noexcept {
    std::size_t done = 0;
    while (done < data.size()) {
      {
        SpinLockGuard guard(lock_);
        if (!ready_) return Error::NoDevice;
      }
      done += output(data.subspan(done));
      if (done == data.size()) break;
      if (blocking == ipc::Blocking::No) {
        if (done > 0) return done;
        return Error::TryAgain;
      }
      // Wait for a quarter of the ring rather than one byte: fewer wakeups, bigger copies.
      const std::size_t left = data.size() - done;
      const std::size_t want = left < kTxCapacity / 4 ? left : kTxCapacity / 4;
      if (auto waited = wait_tx_room(want, sched::Deadline::never()); !waited) {
        if (done > 0) return done;
        return waited.error();
      }
    }
    return done;
  }

  /// Takes received bytes when no sink is attached (waits for one unless `blocking` is No).
  Result<std::size_t> read(std::span<char> out, ipc::Blocking blocking) noexcept {
    return read_received(out, blocking);
  }

  /// TerminalOutput: queue what fits and start the transmitter if it is idle; never waits.
  std::size_t output(std::span<const char> bytes) noexcept override {
    SpinLockGuard guard(lock_);
    if (!ready_) return 0;
    const std::size_t n = tx_.write(bytes);
    // THRE set means the transmitter has nothing and no THRE interrupt will come to start it.
    if ((read_lsr_locked() & uart16550::kLsrTxEmpty) != 0) (void)fill_tx_fifo_locked();
    return n;
  }
  /// TerminalOutput: free space in the transmit ring.
  std::size_t output_room() noexcept override {
    SpinLockGuard guard(lock_);
    return ready_ ? kTxCapacity - tx_.size() : 0;
  }
  /// TerminalOutput: waits for room in the transmit ring.
  Result<void> wait_for_room(std::size_t bytes, sched::Deadline deadline) noexcept override {
    return wait_tx_room(bytes, deadline);
  }
  /// TerminalOutput: waits until the transmit ring is empty (the last FIFO load may still be
  /// on the wire).
  Result<void> drain(sched::Deadline deadline) noexcept override { return wait_tx_empty(deadline); }
  /// TerminalOutput: drops the bytes not yet handed to the hardware.
  void discard_output() noexcept override {
    SpinLockGuard guard(lock_);
    tx_.clear();
  }

  /// The I/O base port.
  std::uint16_t base() const noexcept { return base_; }

 private:
  // IIR reads per interrupt: a handful of causes, each handled in one go.
  static constexpr int kMaxRounds = 16;
  // Bytes taken from the RX FIFO per cause: more than a FIFO's worth, bounded for a stuck DR.
  static constexpr int kMaxDrain = 256;

  std::uint16_t reg(std::uint16_t offset) const noexcept {
    return static_cast<std::uint16_t>(base_ + offset);
  }

  // Reads LSR, counting the error bits (reading clears them, so every read must count them).
  std::uint8_t read_lsr_locked() noexcept {
    using namespace uart16550;
    const std::uint8_t lsr = io_.read8(reg(kLsr));
    if (lsr == kLsrAbsent) return lsr;  // The chip is gone: no errors to believe.
    if ((lsr & kLsrOverrun) != 0) ++stats_.overruns;
    if ((lsr & kLsrParity) != 0) ++stats_.parity_errors;
    if ((lsr & kLsrFraming) != 0) ++stats_.framing_errors;
    if ((lsr & kLsrBreak) != 0) ++stats_.breaks;
    return lsr;
  }

  // Moves the RX FIFO into the receive ring; whether any byte went in. A full ring pauses the
  // receiver: the bytes stay in the chip.
  bool drain_rx_locked() noexcept {
    using namespace uart16550;
    bool any = false;
    for (int i = 0; i < kMaxDrain; ++i) {
      if (rx_.full()) {
        pause_receiver_locked();
        break;
      }
      const std::uint8_t lsr = read_lsr_locked();
      if (lsr == kLsrAbsent || (lsr & kLsrDataReady) == 0) break;
      (void)rx_.push(static_cast<char>(io_.read8(reg(kData))));
      ++stats_.rx_bytes;
      any = true;
    }
    return any;
  }

  // IER: the transmitter and line-status interrupts always, the receive ones unless paused.
  void set_receive_interrupts_locked(bool enabled) noexcept override {
    using namespace uart16550;
    const auto rx = enabled ? kIerRxData : std::uint8_t{0};
    io_.write8(reg(kIer), static_cast<std::uint8_t>(rx | kIerTxEmpty | kIerLineStatus));
  }

  // Puts up to a FIFO's worth of the transmit ring into THR; the caller knows THR is empty.
  std::size_t fill_tx_fifo_locked() noexcept {
    std::size_t n = 0;
    while (n < tx_fifo_bytes_) {
      auto c = tx_.pop();
      if (!c) break;
      io_.write8(reg(uart16550::kData), static_cast<std::uint8_t>(*c));
      ++n;
    }
    stats_.tx_bytes += n;
    return n;
  }

  Io io_;
  std::uint16_t base_;
  std::size_t tx_fifo_bytes_ = 1;  // Guarded by lock_.
};

}  // namespace mos::drv
