#pragma once
/// Where a keyboard driver delivers its input: key events for whoever wants them and the byte
/// sequences a terminal expects. A tty implements it and queues the bytes in its input buffer.

#include <drv/key_event.hpp>

#include <span>

namespace mos::drv {

/// Receives keyboard input. Called in interrupt context: implementations must not block,
/// allocate or sleep (queue the bytes and wake readers).
class KeyboardSink {
 public:
  /// Every decoded key event, releases included. The default ignores them.
  virtual void key_event(const KeyEvent& event) noexcept { static_cast<void>(event); }
  /// The bytes a key produced (a character, a control, or an escape sequence), one call per
  /// key event that produces any.
  virtual void key_bytes(std::span<const char> bytes) noexcept = 0;

 protected:
  ~KeyboardSink() = default;
};

}  // namespace mos::drv
