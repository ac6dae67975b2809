#pragma once
/// The characters the parser reads: a stack of strings (alias text, `eval`, `sh -c`) over an
/// optional line source (a script, stdin, or the interactive line editor).

#include "buffer.hpp"

namespace mos::sh {

/// Reads the next line (with its '\n', if any) into `out`. `continuation` is true when the
/// parser needs more text to finish a command (the prompt is then PS2). Returns false at end of
/// input; an interactive reader sets *cancelled when ^C abandoned the line.
using LineReadFn = bool (*)(void* ctx, StrBuf& out, bool continuation, bool* cancelled);

/// A character stream with pushback and recording (see push_recorder).
class Input {
 public:
  Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input();

  /// Reads lines from `fn` once the strings are used up.
  void set_line_source(LineReadFn fn, void* ctx) {
    read_line_ = fn;
    read_ctx_ = ctx;
  }
  /// Reads `s` (copied) before anything else; `alias` (may be null, not copied: it must outlive
  /// the string's use) names the alias this text came from.
  void push_string(const char* s, const char* alias);
  /// True if the text of alias `name` is being read (stops recursive alias expansion).
  bool alias_active(const char* name) const;
  /// The next character, or -1 at end of input.
  int get();
  /// Puts `c` back; the next get() returns it.
  void unget(int c);
  /// Starts copying every character read into `rec` (nested recorders all receive them).
  void push_recorder(StrBuf* rec) { recorders_.push(rec); }
  void pop_recorder() { recorders_.pop(); }
  /// Marks the start of a new command: the next line read is a first line (PS1), not PS2.
  void begin_command() { continuation_ = false; }
  /// Forgets pending characters (after a syntax error, the rest of the line is dropped).
  void discard_line();
  /// True once a line reader reported ^C for the line being read.
  bool cancelled() const { return cancelled_; }
  void clear_cancelled() { cancelled_ = false; }
  /// The current line number (1 + newlines read so far), for messages.
  int line_number() const { return newlines_ + 1; }

 private:
  struct Source {
    char* text;
    size_t pos;
    const char* alias;
  };
  int get_raw();
  Vec<Source> strings_;
  Vec<int> pushback_;
  Vec<StrBuf*> recorders_;
  StrBuf line_;
  size_t line_pos_ = 0;
  LineReadFn read_line_ = nullptr;
  void* read_ctx_ = nullptr;
  bool continuation_ = false;
  bool eof_ = false;
  bool cancelled_ = false;
  int newlines_ = 0;
};

}  // namespace mos::sh
