#pragma once
/// Keyboard events independent of the keyboard's wire protocol: which key, what happened to it,
/// and the modifier and lock state that goes with it. A PS/2 decoder produces them; a key
/// translator turns them into the bytes a terminal expects.

#include <cstdint>

namespace mos::drv {

/// A physical key, named after its legend on a US keyboard. Letters, digits, function keys and
/// keypad digits are contiguous so that code can compute with them.
// Grouped by kind, one line per group (clang-format would make it 100 lines).
// clang-format off
enum class KeyCode : std::uint8_t {
  None,
  A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z,
  Digit0, Digit1, Digit2, Digit3, Digit4, Digit5, Digit6, Digit7, Digit8, Digit9,
  F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12,
  Keypad0, Keypad1, Keypad2, Keypad3, Keypad4, Keypad5, Keypad6, Keypad7, Keypad8, Keypad9,
  KeypadPeriod, KeypadPlus, KeypadMinus, KeypadMultiply, KeypadDivide, KeypadEnter,
  Escape, Minus, Equal, Backspace, Tab, LeftBracket, RightBracket, Enter, Semicolon, Apostrophe,
  Grave, Backslash, Comma, Period, Slash, Space, NonUsBackslash,
  LeftShift, RightShift, LeftCtrl, RightCtrl, LeftAlt, RightAlt, LeftMeta, RightMeta, Menu,
  CapsLock, NumLock, ScrollLock,
  Up, Down, Left, Right, Home, End, PageUp, PageDown, Insert, Delete,
  PrintScreen, Pause,
};
// clang-format on

/// What happened to a key.
enum class KeyAction : std::uint8_t {
  Press,    ///< The key went down.
  Repeat,   ///< The keyboard's typematic repeat while the key is held.
  Release,  ///< The key went up.
};

/// One modifier or lock, as a bit of Modifiers.
enum class Modifier : std::uint16_t {
  LeftShift = 1u << 0,
  RightShift = 1u << 1,
  LeftCtrl = 1u << 2,
  RightCtrl = 1u << 3,
  LeftAlt = 1u << 4,
  RightAlt = 1u << 5,
  CapsLock = 1u << 6,
  NumLock = 1u << 7,
  ScrollLock = 1u << 8,
};

/// The set of held modifiers and active locks.
struct Modifiers {
  std::uint16_t bits = 0;  ///< Modifier values or-ed together.

  /// Whether `m` is held or active.
  constexpr bool has(Modifier m) const noexcept {
    return (bits & static_cast<std::uint16_t>(m)) != 0;
  }
  /// Adds `m`.
  constexpr void set(Modifier m) noexcept { bits |= static_cast<std::uint16_t>(m); }
  /// Removes `m`.
  constexpr void clear(Modifier m) noexcept {
    bits = static_cast<std::uint16_t>(bits & ~static_cast<std::uint16_t>(m));
  }
  /// Flips `m` (the lock keys).
  constexpr void toggle(Modifier m) noexcept { bits ^= static_cast<std::uint16_t>(m); }
  /// Either shift key.
  constexpr bool shift() const noexcept {
    return has(Modifier::LeftShift) || has(Modifier::RightShift);
  }
  /// Either control key.
  constexpr bool ctrl() const noexcept {
    return has(Modifier::LeftCtrl) || has(Modifier::RightCtrl);
  }
  /// Either alt key.
  constexpr bool alt() const noexcept { return has(Modifier::LeftAlt) || has(Modifier::RightAlt); }
  /// Caps lock is on.
  constexpr bool caps_lock() const noexcept { return has(Modifier::CapsLock); }
  /// Num lock is on.
  constexpr bool num_lock() const noexcept { return has(Modifier::NumLock); }
  /// The PS/2 "set LEDs" (0xed) argument: bit 0 scroll, bit 1 num, bit 2 caps lock.
  constexpr std::uint8_t led_bits() const noexcept {
    return static_cast<std::uint8_t>((has(Modifier::ScrollLock) ? 1 : 0) |
                                     (has(Modifier::NumLock) ? 2 : 0) |
                                     (has(Modifier::CapsLock) ? 4 : 0));
  }
};

/// One key event. `modifiers` is the state after the event (pressing left shift reports
/// LeftShift held; pressing caps lock reports the new lock state).
struct KeyEvent {
  KeyCode key = KeyCode::None;          ///< The key.
  KeyAction action = KeyAction::Press;  ///< Press, repeat or release.
  Modifiers modifiers;                  ///< Modifiers and locks after this event.
};

}  // namespace mos::drv
