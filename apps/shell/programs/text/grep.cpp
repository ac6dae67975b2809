// grep: prints lines that match patterns. Basic regular expressions by default (-E extended,
// -F fixed strings) through <regex.h>; -i -v -n -c -l -L -q -s -x -w -o -h -H -m NUM, patterns
// from -e (repeatable), -f FILE or the first operand; a pattern with newlines is several
// patterns. Exit 0 when a line is selected, 1 when none, 2 on an error (0 with -q and a match).
#include <ctype.h>
#include <regex.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "grep";

enum class Syntax { Basic, Extended, Fixed };

struct Options {
  Syntax syntax = Syntax::Basic;
  bool ignore_case = false;
  bool invert = false;
  bool line_numbers = false;
  bool count = false;
  bool files_with_matches = false;
  bool files_without_match = false;
  bool quiet = false;
  bool no_messages = false;
  bool whole_line = false;
  bool whole_word = false;
  bool only_matching = false;
  int with_filename = -1;  // -1: when there are several files.
  size_t max_count = static_cast<size_t>(-1);
};

struct Pattern {
  char* text;     // Owned (malloc).
  size_t length;
  regex_t regex;  // Unused for Syntax::Fixed.
  bool compiled;
};

struct Matcher {
  const Options* options;
  text::Array<Pattern> patterns;

  ~Matcher() {
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (patterns[i].compiled) regfree(&patterns[i].regex);
      free(patterns[i].text);
    }
  }
};

bool is_word_char(char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Adds each newline-separated piece of `text` as a pattern.
bool add_patterns(Matcher& m, const char* text, size_t length) {
  size_t start = 0;
  for (size_t i = 0; i <= length; ++i) {
    if (i < length && text[i] != '\n') continue;
    char* copy = static_cast<char*>(malloc(i - start + 1));
    if (copy == nullptr) return false;
    memcpy(copy, text + start, i - start);
    copy[i - start] = '\0';
    if (!m.patterns.push(Pattern{copy, i - start, {}, false})) {
      free(copy);
      return false;
    }
    start = i + 1;
  }
  return true;
}

bool compile(Matcher& m) {
  int flags = 0;
  if (m.options->syntax == Syntax::Extended) flags |= REG_EXTENDED;
  if (m.options->ignore_case) flags |= REG_ICASE;
  if (m.options->syntax == Syntax::Fixed) return true;
  for (size_t i = 0; i < m.patterns.size(); ++i) {
    Pattern& p = m.patterns[i];
    if (p.length == 0) continue;  // The empty pattern matches everywhere; no regex needed.
    const int error = regcomp(&p.regex, p.text, flags);
    if (error != 0) {
      char message[256];
      regerror(error, &p.regex, message, sizeof message);
      report(kProg, "%s", message);
      return false;
    }
    p.compiled = true;
  }
  return true;
}

// Finds the first match of `p` in line[from..], not before `from`; sets [*start, *end).
bool find_one(const Matcher& m, const Pattern& p, const char* line, size_t length, size_t from,
              size_t* start, size_t* end) {
  if (p.length == 0) {
    *start = *end = from;
    return true;
  }
  if (m.options->syntax == Syntax::Fixed) {
    for (size_t i = from; i + p.length <= length; ++i) {
      const int diff = m.options->ignore_case ? strncasecmp(line + i, p.text, p.length)
                                              : memcmp(line + i, p.text, p.length);
      if (diff == 0) {
        *start = i;
        *end = i + p.length;
        return true;
      }
    }
    return false;
  }
  regmatch_t match[1];
  if (regexec(&p.regex, line + from, 1, match, from > 0 ? REG_NOTBOL : 0) != 0) return false;
  *start = from + static_cast<size_t>(match[0].rm_so);
  *end = from + static_cast<size_t>(match[0].rm_eo);
  return true;
}

// The first acceptable match of one pattern at or after `from`, honouring -x and -w.
bool find_pattern(const Matcher& m, const Pattern& p, const char* line, size_t length,
                  size_t from, size_t* start, size_t* end) {
  for (size_t at = from; at <= length; ++at) {
    if (!find_one(m, p, line, length, at, start, end)) return false;
    if (m.options->whole_line) {
      // A leftmost-longest match that covers the line exists iff this one does.
      return *start == 0 && *end == length && from == 0;
    }
    if (!m.options->whole_word) return true;
    const bool before_ok = *start == 0 || !is_word_char(line[*start - 1]);
    const bool after_ok = *end == length || !is_word_char(line[*end]);
    if (before_ok && after_ok) return true;
    at = *start;  // Try again one character further.
  }
  return false;
}

// The leftmost match of any pattern at or after `from`.
bool find_any(const Matcher& m, const char* line, size_t length, size_t from, size_t* start,
              size_t* end) {
  bool found = false;
  for (size_t i = 0; i < m.patterns.size(); ++i) {
    size_t s = 0;
    size_t e = 0;
    if (!find_pattern(m, m.patterns[i], line, length, from, &s, &e)) continue;
    if (!found || s < *start || (s == *start && e > *end)) {
      *start = s;
      *end = e;
      found = true;
    }
  }
  return found;
}

void print_prefix(const Options& o, const char* name, size_t line_number) {
  if (o.with_filename == 1) printf("%s:", name);
  if (o.line_numbers) printf("%zu:", line_number);
}

// Searches one stream; returns the number of selected lines.
size_t grep_stream(const Matcher& m, FILE* file, const char* name) {
  const Options& o = *m.options;
  text::ByteBuffer line;
  size_t selected = 0;
  size_t line_number = 0;
  while (selected < o.max_count && text::read_line(file, line, nullptr)) {
    ++line_number;
    // Matching works on C strings: a NUL byte ends the searchable part of a line.
    const size_t length = strlen(line.data());
    size_t start = 0;
    size_t end = 0;
    const bool matched = find_any(m, line.data(), length, 0, &start, &end);
    if (matched == o.invert) continue;
    ++selected;
    if (o.quiet || o.files_with_matches || o.files_without_match) break;
    if (o.count) continue;
    if (o.only_matching) {
      if (o.invert) continue;
      for (size_t from = 0; from <= length && find_any(m, line.data(), length, from, &start, &end);) {
        if (end > start) {
          print_prefix(o, name, line_number);
          fwrite(line.data() + start, 1, end - start, stdout);
          putchar('\n');
          from = end;
        } else {
          from = start + 1;
        }
      }
      continue;
    }
    print_prefix(o, name, line_number);
    fwrite(line.data(), 1, line.size(), stdout);
    putchar('\n');
  }
  return selected;
}

}  // namespace

int grep_main(int argc, char** argv) {
  Options o;
  Matcher m;
  m.options = &o;
  bool have_patterns = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "EFGHLce:f:hilm:noqrsvwxy")) != -1) {
    switch (opt) {
      case 'E': o.syntax = Syntax::Extended; break;
      case 'F': o.syntax = Syntax::Fixed; break;
      case 'G': o.syntax = Syntax::Basic; break;
      case 'H': o.with_filename = 1; break;
      case 'h': o.with_filename = 0; break;
      case 'L': o.files_without_match = true; o.files_with_matches = false; break;
      case 'l': o.files_with_matches = true; o.files_without_match = false; break;
      case 'c': o.count = true; break;
      case 'i':
      case 'y': o.ignore_case = true; break;
      case 'm':
        if (!text::parse_size(optarg, &o.max_count)) {
          report(kProg, "invalid max count");
          return 2;
        }
        break;
      case 'n': o.line_numbers = true; break;
      case 'o': o.only_matching = true; break;
      case 'q': o.quiet = true; break;
      case 's': o.no_messages = true; break;
      case 'v': o.invert = true; break;
      case 'w': o.whole_word = true; break;
      case 'x': o.whole_line = true; break;
      case 'e':
        if (!add_patterns(m, optarg, strlen(optarg))) return 2;
        have_patterns = true;
        break;
      case 'f': {
        FILE* file = text::open_input(kProg, optarg);
        if (file == nullptr) return 2;
        text::ByteBuffer contents;
        const bool read_ok = text::read_all(file, contents);
        text::close_input(file);
        size_t length = contents.size();
        if (length > 0 && contents.data()[length - 1] == '\n') --length;
        // An empty file holds no pattern at all (and so matches nothing).
        if (!read_ok || (contents.size() > 0 && !add_patterns(m, contents.data(), length))) {
          return 2;
        }
        have_patterns = true;
        break;
      }
      case 'r':
        report(kProg, "-r is not supported");
        return 2;
      default:
        text::print_bad_option(kProg);
        fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        return 2;
    }
  }
  if (!have_patterns) {
    if (optind >= argc) {
      fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
      return 2;
    }
    if (!add_patterns(m, argv[optind], strlen(argv[optind]))) return 2;
    ++optind;
  }
  if (!compile(m)) return 2;
  const int files = argc - optind;
  if (o.with_filename == -1) o.with_filename = files > 1 ? 1 : 0;
  bool any_selected = false;
  bool error = false;
  for (int i = 0; i < (files > 0 ? files : 1); ++i) {
    const char* path = files > 0 ? argv[optind + i] : "-";
    FILE* file = text::open_input(kProg, path, o.no_messages);
    if (file == nullptr) {
      error = true;
      continue;
    }
    const char* name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    const size_t selected = o.max_count == 0 ? 0 : grep_stream(m, file, name);
    text::close_input(file);
    any_selected = any_selected || selected > 0;
    if (o.quiet && any_selected) return 0;
    if (o.count) {
      if (o.with_filename == 1) printf("%s:", name);
      printf("%zu\n", selected);
    }
    if (o.files_with_matches && selected > 0) printf("%s\n", name);
    if (o.files_without_match && selected == 0) printf("%s\n", name);
  }
  if (error) return 2;
  return any_selected ? 0 : 1;
}

}  // namespace mos::programs
