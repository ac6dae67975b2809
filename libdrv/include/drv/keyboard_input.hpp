#pragma once
/// The protocol-independent half of a keyboard driver: scan code bytes in, key events and
/// terminal bytes out to a KeyboardSink. Ps2Keyboard feeds it from its interrupt handler; tests
/// and other transports may feed it directly.

#include <drv/key_event.hpp>
#include <drv/keyboard_sink.hpp>
#include <drv/ps2_scancode_decoder.hpp>

#include <cstdint>

namespace mos::drv {

/// Whether a byte changed a lock (so the keyboard's LEDs need updating).
enum class LockChange : std::uint8_t { Unchanged, Changed };

/// Decodes scan code set 1 and delivers events and bytes. Not synchronised: one interrupt
/// handler feeds it.
class KeyboardInput {
 public:
  /// Delivers to `sink`, which must outlive this object.
  explicit KeyboardInput(KeyboardSink& sink) noexcept : sink_(&sink) {}

  /// Consumes one scan code byte; calls the sink for a completed key event.
  LockChange feed(std::uint8_t byte) noexcept;
  /// The modifiers and locks now.
  Modifiers modifiers() const noexcept { return decoder_.modifiers(); }
  /// The decoder (to set locks or reset it).
  Ps2ScancodeDecoder& decoder() noexcept { return decoder_; }

 private:
  KeyboardSink* sink_;
  Ps2ScancodeDecoder decoder_;
};

}  // namespace mos::drv
