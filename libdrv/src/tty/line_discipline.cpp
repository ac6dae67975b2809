// The input half of the line discipline: what each received character does. Modelled on
// Linux's drivers/tty/n_tty.c (n_tty_receive_char_special, eraser, isig), so that programs see
// the same editing and echo. Everything here runs with lock_ held, possibly in an interrupt.
#include <drv/tty.hpp>

#include "tty_chars.hpp"

namespace mos::drv {

void Tty::receive(std::span<const char> characters) noexcept {
  (void)receive_now(characters, nullptr);
  deliver_deferred();
}

std::size_t Tty::offer(std::span<const char> characters, InputSource& source) noexcept {
  const std::size_t taken = receive_now(characters, &source);
  deliver_deferred();
  return taken;
}

// Whether the next character must wait: it would not fit, and a reader can make room. (A
// canonical line that fills the queue alone must be let in, and dropped, for its reader waits
// for its end: [linux] n_tty_receive_buf_common, "no room" only with a line to read.)
bool Tty::must_hold_locked() const noexcept {
  return queue_.size() + line_length_ + 1 >= kInputCapacity && readable_locked();
}

void Tty::receive_deferred(std::span<const char> characters) noexcept {
  SpinLockGuard guard(deferred_lock_);
  for (char c : characters) {
    if (deferred_size_ == kDeferredBytes) break;
    deferred_[deferred_size_++] = c;
  }
}

void Tty::deliver_deferred() noexcept {
  // Bounded: processing a reply may echo and so draw out another reply, but a reply holds no
  // query, so a few rounds end it; more than that is a device talking to itself.
  for (int round = 0; round < 4; ++round) {
    char bytes[kDeferredBytes];
    std::size_t n = 0;
    {
      SpinLockGuard guard(deferred_lock_);
      n = deferred_size_;
      for (std::size_t i = 0; i < n; ++i) bytes[i] = deferred_[i];
      deferred_size_ = 0;
    }
    if (n == 0) return;
    (void)receive_now(std::span<const char>(bytes, n), nullptr);
  }
}

std::size_t Tty::receive_now(std::span<const char> characters, InputSource* source) noexcept {
  std::size_t next = 0;
  bool held = false;
  while (next < characters.size() && !held) {
    bool readable = false;
    int signal = 0;
    {
      SpinLockGuard guard(lock_);
      // Stop after a signal character: the signal goes out before later input is processed,
      // and without lock_ held.
      while (next < characters.size() && signal == 0) {
        if (source != nullptr && must_hold_locked()) {
          held_source_ = source;
          held = true;
          break;
        }
        ++stats_.received;
        readable =
            receive_one_locked(static_cast<std::uint8_t>(characters[next++]), signal) || readable;
      }
      echo_flush_locked();
    }
    if (signal != 0) raise(signal);
    if (readable) wake_readers();
  }
  return next;
}

bool Tty::receive_one_locked(std::uint8_t c, int& signal) noexcept {
  const Termios& t = termios_;
  if ((t.c_iflag & iflag::kIstrip) != 0) c &= 0x7f;
  if (literal_next_) {
    literal_next_ = false;
    return store_locked(c);
  }
  if (c == '\r') {
    if ((t.c_iflag & iflag::kIgncr) != 0) return false;
    if ((t.c_iflag & iflag::kIcrnl) != 0) c = '\n';
  } else if (c == '\n' && (t.c_iflag & iflag::kInlcr) != 0) {
    c = '\r';
  }
  if ((t.c_lflag & lflag::kIsig) != 0) {
    if (is_char(t, cc::kVintr, c)) signal = tty_signal::kSigint;
    if (is_char(t, cc::kVquit, c)) signal = tty_signal::kSigquit;
    if (is_char(t, cc::kVsusp, c)) signal = tty_signal::kSigtstp;
    if (signal != 0) {
      // [linux] n_tty isig(): flush first, then echo the character, so "^C" is what remains.
      if ((t.c_lflag & lflag::kNoflsh) == 0) {
        flush_input_locked();
        echo_length_ = 0;  // Echo not yet sent is output too.
        output_.discard_output();
      }
      if ((t.c_lflag & lflag::kEcho) != 0) echo_char_locked(c);
      ++stats_.signals;
      return false;
    }
  }
  if ((t.c_lflag & lflag::kIcanon) != 0) {
    bool handled = false;
    const bool readable = canonical_special_locked(c, handled);
    if (handled) return readable;
  }
  return store_locked(c);
}

// ERASE, WERASE, KILL, LNEXT, REPRINT, NL, EOF, EOL, EOL2; `handled` says whether `c` was one.
bool Tty::canonical_special_locked(std::uint8_t c, bool& handled) noexcept {
  const Termios& t = termios_;
  const bool extended = (t.c_lflag & lflag::kIexten) != 0;
  const bool echo = (t.c_lflag & lflag::kEcho) != 0;
  handled = true;
  // BS erases as well as VERASE (a deliberate difference from Linux): serial terminals
  // disagree on whether their Backspace key sends DEL or BS.
  if (is_char(t, cc::kVerase, c) || (c == '\b' && t.c_cc[cc::kVerase] != kDisabledChar)) {
    erase_locked(EraseKind::Erase, c);
    return false;
  }
  if (extended && is_char(t, cc::kVwerase, c)) {
    erase_locked(EraseKind::WordErase, c);
    return false;
  }
  if (is_char(t, cc::kVkill, c)) {
    erase_locked(EraseKind::Kill, c);
    return false;
  }
  if (extended && is_char(t, cc::kVlnext, c)) {
    literal_next_ = true;
    // "^" then back over it: the literal character's echo will overwrite it.
    if (echo && (t.c_lflag & lflag::kEchoctl) != 0) {
      echo_raw_locked('^');
      echo_raw_locked('\b');
    }
    return false;
  }
  if (extended && is_char(t, cc::kVreprint, c)) {
    if (echo) {
      echo_char_locked(c);
      echo_processed_locked('\n');
      for (std::size_t i = 0; i < line_length_; ++i) {
        echo_char_locked(static_cast<std::uint8_t>(line_[i]));
      }
    }
    return false;
  }
  if (c == '\n') {
    if (echo || (t.c_lflag & lflag::kEchonl) != 0) echo_processed_locked('\n');
    return commit_line_locked(c, kDelimiter);
  }
  if (is_char(t, cc::kVeof, c)) {
    // Not echoed. At the start of a line the mark alone makes a read return 0 (end of file);
    // after text it pushes the text out without a delimiter.
    return commit_line_locked(0, kDelimiter | kEofMark);
  }
  if (is_char(t, cc::kVeol, c) || (extended && is_char(t, cc::kVeol2, c))) {
    if (echo) echo_char_locked(c);
    return commit_line_locked(c, kDelimiter);
  }
  handled = false;
  return false;
}

// An ordinary character: onto the edited line (canonical) or straight into the queue.
bool Tty::store_locked(std::uint8_t c) noexcept {
  const bool canonical = (termios_.c_lflag & lflag::kIcanon) != 0;
  if (canonical) {
    // One place stays free for the line's delimiter, so a full line can still be ended.
    if (queue_.size() + line_length_ + 1 >= kInputCapacity) {
      ++stats_.input_dropped;
      return false;
    }
    if (line_length_ == 0) canon_column_ = column_;
    line_[line_length_++] = static_cast<char>(c);
  } else if (!queue_.push({static_cast<char>(c), 0})) {
    ++stats_.input_dropped;
    return false;
  }
  if ((termios_.c_lflag & lflag::kEcho) != 0) echo_char_locked(c);
  return !canonical;
}

// Moves the edited line into the queue, ended by `delimiter` (or by an end-of-file mark).
bool Tty::commit_line_locked(std::uint8_t delimiter, std::uint8_t flags) noexcept {
  if (queue_.size() + line_length_ + 1 > kInputCapacity) {
    // Only after a switch from non-canonical mode filled the queue: keep the line for later.
    ++stats_.input_dropped;
    return false;
  }
  for (std::size_t i = 0; i < line_length_; ++i) (void)queue_.push({line_[i], 0});
  (void)queue_.push({static_cast<char>(delimiter), flags});
  ++lines_;
  if ((flags & kEofMark) != 0) ++eof_marks_;
  line_length_ = 0;
  return true;
}

void Tty::erase_locked(EraseKind kind, std::uint8_t typed) noexcept {
  const Termios& t = termios_;
  const bool echo = (t.c_lflag & lflag::kEcho) != 0;
  if (line_length_ == 0) return;
  if (kind == EraseKind::Kill) {
    if (!echo) {
      line_length_ = 0;
      return;
    }
    // [linux] n_tty eraser(): without ECHOK, ECHOKE and ECHOE all set, KILL echoes itself (and
    // a newline with ECHOK) instead of rubbing out the line character by character.
    if ((t.c_lflag & lflag::kEchok) == 0 || (t.c_lflag & lflag::kEchoke) == 0 ||
        (t.c_lflag & lflag::kEchoe) == 0) {
      line_length_ = 0;
      echo_char_locked(typed);
      if ((t.c_lflag & lflag::kEchok) != 0) echo_processed_locked('\n');
      return;
    }
  }
  const bool utf8 = (t.c_iflag & iflag::kIutf8) != 0;
  bool seen_word = false;
  while (line_length_ > 0) {
    std::size_t start = line_length_ - 1;
    // A UTF-8 character goes as a whole: its continuation bytes, then its first byte.
    while (utf8 && start > 0 && is_continuation(static_cast<std::uint8_t>(line_[start]))) --start;
    const auto c = static_cast<std::uint8_t>(line_[start]);
    if (kind == EraseKind::WordErase) {
      // Like BSD's ALTWERASE: skip separators, then erase up to the previous separator.
      if (is_word_char(c)) {
        seen_word = true;
      } else if (seen_word) {
        break;
      }
    }
    line_length_ = start;
    if (echo) {
      if (kind == EraseKind::Erase && (t.c_lflag & lflag::kEchoe) == 0) {
        echo_char_locked(typed);
      } else if (c == '\t') {
        // Back to where the tab started; the cells it covered hold spaces already.
        const std::size_t before = line_column_locked(line_length_);
        const std::size_t width = 8 - (before & 7);
        for (std::size_t i = 0; i < width; ++i) echo_raw_locked('\b');
      } else {
        const bool control = is_control(c);
        const bool shown_as_caret = control && (t.c_lflag & lflag::kEchoctl) != 0;
        const int cells = shown_as_caret ? 2 : (control ? 0 : 1);
        for (int i = 0; i < cells; ++i) {
          echo_raw_locked('\b');
          echo_raw_locked(' ');
          echo_raw_locked('\b');
        }
      }
    }
    if (kind == EraseKind::Erase) break;
  }
}

// The echo column after the first `length` characters of the edited line.
std::size_t Tty::line_column_locked(std::size_t length) const noexcept {
  const bool caret = (termios_.c_lflag & lflag::kEchoctl) != 0;
  std::size_t column = canon_column_;
  for (std::size_t i = 0; i < length; ++i) {
    const auto c = static_cast<std::uint8_t>(line_[i]);
    if (c == '\t') {
      column = (column | 7) + 1;
    } else if (is_control(c)) {
      if (caret) column += 2;
    } else if (!is_continuation(c) || (termios_.c_iflag & iflag::kIutf8) == 0) {
      ++column;
    }
  }
  return column;
}

void Tty::flush_input_locked() noexcept {
  queue_.clear();
  lines_ = 0;
  eof_marks_ = 0;
  line_length_ = 0;
  literal_next_ = false;
}

void Tty::canonical_changed_locked(bool canonical) noexcept {
  // [linux] n_tty_set_termios: delimiters are forgotten; to non-canonical, the edited line
  // becomes readable as it is; to canonical, what is unread becomes one line.
  if (!canonical) {
    for (std::size_t i = 0; i < line_length_; ++i) {
      if (!queue_.push({line_[i], 0})) ++stats_.input_dropped;
    }
    line_length_ = 0;
    // An end of file typed while the terminal was canonical is read as the EOF character
    // itself (^D): a line editor that has just switched to raw mode, with the key typed ahead,
    // still sees it. (Linux leaves a NUL byte there.)
    for (std::size_t i = 0; i < queue_.size(); ++i) {
      if ((queue_[i].flags & kEofMark) == 0) continue;
      queue_[i].flags = static_cast<std::uint8_t>(queue_[i].flags & ~kEofMark);
      queue_[i].ch = static_cast<char>(termios_.c_cc[cc::kVeof]);
      --eof_marks_;
    }
  }
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    queue_[i].flags = static_cast<std::uint8_t>(queue_[i].flags & ~kDelimiter);
  }
  lines_ = 0;
  if (canonical && !queue_.empty()) {
    queue_[queue_.size() - 1].flags |= kDelimiter;
    lines_ = 1;
  }
}

}  // namespace mos::drv
