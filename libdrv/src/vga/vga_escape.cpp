// VgaScreen: ESC and CSI sequences. Section numbers are [ecma-48] 5th edition; the DEC private
// ones (DECSC, DECRC, DECTCEM) are from the VT100/VT220 manuals.

#include <drv/vga_screen.hpp>

namespace mos::drv {

namespace {

// ANSI colour numbers (black red green yellow blue magenta cyan white) to VGA palette indices.
constexpr std::array<std::uint8_t, 8> kAnsiToVga = {0, 4, 2, 6, 1, 5, 3, 7};

/// Appends the decimal digits of `value` to `out` at `n`.
void append_decimal(std::array<char, 16>& out, std::size_t& n, std::size_t value) noexcept {
  char digits[8];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && count < sizeof digits);
  while (count > 0) out[n++] = digits[--count];
}

}  // namespace

void VgaScreen::esc_dispatch(char final) noexcept {
  if (parser_.intermediate() != 0) return;  // Character-set designations (ESC ( B) and such.
  switch (final) {
    case '7':  // DECSC
      save_cursor();
      break;
    case '8':  // DECRC
      restore_cursor();
      break;
    case 'D':  // IND [ecma-48] 8.3.68 (withdrawn, VT100 keeps it)
      line_feed();
      break;
    case 'E':  // NEL 8.3.86
      column_ = 0;
      line_feed();
      break;
    case 'M':  // RI 8.3.104: up, scrolling down at the top
      reverse_line_feed();
      break;
    case 'c':  // RIS 8.3.105
      reset_locked();
      break;
    default:
      break;
  }
}

void VgaScreen::csi_dispatch(Replies& replies) noexcept {
  const AnsiParser& p = parser_;
  if (p.intermediate() != 0) return;
  if (p.private_marker() == '?') {
    if (p.byte() == 'h' || p.byte() == 'l') set_mode(p.byte() == 'h');
    return;
  }
  if (p.private_marker() != 0) return;  // '>' and friends: secondary attributes and the like.

  long n = p.param(0, 1);
  switch (p.byte()) {
    case 'A':  // CUU 8.3.22
      move_by(-n, 0);
      break;
    case 'B':  // CUD 8.3.19
    case 'e':  // VPR 8.3.161
      move_by(n, 0);
      break;
    case 'C':  // CUF 8.3.20
    case 'a':  // HPR 8.3.59
      move_by(0, n);
      break;
    case 'D':  // CUB 8.3.18
      move_by(0, -n);
      break;
    case 'E':  // CNL 8.3.12
      move_to(row_, 0);
      move_by(n, 0);
      break;
    case 'F':  // CPL 8.3.13
      move_to(row_, 0);
      move_by(-n, 0);
      break;
    case 'G':  // CHA 8.3.9
    case '`':  // HPA 8.3.57
      move_to(row_, p.param(0, 1) - 1u);
      break;
    case 'd':  // VPA 8.3.158
      move_to(p.param(0, 1) - 1u, column_);
      break;
    case 'H':  // CUP 8.3.21
    case 'f':  // HVP 8.3.63
      move_to(p.param(0, 1) - 1u, p.param(1, 1) - 1u);
      break;
    case 'J':  // ED 8.3.39
      erase_display(p.raw_param(0));
      break;
    case 'K':  // EL 8.3.41
      erase_line(p.raw_param(0));
      break;
    case 'm':  // SGR 8.3.117
      sgr();
      break;
    case 'n':  // DSR 8.3.35
      report(p.raw_param(0), replies);
      break;
    case 's':  // SCOSC: the same as DECSC here, as on the Linux console
      save_cursor();
      break;
    case 'u':  // SCORC
      restore_cursor();
      break;
    default:
      break;
  }
}

void VgaScreen::set_mode(bool enable) noexcept {
  for (std::size_t i = 0; i < parser_.param_count(); ++i) {
    if (parser_.raw_param(i) == 25) {  // DECTCEM: text cursor enable
      visibility_ = enable ? CursorVisibility::Shown : CursorVisibility::Hidden;
    }
  }
}

void VgaScreen::report(std::uint16_t query, Replies& replies) noexcept {
  std::array<char, 16> out{};
  std::size_t n = 0;
  out[n++] = '\x1b';
  out[n++] = '[';
  if (query == 5) {  // Operating status: always "OK".
    out[n++] = '0';
    out[n++] = 'n';
  } else if (query == 6) {  // CPR 8.3.14: 1-based, the column after a pending wrap is 80.
    append_decimal(out, n, row_ + 1);
    out[n++] = ';';
    append_decimal(out, n, column_ + 1);
    out[n++] = 'R';
  } else {
    return;
  }
  replies.append({out.data(), n});
}

void VgaScreen::erase_display(std::uint16_t mode) noexcept {
  std::size_t here = row_ * kVgaColumns + column_;
  switch (mode) {
    case 0:  // From the cursor (included) to the end.
      fill(here, kVgaCells);
      break;
    case 1:  // From the start to the cursor (included).
      fill(0, here + 1);
      break;
    case 2:  // All; 3 (xterm: and the scrollback) is the same here. The cursor stays.
    case 3:
      fill(0, kVgaCells);
      break;
    default:
      return;
  }
  wrap_pending_ = false;
}

void VgaScreen::erase_line(std::uint16_t mode) noexcept {
  std::size_t start = row_ * kVgaColumns;
  switch (mode) {
    case 0:
      fill(start + column_, start + kVgaColumns);
      break;
    case 1:
      fill(start, start + column_ + 1);
      break;
    case 2:
      fill(start, start + kVgaColumns);
      break;
    default:
      return;
  }
  wrap_pending_ = false;
}

void VgaScreen::sgr() noexcept {
  const AnsiParser& p = parser_;
  std::size_t count = p.param_count() == 0 ? 1 : p.param_count();  // "CSI m" is "CSI 0 m".
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t v = p.raw_param(i);
    if (v == 0) {
      fg_ = kDefaultAttribute & 0x0f;
      bg_ = kDefaultAttribute >> 4;
      bold_ = false;
      reverse_ = false;
    } else if (v == 1) {
      bold_ = true;  // VGA has no bold font: shown as the bright foreground.
    } else if (v == 7) {
      reverse_ = true;
    } else if (v == 22) {
      bold_ = false;
    } else if (v == 27) {
      reverse_ = false;
    } else if (v >= 30 && v <= 37) {
      fg_ = kAnsiToVga[v - 30];
    } else if (v == 38 || v == 48) {
      i = sgr_extended_colour(i, v == 38);
    } else if (v == 39) {
      fg_ = kDefaultAttribute & 0x0f;
    } else if (v >= 40 && v <= 47) {
      bg_ = kAnsiToVga[v - 40];
    } else if (v == 49) {
      bg_ = kDefaultAttribute >> 4;
    } else if (v >= 90 && v <= 97) {
      fg_ = kAnsiToVga[v - 90] | 0x08;
    } else if (v >= 100 && v <= 107) {
      bg_ = kAnsiToVga[v - 100] | 0x08;
    }
    // Underline, blink, italic and the rest have no VGA rendering here: ignored.
  }
}

std::size_t VgaScreen::sgr_extended_colour(std::size_t i, bool foreground) noexcept {
  // 38;5;N (256 colours) and 38;2;R;G;B (direct colour): their arguments must be skipped, or
  // "38;5;1" would read as "bold". Only N < 16 has an equivalent in the VGA palette.
  const AnsiParser& p = parser_;
  std::uint16_t kind = p.raw_param(i + 1);
  if (kind == 5) {
    std::uint16_t index = p.raw_param(i + 2);
    if (i + 2 < p.param_count() && index < 16) {
      auto colour = static_cast<std::uint8_t>(kAnsiToVga[index & 7] | (index & 8));
      (foreground ? fg_ : bg_) = colour;
    }
    return i + 2;
  }
  if (kind == 2) return i + 4;
  return i + 1;
}

}  // namespace mos::drv
