// The register-free half of the UART driver: rings, waits, sink delivery (uart_queues.hpp).
#include <drv/uart_queues.hpp>

#include <sched/scheduler.hpp>

namespace mos::drv {

void UartQueues::set_sink(CharacterSink* sink) noexcept {
  SpinLockGuard guard(lock_);
  sink_ = sink;
}

UartStats UartQueues::stats() const noexcept {
  SpinLockGuard guard(lock_);
  return stats_;
}

std::size_t UartQueues::tx_pending() const noexcept {
  SpinLockGuard guard(lock_);
  return tx_.size();
}

Result<std::size_t> UartQueues::read_received(std::span<char> out,
                                              ipc::Blocking blocking) noexcept {
  if (out.empty()) return std::size_t{0};
  // The scheduler lock first, then ours: no byte can arrive between the check and the sleep.
  sched::SchedulerGuard scheduler;
  for (;;) {
    {
      SpinLockGuard guard(lock_);
      if (!ready_) return Error::NoDevice;
      if (!rx_.empty()) return rx_.read(out);
    }
    if (blocking == ipc::Blocking::No) return Error::TryAgain;
    MOS_TRY(rx_waiters_.wait(scheduler));
  }
}

Result<void> UartQueues::wait_tx_room(std::size_t bytes, sched::Deadline deadline) noexcept {
  if (bytes > kTxCapacity) bytes = kTxCapacity;
  sched::SchedulerGuard scheduler;
  for (;;) {
    {
      SpinLockGuard guard(lock_);
      if (!ready_) return Error::NoDevice;
      if (kTxCapacity - tx_.size() >= bytes) return {};
    }
    MOS_TRY(tx_waiters_.wait(scheduler, deadline));
  }
}

Result<void> UartQueues::wait_tx_empty(sched::Deadline deadline) noexcept {
  sched::SchedulerGuard scheduler;
  for (;;) {
    {
      SpinLockGuard guard(lock_);
      if (!ready_ || tx_.empty()) return {};
    }
    MOS_TRY(tx_waiters_.wait(scheduler, deadline));
  }
}

void UartQueues::after_interrupt(bool received, bool sent) noexcept {
  // Only one context runs the delivery loop at a time, and it loops until the ring is empty,
  // so bytes reach the sink in the order the hardware gave them even if a second context
  // (another CPU, or a thread polling on_interrupt) buffered some meanwhile.
  bool delivering = false;
  char chunk[64];
  for (;;) {
    CharacterSink* sink = nullptr;
    std::size_t n = 0;
    {
      SpinLockGuard guard(lock_);
      if (sink_ == nullptr || (delivering_ && !delivering)) break;
      n = rx_.read(std::span<char>(chunk));
      if (n == 0) {
        delivering_ = false;
        break;
      }
      delivering_ = delivering = true;
      sink = sink_;
    }
    // Outside the lock: the sink (a tty) echoes through this UART's output(), which takes it.
    sink->receive(std::span<const char>(chunk, n));
    received = false;  // Delivered: no reader of the ring to wake.
  }
  if (!received && !sent) return;
  sched::SchedulerGuard scheduler;
  if (received) rx_waiters_.wake_all(scheduler);
  if (sent) tx_waiters_.wake_all(scheduler);
}

}  // namespace mos::drv
