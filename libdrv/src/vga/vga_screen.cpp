// VgaScreen: the cell grid, the cursor and the controls. Escape sequences are in vga_escape.cpp.

#include <drv/vga_screen.hpp>

namespace mos::drv {

namespace {

constexpr std::size_t kTabWidth = 8;

}  // namespace

VgaScreen::VgaScreen(std::span<volatile std::uint16_t, kVgaCells> cells, VgaCursorControl* cursor,
                     VgaReplySink* replies) noexcept
    : cells_(cells), cursor_(cursor), replies_(replies) {
  reset();
}

void VgaScreen::set_reply_sink(VgaReplySink* replies) noexcept {
  SpinLockGuard guard(lock_);
  replies_ = replies;
}

void VgaScreen::reset() noexcept {
  {
    SpinLockGuard guard(lock_);
    reset_locked();
    sync_cursor();
  }
}

void VgaScreen::reset_locked() noexcept {
  parser_.reset();
  fg_ = kDefaultAttribute & 0x0f;
  bg_ = kDefaultAttribute >> 4;
  bold_ = false;
  reverse_ = false;
  saved_ = Saved{};
  visibility_ = CursorVisibility::Shown;
  fill(0, kVgaCells);
  move_to(0, 0);
}

void VgaScreen::Replies::append(std::span<const char> text) noexcept {
  // A reply that does not fit is dropped whole: half a report would confuse the reader more.
  if (text.size() > bytes.size() - size) return;
  for (char c : text) bytes[size++] = c;
}

void VgaScreen::write(std::span<const char> text) noexcept {
  Replies replies;
  VgaReplySink* sink = nullptr;
  {
    SpinLockGuard guard(lock_);
    for (char c : text) consume(c, replies);
    sync_cursor();
    sink = replies_;
  }
  if (sink != nullptr && replies.size > 0) sink->reply({replies.bytes.data(), replies.size});
}

void VgaScreen::consume(char c, Replies& replies) noexcept {
  switch (parser_.feed(c)) {
    case AnsiParser::Action::None:
      break;
    case AnsiParser::Action::Print:
      print(c);
      break;
    case AnsiParser::Action::Execute:
      execute(c);
      break;
    case AnsiParser::Action::EscDispatch:
      esc_dispatch(parser_.byte());
      break;
    case AnsiParser::Action::CsiDispatch:
      csi_dispatch(replies);
      break;
  }
}

std::uint8_t VgaScreen::attribute() const noexcept {
  auto fg = static_cast<std::uint8_t>(fg_ | (bold_ ? 0x08 : 0));
  auto bg = bg_;
  if (reverse_) {
    auto t = fg;
    fg = bg;
    bg = t;
  }
  return static_cast<std::uint8_t>(bg << 4 | fg);
}

std::uint16_t VgaScreen::blank() const noexcept {
  // Erased cells take the current colours ("background colour erase", as the Linux console).
  return vga_cell(' ', attribute());
}

void VgaScreen::print(char c) noexcept {
  if (wrap_pending_) {
    // [vt100] auto-wrap is deferred: the cursor stays on the last column after writing it, so
    // a line of exactly 80 characters followed by CR LF does not leave an empty line.
    column_ = 0;
    line_feed();
  }
  cells_[row_ * kVgaColumns + column_] = vga_cell(c, attribute());
  if (column_ + 1 == kVgaColumns) {
    wrap_pending_ = true;
  } else {
    ++column_;
  }
}

void VgaScreen::execute(char c) noexcept {
  switch (c) {
    case '\b':  // BS stops at the left margin.
      if (column_ > 0) --column_;
      wrap_pending_ = false;
      break;
    case '\t': {  // HT: fixed stops every 8 columns, the last column at most.
      std::size_t next = (column_ / kTabWidth + 1) * kTabWidth;
      column_ = next < kVgaColumns ? next : kVgaColumns - 1;
      wrap_pending_ = false;
      break;
    }
    case '\n':  // LF, VT and FF move down and keep the column ([ecma-48] 8.3.74); the tty adds
    case '\v':  // the CR when it does ONLCR.
    case '\f':
      line_feed();
      break;
    case '\r':
      column_ = 0;
      wrap_pending_ = false;
      break;
    default:  // BEL and the other controls have no effect on a screen.
      break;
  }
}

void VgaScreen::line_feed() noexcept {
  wrap_pending_ = false;
  if (row_ + 1 == kVgaRows) {
    scroll_up();
  } else {
    ++row_;
  }
}

void VgaScreen::reverse_line_feed() noexcept {
  wrap_pending_ = false;
  if (row_ == 0) {
    scroll_down();
  } else {
    --row_;
  }
}

void VgaScreen::move_to(std::size_t row, std::size_t column) noexcept {
  row_ = row < kVgaRows ? row : kVgaRows - 1;
  column_ = column < kVgaColumns ? column : kVgaColumns - 1;
  wrap_pending_ = false;
}

void VgaScreen::move_by(long rows, long columns) noexcept {
  long row = static_cast<long>(row_) + rows;
  long column = static_cast<long>(column_) + columns;
  move_to(row < 0 ? 0 : static_cast<std::size_t>(row),
          column < 0 ? 0 : static_cast<std::size_t>(column));
}

void VgaScreen::scroll_up() noexcept {
  for (std::size_t i = 0; i + kVgaColumns < kVgaCells; ++i) cells_[i] = cells_[i + kVgaColumns];
  fill(kVgaCells - kVgaColumns, kVgaCells);
}

void VgaScreen::scroll_down() noexcept {
  for (std::size_t i = kVgaCells; i-- > kVgaColumns;) cells_[i] = cells_[i - kVgaColumns];
  fill(0, kVgaColumns);
}

void VgaScreen::fill(std::size_t from, std::size_t to) noexcept {
  std::uint16_t cell = blank();
  for (std::size_t i = from; i < to; ++i) cells_[i] = cell;
}

void VgaScreen::save_cursor() noexcept {
  saved_ = {row_, column_, fg_, bg_, bold_, reverse_};
}

void VgaScreen::restore_cursor() noexcept {
  fg_ = saved_.fg;
  bg_ = saved_.bg;
  bold_ = saved_.bold;
  reverse_ = saved_.reverse;
  move_to(saved_.row, saved_.column);
}

void VgaScreen::sync_cursor() noexcept {
  // Once per write() and only on change: four port writes per character would dominate the
  // cost of printing.
  if (cursor_ == nullptr) return;
  if (!hw_visibility_known_ || hw_visibility_ != visibility_) {
    cursor_->set_cursor_visibility(visibility_);
    hw_visibility_ = visibility_;
    hw_visibility_known_ = true;
  }
  auto offset = static_cast<std::uint16_t>(row_ * kVgaColumns + column_);
  if (offset != hw_offset_) {
    cursor_->move_cursor(offset);
    hw_offset_ = offset;
  }
}

}  // namespace mos::drv
