// KeyboardInput: decoder -> sink (event, then bytes).

#include <drv/keyboard_input.hpp>

#include <drv/key_translator.hpp>

#include <array>

namespace mos::drv {

LockChange KeyboardInput::feed(std::uint8_t byte) noexcept {
  std::uint8_t leds_before = decoder_.modifiers().led_bits();
  std::optional<KeyEvent> event = decoder_.feed(byte);
  if (!event) return LockChange::Unchanged;
  sink_->key_event(*event);
  std::array<char, kMaxKeyBytes> bytes{};
  std::size_t n = translate_key(*event, bytes);
  if (n > 0) sink_->key_bytes({bytes.data(), n});
  return decoder_.modifiers().led_bits() == leds_before ? LockChange::Unchanged
                                                        : LockChange::Changed;
}

}  // namespace mos::drv
