#include "line_editor.hpp"

namespace mos::sh {

void History::copy_from(const History& other) {
  free_strings(lines_);
  for (size_t i = 0; i < other.lines_.size(); ++i) lines_.push(dup_str(other.lines_[i]));
  first_number_ = other.first_number_;
}

void History::add(const char* line) {
  size_t n = strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) --n;
  if (n == 0) return;
  if (!lines_.empty()) {
    const char* last = lines_.back();
    if (strlen(last) == n && memcmp(last, line, n) == 0) return;
  }
  if (lines_.size() == kMaxLines) {
    free(lines_[0]);
    lines_.erase(0);
    ++first_number_;
  }
  lines_.push(dup_mem(line, n));
}

void LineEditor::begin(const char* prompt) {
  prompt_.clear();
  prompt_.append(prompt);
  line_.clear();
  saved_.clear();
  cursor_ = 0;
  esc_ = Esc::None;
  hist_pos_ = history_ ? history_->size() : 0;
  out_.append(prompt_.c_str(), prompt_.size());
}

// Rewrites the whole line: CR, prompt, text, clear to end of line, cursor back into place.
void LineEditor::redraw() {
  out_.push('\r');
  out_.append(prompt_.c_str(), prompt_.size());
  out_.append(line_.c_str(), line_.size());
  out_.append("\x1b[K");
  const size_t back = line_.size() - cursor_;
  if (back > 0) {
    out_.append("\x1b[");
    out_.append_long(static_cast<long>(back));
    out_.push('D');
  }
}

void LineEditor::move_to(size_t pos) {
  if (pos == cursor_) return;
  out_.append("\x1b[");
  out_.append_long(static_cast<long>(pos > cursor_ ? pos - cursor_ : cursor_ - pos));
  out_.push(pos > cursor_ ? 'C' : 'D');
  cursor_ = pos;
}

void LineEditor::insert(char c) {
  line_.insert(cursor_, &c, 1);
  ++cursor_;
  if (cursor_ == line_.size()) {
    out_.push(c);  // Appending: plain echo is enough.
  } else {
    redraw();
  }
}

void LineEditor::erase_range(size_t from, size_t to) {
  if (from >= to) return;
  line_.erase(from, to - from);
  cursor_ = from;
  redraw();
}

void LineEditor::set_line(const char* s) {
  line_.clear();
  line_.append(s);
  cursor_ = line_.size();
  redraw();
}

void LineEditor::history_step(int dir) {
  if (history_ == nullptr) return;
  const size_t n = history_->size();
  if (dir < 0) {
    if (hist_pos_ == 0) return;
    if (hist_pos_ == n) {
      saved_.clear();
      saved_.append(line_.c_str(), line_.size());
    }
    --hist_pos_;
    set_line(history_->at(hist_pos_));
  } else {
    if (hist_pos_ >= n) return;
    ++hist_pos_;
    set_line(hist_pos_ == n ? saved_.c_str() : history_->at(hist_pos_));
  }
}

LineEditor::Result LineEditor::csi(char final) {
  const char* p = csi_params_.c_str();
  switch (final) {
    case 'A':
      history_step(-1);
      break;
    case 'B':
      history_step(1);
      break;
    case 'C':
      if (cursor_ < line_.size()) move_to(cursor_ + 1);
      break;
    case 'D':
      if (cursor_ > 0) move_to(cursor_ - 1);
      break;
    case 'H':
      move_to(0);
      break;
    case 'F':
      move_to(line_.size());
      break;
    case '~':
      if (strcmp(p, "1") == 0 || strcmp(p, "7") == 0) move_to(0);
      if (strcmp(p, "4") == 0 || strcmp(p, "8") == 0) move_to(line_.size());
      if (strcmp(p, "3") == 0 && cursor_ < line_.size()) erase_range(cursor_, cursor_ + 1);
      break;
    default:
      break;
  }
  return Result::More;
}

LineEditor::Result LineEditor::feed(unsigned char c) {
  if (esc_ == Esc::Esc) {
    esc_ = c == '[' ? Esc::Csi : c == 'O' ? Esc::Ss3 : Esc::None;
    csi_params_.clear();
    return Result::More;
  }
  if (esc_ == Esc::Csi) {
    if ((c >= '0' && c <= '9') || c == ';') {
      csi_params_.push(static_cast<char>(c));
      return Result::More;
    }
    esc_ = Esc::None;
    return csi(static_cast<char>(c));
  }
  if (esc_ == Esc::Ss3) {
    esc_ = Esc::None;
    csi_params_.clear();
    return csi(static_cast<char>(c));
  }
  switch (c) {
    case 0x1b:
      esc_ = Esc::Esc;
      return Result::More;
    case '\r':
    case '\n':
      move_to(line_.size());
      out_.append("\r\n");
      return Result::Line;
    case 0x03:  // ^C
      out_.append("^C\r\n");
      line_.clear();
      cursor_ = 0;
      return Result::Cancel;
    case 0x04:  // ^D
      if (line_.empty()) {
        out_.append("\r\n");
        return Result::Eof;
      }
      if (cursor_ < line_.size()) erase_range(cursor_, cursor_ + 1);
      return Result::More;
    case 0x01:
      move_to(0);
      return Result::More;  // ^A
    case 0x05:
      move_to(line_.size());
      return Result::More;  // ^E
    case 0x02:              // ^B
      if (cursor_ > 0) move_to(cursor_ - 1);
      return Result::More;
    case 0x06:  // ^F
      if (cursor_ < line_.size()) move_to(cursor_ + 1);
      return Result::More;
    case 0x0b:
      erase_range(cursor_, line_.size());
      return Result::More;  // ^K
    case 0x15:
      erase_range(0, cursor_);
      return Result::More;  // ^U
    case 0x17: {            // ^W
      size_t from = cursor_;
      while (from > 0 && line_[from - 1] == ' ') --from;
      while (from > 0 && line_[from - 1] != ' ') --from;
      erase_range(from, cursor_);
      return Result::More;
    }
    case 0x0c:  // ^L
      out_.append("\x1b[H\x1b[2J");
      redraw();
      return Result::More;
    case 0x10:
      history_step(-1);
      return Result::More;  // ^P
    case 0x0e:
      history_step(1);
      return Result::More;  // ^N
    case 0x7f:
    case 0x08:
      if (cursor_ > 0) erase_range(cursor_ - 1, cursor_);
      return Result::More;
    case '\t':
      insert(' ');
      return Result::More;
    default:
      break;
  }
  if (c < 0x20) return Result::More;  // Other control characters are ignored.
  insert(static_cast<char>(c));
  return Result::More;
}

}  // namespace mos::sh
