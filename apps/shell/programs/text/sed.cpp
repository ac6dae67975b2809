// sed: the stream editor. Options -n, -e SCRIPT, -f FILE, -E/-r. Commands: s y p P d D q Q = a i
// c n N h H g G x z b t T : { } and '!', addresses N, $, /RE/ (\cREc, I), first~step and ranges.
// Input files form one stream; a last line without a newline is written back without one.
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"
#include "sed.hpp"

namespace mos::programs {
namespace {

using sed::Address;
using sed::AddressKind;
using sed::Command;
using sed::Script;
using text::ByteBuffer;

constexpr const char* kProg = "sed";

// The input stream over every operand, one line of lookahead so that '$' is known.
struct Input {
  Input(char** input_paths, int input_count) : paths(input_paths), count(input_count) {}
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  char** paths;
  int count;
  int next_path = 0;
  FILE* file = nullptr;
  ByteBuffer ahead;
  bool ahead_newline = false;
  bool have_ahead = false;
  bool failed = false;  // A file could not be read: exit 2.

  ~Input() { text::close_input(file); }
};

void fill_ahead(Input& in) {
  in.have_ahead = false;
  for (;;) {
    if (in.file == nullptr) {
      if (in.next_path >= in.count) return;
      const char* path = in.paths[in.next_path++];
      in.file = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
      if (in.file == nullptr) {
        fprintf(stderr, "sed: can't read %s: %s\n", path, strerror(errno));
        in.failed = true;
        continue;
      }
    }
    if (text::read_line(in.file, in.ahead, &in.ahead_newline)) {
      in.have_ahead = true;
      return;
    }
    text::close_input(in.file);
    in.file = nullptr;
  }
}

struct Machine {
  Machine(Script& s, Input& in, bool q) : script(s), input(in), quiet(q) {}

  Script& script;
  Input& input;
  bool quiet;
  ByteBuffer pattern;
  ByteBuffer hold;
  bool pattern_newline = true;  // The current line ended with a newline.
  bool missing_newline = false;  // Output so far ends in a line written without its newline.
  size_t line_number = 0;
  bool replaced = false;  // For t and T.
  const regex_t* last_regex = nullptr;
  text::Array<const char*> appends;  // a texts, written at the end of the cycle.
  bool failed = false;
};

bool read_next(Machine& m) {
  if (!m.input.have_ahead) return false;
  m.pattern.swap(m.input.ahead);
  m.pattern_newline = m.input.ahead_newline;
  ++m.line_number;
  fill_ahead(m.input);
  return true;
}

bool is_last_line(const Machine& m) { return !m.input.have_ahead; }

// Writes bytes plus a newline, remembering GNU's "last line had no newline" rule.
void output(Machine& m, const char* bytes, size_t size, bool newline) {
  if (m.missing_newline) putchar('\n');
  m.missing_newline = false;
  text::write_out(bytes, size);
  if (newline) {
    putchar('\n');
  } else {
    m.missing_newline = true;
  }
}

void output_pattern(Machine& m) {
  output(m, m.pattern.data(), m.pattern.size(), m.pattern_newline || !is_last_line(m));
}

void flush_appends(Machine& m) {
  for (size_t i = 0; i < m.appends.size(); ++i) output(m, m.appends[i], strlen(m.appends[i]), true);
  m.appends.clear();
}

const regex_t* pick_regex(Machine& m, const regex_t* regex) {
  if (regex == nullptr) regex = m.last_regex;
  if (regex == nullptr) {
    report(kProg, "no previous regular expression");
    m.failed = true;
    return nullptr;
  }
  m.last_regex = regex;
  return regex;
}

bool matches(Machine& m, const Address& a) {
  switch (a.kind) {
    case AddressKind::None: return true;
    case AddressKind::Line: return m.line_number == a.line;
    case AddressKind::Last: return is_last_line(m);
    case AddressKind::Step:
      if (a.step == 0) return m.line_number == a.line;
      return m.line_number >= a.line && (m.line_number - a.line) % a.step == 0;
    case AddressKind::Relative: return false;  // Only an end address.
    case AddressKind::Regex: {
      const regex_t* regex = pick_regex(m, a.regex);
      return regex != nullptr && regexec(regex, m.pattern.data(), 0, nullptr, 0) == 0;
    }
  }
  return false;
}

bool selected(Machine& m, Command& cmd) {
  bool result = false;
  if (cmd.last.kind == AddressKind::None) {
    result = matches(m, cmd.first);
  } else if (!cmd.in_range) {
    result = matches(m, cmd.first);
    if (result) {
      // A line-number end at or before the start line closes the range at once.
      if (cmd.last.kind == AddressKind::Relative) {
        cmd.range_end = m.line_number + cmd.last.line;
        cmd.in_range = cmd.last.line > 0;
      } else {
        cmd.in_range = !(cmd.last.kind == AddressKind::Line && cmd.last.line <= m.line_number);
      }
    }
  } else {
    result = true;
    if (cmd.last.kind == AddressKind::Line) {
      cmd.in_range = m.line_number < cmd.last.line;
    } else if (cmd.last.kind == AddressKind::Relative) {
      cmd.in_range = m.line_number < cmd.range_end;
    } else if (cmd.last.kind == AddressKind::Regex) {
      cmd.in_range = !matches(m, cmd.last);
    }
  }
  return result != cmd.negate;
}

void expand_replacement(const char* replacement, const char* subject, const regmatch_t* groups,
                        ByteBuffer& out) {
  for (const char* r = replacement; *r != '\0'; ++r) {
    if (*r == '&') {
      out.append(subject + groups[0].rm_so, static_cast<size_t>(groups[0].rm_eo - groups[0].rm_so));
    } else if (*r == '\\' && r[1] != '\0') {
      ++r;
      if (*r >= '0' && *r <= '9') {
        const regmatch_t& g = groups[*r - '0'];
        if (g.rm_so >= 0) out.append(subject + g.rm_so, static_cast<size_t>(g.rm_eo - g.rm_so));
      } else if (*r == 'n') {
        out.push('\n');
      } else if (*r == 't') {
        out.push('\t');
      } else {
        out.push(*r);
      }
    } else {
      out.push(*r);
    }
  }
}

// s///: returns whether a replacement was made.
bool substitute(Machine& m, const Command& cmd) {
  const regex_t* regex = pick_regex(m, cmd.regex);
  if (regex == nullptr) return false;
  const char* subject = m.pattern.data();
  const size_t length = m.pattern.size();
  ByteBuffer result;
  size_t pos = 0;
  size_t count = 0;
  size_t previous_end = static_cast<size_t>(-1);
  bool done = false;
  constexpr size_t kGroups = 10;
  regmatch_t groups[kGroups];
  while (pos <= length && !done) {
    if (regexec(regex, subject + pos, kGroups, groups, pos > 0 ? REG_NOTBOL : 0) != 0) break;
    const size_t start = pos + static_cast<size_t>(groups[0].rm_so);
    const size_t end = pos + static_cast<size_t>(groups[0].rm_eo);
    if (start == end && start == previous_end) {
      // An empty match right after the previous match does not count.
      if (start >= length) break;
      result.push(subject[start]);
      pos = start + 1;
      continue;
    }
    ++count;
    result.append(subject + pos, start - pos);
    if (count >= cmd.occurrence) {
      for (size_t i = 0; i < kGroups; ++i) {
        if (groups[i].rm_so >= 0) {
          groups[i].rm_so += static_cast<regoff_t>(pos);
          groups[i].rm_eo += static_cast<regoff_t>(pos);
        }
      }
      expand_replacement(cmd.replacement, subject, groups, result);
      done = !cmd.global;
    } else {
      result.append(subject + start, end - start);
    }
    previous_end = end;
    if (start == end) {
      if (start < length) result.push(subject[start]);
      pos = start + 1;
    } else {
      pos = end;
    }
  }
  if (count < cmd.occurrence) return false;
  if (pos < length) result.append(subject + pos, length - pos);
  m.pattern.swap(result);
  return true;
}

enum class Flow { Continue, EndCycle, Delete, Restart, Quit, QuitSilent };

// Runs the script over the pattern space; the Flow says how the cycle ends.
Flow run(Machine& m, int* exit_code) {
  Script& s = m.script;
  size_t pc = 0;
  while (pc < s.commands.size()) {
    Command& cmd = s.commands[pc];
    ++pc;
    if (cmd.name == '}' || cmd.name == ':') continue;
    if (!selected(m, cmd)) {
      if (cmd.name == '{') pc = cmd.jump;
      continue;
    }
    switch (cmd.name) {
      case '{': break;
      case '=': printf("%zu\n", m.line_number); break;
      case 'a': m.appends.push(cmd.text); break;
      case 'i': output(m, cmd.text, strlen(cmd.text), true); break;
      case 'c':
        if (cmd.last.kind == AddressKind::None || !cmd.in_range || cmd.negate) {
          output(m, cmd.text, strlen(cmd.text), true);
        }
        return Flow::Delete;
      case 'b': pc = cmd.jump; break;
      case 't':
        if (m.replaced) pc = cmd.jump;
        m.replaced = false;
        break;
      case 'T':
        if (!m.replaced) pc = cmd.jump;
        m.replaced = false;
        break;
      case 'd': return Flow::Delete;
      case 'D': {
        const char* newline = static_cast<const char*>(memchr(m.pattern.data(), '\n',
                                                              m.pattern.size()));
        if (newline == nullptr) return Flow::Delete;
        ByteBuffer rest;
        const size_t skip = static_cast<size_t>(newline - m.pattern.data()) + 1;
        rest.append(m.pattern.data() + skip, m.pattern.size() - skip);
        m.pattern.swap(rest);
        return Flow::Restart;
      }
      case 'g': m.pattern.clear(); m.pattern.append(m.hold.data(), m.hold.size()); break;
      case 'G': m.pattern.push('\n'); m.pattern.append(m.hold.data(), m.hold.size()); break;
      case 'h': m.hold.clear(); m.hold.append(m.pattern.data(), m.pattern.size()); break;
      case 'H': m.hold.push('\n'); m.hold.append(m.pattern.data(), m.pattern.size()); break;
      case 'x': m.pattern.swap(m.hold); break;
      case 'z': m.pattern.clear(); break;
      case 'n':
        if (!m.quiet) output_pattern(m);
        if (is_last_line(m)) return Flow::QuitSilent;
        flush_appends(m);
        read_next(m);
        break;
      case 'N': {
        if (is_last_line(m)) return Flow::Quit;
        flush_appends(m);
        ByteBuffer joined;
        joined.append(m.pattern.data(), m.pattern.size());
        joined.push('\n');
        read_next(m);
        joined.append(m.pattern.data(), m.pattern.size());
        m.pattern.swap(joined);
        break;
      }
      case 'p': output(m, m.pattern.data(), m.pattern.size(), true); break;
      case 'P': {
        const char* newline = static_cast<const char*>(memchr(m.pattern.data(), '\n',
                                                              m.pattern.size()));
        const size_t size = newline != nullptr ? static_cast<size_t>(newline - m.pattern.data())
                                               : m.pattern.size();
        output(m, m.pattern.data(), size, true);
        break;
      }
      case 'q': *exit_code = cmd.exit_code; return Flow::Quit;
      case 'Q': *exit_code = cmd.exit_code; return Flow::QuitSilent;
      case 's':
        if (substitute(m, cmd)) {
          m.replaced = true;
          if (cmd.print) output(m, m.pattern.data(), m.pattern.size(), true);
        }
        if (m.failed) return Flow::QuitSilent;
        break;
      case 'y':
        for (size_t i = 0; i < m.pattern.size(); ++i) {
          char* bytes = m.pattern.mutable_data();
          bytes[i] = static_cast<char>(cmd.map[static_cast<unsigned char>(bytes[i])]);
        }
        break;
      default: break;
    }
    if (m.failed) return Flow::QuitSilent;
  }
  return Flow::EndCycle;
}

int usage() {
  fprintf(stderr, "Usage: sed [-n] [-E] [-e script] [-f script-file] [script] [file...]\n");
  return 1;
}

}  // namespace

int sed_main(int argc, char** argv) {
  ByteBuffer source;
  bool have_script = false;
  bool quiet = false;
  bool extended = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "nrEe:f:")) != -1) {
    switch (opt) {
      case 'n': quiet = true; break;
      case 'r':
      case 'E': extended = true; break;
      case 'e':
        if (have_script) source.push('\n');
        source.append(optarg);
        have_script = true;
        break;
      case 'f': {
        FILE* file = text::open_input(kProg, optarg);
        if (file == nullptr) return 1;
        if (have_script) source.push('\n');
        const bool read_ok = text::read_all(file, source);
        text::close_input(file);
        if (!read_ok) return 1;
        if (source.size() > 0 && source.data()[source.size() - 1] == '\n') {
          source.truncate(source.size() - 1);
        }
        have_script = true;
        break;
      }
      default:
        text::print_bad_option(kProg);
        return usage();
    }
  }
  if (!have_script) {
    if (optind >= argc) return usage();
    source.append(argv[optind++]);
  }
  if (!source.ok()) return 1;
  Script script;
  script.extended = extended;
  if (!sed::parse_script(source.data(), script)) return script.error_status;

  char* stdin_path[] = {const_cast<char*>("-")};
  Input input(optind < argc ? argv + optind : stdin_path, optind < argc ? argc - optind : 1);
  fill_ahead(input);
  Machine m(script, input, quiet);
  int exit_code = 0;
  bool restart = false;
  while (restart || read_next(m)) {
    if (!restart) m.replaced = false;
    restart = false;
    const Flow flow = run(m, &exit_code);
    if (m.failed) return 4;
    if (flow == Flow::EndCycle || flow == Flow::Quit) {
      if (!m.quiet) output_pattern(m);
    }
    flush_appends(m);
    if (flow == Flow::Quit || flow == Flow::QuitSilent) return exit_code;
    restart = flow == Flow::Restart;
  }
  return input.failed ? 2 : exit_code;
}

}  // namespace mos::programs
