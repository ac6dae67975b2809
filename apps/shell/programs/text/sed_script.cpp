// sed's script parser: addresses, commands, s/// and y/// arguments, text of a i c, labels
// and blocks. Produces a flat command array; '{' jumps past its '}', branches hold indexes.
#include <ctype.h>
#include <string.h>

#include "sed.hpp"

namespace mos::programs::sed {
namespace {

struct Parser {
  const char* source;
  size_t pos;
  Script& script;
  text::Array<size_t> open_blocks;
};

bool fail(Parser& p, const char* message) {
  fprintf(stderr, "sed: -e expression #1, char %zu: %s\n", p.pos, message);
  return false;
}

char peek(const Parser& p) { return p.source[p.pos]; }

void skip_spaces(Parser& p) {
  while (peek(p) == ' ' || peek(p) == '\t') ++p.pos;
}

char* duplicate(const char* bytes, size_t size) {
  char* copy = static_cast<char*>(malloc(size + 1));
  if (copy != nullptr) {
    memcpy(copy, bytes, size);
    copy[size] = '\0';
  }
  return copy;
}

// Reads up to the unescaped `delim`. "\delim" becomes delim; in a regex "\n" becomes a newline
// and "\t" a tab; other escapes stay for regcomp or the replacement expansion.
bool read_delimited(Parser& p, char delim, bool is_regex, text::ByteBuffer& out) {
  for (;;) {
    const char c = peek(p);
    if (c == '\0') return false;
    ++p.pos;
    if (c == delim) return true;
    if (c == '\n' && is_regex) return false;
    if (c != '\\') {
      out.push(c);
      continue;
    }
    const char next = peek(p);
    if (next == '\0') return false;
    ++p.pos;
    if (next == delim) {
      out.push(delim);
    } else if (next == 'n' && is_regex) {
      out.push('\n');
    } else if (next == 't' && is_regex) {
      out.push('\t');
    } else if (next == '\n' && !is_regex) {
      out.push('\n');
    } else {
      out.push('\\');
      out.push(next);
    }
  }
}

// Compiles a regex (nullptr for the empty one: "the last regex used").
bool compile(Parser& p, const text::ByteBuffer& source, int extra_flags, regex_t** out) {
  *out = nullptr;
  if (source.size() == 0) return true;
  regex_t* regex = static_cast<regex_t*>(malloc(sizeof(regex_t)));
  if (regex == nullptr) return fail(p, "out of memory");
  const int flags = (p.script.extended ? REG_EXTENDED : 0) | extra_flags;
  const int error = regcomp(regex, source.data(), flags);
  if (error != 0) {
    char message[256];
    regerror(error, regex, message, sizeof message);
    free(regex);
    return fail(p, message);
  }
  if (!p.script.regexes.push(regex)) {
    regfree(regex);
    free(regex);
    return fail(p, "out of memory");
  }
  *out = regex;
  return true;
}

bool parse_number(Parser& p, size_t* value) {
  if (!isdigit(static_cast<unsigned char>(peek(p)))) return false;
  size_t result = 0;
  while (isdigit(static_cast<unsigned char>(peek(p)))) {
    result = result * 10 + static_cast<size_t>(peek(p) - '0');
    ++p.pos;
  }
  *value = result;
  return true;
}

// Parses an address if one starts here; false only on a malformed one.
bool parse_address(Parser& p, Address& a) {
  const char c = peek(p);
  if (isdigit(static_cast<unsigned char>(c))) {
    parse_number(p, &a.line);
    a.kind = AddressKind::Line;
    if (peek(p) == '~') {
      ++p.pos;
      if (!parse_number(p, &a.step)) a.step = 0;
      a.kind = AddressKind::Step;
    }
    return true;
  }
  if (c == '$') {
    ++p.pos;
    a.kind = AddressKind::Last;
    return true;
  }
  if (c == '/' || c == '\\') {
    ++p.pos;
    char delim = '/';
    if (c == '\\') {
      delim = peek(p);
      if (delim == '\0' || delim == '\n' || delim == '\\') return fail(p, "unexpected `,'");
      ++p.pos;
    }
    text::ByteBuffer regex;
    if (!read_delimited(p, delim, true, regex)) return fail(p, "unterminated address regex");
    int flags = 0;
    while (peek(p) == 'I' || peek(p) == 'M') {
      flags |= peek(p) == 'I' ? REG_ICASE : REG_NEWLINE;
      ++p.pos;
    }
    a.kind = AddressKind::Regex;
    return compile(p, regex, flags, &a.regex);
  }
  return true;
}

// The highest \N in a replacement, to check it against the regex's groups.
size_t highest_reference(const char* replacement) {
  size_t highest = 0;
  for (const char* r = replacement; *r != '\0'; ++r) {
    if (*r != '\\' || r[1] == '\0') continue;
    ++r;
    if (*r >= '1' && *r <= '9' && static_cast<size_t>(*r - '0') > highest) {
      highest = static_cast<size_t>(*r - '0');
    }
  }
  return highest;
}

bool parse_substitute(Parser& p, Command& cmd) {
  const char delim = peek(p);
  if (delim == '\0' || delim == '\n' || delim == '\\') return fail(p, "unterminated `s' command");
  ++p.pos;
  text::ByteBuffer regex;
  text::ByteBuffer replacement;
  if (!read_delimited(p, delim, true, regex) || !read_delimited(p, delim, false, replacement)) {
    return fail(p, "unterminated `s' command");
  }
  int flags = 0;
  bool have_number = false;
  for (;;) {
    const char c = peek(p);
    if (c == 'g') {
      cmd.global = true;
    } else if (c == 'p') {
      cmd.print = true;
    } else if (c == 'i' || c == 'I') {
      flags |= REG_ICASE;
    } else if (c == 'm' || c == 'M') {
      flags |= REG_NEWLINE;
    } else if (isdigit(static_cast<unsigned char>(c))) {
      if (have_number) return fail(p, "multiple number options to `s' command");
      parse_number(p, &cmd.occurrence);
      if (cmd.occurrence == 0) return fail(p, "number option to `s' command may not be zero");
      have_number = true;
      continue;
    } else {
      break;
    }
    ++p.pos;
  }
  if (!compile(p, regex, flags, &cmd.regex)) return false;
  cmd.replacement = duplicate(replacement.data(), replacement.size());
  if (cmd.replacement == nullptr) return fail(p, "out of memory");
  const size_t highest = highest_reference(cmd.replacement);
  if (cmd.regex != nullptr && highest > cmd.regex->re_nsub) {
    char message[64];
    snprintf(message, sizeof message, "invalid reference \\%zu on `s' command's RHS", highest);
    return fail(p, message);
  }
  return true;
}

bool parse_transliterate(Parser& p, Command& cmd) {
  const char delim = peek(p);
  if (delim == '\0' || delim == '\n' || delim == '\\') return fail(p, "unterminated `y' command");
  ++p.pos;
  text::ByteBuffer sets[2];
  for (text::ByteBuffer& set : sets) {
    for (;;) {
      char c = peek(p);
      if (c == '\0') return fail(p, "unterminated `y' command");
      ++p.pos;
      if (c == delim) break;
      if (c == '\\') {
        c = peek(p);
        if (c == '\0') return fail(p, "unterminated `y' command");
        ++p.pos;
        if (c == 'n') c = '\n';
        else if (c == 't') c = '\t';
        else if (c != delim && c != '\\') return fail(p, "unknown option to `y'");
      }
      set.push(c);
    }
  }
  if (sets[0].size() != sets[1].size()) {
    return fail(p, "strings for `y' command are different lengths");
  }
  cmd.map = static_cast<unsigned char*>(malloc(256));
  if (cmd.map == nullptr) return fail(p, "out of memory");
  for (int i = 0; i < 256; ++i) cmd.map[i] = static_cast<unsigned char>(i);
  for (size_t i = 0; i < sets[0].size(); ++i) {
    cmd.map[static_cast<unsigned char>(sets[0].data()[i])] =
        static_cast<unsigned char>(sets[1].data()[i]);
  }
  return true;
}

// The text of a, i, c: "a\<newline>TEXT" or GNU's one-line "a TEXT"; a backslash-newline
// continues the text on the next line.
bool parse_text(Parser& p, Command& cmd) {
  skip_spaces(p);
  if (peek(p) == '\\') {
    ++p.pos;
    if (peek(p) == '\n') ++p.pos;
  }
  text::ByteBuffer out;
  for (;;) {
    const char c = peek(p);
    if (c == '\0' || c == '\n') break;
    ++p.pos;
    if (c == '\\' && peek(p) != '\0') {
      out.push(peek(p));
      ++p.pos;
    } else {
      out.push(c);
    }
  }
  if (out.size() == 0 && cmd.name != 'c') return fail(p, "expected \\ after `a', `c' or `i'");
  cmd.text = duplicate(out.data(), out.size());
  return cmd.text != nullptr || fail(p, "out of memory");
}

bool parse_label(Parser& p, Command& cmd) {
  skip_spaces(p);
  const size_t start = p.pos;
  while (peek(p) != '\0' && peek(p) != '\n' && peek(p) != ';') ++p.pos;
  size_t end = p.pos;
  while (end > start && (p.source[end - 1] == ' ' || p.source[end - 1] == '\t')) --end;
  if (cmd.name == ':' && end == start) return fail(p, "\":\" lacks a label");
  cmd.text = duplicate(p.source + start, end - start);
  return cmd.text != nullptr || fail(p, "out of memory");
}

// After a command: only blanks, then ';', newline, '}', '#' or the end.
bool end_of_command(Parser& p) {
  skip_spaces(p);
  const char c = peek(p);
  if (c == ';' || c == '\n') {
    ++p.pos;
    return true;
  }
  if (c == '\0' || c == '}' || c == '#') return true;
  return fail(p, "extra characters after command");
}

bool parse_arguments(Parser& p, Command& cmd) {
  switch (cmd.name) {
    case '{':
      return p.open_blocks.push(p.script.commands.size()) || fail(p, "out of memory");
    case '}':
      if (cmd.first.kind != AddressKind::None) return fail(p, "} doesn't want any addresses");
      if (p.open_blocks.size() == 0) return fail(p, "unexpected `}'");
      p.open_blocks.pop();
      return end_of_command(p);
    case 's':
      return parse_substitute(p, cmd) && end_of_command(p);
    case 'y':
      return parse_transliterate(p, cmd) && end_of_command(p);
    case 'a':
    case 'i':
    case 'c':
      return parse_text(p, cmd);
    case ':':
      if (cmd.first.kind != AddressKind::None) return fail(p, ": doesn't want any addresses");
      return parse_label(p, cmd) && end_of_command(p);
    case 'b':
    case 't':
    case 'T':
      return parse_label(p, cmd) && end_of_command(p);
    case 'q':
    case 'Q': {
      skip_spaces(p);
      size_t code = 0;
      if (parse_number(p, &code)) cmd.exit_code = static_cast<int>(code & 0xff);
      return end_of_command(p);
    }
    case '=':
    case 'd':
    case 'D':
    case 'g':
    case 'G':
    case 'h':
    case 'H':
    case 'n':
    case 'N':
    case 'p':
    case 'P':
    case 'x':
    case 'z':
      return end_of_command(p);
    default:
      return fail(p, "unknown command");
  }
}

// Resolves labels and block ends once every command is known.
bool link(Parser& p) {
  Script& s = p.script;
  text::Array<size_t> stack;
  for (size_t i = 0; i < s.commands.size(); ++i) {
    Command& cmd = s.commands[i];
    if (cmd.name == '{') {
      if (!stack.push(i)) return fail(p, "out of memory");
    } else if (cmd.name == '}') {
      s.commands[stack[stack.size() - 1]].jump = i + 1;
      stack.pop();
    } else if (cmd.name == 'b' || cmd.name == 't' || cmd.name == 'T') {
      cmd.jump = s.commands.size();
      if (cmd.text[0] == '\0') continue;
      bool found = false;
      for (size_t j = 0; j < s.commands.size() && !found; ++j) {
        if (s.commands[j].name == ':' && strcmp(s.commands[j].text, cmd.text) == 0) {
          cmd.jump = j;
          found = true;
        }
      }
      if (!found) {
        fprintf(stderr, "sed: can't find label for jump to `%s'\n", cmd.text);
        s.error_status = 4;
        return false;
      }
    }
  }
  return true;
}

}  // namespace

Script::~Script() {
  for (size_t i = 0; i < commands.size(); ++i) {
    free(commands[i].replacement);
    free(commands[i].map);
    free(commands[i].text);
  }
  for (size_t i = 0; i < regexes.size(); ++i) {
    regfree(regexes[i]);
    free(regexes[i]);
  }
}

bool parse_script(const char* source, Script& script) {
  Parser p{source, 0, script, {}};
  for (;;) {
    while (isspace(static_cast<unsigned char>(peek(p))) || peek(p) == ';') ++p.pos;
    if (peek(p) == '\0') break;
    if (peek(p) == '#') {
      while (peek(p) != '\0' && peek(p) != '\n') ++p.pos;
      continue;
    }
    Command cmd;
    if (!parse_address(p, cmd.first)) return false;
    if (cmd.first.kind != AddressKind::None) skip_spaces(p);
    if (cmd.first.kind != AddressKind::None && peek(p) == ',') {
      ++p.pos;
      skip_spaces(p);
      if (peek(p) == '+') {
        ++p.pos;
        if (!parse_number(p, &cmd.last.line)) return fail(p, "expected number after +");
        cmd.last.kind = AddressKind::Relative;
      } else if (!parse_address(p, cmd.last)) {
        return false;
      }
      if (cmd.last.kind == AddressKind::None || cmd.last.kind == AddressKind::Step) {
        return fail(p, "unexpected `,'");
      }
    }
    skip_spaces(p);
    while (peek(p) == '!') {
      cmd.negate = true;
      ++p.pos;
      skip_spaces(p);
    }
    cmd.name = peek(p);
    if (cmd.name == '\0') return fail(p, "missing command");
    ++p.pos;
    // Push first so that a failing parse still frees what the command owns.
    if (!script.commands.push(cmd)) return fail(p, "out of memory");
    if (!parse_arguments(p, script.commands[script.commands.size() - 1])) return false;
  }
  if (p.open_blocks.size() > 0) return fail(p, "unmatched `{'");
  return link(p);
}

}  // namespace mos::programs::sed
