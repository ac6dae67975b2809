#pragma once
/// Turns key events into the bytes a terminal (and the programs behind it) expects from a
/// VT100/xterm-like keyboard, with the US layout: characters, control characters (Ctrl+C is
/// 0x03), Alt as an ESC prefix, and escape sequences for cursor, editing and function keys.

#include <drv/key_event.hpp>

#include <cstddef>
#include <span>

namespace mos::drv {

/// The longest sequence translate_key produces (Alt + ESC [ 2 4 ~ is six bytes).
inline constexpr std::size_t kMaxKeyBytes = 8;

/// The character a key gives in the US layout with the given modifiers (shift, caps lock on
/// letters), or 0 for a key that is not a character key. Ctrl and Alt are not applied.
char us_layout_character(KeyCode key, Modifiers modifiers) noexcept;

/// Writes the bytes `event` produces into `out` and returns how many (0 for releases, modifier
/// and lock keys, and keys without a terminal meaning). Bytes follow xterm's defaults:
/// arrows ESC [ A..D, Home/End ESC [ H / F, Insert/Delete/PgUp/PgDn ESC [ 2/3/5/6 ~, F1-F4
/// ESC O P..S, F5-F12 ESC [ 15..24 ~, Enter CR, Backspace DEL (0x7f), Shift+Tab ESC [ Z.
/// Keypad keys give digits when num lock is on (shift inverts it, as on a PC) and navigation
/// otherwise.
std::size_t translate_key(const KeyEvent& event, std::span<char, kMaxKeyBytes> out) noexcept;

}  // namespace mos::drv
