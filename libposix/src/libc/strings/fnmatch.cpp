// fnmatch: a left-to-right matcher that remembers only the last '*' to retry from. That is
// enough because a later star can absorb whatever an earlier one would (and with kFnmPathname
// neither may cross a '/', so stars in earlier components are final).
#include <posix/libc/ctype.hpp>
#include <posix/libc/fnmatch.hpp>

namespace mos::posix::libc {

namespace {

struct Matcher {
  const char* string_start;
  int flags;

  bool has(int flag) const noexcept { return (flags & flag) != 0; }

  int fold(int c) const noexcept { return has(kFnmCaseFold) ? to_lower(c) : c; }

  // A '.' that only a literal '.' may match.
  bool protected_period(const char* s) const noexcept {
    return has(kFnmPeriod) && *s == '.' &&
           (s == string_start || (has(kFnmPathname) && s[-1] == '/'));
  }

  // One bracket expression element at p: a class, collating symbol, equivalence class or
  // character. Stores its range [lo, hi] (a class sets cls instead) and advances p.
  bool element(const char*& p, int& lo, int& hi, bool& is_class, CharClass& cls) const noexcept {
    is_class = false;
    if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
      char kind = p[1];
      const char* name = p + 2;
      const char* q = name;
      while (*q != '\0' && !(q[0] == kind && q[1] == ']')) ++q;
      if (*q == '\0') return false;
      if (kind == ':') {
        if (!char_class_from_name(name, static_cast<unsigned long>(q - name), cls)) return false;
        is_class = true;
      } else {
        if (q - name != 1) return false;  // only single-character symbols in the C locale
        lo = hi = static_cast<unsigned char>(*name);
      }
      p = q + 2;
      return true;
    }
    if (*p == '\\' && !has(kFnmNoEscape) && p[1] != '\0') ++p;
    if (*p == '\0') return false;
    lo = hi = static_cast<unsigned char>(*p++);
    return true;
  }

  // Matches the bracket expression at p ('[' included) against c. Returns false when p does not
  // start a complete bracket expression (then '[' is an ordinary character).
  bool bracket(const char*& p, int c, bool& matched) const noexcept {
    const char* q = p + 1;
    bool negate = *q == '!' || *q == '^';
    if (negate) ++q;
    matched = false;
    bool first = true;
    while (first || *q != ']') {
      if (*q == '\0') return false;
      first = false;
      int lo = 0;
      int hi = 0;
      bool is_class = false;
      CharClass cls{};
      bool symbol = q[0] == '[' && (q[1] == '.' || q[1] == '=');  // compared unfolded, as glibc
      if (!element(q, lo, hi, is_class, cls)) return false;
      if (is_class) {
        // Classes see the unfolded character (glibc: [[:upper:]] still rejects 'a').
        if (in_class(cls, c)) matched = true;
        continue;
      }
      if (q[0] == '-' && q[1] != ']' && q[1] != '\0') {
        ++q;
        int lo2 = 0;
        bool end_class = false;
        if (!element(q, lo2, hi, end_class, cls) || end_class) return false;
        if (c >= lo && c <= hi) matched = true;
        if (has(kFnmCaseFold) && ((to_lower(c) >= lo && to_lower(c) <= hi) ||
                                  (to_upper(c) >= lo && to_upper(c) <= hi))) {
          matched = true;
        }
      } else if (symbol ? c == lo : fold(c) == fold(lo)) {
        matched = true;
      }
    }
    p = q + 1;
    if (negate) matched = !matched;
    return true;
  }

  // Matches one non-star pattern element at p against *s; advances p on success.
  bool single(const char*& p, const char* s) const noexcept {
    int c = static_cast<unsigned char>(*s);
    if (c == 0) return false;
    bool slash_protected = has(kFnmPathname) && c == '/';
    switch (*p) {
      case '?':
        if (slash_protected || protected_period(s)) return false;
        ++p;
        return true;
      case '[': {
        const char* q = p;
        bool matched = false;
        if (bracket(q, c, matched)) {
          if (!matched || slash_protected || protected_period(s)) return false;
          p = q;
          return true;
        }
        break;  // not a bracket expression: a literal '['
      }
      case '\\':
        if (!has(kFnmNoEscape) && p[1] == '\0') return false;  // glibc: a trailing '\\' fails
        if (!has(kFnmNoEscape)) {
          if (fold(static_cast<unsigned char>(p[1])) != fold(c)) return false;
          p += 2;
          return true;
        }
        break;
      default:
        break;
    }
    if (fold(static_cast<unsigned char>(*p)) != fold(c)) return false;
    ++p;
    return true;
  }

  bool rest_ok(const char* s) const noexcept {
    if (*s == '\0') return true;
    return has(kFnmLeadingDir) && *s == '/';
  }

  bool match(const char* p, const char* s) const noexcept {
    const char* star_p = nullptr;  // the pattern after the last star
    const char* star_s = nullptr;  // where that star's match ends now
    for (;;) {
      if (*p == '*') {
        // A protected period cannot follow a star either (glibc: "*.*" does not match ".c").
        if (protected_period(s)) return false;
        while (*p == '*') ++p;
        if (*p == '\0') {
          if (!has(kFnmPathname)) return true;
          while (*s != '\0' && *s != '/') ++s;
          return rest_ok(s);
        }
        star_p = p;
        star_s = s;
        continue;
      }
      if (*p == '\0' && rest_ok(s)) return true;
      if (*p != '\0' && single(p, s)) {
        ++s;
        continue;
      }
      // Mismatch: let the last star take one more character, if it may.
      if (star_p == nullptr || *star_s == '\0') return false;
      if (has(kFnmPathname) && *star_s == '/') return false;
      p = star_p;
      s = ++star_s;
    }
  }
};

}  // namespace

int fnmatch(const char* pattern, const char* string, int flags) noexcept {
  Matcher m{string, flags};
  return m.match(pattern, string) ? 0 : kFnmNoMatch;
}

}  // namespace mos::posix::libc
