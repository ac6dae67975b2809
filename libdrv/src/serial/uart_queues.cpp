// The register-free half of the UART driver: rings, waits, sink delivery (uart_queues.hpp).
#include <drv/uart_queues.hpp>

#include <sched/scheduler.hpp>

namespace mos::drv {

void UartQueues::set_sink(CharacterSink* sink) noexcept {
  {
    SpinLockGuard guard(lock_);
    sink_ = sink;
    sink_full_ = false;  // A new sink has not held anything back.
  }
  deliver_to_sink();
}

void UartQueues::resume_input() noexcept {
  {
    SpinLockGuard guard(lock_);
    sink_full_ = false;
    resume_requested_ = true;  // Seen by a delivery already under way in another context.
  }
  deliver_to_sink();
}

void UartQueues::pause_receiver_locked() noexcept {
  if (receiver_paused_) return;
  receiver_paused_ = true;
  ++stats_.receiver_pauses;
  set_receive_interrupts_locked(false);
}

void UartQueues::maybe_resume_receiver_locked() noexcept {
  if (!receiver_paused_ || !ready_ || kRxCapacity - rx_.size() < kRxResumeRoom) return;
  receiver_paused_ = false;
  // Bytes the chip held meanwhile raise the receive interrupt as soon as it is enabled.
  set_receive_interrupts_locked(true);
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
      if (!rx_.empty()) {
        const std::size_t n = rx_.read(out);
        maybe_resume_receiver_locked();
        return n;
      }
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

bool UartQueues::deliver_to_sink() noexcept {
  // Only one context runs the delivery loop at a time, and it loops until the ring is empty or
  // the sink holds back, so bytes reach the sink in the order the hardware gave them even if a
  // second context (another CPU, or a thread polling on_interrupt) buffered some meanwhile.
  bool delivering = false;
  char chunk[64];
  for (;;) {
    CharacterSink* sink = nullptr;
    std::size_t n = 0;
    {
      SpinLockGuard guard(lock_);
      if (delivering_ && !delivering) return true;
      if (sink_ == nullptr || sink_full_ || rx_.empty()) {
        delivering_ = false;
        return sink_ != nullptr;
      }
      // Copied, not taken: what the sink refuses stays in the ring, first in line.
      n = rx_.size() < sizeof chunk ? rx_.size() : sizeof chunk;
      for (std::size_t i = 0; i < n; ++i) chunk[i] = rx_[i];
      delivering_ = delivering = true;
      resume_requested_ = false;
      sink = sink_;
    }
    // Outside the lock: the sink (a tty) echoes through this UART's output(), which takes it.
    const std::size_t taken = sink->offer(std::span<const char>(chunk, n), *this);
    SpinLockGuard guard(lock_);
    for (std::size_t i = 0; i < taken && i < n; ++i) (void)rx_.pop();
    maybe_resume_receiver_locked();
    // The sink held back, unless it has already asked for more (resume_input meanwhile).
    if (taken < n && !resume_requested_) sink_full_ = true;
  }
}

void UartQueues::after_interrupt(bool received, bool sent) noexcept {
  // Delivered, or waiting for the sink: with a sink there is no reader of the ring to wake.
  if (deliver_to_sink()) received = false;
  if (!received && !sent) return;
  sched::SchedulerGuard scheduler;
  if (received) rx_waiters_.wake_all(scheduler);
  if (sent) tx_waiters_.wake_all(scheduler);
}

}  // namespace mos::drv
