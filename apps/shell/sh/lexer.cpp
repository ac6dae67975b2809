// The lexer half of Parser: tokens, raw words (quotes kept), here-document bodies.
#include "parser.hpp"

namespace mos::sh {

namespace {

bool is_meta(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
         c == '>' || c == '(' || c == ')';
}

bool is_digits(const StrBuf& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

bool is_name(const char* s, size_t n) {
  if (n == 0) return false;
  if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (size_t i = 1; i < n; ++i) {
    const char c = s[i];
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

char* unquote_delimiter(const char* raw, bool* quoted) {
  StrBuf out;
  *quoted = false;
  for (size_t i = 0; raw[i] != '\0'; ++i) {
    const char c = raw[i];
    if (c == '\'') {
      *quoted = true;
      for (++i; raw[i] != '\0' && raw[i] != '\''; ++i) out.push(raw[i]);
      if (raw[i] == '\0') break;
    } else if (c == '"') {
      *quoted = true;
      for (++i; raw[i] != '\0' && raw[i] != '"'; ++i) {
        if (raw[i] == '\\' && raw[i + 1] != '\0' && strchr("$`\"\\", raw[i + 1])) ++i;
        out.push(raw[i]);
      }
      if (raw[i] == '\0') break;
    } else if (c == '\\') {
      *quoted = true;
      if (raw[i + 1] != '\0') out.push(raw[++i]);
    } else {
      out.push(c);
    }
  }
  return out.release();
}

bool Parser::scan_squote(StrBuf& out) {
  for (;;) {
    const int c = in_.get();
    if (c < 0) return fail("unterminated quoted string");
    out.push(static_cast<char>(c));
    if (c == '\'') return true;
  }
}

bool Parser::scan_dquote(StrBuf& out) {
  for (;;) {
    const int c = in_.get();
    if (c < 0) return fail("unterminated quoted string");
    if (c == '\\') {
      const int d = in_.get();
      if (d < 0) return fail("unterminated quoted string");
      if (d == '\n') continue;  // Line continuation.
      out.push('\\');
      out.push(static_cast<char>(d));
      continue;
    }
    out.push(static_cast<char>(c));
    if (c == '"') return true;
    if (c == '$' && !scan_dollar(out)) return false;
    if (c == '`' && !scan_backquote(out)) return false;
  }
}

bool Parser::scan_backquote(StrBuf& out) {
  for (;;) {
    const int c = in_.get();
    if (c < 0) return fail("unterminated backquote");
    out.push(static_cast<char>(c));
    if (c == '`') return true;
    if (c == '\\') {
      const int d = in_.get();
      if (d < 0) return fail("unterminated backquote");
      out.push(static_cast<char>(d));
    }
  }
}

bool Parser::scan_brace(StrBuf& out) {
  for (;;) {
    const int c = in_.get();
    if (c < 0) return fail("missing '}'");
    if (c == '\\') {
      const int d = in_.get();
      if (d < 0) return fail("missing '}'");
      if (d == '\n') continue;
      out.push('\\');
      out.push(static_cast<char>(d));
      continue;
    }
    out.push(static_cast<char>(c));
    if (c == '}') return true;
    bool ok = true;
    if (c == '\'') ok = scan_squote(out);
    if (c == '"') ok = scan_dquote(out);
    if (c == '$') ok = scan_dollar(out);
    if (c == '`') ok = scan_backquote(out);
    if (!ok) return false;
  }
}

bool Parser::scan_arith(StrBuf& out) {
  int depth = 0;
  for (;;) {
    const int c = in_.get();
    if (c < 0) return fail("missing '))'");
    out.push(static_cast<char>(c));
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth == 0) {
        const int d = in_.get();
        if (d != ')') return fail("missing '))'");
        out.push(')');
        return true;
      }
      --depth;
    } else if (c == '$') {
      if (!scan_dollar(out)) return false;
    } else if (c == '`') {
      if (!scan_backquote(out)) return false;
    } else if (c == '\'') {
      if (!scan_squote(out)) return false;
    } else if (c == '"') {
      if (!scan_dquote(out)) return false;
    }
  }
}

// After '$' (already in `out`).
bool Parser::scan_dollar(StrBuf& out) {
  const int c = in_.get();
  if (c == '{') {
    out.push('{');
    return scan_brace(out);
  }
  if (c != '(') {
    in_.unget(c);
    return true;
  }
  const int d = in_.get();
  if (d == '(') {
    out.append("((");
    return scan_arith(out);
  }
  in_.unget(d);
  out.push('(');
  // A command substitution: parse it for real (so that `)` inside quotes, case patterns or
  // nested substitutions is handled) while recording its text, which the child re-parses.
  if (depth_ >= 100) return fail("substitutions nested too deeply");
  StrBuf text;
  in_.push_recorder(&text);
  Parser inner(in_, nullptr, nullptr, depth_ + 1);
  const bool ok = inner.parse_substitution();
  in_.pop_recorder();
  if (!ok) {
    if (!error_set_) {
      error_set_ = true;
      error_.clear();
      error_.append(inner.error());
    }
    return false;
  }
  out.append(text.c_str(), text.size());
  return true;
}

bool Parser::lex_word(int c, StrBuf& out) {
  for (;;) {
    if (c < 0) return true;
    if (is_meta(c)) {
      in_.unget(c);
      return true;
    }
    bool ok = true;
    if (c == '\\') {
      const int d = in_.get();
      if (d == '\n') {
        c = in_.get();
        continue;
      }
      out.push('\\');
      if (d < 0) return true;
      out.push(static_cast<char>(d));
    } else {
      out.push(static_cast<char>(c));
      if (c == '\'') ok = scan_squote(out);
      if (c == '"') ok = scan_dquote(out);
      if (c == '`') ok = scan_backquote(out);
      if (c == '$') ok = scan_dollar(out);
    }
    if (!ok) return false;
    c = in_.get();
  }
}

bool Parser::read_here_docs() {
  for (PendingHere& p : here_) {
    Redir& r = p.node->redirs[p.index];
    bool quoted = false;
    char* delim = unquote_delimiter(r.target, &quoted);
    r.here_quoted = quoted;
    const bool strip_tabs = r.strip_tabs;
    StrBuf body;
    StrBuf line;
    for (;;) {
      line.clear();
      int c;
      bool got_any = false;
      while ((c = in_.get()) >= 0) {
        got_any = true;
        if (c == '\n') break;
        if (strip_tabs && c == '\t' && line.empty()) continue;
        line.push(static_cast<char>(c));
      }
      if (!got_any) break;
      if (strcmp(line.c_str(), delim) == 0) break;
      body.append(line.c_str(), line.size());
      body.push('\n');
      if (c < 0) break;
    }
    free(delim);
    free(r.here_body);
    r.here_body = body.release();
  }
  here_.clear();
  return true;
}

bool Parser::lex(Token& t) {
  t.text.clear();
  int c;
  for (;;) {
    c = in_.get();
    if (c == ' ' || c == '\t') continue;
    if (c == '\\') {
      const int d = in_.get();
      if (d == '\n') continue;
      in_.unget(d);
      break;
    }
    if (c == '#') {
      while ((c = in_.get()) >= 0 && c != '\n') {
      }
    }
    break;
  }
  auto next_is = [&](int want) {
    const int d = in_.get();
    if (d == want) return true;
    in_.unget(d);
    return false;
  };
  switch (c) {
    case -1:
      t.kind = Tok::Eof;
      if (!here_.empty()) read_here_docs();
      return true;
    case '\n':
      t.kind = Tok::Newline;
      return here_.empty() || read_here_docs();
    case ';':
      t.kind = next_is(';') ? Tok::DSemi : Tok::Semi;
      return true;
    case '&':
      t.kind = next_is('&') ? Tok::AndIf : Tok::Amp;
      return true;
    case '|':
      t.kind = next_is('|') ? Tok::OrIf : Tok::Pipe;
      return true;
    case '(':
      t.kind = Tok::LParen;
      return true;
    case ')':
      t.kind = Tok::RParen;
      return true;
    case '<':
      if (next_is('<')) {
        t.kind = next_is('-') ? Tok::DLessDash : Tok::DLess;
      } else if (next_is('&')) {
        t.kind = Tok::LessAnd;
      } else if (next_is('>')) {
        t.kind = Tok::LessGreat;
      } else {
        t.kind = Tok::Less;
      }
      return true;
    case '>':
      if (next_is('>')) {
        t.kind = Tok::DGreat;
      } else if (next_is('&')) {
        t.kind = Tok::GreatAnd;
      } else if (next_is('|')) {
        t.kind = Tok::Clobber;
      } else {
        t.kind = Tok::Great;
      }
      return true;
    default:
      break;
  }
  t.kind = Tok::Word;
  if (!lex_word(c, t.text)) return false;
  if (is_digits(t.text)) {
    const int d = in_.get();
    in_.unget(d);
    if (d == '<' || d == '>') t.kind = Tok::IoNumber;
  }
  return true;
}

}  // namespace mos::sh
