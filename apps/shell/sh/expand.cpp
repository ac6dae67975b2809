// Word expansion. A word is scanned once into characters plus per-character flags (quoted,
// result of an unquoted expansion, field breaks of "$@"); field splitting and pathname expansion
// then work on those flags, which also implement quote removal.
#include "expand.hpp"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>

#include "input.hpp"
#include "parser.hpp"

namespace mos::sh {

namespace {

// Per-character flags.
constexpr char kQuoted = 1;       // Literal: not split, not a glob character.
constexpr char kExpanded = 2;     // From an unquoted expansion: subject to field splitting.
constexpr char kBreakHard = 4;    // Marker between "$@" fields (keeps empty fields).
constexpr char kBreakSoft = 8;    // Marker between unquoted $@ fields.
constexpr char kEmptyQuote = 16;  // Marker: "" or '' here, so the word is a field.

constexpr int kMaxNesting = 50;

enum class Mode : uint8_t { Fields, String, Pattern };

struct Exp {
  Exp(Shell& shell, Mode m) : sh(shell), mode(m) {}
  Shell& sh;
  Mode mode;
  bool assignment = false;
  bool heredoc = false;
  bool error = false;
  bool strip_dquotes = false;  // Scanning the word of "${x:-word}": inner '"' only nests.
  char literal_flag = 0;       // Flag of unquoted literal text: kExpanded inside ${x-word}.
  bool at_empty = false;       // "$@" expanded to nothing inside the current double quotes.
  int depth = 0;
  StrBuf chars;
  StrBuf flags;

  void add(char c, char f) {
    chars.push(c);
    flags.push(f);
  }
  void add_value(const char* v, bool dq) {
    for (; *v; ++v) add(*v, dq ? kQuoted : kExpanded);
  }
};

// --- Scanning helpers over raw text the lexer already checked. -----------------------------

size_t skip_squote(const char* s, size_t i) {  // s[i] == '\''
  for (++i; s[i] && s[i] != '\''; ++i) {
  }
  return s[i] ? i + 1 : i;
}

size_t skip_backquote(const char* s, size_t i) {  // s[i] == '`'
  for (++i; s[i] && s[i] != '`'; ++i) {
    if (s[i] == '\\' && s[i + 1]) ++i;
  }
  return s[i] ? i + 1 : i;
}

size_t skip_dollar(const char* s, size_t i);

size_t skip_dquote(const char* s, size_t i) {  // s[i] == '"'
  for (++i; s[i] && s[i] != '"';) {
    if (s[i] == '\\' && s[i + 1]) {
      i += 2;
    } else if (s[i] == '$') {
      i = skip_dollar(s, i);
    } else if (s[i] == '`') {
      i = skip_backquote(s, i);
    } else {
      ++i;
    }
  }
  return s[i] ? i + 1 : i;
}

// From an opening bracket at s[i] to just after its closer, skipping quoted text.
size_t skip_group(const char* s, size_t i, char open, char close) {
  int depth = 0;
  while (s[i]) {
    const char c = s[i];
    if (c == '\\' && s[i + 1]) {
      i += 2;
    } else if (c == '\'') {
      i = skip_squote(s, i);
    } else if (c == '"') {
      i = skip_dquote(s, i);
    } else if (c == '`') {
      i = skip_backquote(s, i);
    } else if (c == '$' && (s[i + 1] == '{' || s[i + 1] == '(')) {
      i = skip_dollar(s, i);
    } else {
      if (c == open) ++depth;
      if (c == close && --depth == 0) return i + 1;
      ++i;
    }
  }
  return i;
}

// The end of `$( ... )` at s[i]: found by parsing the command (a `case` item's `)` does not
// close it), or by counting parentheses if it does not parse.
size_t skip_command_subst(const char* s, size_t i) {
  Input in;
  in.push_string(s + i + 2, nullptr);
  StrBuf consumed;
  in.push_recorder(&consumed);
  Parser p(in, nullptr, nullptr);
  const bool ok = p.parse_substitution();
  in.pop_recorder();
  if (ok) return i + 2 + consumed.size();
  return skip_group(s, i + 1, '(', ')');
}

size_t skip_dollar(const char* s, size_t i) {  // s[i] == '$'
  if (s[i + 1] == '{') return skip_group(s, i + 1, '{', '}');
  if (s[i + 1] == '(' && s[i + 2] == '(') return skip_group(s, i + 1, '(', ')');
  if (s[i + 1] == '(') return skip_command_subst(s, i);
  return i + 1;
}

bool is_special_param(char c) {
  return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' ||
         (c >= '0' && c <= '9');
}

bool is_name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

void scan(Exp& e, const char* s, size_t len, bool dq);

// The value of a parameter other than @ and *, or null when unset. `tmp` holds computed values.
const char* param_value(Shell& sh, const char* name, StrBuf& tmp) {
  const char c = name[0];
  if (c >= '0' && c <= '9') {
    const long n = strtol(name, nullptr, 10);
    if (n == 0) return sh.arg0;
    return static_cast<size_t>(n) <= sh.params.size() ? sh.params[static_cast<size_t>(n) - 1]
                                                      : nullptr;
  }
  if (name[1] == '\0') {
    switch (c) {
      case '#':
        tmp.append_long(static_cast<long>(sh.params.size()));
        return tmp.c_str();
      case '?':
        tmp.append_long(sh.status);
        return tmp.c_str();
      case '$':
        tmp.append_long(sh.root_pid);
        return tmp.c_str();
      case '!':
        if (sh.last_bg == 0) return nullptr;
        tmp.append_long(sh.last_bg);
        return tmp.c_str();
      case '-':
        if (sh.opts.errexit) tmp.push('e');
        if (sh.opts.noglob) tmp.push('f');
        if (sh.opts.interactive) tmp.push('i');
        if (sh.opts.monitor) tmp.push('m');
        if (sh.opts.noexec) tmp.push('n');
        if (sh.opts.nounset) tmp.push('u');
        if (sh.opts.verbose) tmp.push('v');
        if (sh.opts.xtrace) tmp.push('x');
        if (sh.opts.noclobber) tmp.push('C');
        if (sh.opts.allexport) tmp.push('a');
        return tmp.c_str();
      default:
        break;
    }
  }
  return get_var(sh, name);
}

// "$*": the parameters joined by the first character of IFS.
void join_params(Shell& sh, StrBuf& out) {
  const char* ifs = get_var(sh, "IFS");
  for (size_t i = 0; i < sh.params.size(); ++i) {
    if (i > 0) {
      if (ifs == nullptr) {
        out.push(' ');
      } else if (ifs[0]) {
        out.push(ifs[0]);
      }
    }
    out.append(sh.params[i]);
  }
}

void expand_at(Exp& e, bool star, bool dq) {
  Shell& sh = e.sh;
  if (dq && star) {
    StrBuf j;
    join_params(sh, j);
    e.add_value(j.c_str(), true);
    return;
  }
  if (dq && sh.params.empty()) e.at_empty = true;
  for (size_t i = 0; i < sh.params.size(); ++i) {
    if (i > 0) {
      if (e.mode == Mode::Fields) {
        e.add(' ', dq ? kBreakHard : kBreakSoft);
      } else {
        e.add(' ', dq ? kQuoted : kExpanded);
      }
    }
    e.add_value(sh.params[i], dq);
  }
}

void unset_error(Exp& e, const char* name) {
  sh_error(e.sh, "%s: parameter not set", name);
  e.error = true;
}

// A sub-expansion of `text` in another mode, for ${x=w}, ${x?w} and ${x#w}.
bool sub_expand(Exp& e, const char* text, size_t len, Mode mode, bool dq, StrBuf& out) {
  Exp sub(e.sh, mode);
  sub.depth = e.depth + 1;
  scan(sub, text, len, dq);
  if (sub.error) {
    e.error = true;
    return false;
  }
  for (size_t i = 0; i < sub.chars.size(); ++i) {
    const char f = sub.flags[i];
    if (f & kEmptyQuote) continue;
    if (mode == Mode::Pattern && (f & kQuoted) && strchr("*?[]\\", sub.chars[i])) out.push('\\');
    out.push(sub.chars[i]);
  }
  return true;
}

// The word of ${x-word} / ${x+word}, in the quoting context of the whole expansion.
void scan_word(Exp& e, const char* word, size_t len, bool dq) {
  const bool saved = e.strip_dquotes;
  const char saved_flag = e.literal_flag;
  e.strip_dquotes = dq;
  // The substituted word is the result of an expansion: it is split like one.
  if (!dq) e.literal_flag = kExpanded;
  scan(e, word, len, dq);
  e.strip_dquotes = saved;
  e.literal_flag = saved_flag;
}

// ${...} with `body` the text between the braces.
void expand_braced(Exp& e, const char* body, size_t len, bool dq) {
  Shell& sh = e.sh;
  size_t i = 0;
  bool length = false;
  if (len > 1 && body[0] == '#') {
    length = true;
    i = 1;
  }
  const size_t name_start = i;
  if (i < len && body[i] >= '0' && body[i] <= '9') {
    while (i < len && body[i] >= '0' && body[i] <= '9') ++i;
  } else if (i < len && is_name_start(body[i])) {
    while (i < len && is_name_char(body[i])) ++i;
  } else if (i < len && is_special_param(body[i])) {
    ++i;
  }
  if (i == name_start) {
    sh_error(sh, "${%.*s}: bad substitution", static_cast<int>(len), body);
    e.error = true;
    return;
  }
  char* name = dup_mem(body + name_start, i - name_start);
  const bool is_at = strcmp(name, "@") == 0 || strcmp(name, "*") == 0;
  StrBuf tmp;
  const char* value = nullptr;
  StrBuf joined;
  if (is_at) {
    if (!sh.params.empty()) {
      join_params(sh, joined);
      value = joined.c_str();
    }
  } else {
    value = param_value(sh, name, tmp);
  }
  if (length) {
    if (i != len) {
      sh_error(sh, "${%.*s}: bad substitution", static_cast<int>(len), body);
      e.error = true;
    } else if (value == nullptr && sh.opts.nounset && !is_at) {
      unset_error(e, name);
    } else {
      StrBuf t;
      t.append_long(is_at ? static_cast<long>(sh.params.size())
                          : static_cast<long>(value ? strlen(value) : 0));
      e.add_value(t.c_str(), dq);
    }
    free(name);
    return;
  }
  if (i == len) {
    if (is_at) {
      expand_at(e, name[0] == '*', dq);
    } else if (value == nullptr && sh.opts.nounset) {
      unset_error(e, name);
    } else if (value) {
      e.add_value(value, dq);
    }
    free(name);
    return;
  }
  bool colon = false;
  if (body[i] == ':') {
    colon = true;
    ++i;
  }
  const char op = i < len ? body[i] : '\0';
  ++i;
  const char* word = body + i;
  size_t wlen = len > i ? len - i : 0;
  const bool unset = value == nullptr || (colon && value[0] == '\0');
  // The parameter's own value, when it is set.
  auto add_set_value = [&] {
    if (is_at) {
      expand_at(e, name[0] == '*', dq);
    } else {
      e.add_value(value, dq);
    }
  };
  switch (op) {
    case '-':
      if (unset) {
        scan_word(e, word, wlen, dq);
      } else {
        add_set_value();
      }
      break;
    case '+':
      if (!unset) scan_word(e, word, wlen, dq);
      break;
    case '=':
      if (unset) {
        if (!is_name(name, strlen(name))) {
          sh_error(sh, "%s: cannot assign in this way", name);
          e.error = true;
          break;
        }
        StrBuf v;
        if (!sub_expand(e, word, wlen, Mode::String, dq, v)) break;
        if (!set_var(sh, name, v.c_str())) {
          e.error = true;
          break;
        }
        e.add_value(v.c_str(), dq);
      } else {
        e.add_value(value, dq);
      }
      break;
    case '?':
      if (unset) {
        StrBuf msg;
        if (!sub_expand(e, word, wlen, Mode::String, dq, msg)) break;
        if (msg.empty()) msg.append(value == nullptr ? "parameter not set" : "parameter null");
        sh_error(sh, "%s: %s", name, msg.c_str());
        e.error = true;
      } else {
        add_set_value();
      }
      break;
    case '%':
    case '#': {
      if (colon) {
        sh_error(sh, "${%.*s}: bad substitution", static_cast<int>(len), body);
        e.error = true;
        break;
      }
      char opstr[3] = {op, '\0', '\0'};
      if (wlen > 0 && word[0] == op) {
        opstr[1] = op;
        ++word;
        --wlen;
      }
      if (value == nullptr && sh.opts.nounset) {
        unset_error(e, name);
        break;
      }
      StrBuf pat;
      if (!sub_expand(e, word, wlen, Mode::Pattern, false, pat)) break;
      StrBuf out;
      trim_pattern(value ? value : "", pat.c_str(), opstr, out);
      e.add_value(out.c_str(), dq);
      break;
    }
    default:
      sh_error(sh, "${%.*s}: bad substitution", static_cast<int>(len), body);
      e.error = true;
      break;
  }
  free(name);
}

void append_subst_output(Exp& e, const StrBuf& out, bool dq) {
  for (size_t k = 0; k < out.size(); ++k) e.add(out[k], dq ? kQuoted : kExpanded);
}

// `$...` at s[i]; returns the index after it.
size_t expand_dollar(Exp& e, const char* s, size_t i, size_t len, bool dq) {
  Shell& sh = e.sh;
  const char c = i + 1 < len ? s[i + 1] : '\0';
  if (c == '{') {
    const size_t end = skip_group(s, i + 1, '{', '}');
    expand_braced(e, s + i + 2, end - i - 3, dq);
    return end;
  }
  if (c == '(') {
    if (i + 2 < len && s[i + 2] == '(') {
      // $(( expr )): find the matching "))".
      size_t j = i + 3;
      int depth = 0;
      for (; j < len; ++j) {
        if (s[j] == '(') ++depth;
        if (s[j] == ')') {
          if (depth == 0) break;
          --depth;
        }
      }
      StrBuf expr;
      if (!sub_expand(e, s + i + 3, j - (i + 3), Mode::String, true, expr)) return j + 2;
      long v = 0;
      if (!arith_eval(sh, expr.c_str(), &v)) {
        e.error = true;
        return j + 2;
      }
      StrBuf t;
      t.append_long(v);
      e.add_value(t.c_str(), dq);
      return j + 2 <= len ? j + 2 : len;
    }
    const size_t end = skip_dollar(s, i);
    char* text = dup_mem(s + i + 2, end - i - 3);
    StrBuf out;
    if (!command_subst(sh, text, out)) e.error = true;
    free(text);
    append_subst_output(e, out, dq);
    return end;
  }
  if (is_name_start(c)) {
    size_t j = i + 1;
    while (j < len && is_name_char(s[j])) ++j;
    char* name = dup_mem(s + i + 1, j - i - 1);
    const char* v = get_var(sh, name);
    if (v == nullptr && sh.opts.nounset) {
      unset_error(e, name);
    } else if (v) {
      e.add_value(v, dq);
    }
    free(name);
    return j;
  }
  if (c != '\0' && is_special_param(c)) {
    if (c == '@' || c == '*') {
      expand_at(e, c == '*', dq);
      return i + 2;
    }
    const char name[2] = {c, '\0'};
    StrBuf tmp;
    const char* v = param_value(sh, name, tmp);
    if (v == nullptr && sh.opts.nounset && c != '!') {
      unset_error(e, name);
    } else if (v) {
      e.add_value(v, dq);
    }
    return i + 2;
  }
  e.add('$', dq ? kQuoted : 0);
  return i + 1;
}

size_t expand_backquote(Exp& e, const char* s, size_t i, bool dq) {
  const size_t end = skip_backquote(s, i);
  const size_t stop = end > i + 1 && s[end - 1] == '`' ? end - 1 : end;
  StrBuf text;
  for (size_t k = i + 1; k < stop; ++k) {
    if (s[k] == '\\' && k + 1 < stop &&
        (s[k + 1] == '$' || s[k + 1] == '`' || s[k + 1] == '\\' || (dq && s[k + 1] == '"'))) {
      ++k;
    }
    text.push(s[k]);
  }
  StrBuf out;
  if (!command_subst(e.sh, text.c_str(), out)) e.error = true;
  append_subst_output(e, out, dq);
  return end;
}

// ~ or ~/...: $HOME. (~user is left as is: there is no user database.)
size_t expand_tilde(Exp& e, const char* s, size_t i, size_t len) {
  size_t j = i + 1;
  while (j < len && s[j] != '/' && !(e.assignment && s[j] == ':')) {
    if (strchr("'\"\\$`", s[j])) return i;  // Quoted: not a tilde prefix.
    ++j;
  }
  if (j != i + 1) return i;
  const char* home = get_var(e.sh, "HOME");
  if (home == nullptr) return i;
  e.add_value(home, true);
  return j;
}

void scan(Exp& e, const char* s, size_t len, bool dq) {
  if (++e.depth > kMaxNesting) {
    sh_error(e.sh, "expansion nested too deeply");
    e.error = true;
    --e.depth;
    return;
  }
  for (size_t i = 0; i < len && !e.error;) {
    const char c = s[i];
    if (!dq && c == '~' && (i == 0 || (e.assignment && s[i - 1] == ':'))) {
      const size_t j = expand_tilde(e, s, i, len);
      if (j != i) {
        i = j;
        continue;
      }
    }
    if (dq && c == '"' && e.strip_dquotes) {
      ++i;
      continue;
    }
    if (c == '$') {
      i = expand_dollar(e, s, i, len, dq);
    } else if (c == '`') {
      i = expand_backquote(e, s, i, dq);
    } else if (c == '\\') {
      if (i + 1 >= len) {
        e.add('\\', kQuoted);
        ++i;
      } else if (!dq) {
        e.add(s[i + 1], kQuoted);
        i += 2;
      } else if (strchr(e.heredoc ? "$`\\" : "$`\"\\", s[i + 1])) {
        e.add(s[i + 1], kQuoted);
        i += 2;
      } else if (s[i + 1] == '\n') {
        i += 2;
      } else {
        e.add('\\', kQuoted);
        ++i;
      }
    } else if (!dq && c == '\'') {
      const size_t end = skip_squote(s, i);
      const size_t stop = end > i + 1 && s[end - 1] == '\'' ? end - 1 : end;
      if (stop == i + 1) e.add(' ', kEmptyQuote);
      for (size_t k = i + 1; k < stop; ++k) e.add(s[k], kQuoted);
      i = end;
    } else if (!dq && c == '"') {
      const size_t end = skip_dquote(s, i);
      const size_t stop = end > i + 1 && s[end - 1] == '"' ? end - 1 : end;
      const size_t before = e.chars.size();
      const bool saved_at = e.at_empty;
      e.at_empty = false;
      scan(e, s + i + 1, stop - i - 1, true);
      if (e.chars.size() == before && !e.at_empty) e.add(' ', kEmptyQuote);
      e.at_empty = saved_at;
      i = end;
    } else {
      e.add(c, dq ? kQuoted : e.literal_flag);
      ++i;
    }
  }
  --e.depth;
}

bool is_ifs_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

struct Field {
  StrBuf chars;
  StrBuf flags;
};

// Pathname expansion and quote removal of one field.
void finish_field(Exp& e, Field& f, Vec<char*>& out) {
  bool has_glob = false;
  if (!e.sh.opts.noglob) {
    for (size_t i = 0; i < f.chars.size(); ++i) {
      if (!(f.flags[i] & kQuoted) && strchr("*?[", f.chars[i])) has_glob = true;
    }
  }
  if (has_glob) {
    StrBuf pat;
    for (size_t i = 0; i < f.chars.size(); ++i) {
      const char c = f.chars[i];
      if (((f.flags[i] & kQuoted) && strchr("*?[]\\", c)) || (!(f.flags[i] & kQuoted) && c == '\\'))
        pat.push('\\');
      pat.push(c);
    }
    if (glob_expand(pat.c_str(), out) > 0) return;
  }
  out.push(dup_str(f.chars.c_str()));
}

void split_fields(Exp& e, Vec<char*>& out) {
  const char* ifs_var = get_var(e.sh, "IFS");
  const char* ifs = ifs_var ? ifs_var : " \t\n";
  enum class After : uint8_t { Start, SpaceEnd, Delim } state = After::Start;
  Field cur;
  bool have = false;
  auto push = [&] {
    finish_field(e, cur, out);
    cur.chars.clear();
    cur.flags.clear();
    have = false;
  };
  for (size_t i = 0; i < e.chars.size(); ++i) {
    const char c = e.chars[i];
    const char f = e.flags[i];
    if (f & kEmptyQuote) {
      have = true;
      continue;
    }
    if (f & kBreakHard) {
      push();
      have = true;
      continue;
    }
    if (f & kBreakSoft) {
      if (have) push();
      state = After::SpaceEnd;
      continue;
    }
    if ((f & kExpanded) && c != '\0' && strchr(ifs, c)) {
      if (is_ifs_space(c)) {
        if (have) {
          push();
          state = After::SpaceEnd;
        }
      } else {
        if (have) {
          push();
        } else if (state != After::SpaceEnd) {
          push();
        }
        state = After::Delim;
      }
      continue;
    }
    cur.chars.push(c);
    cur.flags.push(f);
    have = true;
    state = After::Start;
  }
  if (have) push();
}

}  // namespace

void trim_pattern(const char* value, const char* pattern, const char* op, StrBuf& out) {
  const size_t n = strlen(value);
  const bool prefix = op[0] == '#';
  const bool longest = op[1] != '\0';
  StrBuf tmp;
  if (prefix) {
    for (size_t k = 0; k <= n; ++k) {
      const size_t len = longest ? n - k : k;
      tmp.clear();
      tmp.append(value, len);
      if (fnmatch(pattern, tmp.c_str(), 0) == 0) {
        out.append(value + len);
        return;
      }
    }
  } else {
    for (size_t k = 0; k <= n; ++k) {
      const size_t start = longest ? k : n - k;
      if (fnmatch(pattern, value + start, 0) == 0) {
        out.append(value, start);
        return;
      }
    }
  }
  out.append(value);
}

bool expand_fields(Shell& sh, const char* word, Vec<char*>& out) {
  Exp e(sh, Mode::Fields);
  scan(e, word, strlen(word), false);
  if (e.error) return false;
  split_fields(e, out);
  return true;
}

bool expand_string(Shell& sh, const char* word, StrBuf& out, bool assignment) {
  Exp e(sh, Mode::String);
  e.assignment = assignment;
  scan(e, word, strlen(word), false);
  if (e.error) return false;
  for (size_t i = 0; i < e.chars.size(); ++i) {
    if (!(e.flags[i] & kEmptyQuote)) out.push(e.chars[i]);
  }
  return true;
}

bool expand_pattern(Shell& sh, const char* word, StrBuf& out) {
  Exp e(sh, Mode::Pattern);
  scan(e, word, strlen(word), false);
  if (e.error) return false;
  for (size_t i = 0; i < e.chars.size(); ++i) {
    const char f = e.flags[i];
    if (f & kEmptyQuote) continue;
    if ((f & kQuoted) && strchr("*?[]\\", e.chars[i])) out.push('\\');
    out.push(e.chars[i]);
  }
  return true;
}

bool expand_heredoc(Shell& sh, const char* body, StrBuf& out) {
  Exp e(sh, Mode::String);
  e.heredoc = true;
  scan(e, body, strlen(body), true);
  if (e.error) return false;
  out.append(e.chars.c_str(), e.chars.size());
  return true;
}

}  // namespace mos::sh
