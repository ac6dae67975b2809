// sh: the entry point. Parses the command line, sets up an interactive shell's terminal and job
// control, and runs commands from -c, a script file, or stdin.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <new>

#include "builtins.hpp"
#include "exec.hpp"
#include "line_reader.hpp"
#include "program.hpp"
#include "shell.hpp"
#include "terminal.hpp"

namespace mos::sh {

namespace {

void usage_error(const char* msg, const char* arg) {
  StrBuf out;
  out.append("sh: ");
  out.append(msg);
  if (arg) out.append(arg);
  out.push('\n');
  write_all(2, out.c_str(), out.size());
}

// Interactive setup: the shell ignores the signals the terminal sends to the foreground job,
// and with job control owns a process group that holds the terminal between jobs.
void setup_interactive(Shell& sh) {
  static constexpr int kIgnored[] = {SIGINT, SIGQUIT, SIGTERM};
  for (int sig : kIgnored) signal(sig, SIG_IGN);
  if (!sh.opts.monitor) return;
  const int tty = 0;
  for (;;) {
    const pid_t fg = tcgetpgrp(tty);
    if (fg < 0) {
      sh.opts.monitor = false;
      return;
    }
    if (fg == getpgrp()) break;
    kill(-getpgrp(), SIGTTIN);  // Started in the background: wait until we are foreground.
  }
  static constexpr int kJobSignals[] = {SIGTSTP, SIGTTIN, SIGTTOU};
  for (int sig : kJobSignals) signal(sig, SIG_IGN);
  if (getpgrp() != getpid()) setpgid(0, 0);
  sh.shell_pgid = getpgrp();
  sh.tty_fd = tty;
  tcsetpgrp(tty, sh.shell_pgid);
}

int run_main(Shell& sh, int argc, char** argv) {
  const char* command = nullptr;
  bool command_mode = false;
  bool stdin_mode = false;
  bool interactive_flag = false;
  int i = 1;
  for (; i < argc; ++i) {
    const char* a = argv[i];
    if ((a[0] != '-' && a[0] != '+') || a[1] == '\0') break;
    if (strcmp(a, "--") == 0) {
      ++i;
      break;
    }
    const bool on = a[0] == '-';
    for (const char* p = a + 1; *p; ++p) {
      if (*p == 'c' && on) {
        command_mode = true;
      } else if (*p == 's' && on) {
        stdin_mode = true;
      } else if (*p == 'i') {
        interactive_flag = on;
      } else if (*p == 'o') {
        if (i + 1 >= argc || !set_option_name(sh, argv[i + 1], on)) {
          usage_error("Illegal option -o ", i + 1 < argc ? argv[i + 1] : "");
          return 2;
        }
        ++i;
      } else if (!set_option_letter(sh, *p, on)) {
        const char opt[3] = {a[0], *p, '\0'};
        usage_error("Illegal option ", opt);
        return 2;
      }
    }
  }
  const char* script = nullptr;
  if (command_mode) {
    if (i >= argc) {
      usage_error("-c requires an argument", nullptr);
      return 2;
    }
    command = argv[i++];
    if (i < argc) {
      free(sh.arg0);
      sh.arg0 = dup_str(argv[i++]);
    }
  } else if (!stdin_mode && i < argc) {
    script = argv[i++];
    free(sh.arg0);
    sh.arg0 = dup_str(script);
  }
  for (; i < argc; ++i) sh.params.push(dup_str(argv[i]));

  if (command == nullptr && script == nullptr && (interactive_flag || (isatty(0) && isatty(2)))) {
    sh.opts.interactive = true;
    if (isatty(0)) sh.opts.monitor = true;
    setup_interactive(sh);
  }

  if (command != nullptr) {
    Input in;
    in.push_string(command, nullptr);
    run_input(sh, in, true);
  } else if (script != nullptr) {
    const int fd = open(script, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      sh.lineno = 0;
      sh_error(sh, "cannot open %s: No such file", script);
      return 127;
    }
    add_private_fd(sh, fd);
    FdLineReader reader;
    init_fd_reader(reader, fd, true);
    reader.echo_to = &sh;
    Input in;
    in.set_line_source(fd_read_line, &reader);
    run_input(sh, in, true);
    destroy_fd_reader(reader);
    remove_private_fd(sh, fd);
    close(fd);
  } else if (sh.opts.interactive && isatty(0)) {
    LineEditor* editor = new (must_alloc(sizeof(LineEditor))) LineEditor(&sh.history);
    Terminal term;
    term.fd = 0;
    term.sh = &sh;
    term.editor = editor;
    Input in;
    in.set_line_source(terminal_read_line, &term);
    run_input(sh, in, true);
    editor->~LineEditor();
    free(editor);
  } else {
    FdLineReader reader;
    init_fd_reader(reader, 0, false);
    reader.echo_to = &sh;
    Input in;
    in.set_line_source(fd_read_line, &reader);
    run_input(sh, in, true);
    destroy_fd_reader(reader);
  }
  return finish_shell(sh);
}

}  // namespace

int run_shell(int argc, char** argv, char** envp) {
  Shell* sh = new (must_alloc(sizeof(Shell))) Shell();
  for (int sig = 1; sig < kNumSignals; ++sig) {
    struct sigaction sa;
    if (sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) {
      sh->trap_ignored_at_entry[sig] = true;
    }
  }
  sh->arg0 = dup_str(argc > 0 ? argv[0] : "sh");
  init_shell(*sh, envp);
  const int status = run_main(*sh, argc, argv);
  destroy_shell(*sh);
  sh->~Shell();
  free(sh);
  return status;
}

}  // namespace mos::sh

namespace mos::programs {

int sh_main(int argc, char** argv) {
  return mos::sh::run_shell(argc, argv, environ);
}

}  // namespace mos::programs
