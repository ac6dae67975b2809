#pragma once
/// A behavioural 16550A on a FakePortSpace, for host tests of the real driver: divisor latch
/// (DLAB), IER, IIR with the datasheet's priorities, FCR (FIFO enable, clear, RX trigger level),
/// LCR, MCR, LSR (DR, OE, PE/FE/BI of the byte at the top of the FIFO, THRE, TEMT, FIFO error),
/// MSR, scratch; 16-byte RX and TX FIFOs. The test plays the line: receive() puts bytes in the
/// RX FIFO (overrunning it like the chip: the byte is lost and OE set), transmit() moves bytes
/// from the TX FIFO to `wire()` and raises THRE when it empties, irq_pending() is the IRQ line
/// (gated by MCR.OUT2 as on a PC). [16550 datasheet] tables 3 to 5.
///
/// Host only. The test-side methods turn interrupts off (the host platform's flag) so that a
/// thread switch cannot interleave them with the driver, whose port accesses happen under its
/// own interrupt-disabling lock.

#include <drv/uart_16550_registers.hpp>

#include "fake_port_io.hpp"

#include <k/platform/interrupts.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace mos::drv::testing {

/// See the file comment.
class FakeUart16550 {
 public:
  /// Installs the UART's eight ports at `base` in `space`.
  explicit FakeUart16550(mos::testing::FakePortSpace& space, std::uint16_t base = uart16550::kCom1)
      : space_(space), base_(base) {
    using namespace uart16550;
    for (std::uint16_t r = 0; r < kRegisterCount; ++r) {
      space_.on_read(static_cast<std::uint16_t>(base_ + r), [this, r] { return read(r); });
      space_.on_write(static_cast<std::uint16_t>(base_ + r),
                      [this, r](std::uint32_t v) { write(r, static_cast<std::uint8_t>(v)); });
    }
  }
  FakeUart16550(const FakeUart16550&) = delete;
  FakeUart16550& operator=(const FakeUart16550&) = delete;

  /// Makes the eight ports at `base` read as all ones, like an absent ISA device.
  static void install_absent(mos::testing::FakePortSpace& space,
                             std::uint16_t base = uart16550::kCom1) {
    for (std::uint16_t r = 0; r < uart16550::kRegisterCount; ++r) {
      space.on_read(static_cast<std::uint16_t>(base + r), [] { return 0xffu; });
    }
  }

  /// Bytes arrive on the line, each with LSR error bits `errors` (PE, FE, BI).
  void receive(std::string_view bytes, std::uint8_t errors = 0) {
    NoInterrupts off;
    for (char c : bytes) {
      if (rx_.size() >= fifo_depth()) {
        overrun_ = true;  // The shift register's byte is lost; the FIFO keeps its contents.
        ++bytes_lost_;
        continue;
      }
      rx_.push_back({static_cast<std::uint8_t>(c), errors});
    }
  }
  /// The line has been idle for four character times: a timeout interrupt if data waits.
  void line_idle() {
    NoInterrupts off;
    timeout_ = !rx_.empty();
  }
  /// Sends up to `max` bytes from the TX FIFO onto the wire; THRE when it becomes empty.
  std::size_t transmit(std::size_t max = SIZE_MAX) {
    NoInterrupts off;
    std::size_t n = 0;
    while (n < max && !tx_.empty()) {
      wire_.push_back(static_cast<char>(tx_.front()));
      tx_.pop_front();
      ++n;
    }
    if (n > 0 && tx_.empty()) thre_pending_ = true;
    return n;
  }

  /// Whether the UART asserts its IRQ line (an interrupt is pending and OUT2 is set).
  bool irq_pending() const {
    NoInterrupts off;
    return (mcr_ & uart16550::kMcrOut2) != 0 && (identify() & uart16550::kIirNonePending) == 0;
  }
  /// What has been transmitted so far.
  std::string wire() const {
    NoInterrupts off;
    return wire_;
  }
  /// Forgets what was transmitted.
  void clear_wire() {
    NoInterrupts off;
    wire_.clear();
  }

  /// The divisor latch.
  std::uint16_t divisor() const { return static_cast<std::uint16_t>(dll_ | (dlm_ << 8)); }
  /// LCR, IER, MCR as last written.
  std::uint8_t lcr() const { return lcr_; }
  std::uint8_t ier() const { return ier_; }
  std::uint8_t mcr() const { return mcr_; }
  /// Whether the FIFOs are enabled, and the RX trigger level in bytes.
  bool fifos_enabled() const { return fifo_enabled_; }
  std::size_t rx_trigger() const { return trigger_; }
  /// Bytes the RX FIFO can take now without overrunning: how much a sender with flow control
  /// (QEMU's character back ends) passes on.
  std::size_t rx_room() const {
    NoInterrupts off;
    return rx_.size() < fifo_depth() ? fifo_depth() - rx_.size() : 0;
  }
  /// Bytes waiting in the RX FIFO, and in the TX FIFO.
  std::size_t rx_level() const {
    NoInterrupts off;
    return rx_.size();
  }
  std::size_t tx_level() const {
    NoInterrupts off;
    return tx_.size();
  }
  /// Bytes the RX FIFO overran on; THR writes while the TX FIFO was full (driver bugs).
  std::size_t bytes_lost() const { return bytes_lost_; }
  std::size_t tx_overflows() const { return tx_overflows_; }

 private:
  struct RxEntry {
    std::uint8_t byte;
    std::uint8_t errors;  // PE/FE/BI, cleared once an LSR read has reported them.
  };
  // The host platform's "interrupts off" for the scope.
  struct NoInterrupts {
    NoInterrupts() : state(platform::interrupts_save_and_disable()) {}
    ~NoInterrupts() { platform::interrupts_restore(state); }
    platform::InterruptState state;
  };

  std::size_t fifo_depth() const { return fifo_enabled_ ? uart16550::kFifoDepth : 1; }
  bool dlab() const { return (lcr_ & uart16550::kLcrDlab) != 0; }
  bool line_error() const { return overrun_ || (!rx_.empty() && rx_.front().errors != 0); }

  // The IIR value: the highest-priority pending cause.
  std::uint8_t identify() const {
    using namespace uart16550;
    const std::uint8_t fifo_bits = fifo_enabled_ ? kIirFifosEnabled : 0;
    const std::size_t trigger = fifo_enabled_ ? trigger_ : 1;
    std::uint8_t id = kIirNonePending;
    if ((ier_ & kIerLineStatus) != 0 && line_error()) {
      id = kIirLineStatus;
    } else if ((ier_ & kIerRxData) != 0 && rx_.size() >= trigger) {
      id = kIirRxData;
    } else if ((ier_ & kIerRxData) != 0 && timeout_ && !rx_.empty()) {
      id = kIirRxTimeout;
    } else if ((ier_ & kIerTxEmpty) != 0 && thre_pending_) {
      id = kIirTxEmpty;
    }
    return static_cast<std::uint8_t>(id | fifo_bits);
  }

  std::uint32_t read(std::uint16_t r) {
    using namespace uart16550;
    switch (r) {
      case kData: {
        if (dlab()) return dll_;
        if (rx_.empty()) return 0;
        const std::uint8_t b = rx_.front().byte;
        rx_.pop_front();
        timeout_ = false;  // Reading RBR restarts the character timeout.
        return b;
      }
      case kIer:
        return dlab() ? dlm_ : ier_;
      case kIir: {
        const std::uint8_t iir = identify();
        // Reading IIR clears a THRE interrupt when that is what it reports.
        if ((iir & kIirIdMask) == kIirTxEmpty && (iir & kIirNonePending) == 0) {
          thre_pending_ = false;
        }
        return iir;
      }
      case kLcr:
        return lcr_;
      case kMcr:
        return mcr_;
      case kLsr: {
        std::uint8_t lsr = 0;
        if (!rx_.empty()) lsr |= static_cast<std::uint8_t>(kLsrDataReady | rx_.front().errors);
        if (overrun_) lsr |= kLsrOverrun;
        if (tx_.empty()) lsr |= kLsrTxEmpty | kLsrTxIdle;
        for (const RxEntry& e : rx_) {
          if (fifo_enabled_ && e.errors != 0) lsr |= kLsrFifoError;
        }
        overrun_ = false;  // Reading LSR clears the error bits.
        if (!rx_.empty()) rx_.front().errors = 0;
        return lsr;
      }
      case kMsr:
        return 0xb0;  // DCD, DSR, CTS: a cable with a terminal on it.
      default:
        return scratch_;
    }
  }

  void write(std::uint16_t r, std::uint8_t v) {
    using namespace uart16550;
    switch (r) {
      case kData:
        if (dlab()) {
          dll_ = v;
        } else if (tx_.size() >= fifo_depth()) {
          ++tx_overflows_;
        } else {
          tx_.push_back(v);
          thre_pending_ = false;  // Writing THR clears a THRE interrupt.
        }
        break;
      case kIer:
        if (dlab()) {
          dlm_ = v;
        } else {
          // Enabling ETBEI with THR empty raises THRE at once, as the chip does.
          if ((v & kIerTxEmpty) != 0 && (ier_ & kIerTxEmpty) == 0 && tx_.empty()) {
            thre_pending_ = true;
          }
          ier_ = v & 0x0f;
        }
        break;
      case kFcr: {
        fifo_enabled_ = (v & kFcrEnable) != 0;
        if ((v & kFcrClearRx) != 0) rx_.clear();
        if ((v & kFcrClearTx) != 0) tx_.clear();
        static constexpr std::size_t kLevels[4] = {1, 4, 8, 14};
        trigger_ = kLevels[v >> 6];
        break;
      }
      case kLcr:
        lcr_ = v;
        break;
      case kMcr:
        mcr_ = v;
        break;
      case kScratch:
        scratch_ = v;
        break;
      default:
        break;  // LSR and MSR are read-only.
    }
  }

  mos::testing::FakePortSpace& space_;
  std::uint16_t base_;
  std::deque<RxEntry> rx_;
  std::deque<std::uint8_t> tx_;
  std::string wire_;
  std::uint8_t dll_ = 0, dlm_ = 0, ier_ = 0, lcr_ = 0, mcr_ = 0, scratch_ = 0;
  bool fifo_enabled_ = false;
  std::size_t trigger_ = 1;
  bool overrun_ = false;
  bool timeout_ = false;
  bool thre_pending_ = false;
  std::size_t bytes_lost_ = 0;
  std::size_t tx_overflows_ = 0;
};

}  // namespace mos::drv::testing
