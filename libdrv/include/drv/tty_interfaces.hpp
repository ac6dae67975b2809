#pragma once
/// The three small interfaces that connect a terminal (drv::Tty) to the rest of the system:
///
///     input driver (UART, keyboard)  --CharacterSink::receive-->  Tty  --TerminalOutput-->  screen
///                                                                  |
///                                           TtySignalTarget::signal_foreground (libposix)
///
/// A driver delivers received characters to a CharacterSink, possibly from its interrupt
/// handler; a driver that can hold input back (an InputSource) offers them instead, and the
/// sink takes what it has room for and calls the driver back when it has room again. A Tty
/// writes through a TerminalOutput (a UART, the VGA console), from threads and, for echo, from
/// the interrupt context of the input driver; so `output` never waits. The signals typed at a
/// terminal (^C, ^Z, ^\) go to a TtySignalTarget, which libposix implements by signalling the
/// terminal's foreground process group.

#include <sched/time.hpp>

#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace mos::drv {

/// An input driver that can hold received characters back while its sink has no room for them
/// (a UART keeps them in its receive ring and, once that is full, stops reading the chip, so
/// that the sender waits). See CharacterSink::offer.
class InputSource {
 public:
  /// The sink has room again: offer it what was held back. Called from threads, with no lock
  /// of the sink's held and not under the scheduler lock.
  virtual void resume_input() noexcept = 0;

 protected:
  ~InputSource() = default;
};

/// Where an input driver delivers the characters it receives, in order.
class CharacterSink {
 public:
  /// Takes received characters. Called from interrupt handlers (and from threads), never with a
  /// driver lock held; must not block. The sink takes every character: what it has no room for
  /// it drops and counts itself.
  virtual void receive(std::span<const char> characters) noexcept = 0;
  /// For a driver that can hold input back: takes the characters the sink has room for now, in
  /// order, and returns how many. When that is fewer than offered, the sink calls
  /// `source.resume_input()` once it has room again, and the driver offers the rest then (as
  /// Linux's tty flip buffers wait for n_tty). Same contexts as receive(). The default takes
  /// everything through receive().
  virtual std::size_t offer(std::span<const char> characters, InputSource& source) noexcept {
    (void)source;
    receive(characters);
    return characters.size();
  }

 protected:
  ~CharacterSink() = default;
};

/// Where a terminal's output goes (a UART's transmitter, a text console).
class TerminalOutput {
 public:
  /// Takes as much of `bytes` as fits now, in order, and returns how many it took; never waits.
  /// Called from threads and from interrupt handlers (echo), possibly with the caller's
  /// interrupt-safe spinlock held, so it may only take spinlocks of its own.
  virtual std::size_t output(std::span<const char> bytes) noexcept = 0;
  /// How many bytes `output` would take now. The default: unbounded (a console that draws
  /// synchronously).
  virtual std::size_t output_room() noexcept { return std::numeric_limits<std::size_t>::max(); }
  /// Waits (threads only) until `output_room() >= bytes` or `deadline` (Error::TimedOut).
  virtual Result<void> wait_for_room(std::size_t bytes, sched::Deadline deadline) noexcept {
    (void)bytes;
    (void)deadline;
    return {};
  }
  /// Waits (threads only) until everything taken so far has left, or `deadline`.
  virtual Result<void> drain(sched::Deadline deadline) noexcept {
    (void)deadline;
    return {};
  }
  /// Drops the bytes taken but not yet sent (TCOFLUSH, and a signal without NOFLSH).
  virtual void discard_output() noexcept {}

 protected:
  ~TerminalOutput() = default;
};

/// Receives the signals a terminal's line discipline raises. libposix implements it: it sends
/// `signal` to the process group `foreground_group` (the one TIOCSPGRP stored; 0 if none was).
class TtySignalTarget {
 public:
  /// Called from the input driver's interrupt context, with no terminal lock held; must not
  /// block (queue the signal and return).
  virtual void signal_foreground(int signal, std::int32_t foreground_group) noexcept = 0;

 protected:
  ~TtySignalTarget() = default;
};

}  // namespace mos::drv
