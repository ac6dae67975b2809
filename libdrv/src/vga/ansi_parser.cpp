// The DEC/ECMA-48 output parser. State names follow vt100.net/emu/dec_ansi_parser; the byte
// classes are those of [ecma-48] 5.4 (parameter bytes 0x30..0x3f, intermediates 0x20..0x2f,
// final bytes 0x40..0x7e).

#include <drv/ansi_parser.hpp>

namespace mos::drv {

namespace {

constexpr unsigned char kEsc = 0x1b;
constexpr unsigned char kCan = 0x18;
constexpr unsigned char kSub = 0x1a;
constexpr unsigned char kBel = 0x07;
constexpr unsigned char kDel = 0x7f;

constexpr bool is_intermediate(unsigned char c) {
  return c >= 0x20 && c <= 0x2f;
}
constexpr bool is_final(unsigned char c) {
  return c >= 0x40 && c <= 0x7e;
}

}  // namespace

void AnsiParser::reset() noexcept {
  state_ = State::Ground;
  begin_sequence();
}

void AnsiParser::begin_sequence() noexcept {
  intermediate_ = 0;
  private_ = 0;
  count_ = 0;
  string_length_ = 0;
  params_.fill(0);
}

bool AnsiParser::add_digit(unsigned char c) noexcept {
  if (count_ == 0) count_ = 1;
  std::uint32_t v = params_[count_ - 1] * 10u + (c - '0');
  if (v > kMaxParamValue) return false;
  params_[count_ - 1] = static_cast<std::uint16_t>(v);
  return true;
}

bool AnsiParser::next_param() noexcept {
  if (count_ == 0) count_ = 1;  // ";5" has an empty first parameter.
  if (count_ == kMaxParams) return false;
  params_[count_++] = 0;
  return true;
}

AnsiParser::Action AnsiParser::feed(char ch) noexcept {
  auto c = static_cast<unsigned char>(ch);
  byte_ = ch;

  // Bytes that act the same in every state but an OSC string: CAN and SUB abort a sequence,
  // ESC starts a new one (dropping the old), other C0 controls run without ending the sequence
  // ([ecma-48] 5.5; a VT100 does the same).
  if (state_ != State::OscString) {
    if (c == kCan || c == kSub) {
      reset();
      return Action::None;
    }
    if (c == kEsc) {
      state_ = State::Escape;
      begin_sequence();
      return Action::None;
    }
    if (c < 0x20) return Action::Execute;
    if (c == kDel) return Action::None;  // DEL is a fill character, never displayed.
  }

  switch (state_) {
    case State::Ground:
      return Action::Print;

    case State::Escape:
      if (c == '[') {
        state_ = State::CsiEntry;
      } else if (c == ']') {
        state_ = State::OscString;
      } else if (is_intermediate(c)) {
        intermediate_ = ch;
        state_ = State::EscapeIntermediate;
      } else {
        state_ = State::Ground;
        // 0x30..0x7e dispatch; a byte with the high bit set ends the sequence unrecognised.
        return c <= 0x7e ? Action::EscDispatch : Action::None;
      }
      return Action::None;

    case State::EscapeIntermediate:
      if (is_intermediate(c)) {
        intermediate_ = ch;  // ESC sequences with several intermediates are ignored anyway.
        return Action::None;
      }
      state_ = State::Ground;
      return c <= 0x7e ? Action::EscDispatch : Action::None;

    case State::OscString:
      // Operating system commands (window titles) have no meaning on a VGA screen: consumed
      // up to BEL or ST (ESC \), or abandoned when too long.
      if (c == kBel || c == kCan || c == kSub || ++string_length_ > kMaxStringLength) {
        reset();
      } else if (c == kEsc) {
        state_ = State::Escape;
        begin_sequence();
      }
      return Action::None;

    case State::CsiEntry:
    case State::CsiParam:
    case State::CsiIntermediate:
    case State::CsiIgnore:
      return csi_byte(c);
  }
  return Action::None;
}

AnsiParser::Action AnsiParser::csi_byte(unsigned char c) noexcept {
  if (c >= 0x80) {  // Not part of any sequence: the whole sequence is dropped.
    reset();
    return Action::None;
  }
  if (is_final(c)) {
    bool ignored = state_ == State::CsiIgnore;
    state_ = State::Ground;
    return ignored ? Action::None : Action::CsiDispatch;
  }
  if (state_ == State::CsiIgnore) return Action::None;

  if (is_intermediate(c)) {
    if (state_ == State::CsiIntermediate) {
      state_ = State::CsiIgnore;  // No sequence we know has two intermediates.
    } else {
      intermediate_ = static_cast<char>(c);
      state_ = State::CsiIntermediate;
    }
    return Action::None;
  }
  // A parameter byte (0x30..0x3f).
  if (state_ == State::CsiIntermediate) {
    state_ = State::CsiIgnore;  // Parameters after an intermediate are malformed.
    return Action::None;
  }
  bool ok = true;
  if (c >= '0' && c <= '9') {
    ok = add_digit(c);
  } else if (c == ';') {
    ok = next_param();
  } else if (c >= 0x3c && state_ == State::CsiEntry) {
    private_ = static_cast<char>(c);  // '<', '=', '>', '?' only right after the '['.
  } else {
    ok = false;  // ':' sub-parameters, or a private marker in the middle.
  }
  state_ = ok ? State::CsiParam : State::CsiIgnore;
  return Action::None;
}

}  // namespace mos::drv
