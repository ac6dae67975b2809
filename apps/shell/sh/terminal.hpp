#pragma once
/// Reading command lines from a terminal through the LineEditor, in raw mode only while a line
/// is being edited (commands run with the terminal's own settings).

#include <termios.h>

#include "buffer.hpp"
#include "line_editor.hpp"

namespace mos::sh {

struct Shell;

/// The terminal side of an interactive shell.
struct Terminal {
  int fd = 0;
  Shell* sh = nullptr;
  LineEditor* editor = nullptr;
  StrBuf pending;  ///< Bytes read past the end of the last line (typed ahead or pasted).
};

/// LineReadFn over a Terminal (ctx): prompts with PS1 (PS2 for continuation lines).
bool terminal_read_line(void* ctx, StrBuf& out, bool continuation, bool* cancelled);

}  // namespace mos::sh
