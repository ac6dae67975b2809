#pragma once
/// The interactive line editor as a pure state machine: bytes from the terminal go in through
/// feed(), the edited line and the bytes to write back (echo, ANSI redraws) come out. It never
/// touches a file descriptor, so it is tested on the host byte by byte.

#include <cstdint>

#include "buffer.hpp"

namespace mos::sh {

/// Command history, oldest first.
class History {
 public:
  History() = default;
  History(const History&) = delete;
  History& operator=(const History&) = delete;
  ~History() { free_strings(lines_); }

  /// Adds `line` (its trailing newline dropped); empty lines and repeats of the last are not kept.
  void add(const char* line);
  size_t size() const { return lines_.size(); }
  const char* at(size_t i) const { return lines_[i]; }
  /// The number of the first kept entry (entries dropped from the front keep their numbers).
  size_t first_number() const { return first_number_; }
  /// Makes this history a copy of `other` (a subshell's, so that `history | tail` works).
  void copy_from(const History& other);

 private:
  static constexpr size_t kMaxLines = 500;
  Vec<char*> lines_;
  size_t first_number_ = 1;
};

/// Edits one line at a time.
class LineEditor {
 public:
  /// `history` may be null.
  explicit LineEditor(History* history) : history_(history) {}
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  /// What a byte did.
  enum class Result {
    More,    ///< Keep feeding.
    Line,    ///< Enter: line() is complete.
    Cancel,  ///< ^C: the line is abandoned.
    Eof,     ///< ^D on an empty line.
  };

  /// Starts a new line after `prompt` (copied; written to output()).
  void begin(const char* prompt);
  /// Handles one input byte.
  Result feed(unsigned char c);
  /// The line being edited (without newline).
  const StrBuf& line() const { return line_; }
  /// The cursor position in line().
  size_t cursor() const { return cursor_; }
  /// Bytes to write to the terminal; the caller writes and clears them.
  StrBuf& output() { return out_; }

 private:
  enum class Esc : uint8_t { None, Esc, Csi, Ss3 };
  void insert(char c);
  void redraw();
  void move_to(size_t pos);
  void erase_range(size_t from, size_t to);
  void set_line(const char* s);
  void history_step(int dir);
  Result csi(char final);

  History* history_;
  StrBuf prompt_;
  StrBuf line_;
  StrBuf saved_;  ///< The line being typed while browsing history.
  StrBuf out_;
  StrBuf csi_params_;
  size_t cursor_ = 0;
  size_t hist_pos_ = 0;
  Esc esc_ = Esc::None;
};

}  // namespace mos::sh
