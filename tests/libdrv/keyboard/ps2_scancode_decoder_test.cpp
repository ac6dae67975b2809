// Scan code set 1 decoding (drv/ps2_scancode_decoder.hpp): make/break, E0 and E1 prefixes, fake
// shifts, repeats, modifiers and locks, stray codes.

#include <drv/ps2_scancode_decoder.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace {

using mos::drv::KeyAction;
using mos::drv::KeyCode;
using mos::drv::KeyEvent;
using mos::drv::Modifier;
using mos::drv::Ps2ScancodeDecoder;

std::vector<KeyEvent> feed(Ps2ScancodeDecoder& d, std::initializer_list<std::uint8_t> bytes) {
  std::vector<KeyEvent> out;
  for (auto b : bytes) {
    if (auto e = d.feed(b)) out.push_back(*e);
  }
  return out;
}

}  // namespace

TEST_CASE("ps2 decoder: single-byte and E0 make codes") {
  struct Case {
    std::vector<std::uint8_t> bytes;
    KeyCode key;
  };
  const Case cases[] = {
      {{0x01}, KeyCode::Escape},
      {{0x02}, KeyCode::Digit1},
      {{0x0b}, KeyCode::Digit0},
      {{0x0e}, KeyCode::Backspace},
      {{0x0f}, KeyCode::Tab},
      {{0x10}, KeyCode::Q},
      {{0x1c}, KeyCode::Enter},
      {{0x1e}, KeyCode::A},
      {{0x2c}, KeyCode::Z},
      {{0x32}, KeyCode::M},
      {{0x35}, KeyCode::Slash},
      {{0x37}, KeyCode::KeypadMultiply},
      {{0x39}, KeyCode::Space},
      {{0x3b}, KeyCode::F1},
      {{0x44}, KeyCode::F10},
      {{0x57}, KeyCode::F11},
      {{0x58}, KeyCode::F12},
      {{0x47}, KeyCode::Keypad7},
      {{0x52}, KeyCode::Keypad0},
      {{0x53}, KeyCode::KeypadPeriod},
      {{0x4a}, KeyCode::KeypadMinus},
      {{0x4e}, KeyCode::KeypadPlus},
      {{0x56}, KeyCode::NonUsBackslash},
      {{0xe0, 0x48}, KeyCode::Up},
      {{0xe0, 0x50}, KeyCode::Down},
      {{0xe0, 0x4b}, KeyCode::Left},
      {{0xe0, 0x4d}, KeyCode::Right},
      {{0xe0, 0x47}, KeyCode::Home},
      {{0xe0, 0x4f}, KeyCode::End},
      {{0xe0, 0x49}, KeyCode::PageUp},
      {{0xe0, 0x51}, KeyCode::PageDown},
      {{0xe0, 0x52}, KeyCode::Insert},
      {{0xe0, 0x53}, KeyCode::Delete},
      {{0xe0, 0x1d}, KeyCode::RightCtrl},
      {{0xe0, 0x38}, KeyCode::RightAlt},
      {{0xe0, 0x1c}, KeyCode::KeypadEnter},
      {{0xe0, 0x35}, KeyCode::KeypadDivide},
      {{0xe0, 0x5b}, KeyCode::LeftMeta},
  };
  for (const Case& c : cases) {
    SUBCASE(
        ("code " + std::to_string(c.bytes.back()) + (c.bytes.size() > 1 ? " E0" : "")).c_str()) {
      Ps2ScancodeDecoder d;
      std::vector<KeyEvent> events;
      for (auto b : c.bytes) {
        if (auto e = d.feed(b)) events.push_back(*e);
      }
      REQUIRE(events.size() == 1);
      CHECK(events[0].key == c.key);
      CHECK(events[0].action == KeyAction::Press);
      // The break code is the make code with bit 7 set, behind the same prefix.
      std::vector<std::uint8_t> brk = c.bytes;
      brk.back() |= 0x80;
      events.clear();
      for (auto b : brk) {
        if (auto e = d.feed(b)) events.push_back(*e);
      }
      REQUIRE(events.size() == 1);
      CHECK(events[0].key == c.key);
      CHECK(events[0].action == KeyAction::Release);
    }
  }
}

TEST_CASE("ps2 decoder: E0 and plain codes differ (keypad 8 vs up arrow)") {
  Ps2ScancodeDecoder d;
  auto events = feed(d, {0x48, 0xc8, 0xe0, 0x48, 0xe0, 0xc8});
  REQUIRE(events.size() == 4);
  CHECK(events[0].key == KeyCode::Keypad8);
  CHECK(events[2].key == KeyCode::Up);
}

TEST_CASE("ps2 decoder: modifiers are held between make and break") {
  Ps2ScancodeDecoder d;
  auto events = feed(d, {0x2a, 0x1e, 0xaa, 0x1e});
  REQUIRE(events.size() == 4);
  CHECK(events[0].modifiers.has(Modifier::LeftShift));
  CHECK(events[1].modifiers.shift());
  CHECK_FALSE(events[2].modifiers.shift());
  CHECK_FALSE(events[3].modifiers.shift());

  feed(d, {0xe0, 0x1d});
  CHECK(d.modifiers().has(Modifier::RightCtrl));
  CHECK_FALSE(d.modifiers().has(Modifier::LeftCtrl));
  feed(d, {0x38, 0x36});
  CHECK(d.modifiers().has(Modifier::LeftAlt));
  CHECK(d.modifiers().has(Modifier::RightShift));
  feed(d, {0xe0, 0x9d, 0xb8, 0xb6});
  CHECK(d.modifiers().bits == 0);
}

TEST_CASE("ps2 decoder: locks toggle on press only, not on repeat or release") {
  Ps2ScancodeDecoder d;
  auto events = feed(d, {0x3a, 0x3a, 0x3a, 0xba});
  REQUIRE(events.size() == 4);
  CHECK(events[0].action == KeyAction::Press);
  CHECK(events[1].action == KeyAction::Repeat);
  CHECK(events[3].action == KeyAction::Release);
  CHECK(d.modifiers().caps_lock());
  feed(d, {0x3a, 0xba});
  CHECK_FALSE(d.modifiers().caps_lock());
  feed(d, {0x45, 0xc5, 0x46, 0xc6});
  CHECK(d.modifiers().num_lock());
  CHECK(d.modifiers().has(Modifier::ScrollLock));
  CHECK(d.modifiers().led_bits() == 0x03);
}

TEST_CASE("ps2 decoder: fake shifts around navigation keys are ignored") {
  Ps2ScancodeDecoder d;
  // Num lock on, Home pressed and released: E0 2A E0 47 / E0 C7 E0 AA.
  auto events = feed(d, {0xe0, 0x2a, 0xe0, 0x47, 0xe0, 0xc7, 0xe0, 0xaa});
  REQUIRE(events.size() == 2);
  CHECK(events[0].key == KeyCode::Home);
  CHECK_FALSE(events[0].modifiers.shift());
  // With real shift held, the keyboard sends E0 AA before and E0 2A after: shift stays held.
  events = feed(d, {0x2a, 0xe0, 0xaa, 0xe0, 0x4b, 0xe0, 0xcb, 0xe0, 0x2a});
  REQUIRE(events.size() == 3);
  CHECK(events[1].key == KeyCode::Left);
  CHECK(events[1].modifiers.shift());
  CHECK(d.modifiers().shift());
}

TEST_CASE("ps2 decoder: the Pause E1 sequence is one press and one release") {
  Ps2ScancodeDecoder d;
  auto events = feed(d, {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5});
  REQUIRE(events.size() == 2);
  CHECK(events[0].key == KeyCode::Pause);
  CHECK(events[0].action == KeyAction::Press);
  CHECK(events[1].key == KeyCode::Pause);
  CHECK(events[1].action == KeyAction::Release);
  // Its 1D and 45 are not Ctrl and Num Lock.
  CHECK(d.modifiers().bits == 0);
  // And the decoder is back to normal.
  events = feed(d, {0x1e});
  REQUIRE(events.size() == 1);
  CHECK(events[0].key == KeyCode::A);
}

TEST_CASE("ps2 decoder: a broken E1 sequence is dropped") {
  Ps2ScancodeDecoder d;
  auto events = feed(d, {0xe1, 0x1d, 0x46, 0x1e});
  REQUIRE(events.size() == 1);
  CHECK(events[0].key == KeyCode::A);
  CHECK(d.modifiers().bits == 0);
}

TEST_CASE("ps2 decoder: stray and unknown codes produce nothing") {
  for (std::uint8_t b : {0x00, 0xff, 0xfa, 0xfe, 0xee, 0x59, 0x7f, 0x54, 0x55}) {
    CAPTURE(int{b});
    Ps2ScancodeDecoder d;
    CHECK_FALSE(d.feed(b).has_value());
    CHECK(d.modifiers().bits == 0);
    auto e = d.feed(0x10);  // Still decodes afterwards.
    REQUIRE(e.has_value());
    CHECK(e->key == KeyCode::Q);
  }
  Ps2ScancodeDecoder d;
  CHECK(feed(d, {0xe0, 0x01}).empty());  // E0 01 means nothing.
  CHECK(feed(d, {0xe0, 0x2a, 0xe0, 0x36}).empty());
  CHECK(d.modifiers().bits == 0);
}
