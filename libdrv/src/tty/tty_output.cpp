// Output processing (OPOST) and echo. Both keep the output column, which erasing a tab needs.
// [linux] n_tty.c do_output_char, echo_char, process_echoes.
#include <drv/tty.hpp>

#include "tty_chars.hpp"

namespace mos::drv {

std::size_t Tty::translate_locked(std::uint8_t c, char* out) noexcept {
  const TermiosFlags o = termios_.c_oflag;
  if ((o & oflag::kOpost) == 0) {
    track_column_locked(c);
    out[0] = static_cast<char>(c);
    return 1;
  }
  switch (c) {
    case '\n':
      if ((o & oflag::kOnlret) != 0) column_ = 0;
      if ((o & oflag::kOnlcr) != 0) {
        column_ = 0;
        out[0] = '\r';
        out[1] = '\n';
        return 2;
      }
      out[0] = '\n';
      return 1;
    case '\r':
      if ((o & oflag::kOnocr) != 0 && column_ == 0) return 0;
      if ((o & oflag::kOcrnl) != 0) {
        if ((o & oflag::kOnlret) != 0) column_ = 0;
        out[0] = '\n';
        return 1;
      }
      column_ = 0;
      out[0] = '\r';
      return 1;
    case '\t': {
      const std::size_t spaces = 8 - (column_ & 7);
      column_ += spaces;
      if ((o & oflag::kTabdly) == oflag::kTab3) {
        for (std::size_t i = 0; i < spaces; ++i) out[i] = ' ';
        return spaces;
      }
      out[0] = '\t';
      return 1;
    }
    default:
      track_column_locked(c);
      out[0] = static_cast<char>(c);
      return 1;
  }
}

void Tty::track_column_locked(std::uint8_t c) noexcept {
  if (c == '\b') {
    if (column_ > 0) --column_;
  } else if (c == '\r') {
    column_ = 0;
  } else if (c == '\t') {
    column_ = (column_ | 7) + 1;
  } else if (!is_control(c) && !(is_continuation(c) && (termios_.c_iflag & iflag::kIutf8) != 0)) {
    ++column_;
  }
}

void Tty::echo_char_locked(std::uint8_t c) noexcept {
  if ((termios_.c_lflag & lflag::kEchoctl) != 0 && is_control(c) && c != '\t') {
    echo_raw_locked('^');
    echo_raw_locked(static_cast<std::uint8_t>(c ^ 0100));  // ^C for 0x03, ^? for DEL.
    return;
  }
  echo_processed_locked(c);
}

void Tty::echo_raw_locked(std::uint8_t c) noexcept {
  if (echo_length_ == kEchoBuffer) echo_flush_locked();
  track_column_locked(c);
  echo_[echo_length_++] = static_cast<char>(c);
}

void Tty::echo_processed_locked(std::uint8_t c) noexcept {
  if (echo_length_ + kMaxExpansion > kEchoBuffer) echo_flush_locked();
  echo_length_ += translate_locked(c, echo_ + echo_length_);
}

void Tty::echo_flush_locked() noexcept {
  if (echo_length_ == 0) return;
  // Never waits (we may be in an interrupt handler): what does not fit now is lost.
  const std::size_t taken = output_.output(std::span<const char>(echo_, echo_length_));
  stats_.echo_dropped += echo_length_ - taken;
  echo_length_ = 0;
}

}  // namespace mos::drv
