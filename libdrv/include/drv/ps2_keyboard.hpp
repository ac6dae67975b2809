#pragma once
/// The PS/2 keyboard behind an i8042 controller, through a PortIo provider (data port 0x60,
/// status/command port 0x64). init() brings the controller and keyboard up with bounded polling
/// (it never hangs on an absent or broken controller); on_interrupt() is IRQ1's handler.
///
///     drv::Ps2Keyboard<X86PortIo> keyboard(X86PortIo{}, tty_keyboard_sink);
///     MOS_TRY(keyboard.init());          // before IRQ1 is routed and unmasked
///     route_irq(1, [&] { keyboard.on_interrupt(); });

#include <drv/keyboard_input.hpp>
#include <drv/keyboard_sink.hpp>

#include <k/error.hpp>
#include <k/platform/io.hpp>
#include <k/result.hpp>

#include <cstdint>

namespace mos::drv {

/// i8042 ports, status bits, commands and keyboard commands ([i8042] = the IBM PC AT Technical
/// Reference, "Keyboard controller"; osdev.org "8042 PS/2 Controller" and "PS/2 Keyboard").
namespace i8042 {
/// Data port: controller replies, keyboard bytes; bytes written go to the keyboard.
inline constexpr std::uint16_t kDataPort = 0x60;
/// Reads give the status register, writes are controller commands.
inline constexpr std::uint16_t kCommandPort = 0x64;

/// Status bit 0: a byte waits in the output buffer (read it from the data port).
inline constexpr std::uint8_t kOutputFull = 0x01;
/// Status bit 1: the controller has not yet taken the last byte written; do not write.
inline constexpr std::uint8_t kInputFull = 0x02;
/// Status bit 5: the waiting byte came from the second (mouse) port.
inline constexpr std::uint8_t kAuxData = 0x20;

/// Command: read configuration byte.
inline constexpr std::uint8_t kReadConfig = 0x20;
/// Command: write configuration byte (next data byte).
inline constexpr std::uint8_t kWriteConfig = 0x60;
/// Command: disable the second port.
inline constexpr std::uint8_t kDisablePort2 = 0xa7;
/// Command: controller self-test; replies kSelfTestPassed.
inline constexpr std::uint8_t kSelfTest = 0xaa;
/// Command: test the first port; replies 0x00 when good.
inline constexpr std::uint8_t kTestPort1 = 0xab;
/// Command: disable the first port.
inline constexpr std::uint8_t kDisablePort1 = 0xad;
/// Command: enable the first port.
inline constexpr std::uint8_t kEnablePort1 = 0xae;
/// Self-test reply of a working controller.
inline constexpr std::uint8_t kSelfTestPassed = 0x55;

/// Configuration bit 0: interrupt (IRQ1) on keyboard data.
inline constexpr std::uint8_t kConfigPort1Irq = 0x01;
/// Configuration bit 1: interrupt (IRQ12) on mouse data.
inline constexpr std::uint8_t kConfigPort2Irq = 0x02;
/// Configuration bit 4: first port clock disabled.
inline constexpr std::uint8_t kConfigPort1ClockOff = 0x10;
/// Configuration bit 5: second port clock disabled.
inline constexpr std::uint8_t kConfigPort2ClockOff = 0x20;
/// Configuration bit 6: translate the keyboard's scan code set 2 to set 1.
inline constexpr std::uint8_t kConfigTranslate = 0x40;

/// Keyboard command: set LEDs (argument: Modifiers::led_bits()).
inline constexpr std::uint8_t kKbdSetLeds = 0xed;
/// Keyboard command: enable scanning.
inline constexpr std::uint8_t kKbdEnableScanning = 0xf4;
/// Keyboard command: reset and self-test (BAT).
inline constexpr std::uint8_t kKbdReset = 0xff;
/// Keyboard reply: command acknowledged.
inline constexpr std::uint8_t kKbdAck = 0xfa;
/// Keyboard reply: send the last byte again.
inline constexpr std::uint8_t kKbdResend = 0xfe;
/// Keyboard reply after reset: self-test passed.
inline constexpr std::uint8_t kKbdSelfTestPassed = 0xaa;
}  // namespace i8042

/// How long the driver polls before it gives up, in status-register reads (each a slow ISA
/// access, about a microsecond on real hardware).
struct Ps2Limits {
  /// For the controller to take a byte or to answer a command (~0.1 s).
  std::uint32_t poll = 100'000;
  /// For the controller's and the keyboard's self-tests (~1 s; a keyboard's BAT takes up to
  /// 0.5 s).
  std::uint32_t self_test_poll = 1'000'000;
  /// Bytes read and dropped while flushing stale output before giving up.
  std::uint32_t flush = 64;
  /// Times a keyboard command is sent again after a Resend reply.
  std::uint32_t retries = 3;
};

/// The PS/2 keyboard driver. Not synchronised: init() runs before IRQ1 is enabled, and
/// on_interrupt() is called by one CPU at a time (an interrupt gate), which is the routing
/// layer's guarantee.
template <platform::PortIo Io>
class Ps2Keyboard {
 public:
  /// A driver for the controller behind `io`, delivering to `sink` (which must outlive it).
  Ps2Keyboard(Io io, KeyboardSink& sink, Ps2Limits limits = {}) noexcept
      : io_(io), input_(sink), limits_(limits) {}

  /// Initialises controller and keyboard; IRQ1 and translation to set 1 are on afterwards.
  /// Errors: NoDevice (no controller: the status port floats at 0xff or never drains; no
  /// keyboard: no reply to reset), TimedOut (the controller stops answering midway), Io (a
  /// self-test or command failed).
  Result<void> init() noexcept {
    if (io_.read8(i8042::kCommandPort) == 0xff) return Error::NoDevice;  // Floating bus.
    // [osdev 8042] initialisation: quiet both ports so nothing arrives while we configure.
    MOS_TRY(command(i8042::kDisablePort1));
    MOS_TRY(command(i8042::kDisablePort2));
    MOS_TRY(flush());

    std::uint8_t config = MOS_TRY(command_reply(i8042::kReadConfig, limits_.poll));
    config = static_cast<std::uint8_t>(
        config & ~(i8042::kConfigPort1Irq | i8042::kConfigPort2Irq | i8042::kConfigTranslate));
    MOS_TRY(write_config(config));

    std::uint8_t self_test = MOS_TRY(command_reply(i8042::kSelfTest, limits_.self_test_poll));
    if (self_test != i8042::kSelfTestPassed) return Error::Io;
    MOS_TRY(write_config(config));  // Some controllers reset it during the self-test.
    if (MOS_TRY(command_reply(i8042::kTestPort1, limits_.poll)) != 0x00) return Error::Io;
    MOS_TRY(command(i8042::kEnablePort1));

    // The keyboard: reset (ACK, then its self-test result), then scanning on. Polled, with
    // IRQ1 still off, so the replies come to us and not to on_interrupt().
    Result<void> reset = keyboard_command(i8042::kKbdReset, Error::NoDevice);
    if (!reset) return reset;
    Result<std::uint8_t> bat = read_data(limits_.self_test_poll);
    if (!bat) return Error::NoDevice;
    if (*bat != i8042::kKbdSelfTestPassed) return Error::Io;
    MOS_TRY(keyboard_command(i8042::kKbdEnableScanning, Error::TimedOut));
    input_.decoder().reset();
    MOS_TRY(keyboard_command(i8042::kKbdSetLeds, Error::TimedOut));
    MOS_TRY(keyboard_command(input_.modifiers().led_bits(), Error::TimedOut));

    config = static_cast<std::uint8_t>(
        (config | i8042::kConfigPort1Irq | i8042::kConfigTranslate | i8042::kConfigPort2ClockOff) &
        ~i8042::kConfigPort1ClockOff);
    MOS_TRY(write_config(config));
    led_state_ = LedState::Idle;
    return {};
  }

  /// IRQ1: reads the waiting byte and decodes it, delivering to the sink. Runs the LED update
  /// protocol (0xed, ACK, value, ACK) without waiting: each ACK arrives as its own interrupt.
  void on_interrupt() noexcept {
    std::uint8_t status = io_.read8(i8042::kCommandPort);
    if ((status & i8042::kOutputFull) == 0) return;  // Spurious or already taken.
    std::uint8_t byte = io_.read8(i8042::kDataPort);
    if ((status & i8042::kAuxData) != 0) return;  // A mouse byte; the second port is unused.
    if (led_state_ != LedState::Idle && led_reply(byte)) return;
    if (input_.feed(byte) == LockChange::Changed) request_leds();
  }

  /// The modifiers and locks now.
  Modifiers modifiers() const noexcept { return input_.modifiers(); }

 private:
  enum class LedState : std::uint8_t { Idle, SentCommand, SentValue };

  Result<void> wait_input_empty(std::uint32_t limit) noexcept {
    for (std::uint32_t i = 0; i < limit; ++i) {
      if ((io_.read8(i8042::kCommandPort) & i8042::kInputFull) == 0) return {};
    }
    return Error::TimedOut;
  }
  Result<std::uint8_t> read_data(std::uint32_t limit) noexcept {
    for (std::uint32_t i = 0; i < limit; ++i) {
      if ((io_.read8(i8042::kCommandPort) & i8042::kOutputFull) != 0) {
        return io_.read8(i8042::kDataPort);
      }
    }
    return Error::TimedOut;
  }
  Result<void> command(std::uint8_t cmd) noexcept {
    MOS_TRY(wait_input_empty(limits_.poll));
    io_.write8(i8042::kCommandPort, cmd);
    return {};
  }
  Result<std::uint8_t> command_reply(std::uint8_t cmd, std::uint32_t limit) noexcept {
    MOS_TRY(command(cmd));
    return read_data(limit);
  }
  Result<void> write_data(std::uint8_t byte) noexcept {
    MOS_TRY(wait_input_empty(limits_.poll));
    io_.write8(i8042::kDataPort, byte);
    return {};
  }
  Result<void> write_config(std::uint8_t config) noexcept {
    MOS_TRY(command(i8042::kWriteConfig));
    return write_data(config);
  }
  Result<void> flush() noexcept {
    for (std::uint32_t i = 0; i < limits_.flush; ++i) {
      if ((io_.read8(i8042::kCommandPort) & i8042::kOutputFull) == 0) return {};
      static_cast<void>(io_.read8(i8042::kDataPort));
    }
    return Error::NoDevice;  // An output buffer that never empties: nothing real is there.
  }
  /// Sends `byte` to the keyboard and waits for its ACK, resending on Resend. `silent` is the
  /// error when no reply comes at all. A few stray bytes (keys pressed meanwhile) are skipped.
  Result<void> keyboard_command(std::uint8_t byte, Error silent) noexcept {
    for (std::uint32_t attempt = 0; attempt <= limits_.retries; ++attempt) {
      MOS_TRY(write_data(byte));
      bool resend = false;
      for (int stray = 0; stray < 4 && !resend; ++stray) {
        Result<std::uint8_t> reply = read_data(limits_.poll);
        if (!reply) return silent;
        if (*reply == i8042::kKbdAck) return {};
        resend = *reply == i8042::kKbdResend;
      }
      if (!resend) return Error::Io;
    }
    return Error::Io;
  }

  // The LED protocol in interrupt context: one short bounded wait for the input buffer (it
  // drains in microseconds), never a wait for the keyboard.
  void request_leds() noexcept {
    if (led_state_ != LedState::Idle) {
      leds_dirty_ = true;  // Sent when the running update finishes.
      return;
    }
    send_led_byte(i8042::kKbdSetLeds, LedState::SentCommand);
  }
  void send_led_byte(std::uint8_t byte, LedState next) noexcept {
    led_retries_ = (next == led_state_) ? led_retries_ + 1 : 0;
    if (!wait_input_empty(limits_.poll) || led_retries_ > limits_.retries) {
      led_state_ = LedState::Idle;  // The LEDs stay stale; keys still work.
      return;
    }
    io_.write8(i8042::kDataPort, byte);
    led_state_ = next;
    led_byte_ = byte;
  }
  /// Handles a reply to the LED protocol; false if `byte` is not one (a key arriving first).
  bool led_reply(std::uint8_t byte) noexcept {
    if (byte == i8042::kKbdResend) {
      send_led_byte(led_byte_, led_state_);
      return true;
    }
    if (byte != i8042::kKbdAck) return false;
    if (led_state_ == LedState::SentCommand) {
      send_led_byte(input_.modifiers().led_bits(), LedState::SentValue);
    } else {
      led_state_ = LedState::Idle;
      if (leds_dirty_) {
        leds_dirty_ = false;
        request_leds();
      }
    }
    return true;
  }

  Io io_;
  KeyboardInput input_;
  Ps2Limits limits_;
  LedState led_state_ = LedState::Idle;
  std::uint8_t led_byte_ = 0;
  std::uint32_t led_retries_ = 0;
  bool leds_dirty_ = false;
};

}  // namespace mos::drv
