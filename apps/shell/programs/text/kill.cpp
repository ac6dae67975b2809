// kill: sends a signal to processes (pid > 0) or process groups (-pgid, after -- or a signal
// option). Signal as -s NAME, -NAME, -NUM or -SIGNAME; -l lists names (procps layout), -l N/NAME
// converts. Parsed by hand since "-9" and "-KILL" are not getopt options. Messages follow procps:
// "kill: (PID): No such process".
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "kill";

struct SignalName {
  const char* name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},   {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},     {"TERM", SIGTERM},   {"STKFLT", 16},
    {"CHLD", SIGCHLD},   {"CONT", SIGCONT},     {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},     {"URG", SIGURG},     {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"POLL", 29},        {"PWR", 30},           {"SYS", SIGSYS},
};

// Aliases accepted on input only.
constexpr SignalName kAliases[] = {{"IOT", SIGABRT}, {"IO", 29}, {"CLD", SIGCHLD}};

// A signal number from "9", "KILL", "SIGKILL" or "kill"; -1 when unknown.
int parse_signal(const char* text) {
  if (isdigit(static_cast<unsigned char>(text[0]))) {
    size_t number = 0;
    if (!text::parse_size(text, &number) || number > 64) return -1;
    return static_cast<int>(number);
  }
  if (strncasecmp(text, "SIG", 3) == 0) text += 3;
  for (const SignalName& s : kSignals) {
    if (strcasecmp(text, s.name) == 0) return s.number;
  }
  for (const SignalName& s : kAliases) {
    if (strcasecmp(text, s.name) == 0) return s.number;
  }
  return -1;
}

const char* signal_name(int number) {
  for (const SignalName& s : kSignals) {
    if (s.number == number) return s.name;
  }
  return nullptr;
}

// procps' layout: names separated by spaces, a new line once a line passes 73 columns.
void list_signals() {
  int column = 0;
  bool first = true;
  for (const SignalName& s : kSignals) {
    if (!first) {
      if (column > 73) {
        putchar('\n');
        column = 0;
      } else {
        putchar(' ');
        ++column;
      }
    }
    column += printf("%s", s.name);
    first = false;
  }
  putchar('\n');
}

// procps converts only the first operand and reports an unknown one with status 0.
int list(int argc, char** argv, int first) {
  if (first >= argc) {
    list_signals();
    return 0;
  }
  for (int i = first; i < first + 1; ++i) {
    const char* arg = argv[i];
    if (isdigit(static_cast<unsigned char>(arg[0]))) {
      size_t number = 0;
      const bool ok = text::parse_size(arg, &number) && number <= 64;
      const char* name = ok ? signal_name(static_cast<int>(number)) : nullptr;
      if (name == nullptr) {
        report(kProg, "unknown signal name %s", arg);
        continue;
      }
      printf("%s\n", name);
    } else {
      const int number = parse_signal(arg);
      if (number < 0) {
        report(kProg, "unknown signal name %s", arg);
        continue;
      }
      printf("%d\n", number);
    }
  }
  return 0;
}

int usage() {
  fprintf(stderr, "Usage: kill [-s SIGNAL | -SIGNAL] PID...\n       kill -l [SIGNAL]...\n");
  return 1;
}

}  // namespace

int kill_main(int argc, char** argv) {
  int signal_number = SIGTERM;
  int i = 1;
  if (i < argc && (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "-L") == 0)) {
    return list(argc, argv, i + 1);
  }
  if (i < argc && strcmp(argv[i], "-s") == 0) {
    if (i + 1 >= argc) return usage();
    signal_number = parse_signal(argv[i + 1]);
    if (signal_number < 0) {
      report(kProg, "unknown signal name %s", argv[i + 1]);
      return 1;
    }
    i += 2;
  } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
    signal_number = parse_signal(argv[i] + 1);
    if (signal_number < 0) {
      report(kProg, "unknown signal name %s", argv[i] + 1);
      return 1;
    }
    ++i;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) ++i;
  if (i >= argc) return usage();
  int status = 0;
  for (; i < argc; ++i) {
    const char* arg = argv[i];
    char* end = nullptr;
    errno = 0;
    const long pid = strtol(arg, &end, 10);
    if (arg[0] == '\0' || *end != '\0' || errno != 0 || pid != static_cast<pid_t>(pid)) {
      report(kProg, "failed to parse argument: '%s'", arg);
      status = 1;
      continue;
    }
    if (kill(static_cast<pid_t>(pid), signal_number) != 0) {
      fprintf(stderr, "%s: (%ld): %s\n", kProg, pid, strerror(errno));
      status = 1;
    }
  }
  return status;
}

}  // namespace mos::programs
