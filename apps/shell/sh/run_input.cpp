// Reading and running commands one at a time (scripts, -c, eval, `.`, traps), and the trap
// actions run at safe points.
#include <signal.h>
#include <stdlib.h>

#include "exec_internal.hpp"
#include "parser.hpp"

namespace mos::sh {

namespace {

const char* alias_lookup(void* ctx, const char* name) {
  return find_alias(*static_cast<Shell*>(ctx), name);
}

}  // namespace

int run_input(Shell& sh, Input& in, bool top) {
  Parser parser(in, alias_lookup, &sh);
  for (;;) {
    if (top && sh.opts.interactive) report_jobs(sh.jobs, true);
    const int line = in.line_number();
    Node* n = nullptr;
    const Parser::Status st = parser.parse_command(&n);
    if (st == Parser::Status::Eof) break;
    if (st == Parser::Status::Error) {
      if (parser.error()[0] != '\0') {
        sh.lineno = in.line_number() - 1 > line ? in.line_number() - 1 : line;
        sh_error(sh, "%s", parser.error());
        sh.status = 2;
        if (!sh.opts.interactive) {
          request_exit(sh);
          break;
        }
      } else {
        sh.status = 130;  // ^C at the prompt.
      }
      continue;
    }
    sh.lineno = line;
    if (n != nullptr) {
      if (!sh.opts.noexec) exec_node(sh, n);
      free_node(n);
    }
    run_pending_traps(sh);
    if (sh.flow == Flow::Exit || sh.flow == Flow::Return) break;
    if (sh.flow != Flow::None && sh.loop_depth == 0) sh.flow = Flow::None;
  }
  return sh.status;
}

int run_string(Shell& sh, const char* text) {
  Input in;
  in.push_string(text, nullptr);
  return run_input(sh, in, false);
}

void run_pending_traps(Shell& sh) {
  if (sh.running_trap) return;
  sigset_t pending;
  sigemptyset(&pending);
  if (sigpending(&pending) != 0) return;
  for (int sig = 1; sig < kNumSignals; ++sig) {
    if (sh.traps[sig] == nullptr || sh.traps[sig][0] == '\0') continue;
    if (sigismember(&pending, sig) != 1) continue;
    // The signal is blocked while trapped; ignoring it discards the pending instance, and the
    // default disposition (still blocked) waits for the next one.
    signal(sig, SIG_IGN);
    signal(sig, SIG_DFL);
    const int saved_status = sh.status;
    const Flow saved_flow = sh.flow;
    sh.running_trap = true;
    char* action = dup_str(sh.traps[sig]);
    run_string(sh, action);
    free(action);
    sh.running_trap = false;
    if (sh.flow != Flow::Exit) {
      sh.flow = saved_flow;
      sh.status = saved_status;
    }
  }
}

int finish_shell(Shell& sh) {
  run_pending_traps(sh);
  if (sh.traps[0] != nullptr) {
    char* action = sh.traps[0];
    sh.traps[0] = nullptr;
    const int saved = sh.status;
    sh.flow = Flow::None;
    sh.running_trap = true;
    run_string(sh, action);
    sh.running_trap = false;
    free(action);
    if (sh.flow != Flow::Exit) sh.status = saved;
  }
  return sh.status & 0xff;
}

}  // namespace mos::sh
