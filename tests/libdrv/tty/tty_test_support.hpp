#pragma once
// What the tty tests share: an output that records (with a settable amount of room), a signal
// target that records, and short helpers around the byte-span device interface.

#include <drv/termios.hpp>
#include <drv/tty.hpp>
#include <drv/tty_interfaces.hpp>

#include <vfs/types.hpp>

#include <doctest/doctest.h>

#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mos::drv::test {

/// A TerminalOutput that appends to a string; `room` limits what it takes.
struct RecordingOutput final : TerminalOutput {
  std::string written;
  std::size_t room = std::numeric_limits<std::size_t>::max();
  int discards = 0;
  int drains = 0;
  std::size_t output(std::span<const char> bytes) noexcept override {
    const std::size_t n = bytes.size() < room ? bytes.size() : room;
    written.append(bytes.data(), n);
    if (room != std::numeric_limits<std::size_t>::max()) room -= n;
    return n;
  }
  std::size_t output_room() noexcept override { return room; }
  void discard_output() noexcept override { ++discards; }
  mos::Result<void> drain(mos::sched::Deadline) noexcept override {
    ++drains;
    return {};
  }
  /// Returns what was written and forgets it.
  std::string take() { return std::exchange(written, {}); }
};

/// A TtySignalTarget that records (signal, group) pairs.
struct RecordingSignals final : TtySignalTarget {
  std::vector<std::pair<int, std::int32_t>> raised;
  void signal_foreground(int signal, std::int32_t group) noexcept override {
    raised.emplace_back(signal, group);
  }
};

inline constexpr std::uint32_t kNonBlocking = vfs::open_flags::kNonBlocking;

/// read() into a buffer of `size`: the text, or the error.
inline Result<std::string> read_text(Tty& tty, std::size_t size = 256,
                                     std::uint32_t flags = kNonBlocking) {
  std::string buffer(size, '\0');
  auto n = tty.read(0, std::as_writable_bytes(std::span<char>(buffer)), flags);
  if (!n) return n.error();
  buffer.resize(*n);
  return buffer;
}

/// write() of `text`.
inline Result<std::size_t> write_text(Tty& tty, std::string_view text, std::uint32_t flags = 0) {
  return tty.write(0, std::as_bytes(std::span<const char>(text.data(), text.size())), flags);
}

/// Feeds `text` as received input.
inline void type(Tty& tty, std::string_view text) {
  tty.receive(std::span<const char>(text.data(), text.size()));
}

/// TCGETS, change, TCSETS through control().
template <class F>
void change_termios(Tty& tty, F change) {
  Termios t{};
  (void)tty.control(tty_ioctl::kTcgets, reinterpret_cast<std::uintptr_t>(&t));
  change(t);
  (void)tty.control(tty_ioctl::kTcsets, reinterpret_cast<std::uintptr_t>(&t));
}

/// A tty over a RecordingOutput, made for one test.
struct TtyFixture {
  RecordingOutput out;
  RefPtr<Tty> tty;
  TtyFixture() {
    auto made = Tty::create(out);
    REQUIRE(made.has_value());
    tty = *made;
  }
  Tty& t() { return *tty; }
  /// Non-canonical mode with VMIN and VTIME.
  void raw(std::uint8_t vmin, std::uint8_t vtime) {
    change_termios(t(), [=](Termios& s) {
      s = make_raw(s);
      s.c_cc[cc::kVmin] = vmin;
      s.c_cc[cc::kVtime] = vtime;
    });
  }
};

}  // namespace mos::drv::test
