// Ps2Keyboard<FakePortIo> against the scripted i8042 (fake_ps2_controller.hpp): the init
// sequence, every failure mode ending in an error and not a hang, and IRQ1 handling with the
// LED protocol.

#include <drv/ps2_keyboard.hpp>

#include <fake_port_io.hpp>
#include <fake_ps2_controller.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace {

using mos::Error;
using mos::drv::KeyAction;
using mos::drv::KeyboardSink;
using mos::drv::KeyCode;
using mos::drv::KeyEvent;
using mos::drv::Ps2Keyboard;
using mos::drv::Ps2Limits;
using mos::drv::testing::FakePs2Controller;
using mos::testing::FakePortIo;
using mos::testing::FakePortSpace;
using Mode = FakePs2Controller::Mode;
using Bytes = std::vector<std::uint8_t>;

class RecordingSink final : public KeyboardSink {
 public:
  void key_event(const KeyEvent& event) noexcept override { events.push_back(event); }
  void key_bytes(std::span<const char> bytes) noexcept override {
    text.append(bytes.begin(), bytes.end());
    ++calls;
  }
  std::vector<KeyEvent> events;
  std::string text;
  int calls = 0;
};

constexpr Ps2Limits kSmallLimits{.poll = 1000, .self_test_poll = 5000, .flush = 16, .retries = 3};

struct Fixture {
  explicit Fixture(Mode mode = Mode::Working, Ps2Limits limits = kSmallLimits)
      : fake(ports, mode), keyboard(FakePortIo(ports), sink, limits) {}
  FakePortSpace ports;
  FakePs2Controller fake;
  RecordingSink sink;
  Ps2Keyboard<FakePortIo> keyboard;

  /// The keyboard sends `bytes`, one interrupt each.
  void type(std::initializer_list<std::uint8_t> bytes) {
    for (auto b : bytes) {
      fake.send({b});
      keyboard.on_interrupt();
    }
    drain();
  }
  /// Interrupts until the output buffer is empty (LED acknowledgements).
  void drain() {
    for (int i = 0; i < 16 && fake.pending() > 0; ++i) keyboard.on_interrupt();
  }
};

}  // namespace

TEST_CASE("ps2: init runs the i8042 sequence and enables IRQ1 with translation") {
  Fixture f;
  f.fake.config = 0x13;       // IRQ1, IRQ12, port 1 clock off; no translation.
  f.fake.send({0x1c, 0x9c});  // Stale bytes from before: flushed, never decoded.
  auto result = f.keyboard.init();
  REQUIRE(result.has_value());
  CHECK(f.fake.commands == Bytes{0xad, 0xa7, 0x20, 0x60, 0xaa, 0x60, 0xab, 0xae, 0x60});
  // IRQs and translation off while configuring (again after the self-test), then IRQ1 on,
  // translation on, port 1 clock on, port 2 clock off.
  CHECK(f.fake.config_writes == Bytes{0x10, 0x10, 0x61});
  CHECK(f.fake.config == 0x61);
  CHECK(f.fake.keyboard_bytes == Bytes{0xff, 0xf4, 0xed, 0x00});
  CHECK(f.fake.scanning);
  CHECK(f.fake.port1_enabled);
  CHECK(f.fake.pending() == 0);
  CHECK(f.sink.events.empty());
  CHECK(f.sink.text.empty());
}

TEST_CASE("ps2: init retries a command the keyboard asks to resend") {
  Fixture f;
  f.fake.resends = 2;
  REQUIRE(f.keyboard.init().has_value());
  CHECK(f.fake.keyboard_bytes == Bytes{0xff, 0xff, 0xff, 0xf4, 0xed, 0x00});
}

TEST_CASE("ps2: absent or broken hardware gives an error, never a hang") {
  struct Case {
    const char* name;
    Mode mode;
    int resends;
    Error expected;
  };
  const Case cases[] = {
      {"absent controller", Mode::Absent, 0, Error::NoDevice},
      {"input buffer never drains", Mode::StuckInput, 0, Error::TimedOut},
      {"controller never answers", Mode::Silent, 0, Error::TimedOut},
      {"output buffer never empties", Mode::StuckOutput, 0, Error::NoDevice},
      {"controller self-test fails", Mode::SelfTestFails, 0, Error::Io},
      {"no keyboard", Mode::NoKeyboard, 0, Error::NoDevice},
      {"keyboard self-test fails", Mode::KeyboardBatFails, 0, Error::Io},
      {"keyboard always asks to resend", Mode::Working, 100, Error::Io},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      Fixture f(c.mode);
      f.fake.resends = c.resends;
      auto result = f.keyboard.init();
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error() == c.expected);
      // Bounded: a few polling budgets at most.
      CHECK(f.ports.log().size() < 4 * (kSmallLimits.self_test_poll + 100));
    }
  }
}

TEST_CASE("ps2: default limits also end on a stuck controller") {
  Fixture f(Mode::StuckInput, Ps2Limits{});
  auto result = f.keyboard.init();
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == Error::TimedOut);
  CHECK(f.ports.log().size() == Ps2Limits{}.poll + 1);  // The 0xff probe, then one budget.
}

TEST_CASE("ps2: an absent controller is recognised by its first read") {
  Fixture f(Mode::Absent, Ps2Limits{});
  CHECK(f.keyboard.init().error() == Error::NoDevice);
  CHECK(f.ports.log().size() == 1);
}

TEST_CASE("ps2: on_interrupt decodes and delivers terminal bytes") {
  struct Case {
    const char* name;
    std::vector<std::uint8_t> scancodes;
    std::string expected;
  };
  const Case cases[] = {
      {"letters", {0x23, 0xa3, 0x17, 0x97}, "hi"},
      {"shift", {0x2a, 0x1e, 0x9e, 0xaa, 0x1e, 0x9e}, "Aa"},
      {"right shift digit", {0x36, 0x02, 0x82, 0xb6}, "!"},
      {"caps lock", {0x3a, 0xba, 0x1e, 0x9e, 0x02, 0x82}, "A1"},
      {"caps lock and shift", {0x3a, 0xba, 0x2a, 0x1e, 0x9e, 0xaa}, "a"},
      {"caps lock twice", {0x3a, 0xba, 0x3a, 0xba, 0x1e}, "a"},
      {"ctrl c", {0x1d, 0x2e, 0xae, 0x9d}, "\x03"},
      {"right ctrl c", {0xe0, 0x1d, 0x2e, 0xae, 0xe0, 0x9d}, "\x03"},
      {"ctrl released", {0x1d, 0x9d, 0x2e}, "c"},
      {"alt f",
       {0x38, 0x21, 0xa1, 0xb8},
       "\x1b"
       "f"},
      {"arrows",
       {0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4d, 0xe0, 0x4b},
       "\x1b[A\x1b[B\x1b[C\x1b[D"},
      {"home end", {0xe0, 0x47, 0xe0, 0x4f}, "\x1b[H\x1b[F"},
      {"delete pgup pgdn", {0xe0, 0x53, 0xe0, 0x49, 0xe0, 0x51}, "\x1b[3~\x1b[5~\x1b[6~"},
      {"enter backspace tab escape", {0x1c, 0x0e, 0x0f, 0x01}, "\r\x7f\t\x1b"},
      {"keypad enter and divide", {0xe0, 0x1c, 0xe0, 0x35}, "\r/"},
      {"keypad without num lock", {0x48, 0xc8, 0x4f, 0x53}, "\x1b[A\x1b[F\x1b[3~"},
      {"keypad with num lock", {0x45, 0xc5, 0x48, 0xc8, 0x4f, 0x53, 0x4e}, "81.+"},
      {"break codes type nothing", {0x9e, 0xa3, 0xe0, 0xc8}, ""},
      {"repeat types again", {0x1e, 0x1e, 0x1e, 0x9e}, "aaa"},
      {"pause", {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e}, "a"},
      {"stray and unknown", {0x00, 0xff, 0xfa, 0xee, 0x59, 0xe0, 0x01, 0x1e}, "a"},
      {"fake shifts", {0xe0, 0x2a, 0xe0, 0x47, 0xe0, 0xc7, 0xe0, 0xaa, 0x1e}, "\x1b[Ha"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      Fixture f;
      REQUIRE(f.keyboard.init().has_value());
      for (auto b : c.scancodes) f.type({b});
      CHECK(f.sink.text == c.expected);
    }
  }
}

TEST_CASE("ps2: every event reaches the sink, releases included") {
  Fixture f;
  REQUIRE(f.keyboard.init().has_value());
  f.type({0x2a, 0x10, 0x90, 0xaa});
  REQUIRE(f.sink.events.size() == 4);
  CHECK(f.sink.events[1].key == KeyCode::Q);
  CHECK(f.sink.events[1].action == KeyAction::Press);
  CHECK(f.sink.events[1].modifiers.shift());
  CHECK(f.sink.events[2].action == KeyAction::Release);
  CHECK(f.sink.calls == 1);  // Only the press typed something.
  CHECK(f.sink.text == "Q");
}

TEST_CASE("ps2: a spurious interrupt reads nothing from the data port") {
  Fixture f;
  REQUIRE(f.keyboard.init().has_value());
  f.ports.clear_log();
  f.keyboard.on_interrupt();
  REQUIRE(f.ports.log().size() == 1);
  CHECK(f.ports.log()[0].port == 0x64);
  CHECK(f.sink.events.empty());
}

TEST_CASE("ps2: lock keys update the LEDs without waiting in the interrupt") {
  Fixture f;
  REQUIRE(f.keyboard.init().has_value());
  f.fake.auto_reply_leds = false;
  f.fake.keyboard_bytes.clear();

  f.fake.send({0x3a});  // Caps lock pressed.
  f.keyboard.on_interrupt();
  CHECK(f.fake.keyboard_bytes == Bytes{0xed});  // The command, and no wait for its ACK.
  f.fake.send({0x1e});                          // A key arriving before the ACK is still typed.
  f.keyboard.on_interrupt();
  CHECK(f.sink.text == "A");
  f.fake.send({0xfa});
  f.keyboard.on_interrupt();
  CHECK(f.fake.keyboard_bytes == Bytes{0xed, 0x04});
  f.fake.send({0xfa});
  f.keyboard.on_interrupt();
  CHECK(f.fake.leds == 0x04);
  CHECK(f.sink.text == "A");  // ACKs are not keys.

  SUBCASE("resend") {
    f.fake.keyboard_bytes.clear();
    f.fake.resends = 1;         // The keyboard answers the next byte with 0xfe.
    f.fake.send({0xba, 0x45});  // Num lock.
    f.keyboard.on_interrupt();
    f.keyboard.on_interrupt();
    REQUIRE(f.fake.pending() == 1);
    f.keyboard.on_interrupt();  // The Resend.
    CHECK(f.fake.keyboard_bytes == Bytes{0xed, 0xed});
    f.fake.send({0xfa});
    f.keyboard.on_interrupt();
    f.fake.send({0xfa});
    f.keyboard.on_interrupt();
    CHECK(f.fake.leds == 0x06);
  }
  SUBCASE("a lock change during an update is sent after it") {
    f.fake.keyboard_bytes.clear();
    f.fake.send({0xba, 0x45});  // Num lock: update starts.
    f.keyboard.on_interrupt();
    f.keyboard.on_interrupt();
    f.fake.send({0x46});  // Scroll lock before the ACK.
    f.keyboard.on_interrupt();
    for (int i = 0; i < 4; ++i) {
      f.fake.send({0xfa});
      f.keyboard.on_interrupt();
    }
    CHECK(f.fake.keyboard_bytes == Bytes{0xed, 0x07, 0xed, 0x07});
    CHECK(f.fake.leds == 0x07);
  }
}

TEST_CASE("ps2: LED updates with an automatically answering keyboard") {
  Fixture f;
  REQUIRE(f.keyboard.init().has_value());
  f.type({0x45, 0xc5});
  CHECK(f.fake.leds == 0x02);
  CHECK(f.keyboard.modifiers().num_lock());
  f.type({0x45, 0xc5, 0x3a});
  CHECK(f.fake.leds == 0x04);
  CHECK(f.fake.pending() == 0);
  CHECK(f.sink.text.empty());
}
