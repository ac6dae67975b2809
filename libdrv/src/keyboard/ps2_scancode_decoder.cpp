// Scan code set 1 as delivered by an i8042 with translation on. Make codes are 0x01..0x58;
// a break code is the make code | 0x80. Tables: [ps2-kbd] "Scan code set 1" (the IBM PC AT
// Technical Reference's set 1, as listed by osdev.org "PS/2 Keyboard").

#include <drv/ps2_scancode_decoder.hpp>

namespace mos::drv {

namespace {

using enum KeyCode;

// Single-byte make codes 0x00..0x58, six per line as in the reference tables.
// clang-format off
constexpr std::array<KeyCode, 0x59> kSet1 = {
    None,         Escape,       Digit1,     Digit2,         Digit3,     Digit4,    // 00
    Digit5,       Digit6,       Digit7,     Digit8,         Digit9,     Digit0,    // 06
    Minus,        Equal,        Backspace,  Tab,            Q,          W,         // 0c
    E,            R,            T,          Y,              U,          I,         // 12
    O,            P,            LeftBracket, RightBracket,  Enter,      LeftCtrl,  // 18
    A,            S,            D,          F,              G,          H,         // 1e
    J,            K,            L,          Semicolon,      Apostrophe, Grave,     // 24
    LeftShift,    Backslash,    Z,          X,              C,          V,         // 2a
    B,            N,            M,          Comma,          Period,     Slash,     // 30
    RightShift,   KeypadMultiply, LeftAlt,  Space,          CapsLock,   F1,        // 36
    F2,           F3,           F4,         F5,             F6,         F7,        // 3c
    F8,           F9,           F10,        NumLock,        ScrollLock, Keypad7,   // 42
    Keypad8,      Keypad9,      KeypadMinus, Keypad4,       Keypad5,    Keypad6,   // 48
    KeypadPlus,   Keypad1,      Keypad2,    Keypad3,        Keypad0,    KeypadPeriod,  // 4e
    None,         None,         NonUsBackslash, F11,        F12,                   // 54
};
// clang-format on

// Codes after an E0 prefix. E0 2A/36 (fake shifts) are deliberately absent: they are None.
constexpr KeyCode extended(std::uint8_t code) noexcept {
  switch (code) {
    case 0x1c:
      return KeypadEnter;
    case 0x1d:
      return RightCtrl;
    case 0x35:
      return KeypadDivide;
    case 0x37:
      return PrintScreen;
    case 0x38:
      return RightAlt;
    case 0x46:
      return Pause;  // Ctrl+Pause (Break) sends E0 46 instead of the E1 sequence.
    case 0x47:
      return Home;
    case 0x48:
      return Up;
    case 0x49:
      return PageUp;
    case 0x4b:
      return Left;
    case 0x4d:
      return Right;
    case 0x4f:
      return End;
    case 0x50:
      return Down;
    case 0x51:
      return PageDown;
    case 0x52:
      return Insert;
    case 0x53:
      return Delete;
    case 0x5b:
      return LeftMeta;
    case 0x5c:
      return RightMeta;
    case 0x5d:
      return Menu;
    default:
      return None;
  }
}

/// The modifier bit a key holds, if it is a modifier key.
constexpr std::optional<Modifier> held_modifier(KeyCode key) noexcept {
  switch (key) {
    case LeftShift:
      return Modifier::LeftShift;
    case RightShift:
      return Modifier::RightShift;
    case LeftCtrl:
      return Modifier::LeftCtrl;
    case RightCtrl:
      return Modifier::RightCtrl;
    case LeftAlt:
      return Modifier::LeftAlt;
    case RightAlt:
      return Modifier::RightAlt;
    default:
      return std::nullopt;
  }
}

/// The lock a key toggles, if it is a lock key.
constexpr std::optional<Modifier> lock_modifier(KeyCode key) noexcept {
  switch (key) {
    case CapsLock:
      return Modifier::CapsLock;
    case NumLock:
      return Modifier::NumLock;
    case ScrollLock:
      return Modifier::ScrollLock;
    default:
      return std::nullopt;
  }
}

constexpr std::uint8_t kPrefixE0 = 0xe0;
constexpr std::uint8_t kPrefixE1 = 0xe1;
constexpr std::uint8_t kBreakBit = 0x80;

}  // namespace

void Ps2ScancodeDecoder::reset() noexcept {
  prefix_ = Prefix::None;
  modifiers_ = {};
  down_ = {};
}

void Ps2ScancodeDecoder::set_locks(Modifiers locks) noexcept {
  for (Modifier m : {Modifier::CapsLock, Modifier::NumLock, Modifier::ScrollLock}) {
    if (locks.has(m)) {
      modifiers_.set(m);
    } else {
      modifiers_.clear(m);
    }
  }
}

bool Ps2ScancodeDecoder::is_down(KeyCode key) const noexcept {
  auto i = static_cast<unsigned>(key);
  return (down_[i / 32] >> (i % 32) & 1u) != 0;
}

void Ps2ScancodeDecoder::set_down(KeyCode key, bool down) noexcept {
  auto i = static_cast<unsigned>(key);
  if (down) {
    down_[i / 32] |= 1u << (i % 32);
  } else {
    down_[i / 32] &= ~(1u << (i % 32));
  }
}

std::optional<KeyEvent> Ps2ScancodeDecoder::feed(std::uint8_t byte) noexcept {
  if (prefix_ == Prefix::E1First) {
    e1_first_ = byte;
    prefix_ = Prefix::E1Second;
    return std::nullopt;
  }
  if (prefix_ == Prefix::E1Second) {
    // E1 takes two codes: 1D 45 is Pause's make, 9D C5 its break (sent right after the make:
    // Pause has no typematic and no real release). Anything else is dropped.
    prefix_ = Prefix::None;
    bool released = (e1_first_ & kBreakBit) != 0;
    if ((e1_first_ & ~kBreakBit) != 0x1d || (byte & ~kBreakBit) != 0x45 ||
        released != ((byte & kBreakBit) != 0)) {
      return std::nullopt;
    }
    return key(Pause, released);
  }
  if (byte == kPrefixE0) {
    prefix_ = Prefix::E0;
    return std::nullopt;
  }
  if (byte == kPrefixE1) {
    prefix_ = Prefix::E1First;
    return std::nullopt;
  }
  bool was_extended = prefix_ == Prefix::E0;
  prefix_ = Prefix::None;
  bool released = (byte & kBreakBit) != 0;
  auto code = static_cast<std::uint8_t>(byte & ~kBreakBit);
  KeyCode k = was_extended ? extended(code) : (code < kSet1.size() ? kSet1[code] : None);
  if (k == None) return std::nullopt;  // Unknown codes, fake shifts, controller responses.
  return key(k, released);
}

std::optional<KeyEvent> Ps2ScancodeDecoder::key(KeyCode k, bool released) noexcept {
  KeyAction action = KeyAction::Release;
  if (!released) action = is_down(k) ? KeyAction::Repeat : KeyAction::Press;
  set_down(k, !released);

  if (auto m = held_modifier(k)) {
    if (released) {
      modifiers_.clear(*m);
    } else {
      modifiers_.set(*m);
    }
  }
  // A lock toggles once per press, not on typematic repeats.
  if (auto lock = lock_modifier(k); lock && action == KeyAction::Press) modifiers_.toggle(*lock);
  return KeyEvent{k, action, modifiers_};
}

}  // namespace mos::drv
