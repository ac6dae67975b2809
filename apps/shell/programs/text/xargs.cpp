// xargs: runs a command (default echo) with arguments read from stdin. Items are separated by
// blanks and newlines, with '...' "..." and backslash quoting (-0: NUL-separated, no quoting).
// Options -n N (at most N items per command), -I REPL (one command per line, REPL replaced in
// the initial arguments), -r (run nothing on empty input), -t (trace to stderr).
// Exit 123 if a command exited 1..125, 124 if one exited 255, 125 if one was killed,
// 126 if the command cannot run, 127 if it is not found.
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common.hpp"
#include "common/run_command.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "xargs";
constexpr size_t kMaxBytes = 128 * 1024;  // Per command line, like GNU's default buffer.

struct Options {
  size_t max_items = 0;  // 0: as many as fit.
  const char* replace = nullptr;
  bool nul = false;
  bool no_run_if_empty = false;
  bool trace = false;
};

enum class ReadResult { Item, End, Error };

// Reads the next item into `item`.
ReadResult read_item(const Options& o, FILE* in, text::ByteBuffer& item) {
  item.clear();
  int c = 0;
  if (o.nul) {
    bool any = false;
    while ((c = getc(in)) != EOF && c != '\0') {
      item.push(static_cast<char>(c));
      any = true;
    }
    return any || c == '\0' ? ReadResult::Item : ReadResult::End;
  }
  const bool whole_line = o.replace != nullptr;
  // Leading blanks (and, between items, newlines) are skipped; with -I an item is a whole
  // line in which quotes and backslashes still apply, and empty lines are skipped.
  while ((c = getc(in)) == ' ' || c == '\t' || c == '\n') {
  }
  if (c == EOF) return ReadResult::End;
  char quote = 0;
  for (; c != EOF; c = getc(in)) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\n') {
        break;
      } else {
        item.push(static_cast<char>(c));
      }
      continue;
    }
    if (c == '\n' || (!whole_line && (c == ' ' || c == '\t'))) return ReadResult::Item;
    if (c == '\'' || c == '"') {
      quote = static_cast<char>(c);
    } else if (c == '\\') {
      c = getc(in);
      if (c == EOF) break;
      item.push(static_cast<char>(c));
    } else {
      item.push(static_cast<char>(c));
    }
  }
  if (quote != 0) {
    report(kProg,
           "unmatched %s quote; by default quotes are special to xargs unless "
           "you use the -0 option",
           quote == '\'' ? "single" : "double");
    return ReadResult::Error;
  }
  return ReadResult::Item;
}

// Runs one command; returns false when xargs must stop (status set).
bool run(const Options& o, char** argv, int* status) {
  if (o.trace) {
    for (char** a = argv; *a != nullptr; ++a) fprintf(stderr, a == argv ? "%s" : " %s", *a);
    fputc('\n', stderr);
  }
  const CommandResult result = run_command(argv, environ);
  if (result.spawn_error != 0) {
    report_error(kProg, argv[0], result.spawn_error);
    *status = result.spawn_error == ENOENT ? 127 : 126;
    return false;
  }
  if (result.signal != 0) {
    report(kProg, "%s: terminated by signal %d", argv[0], result.signal);
    *status = 125;
    return false;
  }
  if (result.exit_status == 255) {
    report(kProg, "%s: exited with status 255; aborting", argv[0]);
    *status = 124;
    return false;
  }
  if (result.exit_status != 0) *status = 123;
  return true;
}

// Builds "initial argument with REPL replaced by item" in malloc'd memory.
char* replace_all(const char* arg, const char* repl, const char* item) {
  text::ByteBuffer out;
  const size_t repl_length = strlen(repl);
  for (const char* p = arg; *p != '\0';) {
    if (repl_length > 0 && strncmp(p, repl, repl_length) == 0) {
      out.append(item);
      p += repl_length;
    } else {
      out.push(*p++);
    }
  }
  char* copy = static_cast<char*>(malloc(out.size() + 1));
  if (copy != nullptr) memcpy(copy, out.data(), out.size() + 1);
  return copy;
}

int run_replacing(const Options& o, char** initial, int initial_count) {
  int status = 0;
  text::ByteBuffer item;
  char** argv = static_cast<char**>(calloc(static_cast<size_t>(initial_count) + 1, sizeof(char*)));
  if (argv == nullptr) return 1;
  for (;;) {
    const ReadResult r = read_item(o, stdin, item);
    if (r == ReadResult::Error) status = 1;
    if (r != ReadResult::Item) break;
    bool ok = true;
    for (int i = 0; i < initial_count; ++i) {
      argv[i] = replace_all(initial[i], o.replace, item.data());
      ok = ok && argv[i] != nullptr;
    }
    const bool go_on = ok && run(o, argv, &status);
    for (int i = 0; i < initial_count; ++i) free(argv[i]);
    if (!go_on) break;
  }
  free(argv);
  return status;
}

}  // namespace

int xargs_main(int argc, char** argv) {
  Options o;
  opterr = 0;
  int opt;
  // '+': options end at the command (glibc; POSIX getopt stops there anyway).
  while ((opt = getopt(argc, argv, "+0I:n:rt")) != -1) {
    switch (opt) {
      case '0': o.nul = true; break;
      case 'I': o.replace = optarg; break;
      case 'n':
        if (!text::parse_size(optarg, &o.max_items) || o.max_items == 0) {
          report(kProg, "value %s for -n option should be >= 1", optarg);
          return 1;
        }
        break;
      case 'r': o.no_run_if_empty = true; break;
      case 't': o.trace = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  char echo_name[] = "echo";
  char* default_command[] = {echo_name, nullptr};
  char** initial = optind < argc ? argv + optind : default_command;
  const int initial_count = optind < argc ? argc - optind : 1;
  if (o.replace != nullptr) return run_replacing(o, initial, initial_count);

  int status = 0;
  text::Array<char*> args;
  for (int i = 0; i < initial_count; ++i) args.push(initial[i]);
  text::ByteBuffer item;
  size_t initial_bytes = 0;
  for (int i = 0; i < initial_count; ++i) initial_bytes += strlen(initial[i]) + 1;
  bool ran = false;
  bool more = true;
  bool pending = false;  // `item` was read but did not fit in the previous command.
  while (more) {
    size_t bytes = initial_bytes;
    size_t items = 0;
    while (o.max_items == 0 || items < o.max_items) {
      if (!pending) {
        const ReadResult r = read_item(o, stdin, item);
        if (r == ReadResult::Error) status = 1;
        if (r != ReadResult::Item) {
          more = false;
          break;
        }
      }
      // GNU's command buffer: every argument with its NUL must fit in kMaxBytes.
      pending = items > 0 && bytes + item.size() + 1 > kMaxBytes;
      if (pending) break;
      char* copy = static_cast<char*>(malloc(item.size() + 1));
      if (copy == nullptr || !args.push(copy)) {
        free(copy);
        report(kProg, "memory exhausted");
        status = 1;
        more = false;
        break;
      }
      memcpy(copy, item.data(), item.size() + 1);
      ++items;
      bytes += item.size() + 1;
    }
    // After a quoting error GNU still runs the command with the items read before it.
    const bool stop = status == 1;
    if (items > 0 || (!stop && !ran && !o.no_run_if_empty)) {
      args.push(nullptr);
      if (!run(o, args.data(), &status)) more = false;
      args.pop();
      ran = true;
    }
    if (stop) status = 1;
    for (size_t i = static_cast<size_t>(initial_count); i < args.size(); ++i) free(args[i]);
    while (args.size() > static_cast<size_t>(initial_count)) args.pop();
    if (stop) break;
  }
  return status;
}

}  // namespace mos::programs
