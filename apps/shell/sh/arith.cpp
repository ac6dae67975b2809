// Arithmetic expansion: C integer expressions over `long`, by precedence climbing. Overflow
// wraps (computed in unsigned arithmetic); division by zero is an error.
#include <limits.h>
#include <stdlib.h>

#include "expand.hpp"
#include "parser.hpp"

namespace mos::sh {

namespace {

constexpr int kMaxDepth = 100;

struct Arith {
  Shell& sh;
  const char* p;
  bool error = false;
  int depth = 0;

  void skip() {
    while (*p == ' ' || *p == '\t' || *p == '\n') ++p;
  }
  bool fail(const char* msg) {
    if (!error) sh_error(sh, "arithmetic expression: %s", msg);
    error = true;
    return false;
  }
  // Consumes `op` if it is next and not the start of a longer operator in `not_followed`.
  bool accept(const char* op, const char* not_followed = "") {
    skip();
    const size_t n = strlen(op);
    if (strncmp(p, op, n) != 0) return false;
    if (p[n] != '\0' && strchr(not_followed, p[n])) return false;
    p += n;
    return true;
  }
};

long wrap_add(long a, long b) {
  return static_cast<long>(static_cast<unsigned long>(a) + static_cast<unsigned long>(b));
}
long wrap_sub(long a, long b) {
  return static_cast<long>(static_cast<unsigned long>(a) - static_cast<unsigned long>(b));
}
long wrap_mul(long a, long b) {
  return static_cast<long>(static_cast<unsigned long>(a) * static_cast<unsigned long>(b));
}

// A number in C syntax (decimal, 0x hex, 0 octal), with optional sign and blanks for variable
// values; false if `s` is not one.
bool parse_number(const char* s, long* out) {
  while (*s == ' ' || *s == '\t' || *s == '\n') ++s;
  bool neg = false;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  if (!(*s >= '0' && *s <= '9')) return false;
  char* end = nullptr;
  const unsigned long v = strtoul(s, &end, 0);
  while (*end == ' ' || *end == '\t' || *end == '\n') ++end;
  if (*end != '\0') return false;
  *out = neg ? static_cast<long>(0UL - v) : static_cast<long>(v);
  return true;
}

long parse_assign(Arith& a, bool live);

bool var_value(Arith& a, const char* name, long* out) {
  const char* v = get_var(a.sh, name);
  if (v == nullptr || v[0] == '\0') {
    if (v == nullptr && a.sh.opts.nounset) {
      sh_error(a.sh, "%s: parameter not set", name);
      a.error = true;
      return false;
    }
    *out = 0;
    return true;
  }
  if (!parse_number(v, out)) {
    sh_error(a.sh, "arithmetic expression: illegal number: %s", v);
    a.error = true;
    return false;
  }
  return true;
}

long parse_unary(Arith& a, bool live) {
  if (++a.depth > kMaxDepth) {
    a.fail("nested too deeply");
    return 0;
  }
  long v = 0;
  a.skip();
  if (a.accept("!", "=")) {
    v = !parse_unary(a, live);
  } else if (a.accept("~")) {
    v = ~parse_unary(a, live);
  } else if (a.accept("-", "-=")) {
    v = wrap_sub(0, parse_unary(a, live));
  } else if (a.accept("+", "+=")) {
    v = parse_unary(a, live);
  } else if (a.accept("(")) {
    v = parse_assign(a, live);
    if (!a.accept(")")) a.fail("missing ')'");
  } else if (*a.p >= '0' && *a.p <= '9') {
    const char* start = a.p;
    while ((*a.p >= '0' && *a.p <= '9') || (*a.p >= 'a' && *a.p <= 'z') ||
           (*a.p >= 'A' && *a.p <= 'Z'))
      ++a.p;
    char* text = dup_mem(start, static_cast<size_t>(a.p - start));
    if (!parse_number(text, &v)) a.fail("bad number");
    free(text);
  } else if (*a.p == '_' || (*a.p >= 'a' && *a.p <= 'z') || (*a.p >= 'A' && *a.p <= 'Z')) {
    const char* start = a.p;
    while (*a.p == '_' || (*a.p >= 'a' && *a.p <= 'z') || (*a.p >= 'A' && *a.p <= 'Z') ||
           (*a.p >= '0' && *a.p <= '9'))
      ++a.p;
    char* name = dup_mem(start, static_cast<size_t>(a.p - start));
    var_value(a, name, &v);
    free(name);
  } else {
    a.fail(*a.p ? "syntax error" : "missing operand");
  }
  --a.depth;
  return v;
}

// Binary operators by precedence level (higher binds tighter).
int precedence(Arith& a, const char** op_out) {
  static constexpr struct {
    const char* op;
    const char* not_followed;
    int prec;
  } kOps[] = {
      {"||", "", 1},  {"&&", "", 2},  {"|", "|=", 3}, {"^", "=", 4},  {"&", "&=", 5},
      {"==", "", 6},  {"!=", "", 6},  {"<<", "=", 8}, {">>", "=", 8}, {"<=", "", 7},
      {">=", "", 7},  {"<", "<=", 7}, {">", ">=", 7}, {"+", "+=", 9}, {"-", "-=", 9},
      {"*", "=", 10}, {"/", "=", 10}, {"%", "=", 10},
  };
  a.skip();
  for (const auto& o : kOps) {
    const size_t n = strlen(o.op);
    if (strncmp(a.p, o.op, n) == 0 && !(a.p[n] != '\0' && strchr(o.not_followed, a.p[n]))) {
      *op_out = o.op;
      return o.prec;
    }
  }
  return 0;
}

bool apply(Arith& a, const char* op, long l, long r, bool live, long* out) {
  switch (op[0]) {
    case '+':
      *out = wrap_add(l, r);
      return true;
    case '-':
      *out = wrap_sub(l, r);
      return true;
    case '*':
      *out = wrap_mul(l, r);
      return true;
    case '/':
    case '%':
      if (r == 0) {
        if (live) return a.fail("division by zero");
        *out = 0;
        return true;
      }
      if (l == LONG_MIN && r == -1) {
        *out = op[0] == '/' ? LONG_MIN : 0;
        return true;
      }
      *out = op[0] == '/' ? l / r : l % r;
      return true;
    case '<':
      if (op[1] == '<') {
        *out = static_cast<long>(static_cast<unsigned long>(l) << (r & 63));
      } else {
        *out = op[1] == '=' ? l <= r : l < r;
      }
      return true;
    case '>':
      if (op[1] == '>') {
        *out = l >> (r & 63);
      } else {
        *out = op[1] == '=' ? l >= r : l > r;
      }
      return true;
    case '=':
      *out = l == r;
      return true;
    case '!':
      *out = l != r;
      return true;
    case '&':
      *out = op[1] == '&' ? (l && r) : (l & r);
      return true;
    case '|':
      *out = op[1] == '|' ? (l || r) : (l | r);
      return true;
    case '^':
      *out = l ^ r;
      return true;
    default:
      return a.fail("unknown operator");
  }
}

long parse_binary(Arith& a, int min_prec, bool live) {
  long left = parse_unary(a, live);
  for (;;) {
    if (a.error) return 0;
    const char* op = nullptr;
    const int prec = precedence(a, &op);
    if (prec == 0 || prec < min_prec) return left;
    a.p += strlen(op);
    // && and || do not evaluate their right side's side effects when decided by the left.
    bool right_live = live;
    if (strcmp(op, "&&") == 0 && !left) right_live = false;
    if (strcmp(op, "||") == 0 && left) right_live = false;
    const long right = parse_binary(a, prec + 1, right_live);
    if (a.error) return 0;
    long v = 0;
    if (!apply(a, op, left, right, right_live, &v)) return 0;
    if ((strcmp(op, "&&") == 0 || strcmp(op, "||") == 0)) v = v ? 1 : 0;
    left = v;
  }
}

long parse_ternary(Arith& a, bool live) {
  const long cond = parse_binary(a, 1, live);
  if (a.error || !a.accept("?")) return cond;
  const long yes = parse_assign(a, live && cond);
  if (!a.accept(":")) {
    a.fail("missing ':'");
    return 0;
  }
  const long no = parse_ternary(a, live && !cond);
  return cond ? yes : no;
}

long parse_assign(Arith& a, bool live) {
  if (++a.depth > kMaxDepth) {
    a.fail("nested too deeply");
    return 0;
  }
  a.skip();
  const char* start = a.p;
  const char* q = a.p;
  while (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
         (q != start && *q >= '0' && *q <= '9'))
    ++q;
  if (q != start) {
    const char* r = q;
    while (*r == ' ' || *r == '\t') ++r;
    static constexpr const char* kAssignOps[] = {
        "=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "<<=", ">>="};
    for (const char* op : kAssignOps) {
      const size_t n = strlen(op);
      if (strncmp(r, op, n) != 0 || (n == 1 && r[1] == '=')) continue;
      char* name = dup_mem(start, static_cast<size_t>(q - start));
      a.p = r + n;
      long v = parse_assign(a, live);
      if (!a.error && n > 1) {
        long old = 0;
        if (var_value(a, name, &old)) {
          char bop[3] = {op[0], n == 3 ? op[1] : '\0', '\0'};
          apply(a, bop, old, v, live, &v);
        }
      }
      if (!a.error && live) {
        StrBuf t;
        t.append_long(v);
        if (!set_var(a.sh, name, t.c_str())) a.error = true;
      }
      free(name);
      --a.depth;
      return v;
    }
  }
  const long v = parse_ternary(a, live);
  --a.depth;
  return v;
}

}  // namespace

bool arith_eval(Shell& sh, const char* expr, long* result) {
  Arith a{sh, expr};
  a.skip();
  if (*a.p == '\0') {
    *result = 0;
    return true;
  }
  const long v = parse_assign(a, true);
  a.skip();
  if (!a.error && *a.p != '\0') a.fail("syntax error");
  if (a.error) return false;
  *result = v;
  return true;
}

}  // namespace mos::sh
