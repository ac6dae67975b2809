// Key events to terminal bytes (drv/key_translator.hpp): the US layout, shift and caps lock,
// control characters, Alt, cursor and function keys, the keypad with and without num lock.

#include <drv/key_translator.hpp>

#include <doctest/doctest.h>

#include <array>
#include <initializer_list>
#include <string>

namespace {

using mos::drv::KeyAction;
using mos::drv::KeyCode;
using mos::drv::KeyEvent;
using mos::drv::kMaxKeyBytes;
using mos::drv::Modifier;
using mos::drv::Modifiers;
using mos::drv::translate_key;

Modifiers mods(std::initializer_list<Modifier> list) {
  Modifiers m;
  for (Modifier x : list) m.set(x);
  return m;
}

std::string bytes_of(KeyCode key, Modifiers m, KeyAction action = KeyAction::Press) {
  std::array<char, kMaxKeyBytes> out{};
  std::size_t n = translate_key(KeyEvent{key, action, m}, out);
  return std::string(out.data(), n);
}

}  // namespace

TEST_CASE("keys: characters and sequences") {
  using enum KeyCode;
  const Modifiers none;
  const Modifiers shift = mods({Modifier::LeftShift});
  const Modifiers rshift = mods({Modifier::RightShift});
  const Modifiers caps = mods({Modifier::CapsLock});
  const Modifiers caps_shift = mods({Modifier::CapsLock, Modifier::LeftShift});
  const Modifiers ctrl = mods({Modifier::LeftCtrl});
  const Modifiers rctrl = mods({Modifier::RightCtrl});
  const Modifiers alt = mods({Modifier::LeftAlt});
  const Modifiers num = mods({Modifier::NumLock});
  const Modifiers num_shift = mods({Modifier::NumLock, Modifier::LeftShift});
  struct Case {
    const char* name;
    KeyCode key;
    Modifiers m;
    std::string expected;
  };
  const Case cases[] = {
      {"a", A, none, "a"},
      {"z", Z, none, "z"},
      {"shift a", A, shift, "A"},
      {"right shift q", Q, rshift, "Q"},
      {"caps a", A, caps, "A"},
      {"caps+shift a", A, caps_shift, "a"},
      {"caps 1 (not a letter)", Digit1, caps, "1"},
      {"shift 1", Digit1, shift, "!"},
      {"shift 2", Digit2, shift, "@"},
      {"shift 0", Digit0, shift, ")"},
      {"minus", Minus, none, "-"},
      {"shift minus", Minus, shift, "_"},
      {"shift equal", Equal, shift, "+"},
      {"brackets", LeftBracket, shift, "{"},
      {"semicolon", Semicolon, shift, ":"},
      {"apostrophe", Apostrophe, none, "'"},
      {"shift apostrophe", Apostrophe, shift, "\""},
      {"grave", Grave, shift, "~"},
      {"backslash", Backslash, none, "\\"},
      {"shift backslash", Backslash, shift, "|"},
      {"comma", Comma, shift, "<"},
      {"slash", Slash, shift, "?"},
      {"space", Space, none, " "},
      {"ctrl c", C, ctrl, "\x03"},
      {"ctrl shift c", C, mods({Modifier::LeftCtrl, Modifier::LeftShift}), "\x03"},
      {"right ctrl d", D, rctrl, "\x04"},
      {"ctrl a", A, ctrl, "\x01"},
      {"ctrl z", Z, ctrl, "\x1a"},
      {"ctrl [", LeftBracket, ctrl, "\x1b"},
      {"ctrl backslash", Backslash, ctrl, "\x1c"},
      {"ctrl ]", RightBracket, ctrl, "\x1d"},
      {"ctrl shift 6 (^)", Digit6, mods({Modifier::LeftCtrl, Modifier::LeftShift}), "\x1e"},
      {"ctrl shift minus (_)", Minus, mods({Modifier::LeftCtrl, Modifier::LeftShift}), "\x1f"},
      {"ctrl shift 2 (@)", Digit2, mods({Modifier::LeftCtrl, Modifier::LeftShift}),
       std::string(1, '\0')},
      {"ctrl space", Space, ctrl, std::string(1, '\0')},
      {"ctrl 1 unchanged", Digit1, ctrl, "1"},
      {"alt x", X, alt,
       "\x1b"
       "x"},
      {"alt shift x", X, mods({Modifier::LeftAlt, Modifier::LeftShift}), "\x1bX"},
      {"alt ctrl c", C, mods({Modifier::RightAlt, Modifier::LeftCtrl}), "\x1b\x03"},
      {"enter", Enter, none, "\r"},
      {"keypad enter", KeypadEnter, none, "\r"},
      {"backspace", Backspace, none, "\x7f"},
      {"tab", Tab, none, "\t"},
      {"shift tab", Tab, shift, "\x1b[Z"},
      {"escape", Escape, none, "\x1b"},
      {"up", Up, none, "\x1b[A"},
      {"down", Down, none, "\x1b[B"},
      {"right", Right, none, "\x1b[C"},
      {"left", Left, none, "\x1b[D"},
      {"home", Home, none, "\x1b[H"},
      {"end", End, none, "\x1b[F"},
      {"insert", Insert, none, "\x1b[2~"},
      {"delete", Delete, none, "\x1b[3~"},
      {"page up", PageUp, none, "\x1b[5~"},
      {"page down", PageDown, none, "\x1b[6~"},
      {"alt up", Up, alt, "\x1b\x1b[A"},
      {"f1", F1, none, "\x1bOP"},
      {"f4", F4, none, "\x1bOS"},
      {"f5", F5, none, "\x1b[15~"},
      {"f10", F10, none, "\x1b[21~"},
      {"f12", F12, none, "\x1b[24~"},
      {"keypad 7 num lock", Keypad7, num, "7"},
      {"keypad 0 num lock", Keypad0, num, "0"},
      {"keypad 5 num lock", Keypad5, num, "5"},
      {"keypad period num lock", KeypadPeriod, num, "."},
      {"keypad 8 no num lock", Keypad8, none, "\x1b[A"},
      {"keypad 2 no num lock", Keypad2, none, "\x1b[B"},
      {"keypad 4 no num lock", Keypad4, none, "\x1b[D"},
      {"keypad 6 no num lock", Keypad6, none, "\x1b[C"},
      {"keypad 7 no num lock", Keypad7, none, "\x1b[H"},
      {"keypad 1 no num lock", Keypad1, none, "\x1b[F"},
      {"keypad 9 no num lock", Keypad9, none, "\x1b[5~"},
      {"keypad 3 no num lock", Keypad3, none, "\x1b[6~"},
      {"keypad 0 no num lock", Keypad0, none, "\x1b[2~"},
      {"keypad period no num lock", KeypadPeriod, none, "\x1b[3~"},
      {"keypad 5 no num lock", Keypad5, none, ""},
      {"keypad 8 num lock + shift", Keypad8, num_shift, "\x1b[A"},
      {"keypad 8 shift only", Keypad8, shift, "8"},
      {"keypad plus", KeypadPlus, none, "+"},
      {"keypad minus", KeypadMinus, num, "-"},
      {"keypad multiply", KeypadMultiply, none, "*"},
      {"keypad divide", KeypadDivide, none, "/"},
      {"left shift alone", LeftShift, shift, ""},
      {"ctrl alone", LeftCtrl, ctrl, ""},
      {"caps lock key", CapsLock, caps, ""},
      {"num lock key", NumLock, num, ""},
      {"meta", LeftMeta, none, ""},
      {"pause", Pause, none, ""},
      {"print screen", PrintScreen, none, ""},
      {"non-US backslash", NonUsBackslash, none, "<"},
      {"none", None, none, ""},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      CHECK(bytes_of(c.key, c.m) == c.expected);
      CHECK(bytes_of(c.key, c.m, KeyAction::Repeat) == c.expected);
      CHECK(bytes_of(c.key, c.m, KeyAction::Release).empty());  // Releases never type.
    }
  }
}

TEST_CASE("keys: us_layout_character") {
  using mos::drv::us_layout_character;
  CHECK(us_layout_character(KeyCode::M, {}) == 'm');
  CHECK(us_layout_character(KeyCode::M, mods({Modifier::CapsLock})) == 'M');
  CHECK(us_layout_character(KeyCode::Digit9, mods({Modifier::RightShift})) == '(');
  CHECK(us_layout_character(KeyCode::F1, {}) == 0);
}
