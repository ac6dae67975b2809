#pragma once
/// A byte-at-a-time parser for the escape sequences of ECMA-48 / VT100 output: plain text, C0
/// controls, ESC sequences and CSI sequences (ESC [ params ; ... final). It follows the DEC
/// parser's states (vt100.net/emu/dec_ansi_parser) so that a malformed or overlong sequence is
/// dropped as a whole and never leaks bytes onto the screen or corrupts the next sequence. It
/// only recognises; a terminal (VgaScreen) decides what each sequence does.

#include <array>
#include <cstddef>
#include <cstdint>

namespace mos::drv {

/// Splits an output byte stream into printable bytes, controls and escape sequences.
class AnsiParser {
 public:
  /// At most this many parameters in one CSI sequence; more drop the sequence.
  static constexpr std::size_t kMaxParams = 16;
  /// The largest parameter value; a larger one drops the sequence (no terminal needs more).
  static constexpr std::uint16_t kMaxParamValue = 9999;
  /// An OSC string (ESC ] ... BEL) longer than this is abandoned, so a stray ESC ] cannot
  /// swallow the rest of the output.
  static constexpr std::size_t kMaxStringLength = 512;

  /// What feed() recognised; the details stay readable until the next feed().
  enum class Action : std::uint8_t {
    None,         ///< Nothing to do yet (inside a sequence, or a byte that is dropped).
    Print,        ///< byte() is a character to display (0x20..0x7e and 0x80..0xff).
    Execute,      ///< byte() is a C0 control (BS, HT, LF, CR, ...).
    EscDispatch,  ///< ESC [intermediate] byte(), e.g. ESC 7; intermediate() may be set.
    CsiDispatch,  ///< ESC [ [private] params [intermediate] byte(), byte() the final byte.
  };

  /// Consumes one byte of output.
  Action feed(char c) noexcept;
  /// Forgets any sequence in progress.
  void reset() noexcept;

  /// The printed byte, the control, or the final byte of the last dispatched sequence.
  char byte() const noexcept { return byte_; }
  /// The intermediate byte (0x20..0x2f) of the last sequence, or 0.
  char intermediate() const noexcept { return intermediate_; }
  /// The private marker ('?', '>', '<', '=') that opened the parameters, or 0.
  char private_marker() const noexcept { return private_; }
  /// How many parameters the sequence had ("" has 0, "5" and ";" have 1 and 2).
  std::size_t param_count() const noexcept { return count_; }
  /// Parameter `i` as written (an empty or missing one is 0).
  std::uint16_t raw_param(std::size_t i) const noexcept { return i < count_ ? params_[i] : 0; }
  /// Parameter `i`, or `fallback` when it is missing or 0 (the [ecma-48] 5.4.2 default rule
  /// for counts and positions, where 0 means the default).
  std::uint16_t param(std::size_t i, std::uint16_t fallback) const noexcept {
    std::uint16_t v = raw_param(i);
    return v == 0 ? fallback : v;
  }

 private:
  enum class State : std::uint8_t {
    Ground,
    Escape,
    EscapeIntermediate,
    CsiEntry,
    CsiParam,
    CsiIntermediate,
    CsiIgnore,
    OscString,
  };

  Action csi_byte(unsigned char c) noexcept;
  void begin_sequence() noexcept;
  bool add_digit(unsigned char c) noexcept;
  bool next_param() noexcept;

  State state_ = State::Ground;
  char byte_ = 0;
  char intermediate_ = 0;
  char private_ = 0;
  std::size_t count_ = 0;
  std::size_t string_length_ = 0;
  std::array<std::uint16_t, kMaxParams> params_{};
};

}  // namespace mos::drv
