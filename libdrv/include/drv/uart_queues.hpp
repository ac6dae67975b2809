#pragma once
/// The part of a UART driver that does not touch registers: the receive and transmit rings, the
/// lock that guards them against the interrupt handler, the statistics, the threads that wait
/// for data or room, and delivery to a CharacterSink. Uart16550<Io> (uart_16550.hpp) adds the
/// register programming on top; keeping this part out of the template keeps it compiled once.
///
/// Flow control: the sink is offered the received bytes (CharacterSink::offer); what it has no
/// room for stays in the receive ring until it calls resume_input(). When the ring itself is
/// full (a sink that holds back, or no sink and no reader), the driver stops reading the chip
/// (pause_receiver_locked: no receive interrupts) until the ring has room again; the chip's
/// FIFO then fills and the sender waits (QEMU stops taking bytes) or, on a line without flow
/// control, the chip overruns and counts it. Nothing already buffered is ever dropped.
///
/// Locking: `lock_` (a SpinLock: interrupts off while held) guards everything below. A thread
/// that waits holds the scheduler lock while it checks its condition under `lock_` (scheduler
/// lock, then `lock_`); the interrupt handler drops `lock_` before it wakes anyone or calls the
/// sink, so neither the sink nor a waker ever runs with `lock_` held.

#include <drv/tty_interfaces.hpp>

#include <ipc/object.hpp>

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/result.hpp>
#include <k/ring_buffer.hpp>
#include <k/spin_lock.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::drv {

/// What a UART has seen since init.
struct UartStats {
  std::uint64_t interrupts = 0;      ///< Calls of on_interrupt.
  std::uint64_t rx_bytes = 0;        ///< Bytes read from the receiver.
  std::uint64_t tx_bytes = 0;        ///< Bytes handed to the transmitter.
  std::uint64_t overruns = 0;        ///< LSR.OE seen: the hardware FIFO overflowed, bytes lost.
  std::uint64_t parity_errors = 0;   ///< LSR.PE seen (the byte is still delivered).
  std::uint64_t framing_errors = 0;  ///< LSR.FE seen (the byte is still delivered).
  std::uint64_t breaks = 0;          ///< LSR.BI seen (its 0 byte is delivered).
  std::uint64_t receiver_pauses = 0;  ///< Times the receive ring filled and reading stopped.
};

/// See the file comment.
class UartQueues : public InputSource {
 public:
  /// Receive ring: 4096 bytes are 350 ms at 115200 baud (11520 bytes/s). With a sink attached,
  /// bytes pass through it, and wait here while the sink has no room.
  static constexpr std::size_t kRxCapacity = 4096;
  /// Free room in the receive ring that lets a paused receiver go on.
  static constexpr std::size_t kRxResumeRoom = kRxCapacity / 4;
  /// Transmit ring: writers block (or get a short count) when it is full.
  static constexpr std::size_t kTxCapacity = 4096;

  UartQueues() noexcept = default;
  UartQueues(const UartQueues&) = delete;
  UartQueues& operator=(const UartQueues&) = delete;

  /// Sends received bytes to `sink` from now on (nullptr: keep them for read()); bytes already
  /// buffered go to the new sink now. Threads only. The sink must outlive its attachment;
  /// detach it only while the UART's interrupt cannot run.
  void set_sink(CharacterSink* sink) noexcept;
  /// InputSource: the sink has room again; offers it what waits in the receive ring, and lets a
  /// paused receiver go on. Threads only.
  void resume_input() noexcept override;
  /// A snapshot of the counters.
  UartStats stats() const noexcept;
  /// Bytes queued for transmission, not yet handed to the hardware.
  std::size_t tx_pending() const noexcept;

 protected:
  ~UartQueues() = default;

  /// Takes received bytes (no sink attached): waits for at least one unless `blocking` is No
  /// (then Error::TryAgain when there is none).
  Result<std::size_t> read_received(std::span<char> out, ipc::Blocking blocking) noexcept;
  /// Waits until the transmit ring has room for `bytes` (at most its capacity).
  Result<void> wait_tx_room(std::size_t bytes, sched::Deadline deadline) noexcept;
  /// Waits until the transmit ring is empty.
  Result<void> wait_tx_empty(sched::Deadline deadline) noexcept;
  /// Interrupt side, after `lock_` is dropped: hands buffered bytes to the sink, in order even
  /// if two contexts call it at once, then wakes readers (`received`) and writers (`sent`).
  void after_interrupt(bool received, bool sent) noexcept;
  /// The register half: stop (pause) or restart the chip's receive interrupts. `lock_` held.
  virtual void set_receive_interrupts_locked(bool enabled) noexcept = 0;
  /// The ring is full: stops reading the chip until it has room. `lock_` held.
  void pause_receiver_locked() noexcept;

  /// Guards every member below.
  mutable SpinLock lock_;
  RingBuffer<char, kRxCapacity> rx_;  ///< Received, not yet delivered or read.
  RingBuffer<char, kTxCapacity> tx_;  ///< Written, not yet in the hardware FIFO.
  UartStats stats_;
  CharacterSink* sink_ = nullptr;
  bool delivering_ = false;  ///< Some context is in the sink-delivery loop.
  bool ready_ = false;       ///< init succeeded.
  bool receiver_paused_ = false;  ///< The ring filled: receive interrupts are off.

 private:
  // Hands the ring to the sink until it is empty or the sink holds back; any context. Whether
  // a sink is attached.
  bool deliver_to_sink() noexcept;
  // Restarts a paused receiver once the ring has room. `lock_` held.
  void maybe_resume_receiver_locked() noexcept;

  bool sink_full_ = false;        // The sink held back: nothing goes to it until it resumes us.
  bool resume_requested_ = false;  // resume_input() came while a delivery was under way.

  sched::WaitQueue rx_waiters_;  // Threads in read_received.
  sched::WaitQueue tx_waiters_;  // Threads waiting for room or for an empty ring.
};

}  // namespace mos::drv
