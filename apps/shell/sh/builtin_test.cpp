// test and [: the POSIX unary and binary primaries, !, -a, -o and parentheses, parsed by
// recursive descent (depth bounded by the argument count, capped).
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.hpp"

namespace mos::sh {

namespace {

constexpr int kMaxDepth = 100;

struct TestParser {
  Shell& sh;
  char** args;
  int n;
  int pos = 0;
  bool error = false;
  int depth = 0;
};

bool is_binary_op(const char* s) {
  static constexpr const char* kOps[] = {"=",   "!=",  "-eq", "-ne", "-lt", "-le", "-gt",
                                         "-ge", "-nt", "-ot", "-ef", "==",  "<",   ">"};
  for (const char* op : kOps) {
    if (strcmp(op, s) == 0) return true;
  }
  return false;
}

bool is_unary_op(const char* s) {
  return s[0] == '-' && s[1] != '\0' && s[2] == '\0' && strchr("bcdefghLnprsStuwxzGO", s[1]);
}

bool parse_int(TestParser& t, const char* s, long* out) {
  char* end = nullptr;
  const char* p = s;
  while (*p == ' ' || *p == '\t') ++p;
  *out = strtol(p, &end, 10);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  if (end == p || *end != '\0') {
    sh_error(t.sh, "test: Illegal number: %s", s);
    t.error = true;
    return false;
  }
  return true;
}

bool unary(TestParser& t, char op, const char* arg) {
  struct stat st;
  switch (op) {
    case 'n':
      return arg[0] != '\0';
    case 'z':
      return arg[0] == '\0';
    case 't': {
      long fd = 0;
      return parse_int(t, arg, &fd) && isatty(static_cast<int>(fd));
    }
    case 'h':
    case 'L':
      return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
    case 'r':
      return access(arg, R_OK) == 0;
    case 'w':
      return access(arg, W_OK) == 0;
    case 'x':
      return access(arg, X_OK) == 0;
    default:
      break;
  }
  if (stat(arg, &st) != 0) return false;
  switch (op) {
    case 'e':
      return true;
    case 'f':
      return S_ISREG(st.st_mode);
    case 'd':
      return S_ISDIR(st.st_mode);
    case 'b':
      return S_ISBLK(st.st_mode);
    case 'c':
      return S_ISCHR(st.st_mode);
    case 'p':
      return S_ISFIFO(st.st_mode);
    case 'S':
      return S_ISSOCK(st.st_mode);
    case 's':
      return st.st_size > 0;
    case 'g':
      return (st.st_mode & S_ISGID) != 0;
    case 'u':
      return (st.st_mode & S_ISUID) != 0;
    case 'G':
      return st.st_gid == getegid();
    case 'O':
      return st.st_uid == geteuid();
    default:
      return false;
  }
}

bool binary(TestParser& t, const char* a, const char* op, const char* b) {
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(a, b) == 0;
  if (strcmp(op, "!=") == 0) return strcmp(a, b) != 0;
  if (strcmp(op, "<") == 0) return strcmp(a, b) < 0;
  if (strcmp(op, ">") == 0) return strcmp(a, b) > 0;
  if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0) {
    struct stat sa;
    struct stat sb;
    const bool ha = stat(a, &sa) == 0;
    const bool hb = stat(b, &sb) == 0;
    if (op[1] == 'e') return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (op[1] == 'n') return ha && (!hb || sa.st_mtime > sb.st_mtime);
    return hb && (!ha || sa.st_mtime < sb.st_mtime);
  }
  long x = 0;
  long y = 0;
  if (!parse_int(t, a, &x) || !parse_int(t, b, &y)) return false;
  if (strcmp(op, "-eq") == 0) return x == y;
  if (strcmp(op, "-ne") == 0) return x != y;
  if (strcmp(op, "-lt") == 0) return x < y;
  if (strcmp(op, "-le") == 0) return x <= y;
  if (strcmp(op, "-gt") == 0) return x > y;
  return x >= y;  // -ge
}

bool parse_or(TestParser& t);

bool parse_primary(TestParser& t) {
  if (t.pos >= t.n) {
    sh_error(t.sh, "test: argument expected");
    t.error = true;
    return false;
  }
  if (++t.depth > kMaxDepth) {
    sh_error(t.sh, "test: expression too complex");
    t.error = true;
    return false;
  }
  const char* a = t.args[t.pos];
  bool v = false;
  if (strcmp(a, "!") == 0 && t.pos + 1 < t.n &&
      !(t.pos + 2 < t.n && is_binary_op(t.args[t.pos + 1]) && t.pos + 3 == t.n)) {
    ++t.pos;
    v = !parse_primary(t);
  } else if (strcmp(a, "(") == 0 && t.pos + 1 < t.n &&
             !(t.pos + 2 < t.n && is_binary_op(t.args[t.pos + 1]) && t.pos + 3 == t.n)) {
    ++t.pos;
    v = parse_or(t);
    if (t.pos >= t.n || strcmp(t.args[t.pos], ")") != 0) {
      if (!t.error) sh_error(t.sh, "test: closing paren expected");
      t.error = true;
      return false;
    }
    ++t.pos;
  } else if (t.pos + 2 < t.n && is_binary_op(t.args[t.pos + 1])) {
    v = binary(t, a, t.args[t.pos + 1], t.args[t.pos + 2]);
    t.pos += 3;
  } else if (is_unary_op(a) && t.pos + 1 < t.n) {
    v = unary(t, a[1], t.args[t.pos + 1]);
    t.pos += 2;
  } else {
    v = a[0] != '\0';
    ++t.pos;
  }
  --t.depth;
  return v;
}

// operand [op operand]...: -a (is_or false) or -o (true); every operand is evaluated.
bool parse_chain(TestParser& t, const char* op, bool is_or, bool (*operand)(TestParser&)) {
  bool v = operand(t);
  while (!t.error && t.pos < t.n && strcmp(t.args[t.pos], op) == 0) {
    ++t.pos;
    const bool r = operand(t);
    v = is_or ? (v || r) : (v && r);
  }
  return v;
}

bool parse_and(TestParser& t) {
  return parse_chain(t, "-a", false, parse_primary);
}

bool parse_or(TestParser& t) {
  return parse_chain(t, "-o", true, parse_and);
}

int run_test(Shell& sh, int n, char** args) {
  if (n == 0) return 1;
  TestParser t{sh, args, n};
  const bool v = parse_or(t);
  if (!t.error && t.pos < t.n) {
    sh_error(sh, "test: unexpected operator");
    t.error = true;
  }
  if (t.error) return 2;
  return v ? 0 : 1;
}

}  // namespace

int builtin_test(Shell& sh, int argc, char** argv) {
  return run_test(sh, argc - 1, argv + 1);
}

int builtin_bracket(Shell& sh, int argc, char** argv) {
  if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
    sh_error(sh, "[: missing ]");
    return 2;
  }
  return run_test(sh, argc - 2, argv + 1);
}

}  // namespace mos::sh
