#pragma once
/// A scripted i8042 controller with a keyboard behind it, on a FakePortSpace, for host tests of
/// Ps2Keyboard. It models the status register (output-buffer-full, input-buffer-full), the
/// output buffer as a queue, the configuration byte, the controller commands the driver uses and
/// the keyboard's replies (ACK, BAT, Resend), and can be absent or broken in several ways.

#include <fake_port_io.hpp>

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <vector>

namespace mos::drv::testing {

/// The i8042 model.
class FakePs2Controller {
 public:
  /// How the hardware behaves.
  enum class Mode {
    Working,           ///< Controller and keyboard answer as they should.
    Absent,            ///< No controller: every port reads 0xff, writes vanish.
    StuckInput,        ///< The input buffer never drains (status bit 1 stays set).
    Silent,            ///< Takes commands but never answers.
    StuckOutput,       ///< The output buffer never empties (status 0x01, data 0x00 forever).
    SelfTestFails,     ///< The controller's self-test answers 0xfc.
    NoKeyboard,        ///< The controller works, nothing is plugged into port 1.
    KeyboardBatFails,  ///< The keyboard answers reset with ACK then 0xfc.
  };

  /// Installs the model's hooks on `space`.
  explicit FakePs2Controller(mos::testing::FakePortSpace& space, Mode mode = Mode::Working)
      : mode_(mode) {
    space.on_read(0x64, [this] { return std::uint32_t{status()}; });
    space.on_read(0x60, [this] { return std::uint32_t{read_data()}; });
    space.on_write(0x64, [this](std::uint32_t v) { write_command(v & 0xff); });
    space.on_write(0x60, [this](std::uint32_t v) { write_data(v & 0xff); });
  }

  /// The configuration byte (initially what a BIOS leaves: IRQ1, system flag, port 2 clock off,
  /// translation).
  std::uint8_t config = 0x65;
  /// Every controller command written to 0x64, in order.
  std::vector<std::uint8_t> commands;
  /// Every configuration byte written (command 0x60 and its data), in order.
  std::vector<std::uint8_t> config_writes;
  /// Every byte written to the keyboard through 0x60 (not configuration data), in order.
  std::vector<std::uint8_t> keyboard_bytes;
  /// The keyboard's LED state (last argument of 0xed).
  std::uint8_t leds = 0;
  /// Whether the keyboard scans (after 0xf4).
  bool scanning = false;
  /// Whether port 1 is enabled (0xae / 0xad).
  bool port1_enabled = true;
  /// The keyboard answers the next this-many bytes with Resend (0xfe).
  int resends = 0;
  /// When false the keyboard's replies to 0xed are not queued automatically: the test delivers
  /// them (to drive the interrupt-time LED protocol step by step).
  bool auto_reply_leds = true;

  /// Queues bytes as if the keyboard sent them (scan codes, or stale data before init).
  void send(std::initializer_list<std::uint8_t> bytes) {
    for (auto b : bytes) output_.push_back(b);
  }
  /// Bytes waiting in the output buffer.
  std::size_t pending() const { return output_.size(); }

 private:
  std::uint8_t status() const {
    switch (mode_) {
      case Mode::Absent:
        return 0xff;
      case Mode::StuckInput:
        return 0x06;
      case Mode::StuckOutput:
        return 0x05;
      default:
        return static_cast<std::uint8_t>(0x04 | (output_.empty() ? 0 : 0x01));
    }
  }
  std::uint8_t read_data() {
    if (mode_ == Mode::Absent) return 0xff;
    if (output_.empty()) return 0x00;
    std::uint8_t b = output_.front();
    output_.pop_front();
    return b;
  }
  void reply(std::uint8_t b) {
    if (mode_ != Mode::Silent) output_.push_back(b);
  }
  void write_command(std::uint8_t cmd) {
    if (mode_ == Mode::Absent) return;
    commands.push_back(cmd);
    switch (cmd) {
      case 0x20:
        reply(config);
        break;
      case 0x60:
        expect_config_ = true;
        break;
      case 0xa7:
        break;
      case 0xaa:
        reply(mode_ == Mode::SelfTestFails ? 0xfc : 0x55);
        config = 0x65;  // Some controllers reset their configuration here.
        break;
      case 0xab:
        reply(0x00);
        break;
      case 0xad:
        port1_enabled = false;
        break;
      case 0xae:
        port1_enabled = true;
        break;
      default:
        break;
    }
  }
  void write_data(std::uint8_t b) {
    if (mode_ == Mode::Absent) return;
    if (expect_config_) {
      expect_config_ = false;
      config = b;
      config_writes.push_back(b);
      return;
    }
    keyboard_bytes.push_back(b);
    if (!port1_enabled || mode_ == Mode::NoKeyboard) return;  // Nobody to answer.
    if (resends > 0) {
      --resends;
      reply(0xfe);
      return;
    }
    if (expect_leds_) {
      expect_leds_ = false;
      leds = b;
      if (auto_reply_leds) reply(0xfa);
      return;
    }
    switch (b) {
      case 0xff:
        reply(0xfa);
        reply(mode_ == Mode::KeyboardBatFails ? 0xfc : 0xaa);
        scanning = false;
        leds = 0;
        break;
      case 0xf4:
        reply(0xfa);
        scanning = true;
        break;
      case 0xed:
        expect_leds_ = true;
        if (auto_reply_leds) reply(0xfa);
        break;
      default:
        reply(0xfa);
        break;
    }
  }

  Mode mode_;
  std::deque<std::uint8_t> output_;
  bool expect_config_ = false;
  bool expect_leds_ = false;
};

}  // namespace mos::drv::testing
