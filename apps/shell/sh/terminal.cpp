#include "terminal.hpp"

#include <errno.h>
#include <unistd.h>

#include "expand.hpp"
#include "shell.hpp"

namespace mos::sh {

namespace {

void flush(Terminal& t) {
  StrBuf& out = t.editor->output();
  if (!out.empty()) write_all(2, out.c_str(), out.size());
  out.clear();
}

}  // namespace

bool terminal_read_line(void* ctx, StrBuf& out, bool continuation, bool* cancelled) {
  Terminal& t = *static_cast<Terminal*>(ctx);
  Shell& sh = *t.sh;
  StrBuf prompt;
  const char* ps = get_var(sh, continuation ? "PS2" : "PS1");
  if (ps != nullptr && !expand_string(sh, ps, prompt)) {
    prompt.clear();
    prompt.append(ps);
  }
  struct termios saved;
  const bool have_termios = tcgetattr(t.fd, &saved) == 0;
  if (have_termios) {
    struct termios raw = saved;
    // ISIG off: ^C and ^Z are editing keys here, not signals to the shell's process group.
    raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~(ICRNL | INLCR | IXON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(t.fd, TCSADRAIN, &raw);
  }
  t.editor->begin(prompt.c_str());
  flush(t);
  bool result = false;
  char* buf = static_cast<char*>(must_alloc(64));
  for (bool done = false; !done;) {
    if (t.pending.empty()) {
      // One byte at a time: what follows the line (typed ahead) belongs to whoever reads the
      // terminal next, e.g. the `read` builtin or a program, as with readline.
      const ssize_t r = read(t.fd, buf, 1);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        result = false;
        break;
      }
      t.pending.append(buf, static_cast<size_t>(r));
    }
    size_t used = 0;
    while (used < t.pending.size() && !done) {
      const LineEditor::Result res = t.editor->feed(static_cast<unsigned char>(t.pending[used]));
      ++used;
      switch (res) {
        case LineEditor::Result::More:
          break;
        case LineEditor::Result::Line:
          out.append(t.editor->line().c_str(), t.editor->line().size());
          out.push('\n');
          sh.history.add(out.c_str());
          result = true;
          done = true;
          break;
        case LineEditor::Result::Cancel:
          *cancelled = true;
          result = true;
          done = true;
          break;
        case LineEditor::Result::Eof:
          result = false;
          done = true;
          break;
      }
    }
    t.pending.erase(0, used);
    flush(t);
  }
  free(buf);
  if (have_termios) tcsetattr(t.fd, TCSADRAIN, &saved);
  return result;
}

}  // namespace mos::sh
