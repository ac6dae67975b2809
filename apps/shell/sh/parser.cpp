// The grammar half of Parser (POSIX XCU 2.10), by recursive descent. Recursion follows the
// nesting of compound commands only, capped at kMaxDepth levels.
#include "parser.hpp"

#include <stdlib.h>

#include <new>

namespace mos::sh {

namespace {

constexpr int kMaxDepth = 100;

const char* tok_text(Tok k) {
  switch (k) {
    case Tok::Word:
      return "word";
    case Tok::IoNumber:
      return "number";
    case Tok::Newline:
      return "newline";
    case Tok::Eof:
      return "end of file";
    case Tok::Semi:
      return ";";
    case Tok::Amp:
      return "&";
    case Tok::AndIf:
      return "&&";
    case Tok::OrIf:
      return "||";
    case Tok::Pipe:
      return "|";
    case Tok::LParen:
      return "(";
    case Tok::RParen:
      return ")";
    case Tok::DSemi:
      return ";;";
    case Tok::Less:
      return "<";
    case Tok::Great:
      return ">";
    case Tok::DLess:
      return "<<";
    case Tok::DLessDash:
      return "<<-";
    case Tok::DGreat:
      return ">>";
    case Tok::LessAnd:
      return "<&";
    case Tok::GreatAnd:
      return ">&";
    case Tok::LessGreat:
      return "<>";
    case Tok::Clobber:
      return ">|";
  }
  return "?";
}

bool is_redir_tok(Tok k) {
  return k == Tok::IoNumber || k == Tok::Less || k == Tok::Great || k == Tok::DLess ||
         k == Tok::DLessDash || k == Tok::DGreat || k == Tok::LessAnd || k == Tok::GreatAnd ||
         k == Tok::LessGreat || k == Tok::Clobber;
}

bool is_reserved(const char* w) {
  static constexpr const char* kWords[] = {"if",   "then", "else", "elif",  "fi",    "do",
                                           "done", "case", "esac", "while", "until", "for",
                                           "{",    "}",    "!",    "in"};
  for (const char* k : kWords) {
    if (strcmp(k, w) == 0) return true;
  }
  return false;
}

bool has_quoting(const char* s) {
  return strpbrk(s, "'\"\\$`") != nullptr;
}

bool is_assignment(const char* w) {
  const char* eq = strchr(w, '=');
  return eq != nullptr && is_name(w, static_cast<size_t>(eq - w));
}

}  // namespace

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

bool Parser::enter() {
  if (++depth_ > kMaxDepth) {
    fail("commands nested too deeply");
    return false;
  }
  return true;
}

void Parser::skip_newlines() {
  while (!error_set_ && peek().kind == Tok::Newline) take();
}

bool Parser::expect_word(const char* w) {
  if (peek_word(w)) {
    take();
    return true;
  }
  const Token& t = peek();
  StrBuf what;
  what.append(t.kind == Tok::Word ? t.text.c_str() : tok_text(t.kind));
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
    const Token& end = peek();
    if (end.kind == Tok::Newline) {
      take();
    } else if (end.kind != Tok::Eof) {
      fail("unexpected", end.kind == Tok::Word ? end.text.c_str() : tok_text(end.kind));
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
  if (error_set_) {
    free_node(list);
    return nullptr;
  }
  if (list->kids.size() == 1 && !list->async[0]) {
    Node* only = list->kids[0];
    list->kids.clear();
    free_node(list);
    return only;
  }
  return list;
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
  if (error_set_) {
    free_node(list);
    return nullptr;
  }
  if (list->kids.empty()) {
    free_node(list);
    return nullptr;
  }
  if (list->kids.size() == 1 && !list->async[0]) {
    Node* only = list->kids[0];
    list->kids.clear();
    free_node(list);
    return only;
  }
  return list;
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
    if (is_reserved(w) || has_quoting(w) || in_.alias_active(w)) break;
    const char* text = aliases_(alias_ctx_, w);
    if (text == nullptr) break;
    --alias_budget_;
    // The token is replaced by the alias text, which is then lexed like input.
    in_.push_string(text, text);
    take();
  }
  const Token& t = peek();
  if (t.kind == Tok::LParen) {
    if (!enter()) return nullptr;
    take();
    Node* n = new_node(NodeKind::Subshell);
    n->a = parse_compound_list(nullptr);
    if (!error_set_ && n->a == nullptr) fail("unexpected", ")");
    if (!error_set_ && peek().kind != Tok::RParen) fail("missing ')'");
    if (!error_set_) take();
    leave();
    return parse_compound(n);
  }
  if (t.kind == Tok::Word) {
    const char* w = t.text.c_str();
    if (strcmp(w, "{") == 0) {
      if (!enter()) return nullptr;
      take();
      Node* n = new_node(NodeKind::Brace);
      n->a = parse_compound_list("}");
      if (!error_set_ && n->a == nullptr) fail("unexpected", "}");
      if (!error_set_) expect_word("}");
      leave();
      return parse_compound(n);
    }
    if (strcmp(w, "if") == 0) return parse_compound(parse_if());
    if (strcmp(w, "while") == 0) return parse_compound(parse_loop(NodeKind::While));
    if (strcmp(w, "until") == 0) return parse_compound(parse_loop(NodeKind::Until));
    if (strcmp(w, "for") == 0) return parse_compound(parse_for());
    if (strcmp(w, "case") == 0) return parse_compound(parse_case());
    if (is_reserved(w) && strcmp(w, "in") != 0) {
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
  if (error_set_ || !parse_redirs(n)) {
    free_node(n);
    return nullptr;
  }
  return n;
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
  const Tok k = peek().kind;
  RedirOp op;
  bool strip = false;
  switch (k) {
    case Tok::Less:
      op = RedirOp::In;
      break;
    case Tok::Great:
      op = RedirOp::Out;
      break;
    case Tok::DGreat:
      op = RedirOp::Append;
      break;
    case Tok::Clobber:
      op = RedirOp::Clobber;
      break;
    case Tok::LessGreat:
      op = RedirOp::InOut;
      break;
    case Tok::LessAnd:
      op = RedirOp::DupIn;
      break;
    case Tok::GreatAnd:
      op = RedirOp::DupOut;
      break;
    case Tok::DLess:
      op = RedirOp::Here;
      break;
    case Tok::DLessDash:
      op = RedirOp::Here;
      strip = true;
      break;
    default:
      return fail("expected a redirection operator");
  }
  take();
  if (peek().kind != Tok::Word) {
    const Token& t = peek();
    return fail("missing redirection target before", tok_text(t.kind));
  }
  if (fd < 0) {
    fd = (op == RedirOp::In || op == RedirOp::DupIn || op == RedirOp::Here || op == RedirOp::InOut)
             ? 0
             : 1;
  }
  n->redirs.push(Redir{fd, op, false, strip, dup_str(peek().text.c_str()), nullptr});
  take();
  if (op == RedirOp::Here) here_.push(PendingHere{n, n->redirs.size() - 1});
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
      // name() compound-command
      take();
      if (peek().kind != Tok::RParen) {
        free(word);
        fail("expected ')' after", "(");
        break;
      }
      take();
      if (!is_name(word, strlen(word))) {
        fail("bad function name", word);
        free(word);
        break;
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
        break;
      }
      n->kind = NodeKind::FuncDef;
      n->name = word;
      n->a = body;
      return n;
    }
    n->words.push(word);
  }
  if (!error_set_ && n->words.empty() && n->assigns.empty() && n->redirs.empty()) {
    const Token& t = peek();
    fail("unexpected", tok_text(t.kind));
  }
  if (error_set_) {
    free_node(n);
    return nullptr;
  }
  return n;
}

// After `if` or `elif`: cond then body [elif...|else body] fi.
Node* Parser::parse_if() {
  if (!enter()) return nullptr;
  take();  // if / elif
  Node* n = new_node(NodeKind::If);
  n->a = parse_compound_list("then");
  if (!error_set_ && n->a == nullptr) fail("missing condition after", "if");
  if (!error_set_) expect_word("then");
  if (!error_set_) n->b = parse_compound_list("elif", "else", "fi");
  if (!error_set_ && n->b == nullptr) fail("empty body after", "then");
  if (!error_set_) {
    if (peek_word("elif")) {
      n->c = parse_if();  // Consumes the shared `fi`.
      leave();
      if (n->c == nullptr) {
        free_node(n);
        return nullptr;
      }
      return n;
    }
    if (peek_word("else")) {
      take();
      n->c = parse_compound_list("fi");
      if (!error_set_ && n->c == nullptr) fail("empty body after", "else");
    }
    if (!error_set_) expect_word("fi");
  }
  leave();
  if (error_set_) {
    free_node(n);
    return nullptr;
  }
  return n;
}

Node* Parser::parse_loop(NodeKind kind) {
  if (!enter()) return nullptr;
  take();
  Node* n = new_node(kind);
  n->a = parse_compound_list("do");
  if (!error_set_ && n->a == nullptr) fail("missing condition before", "do");
  if (!error_set_) expect_word("do");
  if (!error_set_) n->b = parse_compound_list("done");
  if (!error_set_ && n->b == nullptr) fail("empty loop body before", "done");
  if (!error_set_) expect_word("done");
  leave();
  if (error_set_) {
    free_node(n);
    return nullptr;
  }
  return n;
}

Node* Parser::parse_for() {
  if (!enter()) return nullptr;
  take();
  Node* n = new_node(NodeKind::For);
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
    if (!error_set_) expect_word("do");
    if (!error_set_) n->a = parse_compound_list("done");
    if (!error_set_ && n->a == nullptr) fail("empty loop body before", "done");
    if (!error_set_) expect_word("done");
  }
  leave();
  if (error_set_) {
    free_node(n);
    return nullptr;
  }
  return n;
}

Node* Parser::parse_case() {
  if (!enter()) return nullptr;
  take();
  Node* n = new_node(NodeKind::Case);
  if (peek().kind != Tok::Word) {
    fail("expected a word after", "case");
  } else {
    n->words.push(dup_str(peek().text.c_str()));
    take();
    skip_newlines();
    expect_word("in");
    skip_newlines();
    while (!error_set_ && !peek_word("esac")) {
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
  leave();
  if (error_set_) {
    free_node(n);
    return nullptr;
  }
  return n;
}

}  // namespace mos::sh
