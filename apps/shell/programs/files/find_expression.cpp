#include "find_expression.hpp"

#include "common.hpp"
#include "common/run_command.hpp"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>  // environ (glibc declares it with _GNU_SOURCE, which g++ defines)

namespace mos::programs::files {

namespace {

constexpr const char* kName = "find";
constexpr int kMaxNesting = 64;

/// The recursive-descent parser's state.
struct Parser {
  char** args;
  int count;
  int position;
  FindExpression* expression;
  int capacity;
  bool has_action;
  int nesting;
  bool ok;
};

int add_node(Parser& parser, FindNodeKind kind, int left = -1, int right = -1) {
  // Each argument adds at most a node and a chain link; capacity is checked all the same.
  if (parser.expression->count == parser.capacity) {
    parser.ok = false;
    return -1;
  }
  FindNode& node = parser.expression->nodes[parser.expression->count];
  memset(&node, 0, sizeof node);
  node.kind = kind;
  node.left = left;
  node.right = right;
  return parser.expression->count++;
}

int fail(Parser& parser, const char* format, const char* arg) {
  fprintf(stderr, "%s: ", kName);
  fprintf(stderr, format, arg);
  fputc('\n', stderr);
  parser.ok = false;
  return -1;
}

/// The argument after the predicate args[position - 1], or null after reporting it missing.
const char* take_argument(Parser& parser) {
  if (parser.position >= parser.count) {
    fail(parser, "missing argument to '%s'", parser.args[parser.position - 1]);
    return nullptr;
  }
  return parser.args[parser.position++];
}

/// "+N", "-N" or "N" with an optional unit letter (for -size).
bool parse_comparison(const char* text, FindNode& node, bool with_unit) {
  node.comparison = text[0] == '+' ? 1 : text[0] == '-' ? -1 : 0;
  if (node.comparison != 0) ++text;
  if (*text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  node.number = strtoll(text, &end, 10);
  if (errno != 0) return false;
  node.unit = 512;
  if (with_unit && *end != '\0' && end[1] == '\0') {
    switch (*end++) {
      case 'c':
        node.unit = 1;
        break;
      case 'w':
        node.unit = 2;
        break;
      case 'b':
        node.unit = 512;
        break;
      case 'k':
        node.unit = 1024;
        break;
      case 'M':
        node.unit = 1024 * 1024;
        break;
      case 'G':
        node.unit = 1024 * 1024 * 1024;
        break;
      default:
        return false;
    }
  }
  return *end == '\0';
}

bool parse_type(const char* text, mode_t* out) {
  if (text[0] == '\0' || text[1] != '\0') return false;
  switch (text[0]) {
    case 'f':
      *out = S_IFREG;
      return true;
    case 'd':
      *out = S_IFDIR;
      return true;
    case 'l':
      *out = S_IFLNK;
      return true;
    case 'c':
      *out = S_IFCHR;
      return true;
    case 'b':
      *out = S_IFBLK;
      return true;
    case 'p':
      *out = S_IFIFO;
      return true;
    case 's':
      *out = S_IFSOCK;
      return true;
    default:
      return false;
  }
}

bool parse_depth(Parser& parser, int* out) {
  const char* text = take_argument(parser);
  if (text == nullptr) return false;
  char* end = nullptr;
  const long value = strtol(text, &end, 10);
  if (*text < '0' || *text > '9' || *end != '\0' || value > INT_MAX) {
    fail(parser, "invalid depth '%s'", text);
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

int parse_or(Parser& parser);

/// A test, an action or a global option.
int parse_predicate(Parser& parser) {
  const char* word = parser.args[parser.position++];
  const auto with_text = [&](FindNodeKind kind) {
    const char* text = take_argument(parser);
    if (text == nullptr) return -1;
    const int index = add_node(parser, kind);
    if (index < 0) return -1;
    parser.expression->nodes[index].text = text;
    return index;
  };
  if (strcmp(word, "-name") == 0) return with_text(FindNodeKind::Name);
  if (strcmp(word, "-iname") == 0) return with_text(FindNodeKind::IName);
  if (strcmp(word, "-path") == 0) return with_text(FindNodeKind::Path);
  if (strcmp(word, "-true") == 0) return add_node(parser, FindNodeKind::True);
  if (strcmp(word, "-false") == 0) return add_node(parser, FindNodeKind::False);
  if (strcmp(word, "-empty") == 0) return add_node(parser, FindNodeKind::Empty);
  if (strcmp(word, "-prune") == 0) return add_node(parser, FindNodeKind::Prune);
  if (strcmp(word, "-print") == 0 || strcmp(word, "-print0") == 0) {
    parser.has_action = true;
    return add_node(parser, word[6] == '0' ? FindNodeKind::Print0 : FindNodeKind::Print);
  }
  if (strcmp(word, "-depth") == 0) {
    parser.expression->depth_first = true;
    return add_node(parser, FindNodeKind::True);
  }
  if (strcmp(word, "-maxdepth") == 0 || strcmp(word, "-mindepth") == 0) {
    int* field = word[2] == 'a' ? &parser.expression->max_depth : &parser.expression->min_depth;
    if (!parse_depth(parser, field)) return -1;
    return add_node(parser, FindNodeKind::True);
  }
  if (strcmp(word, "-type") == 0) {
    const char* text = take_argument(parser);
    if (text == nullptr) return -1;
    const int index = add_node(parser, FindNodeKind::Type);
    if (index < 0) return -1;
    if (!parse_type(text, &parser.expression->nodes[index].type)) {
      return fail(parser, "unknown argument to -type: %s", text);
    }
    return index;
  }
  if (strcmp(word, "-size") == 0 || strcmp(word, "-mtime") == 0) {
    const bool size = word[1] == 's';
    const char* text = take_argument(parser);
    if (text == nullptr) return -1;
    const int index = add_node(parser, size ? FindNodeKind::Size : FindNodeKind::Mtime);
    if (index < 0) return -1;
    if (!parse_comparison(text, parser.expression->nodes[index], size)) {
      return fail(parser, "invalid argument '%s'", text);
    }
    return index;
  }
  if (strcmp(word, "-newer") == 0) {
    const char* text = take_argument(parser);
    if (text == nullptr) return -1;
    struct stat st;
    if (stat(text, &st) != 0) {
      report_error(kName, text, errno);
      parser.ok = false;
      return -1;
    }
    const int index = add_node(parser, FindNodeKind::Newer);
    if (index < 0) return -1;
    parser.expression->nodes[index].time = st.st_mtim;
    return index;
  }
  if (strcmp(word, "-exec") == 0) {
    const int start = parser.position;
    while (parser.position < parser.count && strcmp(parser.args[parser.position], ";") != 0 &&
           strcmp(parser.args[parser.position], "+") != 0) {
      ++parser.position;
    }
    if (parser.position >= parser.count || parser.position == start) {
      return fail(parser, "missing argument to '%s'", word);
    }
    const int index = add_node(parser, FindNodeKind::Exec);
    if (index < 0) return -1;
    parser.expression->nodes[index].exec_args = parser.args + start;
    parser.expression->nodes[index].exec_count = parser.position - start;
    ++parser.position;  // The terminator.
    parser.has_action = true;
    return index;
  }
  return fail(parser,
              word[0] == '-' ? "unknown predicate '%s'" : "paths must precede expression: '%s'",
              word);
}

int parse_unary(Parser& parser) {
  if (parser.position >= parser.count) return fail(parser, "%s", "expected an expression");
  const char* word = parser.args[parser.position];
  if (++parser.nesting > kMaxNesting) return fail(parser, "%s", "expression nested too deeply");
  int result;
  if (strcmp(word, "!") == 0 || strcmp(word, "-not") == 0) {
    ++parser.position;
    const int operand = parse_unary(parser);
    result = operand < 0 ? -1 : add_node(parser, FindNodeKind::Not, operand);
  } else if (strcmp(word, "(") == 0) {
    ++parser.position;
    result = parse_or(parser);
    if (result >= 0 &&
        (parser.position >= parser.count || strcmp(parser.args[parser.position++], ")") != 0)) {
      result = fail(parser, "%s", "missing ')'");
    }
  } else {
    result = parse_predicate(parser);
  }
  --parser.nesting;
  return result;
}

bool at_and_end(const Parser& parser) {
  if (parser.position >= parser.count) return true;
  const char* word = parser.args[parser.position];
  return strcmp(word, "-o") == 0 || strcmp(word, "-or") == 0 || strcmp(word, ")") == 0;
}

/// Parses operands joined by `separator` (and, or) into a chain of kind nodes: each holds one
/// operand in left and the next link in right, so that evaluating a long chain is a loop, not a
/// recursion as deep as the chain.
int parse_chain(Parser& parser, FindNodeKind kind, int (*operand)(Parser&),
                bool (*continues)(Parser&)) {
  const int first = operand(parser);
  if (first < 0 || !continues(parser)) return first;
  const int head = add_node(parser, kind, first);
  int link = head;
  if (head < 0) return -1;
  do {
    const int next = operand(parser);
    if (next < 0) return -1;
    const int added = add_node(parser, kind, next);
    if (added < 0) return -1;
    parser.expression->nodes[link].right = added;
    link = added;
  } while (continues(parser));
  return head;
}

/// Whether another and-operand follows (consuming an explicit -a).
bool and_continues(Parser& parser) {
  if (at_and_end(parser)) return false;
  const char* word = parser.args[parser.position];
  if (strcmp(word, "-a") == 0 || strcmp(word, "-and") == 0) ++parser.position;
  return true;
}

/// Whether an -o follows (consuming it).
bool or_continues(Parser& parser) {
  if (parser.position >= parser.count) return false;
  const char* word = parser.args[parser.position];
  if (strcmp(word, "-o") != 0 && strcmp(word, "-or") != 0) return false;
  ++parser.position;
  return true;
}

int parse_and(Parser& parser) {
  return parse_chain(parser, FindNodeKind::And, parse_unary, and_continues);
}

int parse_or(Parser& parser) {
  return parse_chain(parser, FindNodeKind::Or, parse_and, or_continues);
}

bool compare(int64_t value, const FindNode& node) {
  if (node.comparison > 0) return value > node.number;
  if (node.comparison < 0) return value < node.number;
  return value == node.number;
}

bool is_empty(const FindCandidate& candidate) {
  if (S_ISREG(candidate.st->st_mode)) return candidate.st->st_size == 0;
  if (!S_ISDIR(candidate.st->st_mode)) return false;
  NameList names;
  if (read_directory(candidate.path, DotEntries::Skip, &names) != 0) return false;
  const bool empty = names.count == 0;
  free_name_list(&names);
  return empty;
}

/// Runs -exec's command with {} replaced by the path; true when it exits with status 0.
bool run_exec(const FindNode& node, FindCandidate& candidate) {
  const char* path = candidate.path;
  char** argv =
      static_cast<char**>(calloc(static_cast<size_t>(node.exec_count) + 1, sizeof(char*)));
  if (argv == nullptr) {
    report_error(kName, path, ENOMEM);
    return false;
  }
  for (int i = 0; i < node.exec_count; ++i) {
    argv[i] = strcmp(node.exec_args[i], "{}") == 0 ? const_cast<char*>(path) : node.exec_args[i];
  }
  // run_command flushes stdout: the command's output comes after what find printed so far.
  const CommandResult result = run_command(argv, environ);
  free(argv);
  if (!result.spawned) {
    report_error(kName, node.exec_args[0], result.spawn_error);
    candidate.failed = true;
    return false;
  }
  return result.spawn_error == 0 && result.signal == 0 && result.exit_status == 0;
}

/// -name and -iname; apart from evaluate so that its buffer is not in every recursive frame.
[[gnu::noinline]] bool name_matches(const FindNode& node, const char* path) {
  char name[NAME_MAX + 1];
  return last_component(path, name, sizeof name) &&
         glob_match(node.text, name, node.kind == FindNodeKind::IName);
}

bool is_later(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

bool evaluate(const FindExpression& expression, int index, FindCandidate& candidate) {
  const FindNode& node = expression.nodes[index];
  const struct stat& st = *candidate.st;
  switch (node.kind) {
    case FindNodeKind::And:
      for (int link = index; link >= 0; link = expression.nodes[link].right) {
        if (!evaluate(expression, expression.nodes[link].left, candidate)) return false;
      }
      return true;
    case FindNodeKind::Or:
      for (int link = index; link >= 0; link = expression.nodes[link].right) {
        if (evaluate(expression, expression.nodes[link].left, candidate)) return true;
      }
      return false;
    case FindNodeKind::Not:
      return !evaluate(expression, node.left, candidate);
    case FindNodeKind::True:
      return true;
    case FindNodeKind::False:
      return false;
    case FindNodeKind::Name:
    case FindNodeKind::IName:
      return name_matches(node, candidate.path);
    case FindNodeKind::Path:
      return glob_match(node.text, candidate.path, false);
    case FindNodeKind::Type:
      return (st.st_mode & S_IFMT) == node.type;
    case FindNodeKind::Newer:
      return is_later(st.st_mtim, node.time);
    case FindNodeKind::Size: {
      // Sizes count whole units, rounded up, as in GNU find.
      const uint64_t size = static_cast<uint64_t>(st.st_size);
      return compare(static_cast<int64_t>((size + node.unit - 1) / node.unit), node);
    }
    case FindNodeKind::Mtime:
      return compare((expression.now - st.st_mtim.tv_sec) / 86400, node);
    case FindNodeKind::Empty:
      return is_empty(candidate);
    case FindNodeKind::Print:
      printf("%s\n", candidate.path);
      return true;
    case FindNodeKind::Print0:
      fwrite(candidate.path, 1, strlen(candidate.path) + 1, stdout);
      return true;
    case FindNodeKind::Exec:
      return run_exec(node, candidate);
    case FindNodeKind::Prune:
      candidate.prune = true;
      return true;
  }
  return false;
}

/// Matches one bracket expression at *pattern (just after '['); advances past it. Sets
/// *matched. False when the bracket is not closed (then '[' is an ordinary character).
bool match_bracket(const char** pattern, char c, bool fold_case, bool* matched) {
  const char* p = *pattern;
  const bool negate = *p == '!' || *p == '^';
  if (negate) ++p;
  bool found = false;
  bool first = true;
  while (*p != '\0' && (first || *p != ']')) {
    first = false;
    char low = *p == '\\' && p[1] != '\0' ? *++p : *p;
    ++p;
    char high = low;
    if (*p == '-' && p[1] != ']' && p[1] != '\0') {
      high = p[1] == '\\' && p[2] != '\0' ? p[2] : p[1];
      p += p[1] == '\\' && p[2] != '\0' ? 3 : 2;
    }
    const auto in_range = [&](char x) { return x >= low && x <= high; };
    const int byte = static_cast<unsigned char>(c);
    if (in_range(c) || (fold_case && (in_range(static_cast<char>(tolower(byte))) ||
                                      in_range(static_cast<char>(toupper(byte)))))) {
      found = true;
    }
  }
  if (*p != ']') return false;
  *pattern = p + 1;
  *matched = found != negate;
  return true;
}

bool same_char(char a, char b, bool fold_case) {
  return a == b || (fold_case && tolower(static_cast<unsigned char>(a)) ==
                                     tolower(static_cast<unsigned char>(b)));
}

}  // namespace

bool glob_match(const char* pattern, const char* text, bool fold_case) {
  // Backtracking to the last '*' suffices for shell patterns.
  const char* star_pattern = nullptr;
  const char* star_text = nullptr;
  while (*text != '\0') {
    bool matched = false;
    const char* next = pattern;
    if (*pattern == '*') {
      star_pattern = ++pattern;
      star_text = text;
      continue;
    }
    if (*pattern == '?') {
      matched = true;
      next = pattern + 1;
    } else if (*pattern == '[') {
      next = pattern + 1;
      if (!match_bracket(&next, *text, fold_case, &matched)) {
        matched = *text == '[';
        next = pattern + 1;
      }
    } else if (*pattern == '\\' && pattern[1] != '\0') {
      matched = same_char(pattern[1], *text, fold_case);
      next = pattern + 2;
    } else if (*pattern != '\0') {
      matched = same_char(*pattern, *text, fold_case);
      next = pattern + 1;
    }
    if (matched) {
      pattern = next;
      ++text;
    } else if (star_pattern != nullptr) {
      pattern = star_pattern;
      text = ++star_text;
    } else {
      return false;
    }
  }
  while (*pattern == '*') ++pattern;
  return *pattern == '\0';
}

bool parse_find_expression(char** args, int count, FindExpression* out) {
  *out = FindExpression{nullptr, 0, -1, -1, 0, false, time(nullptr)};
  const int capacity = count * 3 + 4;
  out->nodes = static_cast<FindNode*>(calloc(static_cast<size_t>(capacity), sizeof(FindNode)));
  if (out->nodes == nullptr) {
    report_error(kName, "expression", ENOMEM);
    return false;
  }
  Parser parser{args, count, 0, out, capacity, false, 0, true};
  int root = -1;
  if (count > 0) {
    root = parse_or(parser);
    if (parser.ok && parser.position < count) {
      fail(parser, "unexpected '%s'", args[parser.position]);
    }
    if (!parser.ok) return false;
  }
  if (!parser.has_action) {
    const int print = add_node(parser, FindNodeKind::Print);
    if (print < 0) return false;
    if (root < 0) {
      root = print;
    } else {
      const int tail = add_node(parser, FindNodeKind::And, print);
      root = tail < 0 ? -1 : add_node(parser, FindNodeKind::And, root, tail);
      if (root < 0) return false;
    }
  }
  out->root = root;
  return true;
}

void free_find_expression(FindExpression* expression) {
  free(expression->nodes);
  expression->nodes = nullptr;
}

bool evaluate_find_expression(const FindExpression& expression, FindCandidate& candidate) {
  return evaluate(expression, expression.root, candidate);
}

}  // namespace mos::programs::files
