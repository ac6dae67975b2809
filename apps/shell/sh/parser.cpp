// The grammar half of Parser (POSIX XCU 2.10), by recursive descent. Recursion follows the
// nesting of compound commands only, capped at kMaxDepth levels.
#include "parser.hpp"

#include <stdlib.h>

#include <new>

namespace mos::sh {

namespace {

constexpr int kMaxDepth = 100;

// Indexed by Tok, for error messages.
constexpr const char* kTokText[] = {
    "word", "number", "newline", "end of file", ";",   "&",  "&&", "||", "|",  "(",  ")",
    ";;",   "<",      ">",       "<<",          "<<-", ">>", "<&", ">&", "<>", ">|",
};
static_assert(sizeof kTokText / sizeof kTokText[0] == static_cast<size_t>(Tok::Clobber) + 1);

const char* tok_text(Tok k) {
  return kTokText[static_cast<size_t>(k)];
}

// The redirection operator each redirection token stands for.
struct RedirToken {
  Tok tok;
  RedirOp op;
  bool strip_tabs;  // <<-
};

constexpr RedirToken kRedirTokens[] = {
    {Tok::Less, RedirOp::In, false},         {Tok::Great, RedirOp::Out, false},
    {Tok::DGreat, RedirOp::Append, false},   {Tok::Clobber, RedirOp::Clobber, false},
    {Tok::LessGreat, RedirOp::InOut, false}, {Tok::LessAnd, RedirOp::DupIn, false},
    {Tok::GreatAnd, RedirOp::DupOut, false}, {Tok::DLess, RedirOp::Here, false},
    {Tok::DLessDash, RedirOp::Here, true},
};

const RedirToken* find_redir_token(Tok k) {
  for (const RedirToken& r : kRedirTokens) {
    if (r.tok == k) return &r;
  }
  return nullptr;
}

bool is_redir_tok(Tok k) {
  return k == Tok::IoNumber || find_redir_token(k) != nullptr;
}

// A list of one synchronous command is that command.
Node* collapse_list(Node* list) {
  if (list->kids.size() == 1 && !list->async[0]) {
    Node* only = list->kids[0];
    list->kids.clear();
    free_node(list);
    return only;
  }
  return list;
}

bool has_quoting(const char* s) {
  return strpbrk(s, "'\"\\$`") != nullptr;
}

bool is_assignment(const char* w) {
  const char* eq = strchr(w, '=');
  return eq != nullptr && is_name(w, static_cast<size_t>(eq - w));
}

}  // namespace

bool is_reserved_word(const char* w) {
  static constexpr const char* kWords[] = {"if",   "then", "else", "elif",  "fi",    "do",
                                           "done", "case", "esac", "while", "until", "for",
                                           "{",    "}",    "!",    "in"};
  for (const char* k : kWords) {
    if (strcmp(k, w) == 0) return true;
  }
  return false;
}

Parser::~Parser() = default;

Parser::Token& Parser::peek() {
  if (!have_tok_) {
    if (error_set_ || !lex(tok_)) {
      tok_.kind = Tok::Eof;
      tok_.text.clear();
    }
    have_tok_ = true;
  }
  return tok_;
}

bool Parser::peek_word(const char* w) {
  const Token& t = peek();
  return t.kind == Tok::Word && strcmp(t.text.c_str(), w) == 0;
}

const char* Parser::peek_text() {
  const Token& t = peek();
  return t.kind == Tok::Word ? t.text.c_str() : tok_text(t.kind);
}

bool Parser::fail(const char* msg, const char* detail) {
  if (!error_set_) {
    error_set_ = true;
    error_.clear();
    error_.append("syntax error: ");
    error_.append(msg);
    if (detail) {
      error_.append(" \"");
      error_.append(detail);
      error_.push('"');
    }
  }
  return false;
}

Node* Parser::finish(Node* n) {
  if (error_set_) {
    free_node(n);
    return nullptr;
  }
  return n;
}

bool Parser::enter() {
  if (++depth_ > kMaxDepth) {
    fail("commands nested too deeply");
    return false;
  }
  return true;
}

Node* Parser::open_compound(NodeKind kind) {
  if (!enter()) return nullptr;
  take();  // The opening reserved word or `(`.
  return new_node(kind);
}

Node* Parser::close_compound(Node* n) {
  leave();
  return finish(n);
}

void Parser::skip_newlines() {
  while (!error_set_ && peek().kind == Tok::Newline) take();
}

bool Parser::expect_word(const char* w) {
  if (peek_word(w)) {
    take();
    return true;
  }
  StrBuf what;
  what.append(peek_text());
  StrBuf msg;
  msg.append("expected \"");
  msg.append(w);
  msg.append("\" before");
  return fail(msg.c_str(), what.c_str());
}

Parser::Status Parser::parse_command(Node** out) {
  *out = nullptr;
  in_.begin_command();
  in_.clear_cancelled();
  error_set_ = false;
  error_.clear();
  here_.clear();
  have_tok_ = false;
  alias_budget_ = 100;
  const Token& t = peek();
  if (!error_set_ && !in_.cancelled()) {
    if (t.kind == Tok::Newline) {
      take();
      return Status::Ok;
    }
    if (t.kind == Tok::Eof) return Status::Eof;
  }
  Node* n = error_set_ ? nullptr : parse_list(true);
  if (n != nullptr && !error_set_) {
    const Tok end = peek().kind;
    if (end == Tok::Newline) {
      take();
    } else if (end != Tok::Eof) {
      fail("unexpected", peek_text());
    }
  }
  if (in_.cancelled()) {  // ^C: the line is dropped without a message.
    error_set_ = true;
    error_.clear();
  }
  if (error_set_) {
    free_node(n);
    here_.clear();
    have_tok_ = false;
    in_.discard_line();
    return Status::Error;
  }
  *out = n;
  return Status::Ok;
}

bool Parser::parse_substitution() {
  Node* n = parse_compound_list(nullptr);
  free_node(n);
  if (error_set_) return false;
  if (peek().kind != Tok::RParen) return fail("missing ')'");
  take();
  return true;
}

// A top-level list ends at a newline; a compound list (parse_compound_list) also spans them.
Node* Parser::parse_list(bool top) {
  Node* list = new_node(NodeKind::List);
  for (;;) {
    Node* item = parse_and_or();
    if (item == nullptr) {
      free_node(list);
      return nullptr;
    }
    list->kids.push(item);
    const Tok k = peek().kind;
    list->async.push(k == Tok::Amp ? 1 : 0);
    if (k != Tok::Semi && k != Tok::Amp) break;
    take();
    const Tok next = peek().kind;
    if (top && (next == Tok::Newline || next == Tok::Eof)) break;
    if (error_set_) break;
  }
  list = finish(list);
  return list ? collapse_list(list) : nullptr;
}

Node* Parser::parse_compound_list(const char* end1, const char* end2, const char* end3) {
  skip_newlines();
  Node* list = new_node(NodeKind::List);
  for (;;) {
    const Token& t = peek();
    if (error_set_ || t.kind == Tok::Eof || t.kind == Tok::RParen || t.kind == Tok::DSemi) break;
    if (t.kind == Tok::Word) {
      const char* w = t.text.c_str();
      if ((end1 && strcmp(w, end1) == 0) || (end2 && strcmp(w, end2) == 0) ||
          (end3 && strcmp(w, end3) == 0))
        break;
    }
    Node* item = parse_and_or();
    if (item == nullptr) break;
    list->kids.push(item);
    const Tok k = peek().kind;
    list->async.push(k == Tok::Amp ? 1 : 0);
    if (k == Tok::Semi || k == Tok::Amp || k == Tok::Newline) {
      take();
      skip_newlines();
    } else {
      break;
    }
  }
  list = finish(list);
  if (list != nullptr && list->kids.empty()) {
    free_node(list);
    return nullptr;
  }
  return list ? collapse_list(list) : nullptr;
}

Node* Parser::parse_body(const char* msg, const char* detail, const char* end1, const char* end2,
                         const char* end3) {
  Node* body = parse_compound_list(end1, end2, end3);
  if (!error_set_ && body == nullptr) fail(msg, detail);
  return body;
}

Node* Parser::parse_and_or() {
  Node* left = parse_pipeline();
  while (left != nullptr && (peek().kind == Tok::AndIf || peek().kind == Tok::OrIf)) {
    const bool is_or = peek().kind == Tok::OrIf;
    take();
    skip_newlines();
    Node* right = parse_pipeline();
    if (right == nullptr) {
      free_node(left);
      return nullptr;
    }
    Node* n = new_node(NodeKind::AndOr);
    n->flag = is_or;
    n->a = left;
    n->b = right;
    left = n;
  }
  return left;
}

Node* Parser::parse_pipeline() {
  bool bang = false;
  if (peek_word("!")) {
    take();
    bang = true;
  }
  Node* first = parse_command_node();
  if (first == nullptr) return nullptr;
  if (!bang && peek().kind != Tok::Pipe) return first;
  Node* p = new_node(NodeKind::Pipeline);
  p->flag = bang;
  p->kids.push(first);
  while (peek().kind == Tok::Pipe) {
    take();
    skip_newlines();
    Node* next = parse_command_node();
    if (next == nullptr) {
      free_node(p);
      return nullptr;
    }
    p->kids.push(next);
  }
  return p;
}

Node* Parser::parse_command_node() {
  // Alias substitution of the command word, then reserved words.
  for (;;) {
    const Token& t = peek();
    if (error_set_) return nullptr;
    if (t.kind != Tok::Word || aliases_ == nullptr || alias_budget_ <= 0) break;
    const char* w = t.text.c_str();
    if (is_reserved_word(w) || has_quoting(w) || in_.alias_active(w)) break;
    const char* text = aliases_(alias_ctx_, w);
    if (text == nullptr) break;
    --alias_budget_;
    // The token is replaced by the alias text, which is then lexed like input.
    in_.push_string(text, text);
    take();
  }
  const Token& t = peek();
  if (t.kind == Tok::LParen) {
    Node* n = open_compound(NodeKind::Subshell);
    if (n == nullptr) return nullptr;
    n->a = parse_body("unexpected", ")", nullptr);
    if (!error_set_ && peek().kind != Tok::RParen) fail("missing ')'");
    if (!error_set_) take();
    leave();
    return parse_compound(n);
  }
  if (t.kind == Tok::Word) {
    const char* w = t.text.c_str();
    if (strcmp(w, "{") == 0) {
      Node* n = open_compound(NodeKind::Brace);
      if (n == nullptr) return nullptr;
      n->a = parse_body("unexpected", "}", "}");
      if (!error_set_) expect_word("}");
      leave();
      return parse_compound(n);
    }
    if (strcmp(w, "if") == 0) return parse_compound(parse_if());
    if (strcmp(w, "while") == 0) return parse_compound(parse_loop(NodeKind::While));
    if (strcmp(w, "until") == 0) return parse_compound(parse_loop(NodeKind::Until));
    if (strcmp(w, "for") == 0) return parse_compound(parse_for());
    if (strcmp(w, "case") == 0) return parse_compound(parse_case());
    if (is_reserved_word(w) && strcmp(w, "in") != 0) {
      fail("unexpected", w);
      return nullptr;
    }
    return parse_simple();
  }
  if (is_redir_tok(t.kind)) return parse_simple();
  fail("unexpected", tok_text(t.kind));
  return nullptr;
}

// Trailing redirections of a compound command; frees `n` on error.
Node* Parser::parse_compound(Node* n) {
  if (n == nullptr) return nullptr;
  if (!error_set_) parse_redirs(n);
  return finish(n);
}

bool Parser::parse_redirs(Node* n) {
  while (!error_set_ && is_redir_tok(peek().kind)) {
    if (!parse_redir(n)) return false;
  }
  return !error_set_;
}

bool Parser::parse_redir(Node* n) {
  int fd = -1;
  if (peek().kind == Tok::IoNumber) {
    const long v = strtol(peek().text.c_str(), nullptr, 10);
    if (v > 255) return fail("bad file descriptor number", peek().text.c_str());
    fd = static_cast<int>(v);
    take();
  }
  const RedirToken* r = find_redir_token(peek().kind);
  if (r == nullptr) return fail("expected a redirection operator");
  take();
  if (peek().kind != Tok::Word)
    return fail("missing redirection target before", tok_text(peek().kind));
  if (fd < 0) fd = default_redir_fd(r->op);
  n->redirs.push(Redir{fd, r->op, false, r->strip_tabs, dup_str(peek().text.c_str()), nullptr});
  take();
  if (r->op == RedirOp::Here) here_.push(PendingHere{n, n->redirs.size() - 1});
  return true;
}

Node* Parser::parse_simple() {
  Node* n = new_node(NodeKind::Simple);
  for (;;) {
    Token& t = peek();
    if (error_set_) break;
    if (is_redir_tok(t.kind)) {
      if (!parse_redir(n)) break;
      continue;
    }
    if (t.kind != Tok::Word) break;
    if (n->words.empty() && is_assignment(t.text.c_str())) {
      n->assigns.push(dup_str(t.text.c_str()));
      take();
      continue;
    }
    char* word = dup_str(t.text.c_str());
    take();
    if (n->words.empty() && n->assigns.empty() && n->redirs.empty() && peek().kind == Tok::LParen) {
      if (parse_function(n, word)) return n;
      break;
    }
    n->words.push(word);
  }
  if (!error_set_ && n->words.empty() && n->assigns.empty() && n->redirs.empty()) {
    fail("unexpected", tok_text(peek().kind));
  }
  return finish(n);
}

// name() compound-command, after `name`: turns `n` into a FuncDef that owns `word`, or frees
// `word` and fails.
bool Parser::parse_function(Node* n, char* word) {
  take();  // (
  if (peek().kind != Tok::RParen) {
    free(word);
    return fail("expected ')' after", "(");
  }
  take();
  if (!is_name(word, strlen(word))) {
    fail("bad function name", word);
    free(word);
    return false;
  }
  skip_newlines();
  Node* body = error_set_ ? nullptr : parse_command_node();
  if (body != nullptr && body->kind == NodeKind::Simple) {
    free_node(body);
    body = nullptr;
    fail("a function body must be a compound command");
  }
  if (body == nullptr) {
    free(word);
    return false;
  }
  n->kind = NodeKind::FuncDef;
  n->name = word;
  n->a = body;
  return true;
}

// After `if` or `elif`: cond then body [elif...|else body] fi.
Node* Parser::parse_if() {
  Node* n = open_compound(NodeKind::If);  // if / elif
  if (n == nullptr) return nullptr;
  n->a = parse_body("missing condition after", "if", "then");
  if (!error_set_) expect_word("then");
  if (!error_set_) n->b = parse_body("empty body after", "then", "elif", "else", "fi");
  if (!error_set_) {
    if (peek_word("elif")) {
      n->c = parse_if();  // Consumes the shared `fi`.
    } else {
      if (peek_word("else")) {
        take();
        n->c = parse_body("empty body after", "else", "fi");
      }
      if (!error_set_) expect_word("fi");
    }
  }
  return close_compound(n);
}

// `do body done`, the end of every loop.
void Parser::parse_do_group(Node** body) {
  if (!error_set_) expect_word("do");
  if (!error_set_) *body = parse_body("empty loop body before", "done", "done");
  if (!error_set_) expect_word("done");
}

Node* Parser::parse_loop(NodeKind kind) {
  Node* n = open_compound(kind);
  if (n == nullptr) return nullptr;
  n->a = parse_body("missing condition before", "do", "do");
  parse_do_group(&n->b);
  return close_compound(n);
}

Node* Parser::parse_for() {
  Node* n = open_compound(NodeKind::For);
  if (n == nullptr) return nullptr;
  const Token& t = peek();
  if (t.kind != Tok::Word || !is_name(t.text.c_str(), t.text.size())) {
    fail("bad for loop variable");
  } else {
    n->name = dup_str(t.text.c_str());
    take();
    skip_newlines();
    if (peek_word("in")) {
      take();
      n->flag = true;
      while (!error_set_ && peek().kind == Tok::Word) {
        n->words.push(dup_str(peek().text.c_str()));
        take();
      }
      if (peek().kind == Tok::Semi || peek().kind == Tok::Newline) {
        take();
      } else {
        fail("expected ; or newline in for loop");
      }
    } else if (peek().kind == Tok::Semi) {
      take();
    }
    skip_newlines();
    parse_do_group(&n->a);
  }
  return close_compound(n);
}

Node* Parser::parse_case() {
  Node* n = open_compound(NodeKind::Case);
  if (n == nullptr) return nullptr;
  if (peek().kind != Tok::Word) {
    fail("expected a word after", "case");
  } else {
    n->words.push(dup_str(peek().text.c_str()));
    take();
    skip_newlines();
    expect_word("in");
    skip_newlines();
    while (!error_set_ && !peek_word("esac")) {
      parse_case_item(n);
      if (error_set_) break;
      if (peek().kind == Tok::DSemi) {
        take();
        skip_newlines();
      } else if (!peek_word("esac")) {
        fail("expected ;; or esac in case");
      }
    }
    if (!error_set_) take();  // esac
  }
  return close_compound(n);
}

// One `[(] pattern [| pattern]... ) body`, appended to n->items even when it fails half-way (so
// that free_node frees what it holds).
void Parser::parse_case_item(Node* n) {
  if (peek().kind == Tok::LParen) take();
  CaseItem item{};
  for (;;) {
    if (peek().kind != Tok::Word) {
      fail("expected a pattern in case");
      break;
    }
    item.patterns.push(dup_str(peek().text.c_str()));
    take();
    if (peek().kind != Tok::Pipe) break;
    take();
  }
  if (!error_set_ && peek().kind != Tok::RParen) fail("expected ')' after a case pattern");
  if (!error_set_) take();
  if (!error_set_) item.body = parse_compound_list("esac");
  n->items.push(item);
  new (&item.patterns) Vec<char*>();  // n->items owns the patterns now.
}

}  // namespace mos::sh
