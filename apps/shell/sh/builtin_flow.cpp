// Control-flow builtins: break, continue, return, exit, eval, `.` and exec (whose work is done
// by exec_simple).
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "builtins.hpp"
#include "exec.hpp"
#include "line_reader.hpp"

namespace mos::sh {

int builtin_break(Shell& sh, int argc, char** argv) {
  long n = 1;
  if (argc > 1 && (!parse_count(argv[1], &n) || n == 0)) {
    sh_error(sh, "%s: Illegal number: %s", argv[0], argv[1]);
    return 2;
  }
  if (sh.loop_depth == 0) return 0;
  if (n > sh.loop_depth) n = sh.loop_depth;
  sh.flow = argv[0][0] == 'b' ? Flow::Break : Flow::Continue;
  sh.flow_count = static_cast<int>(n);
  return 0;
}

int builtin_return(Shell& sh, int argc, char** argv) {
  long n = sh.status;
  if (argc > 1 && !parse_number(argv[1], &n)) {
    sh_error(sh, "return: Illegal number: %s", argv[1]);
    return 2;
  }
  sh.flow = Flow::Return;
  sh.status = static_cast<int>(n & 0xff);
  return sh.status;
}

int builtin_exit(Shell& sh, int argc, char** argv) {
  long n = sh.status;
  if (argc > 1 && !parse_number(argv[1], &n)) {
    sh_error(sh, "exit: Illegal number: %s", argv[1]);
    n = 2;
  }
  request_exit(sh);
  sh.status = static_cast<int>(n & 0xff);
  return sh.status;
}

int builtin_eval(Shell& sh, int argc, char** argv) {
  StrBuf text;
  for (int i = 1; i < argc; ++i) {
    if (i > 1) text.push(' ');
    text.append(argv[i]);
  }
  if (sh.eval_depth >= kMaxCallDepth) {
    sh_error(sh, "eval: nested too deeply");
    return 2;
  }
  ++sh.eval_depth;
  sh.status = 0;
  const int status = run_string(sh, text.c_str());
  --sh.eval_depth;
  return status;
}

int builtin_dot(Shell& sh, int argc, char** argv) {
  if (argc < 2) {
    sh_error(sh, ".: filename argument required");
    return 2;
  }
  char* path = find_in_path(sh, argv[1], false);
  const int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  free(path);
  if (fd < 0) {
    sh_error(sh, ".: cannot open %s: No such file", argv[1]);
    if (!sh.opts.interactive) {
      request_exit(sh);
      sh.status = 2;
    }
    return 2;
  }
  if (sh.eval_depth >= kMaxCallDepth) {
    close(fd);
    sh_error(sh, ".: nested too deeply");
    return 2;
  }
  add_private_fd(sh, fd);
  Vec<char*> saved_params;
  const bool has_args = argc > 2;
  if (has_args) {
    saved_params = static_cast<Vec<char*>&&>(sh.params);
    for (int i = 2; i < argc; ++i) sh.params.push(dup_str(argv[i]));
  }
  FdLineReader reader;
  init_fd_reader(reader, fd, true);
  reader.echo_to = &sh;
  Input in;
  in.set_line_source(fd_read_line, &reader);
  ++sh.eval_depth;
  sh.status = 0;
  const int saved_line = sh.lineno;
  int status = run_input(sh, in, false);
  sh.lineno = saved_line;
  --sh.eval_depth;
  if (sh.flow == Flow::Return && sh.func_depth == 0) {
    sh.flow = Flow::None;
    status = sh.status;
  }
  destroy_fd_reader(reader);
  remove_private_fd(sh, fd);
  close(fd);
  if (has_args) {
    free_strings(sh.params);
    sh.params = static_cast<Vec<char*>&&>(saved_params);
  }
  return status;
}

int builtin_exec_stub(Shell&, int, char**) {
  return 0;
}

}  // namespace mos::sh
