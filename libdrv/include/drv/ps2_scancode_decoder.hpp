#pragma once
/// Decodes PS/2 scan code set 1 — what an i8042 controller delivers with translation on — into
/// key events, keeping the modifier and lock state. Knows the E0 prefix (the keys added by the
/// 101-key keyboard), the E1 Pause sequence, and the "fake shifts" (E0 2A / E0 AA / E0 36 /
/// E0 B6) that keyboards wrap around navigation keys, which must not change the shift state.

#include <drv/key_event.hpp>

#include <array>
#include <cstdint>
#include <optional>

namespace mos::drv {

/// A scan code set 1 decoder. Not synchronised: one interrupt handler feeds it.
class Ps2ScancodeDecoder {
 public:
  /// Consumes one byte from the keyboard; returns an event when it completes one. Prefixes,
  /// unknown codes and controller responses (ACK 0xfa, ...) return nothing.
  std::optional<KeyEvent> feed(std::uint8_t byte) noexcept;
  /// The current modifiers and locks.
  Modifiers modifiers() const noexcept { return modifiers_; }
  /// Sets the lock state (e.g. num lock on at boot); held modifiers are kept.
  void set_locks(Modifiers locks) noexcept;
  /// Forgets prefixes, held keys and modifiers (after a keyboard reset).
  void reset() noexcept;

 private:
  enum class Prefix : std::uint8_t { None, E0, E1First, E1Second };

  std::optional<KeyEvent> key(KeyCode key, bool released) noexcept;
  bool is_down(KeyCode key) const noexcept;
  void set_down(KeyCode key, bool down) noexcept;

  Prefix prefix_ = Prefix::None;
  std::uint8_t e1_first_ = 0;
  Modifiers modifiers_;
  std::array<std::uint32_t, 8> down_{};  // One bit per KeyCode: held keys, to tell repeats.
};

}  // namespace mos::drv
