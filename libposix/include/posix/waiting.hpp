#pragma once
/// The calls that wait for time or for signals: sleeps, pause, sigsuspend, and poll over
/// descriptors. Each ends early with Error::Interrupted when a signal arrives (the caller then
/// delivers it: System::deliver_signals).

#include <posix/process.hpp>

#include <sched/time.hpp>

#include <k/result.hpp>

#include <cstdint>
#include <span>

namespace mos::posix {

/// nanosleep / clock_nanosleep: until `deadline`; on Error::Interrupted, *remaining_ns (if
/// given) holds what was left.
Result<void> sleep_until(Process& self, sched::Deadline deadline,
                         std::uint64_t* remaining_ns = nullptr) noexcept;
/// pause(2): waits for a signal; always Error::Interrupted.
Result<void> pause(Process& self) noexcept;
/// sigsuspend(2): waits for a signal with `mask` in place, delivers it under that mask, then
/// restores the old one; always Error::Interrupted.
Result<void> suspend(Process& self, SignalSet mask) noexcept;

/// One descriptor of poll(2); events and revents use POLLIN (1), POLLOUT (4), POLLERR (8),
/// POLLHUP (0x10), POLLNVAL (0x20).
struct PollDescriptor {
  int fd = -1;
  short events = 0;
  short revents = 0;
};
/// poll(2): how many descriptors have something to report, waiting until `deadline` at most.
/// Files that can tell when they change (pipes, FIFOs) are waited on; others (terminals) are
/// looked at again every 10 ms.
Result<int> poll(Process& self, std::span<PollDescriptor> descriptors,
                 sched::Deadline deadline) noexcept;

}  // namespace mos::posix
