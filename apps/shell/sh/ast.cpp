#include "ast.hpp"

#include <new>

namespace mos::sh {

Node* new_node(NodeKind kind) {
  void* mem = must_alloc(sizeof(Node));
  Node* n = new (mem) Node();
  n->kind = kind;
  return n;
}

void free_node(Node* n) {
  if (n == nullptr) return;
  free(n->name);
  free_node(n->a);
  free_node(n->b);
  free_node(n->c);
  free_strings(n->words);
  free_strings(n->assigns);
  for (Redir& r : n->redirs) {
    free(r.target);
    free(r.here_body);
  }
  for (Node* k : n->kids) free_node(k);
  for (CaseItem& item : n->items) {
    free_strings(item.patterns);
    free_node(item.body);
    item.patterns.~Vec();
  }
  n->~Node();
  free(n);
}

namespace {

void copy_strings(const Vec<char*>& from, Vec<char*>& to) {
  for (char* s : from) to.push(dup_str(s));
}

}  // namespace

Node* copy_node(const Node* n) {
  if (n == nullptr) return nullptr;
  Node* c = new_node(n->kind);
  c->flag = n->flag;
  c->name = dup_str(n->name);
  c->a = copy_node(n->a);
  c->b = copy_node(n->b);
  c->c = copy_node(n->c);
  copy_strings(n->words, c->words);
  copy_strings(n->assigns, c->assigns);
  for (const Redir& r : n->redirs) {
    c->redirs.push(
        Redir{r.fd, r.op, r.here_quoted, r.strip_tabs, dup_str(r.target), dup_str(r.here_body)});
  }
  for (Node* k : n->kids) c->kids.push(copy_node(k));
  for (uint8_t a : n->async) c->async.push(a);
  for (const CaseItem& item : n->items) {
    CaseItem ci{};
    new (&ci.patterns) Vec<char*>();
    copy_strings(item.patterns, ci.patterns);
    ci.body = copy_node(item.body);
    c->items.push(ci);
    // The Vec's storage now belongs to the copy in c->items; forget it here.
    new (&ci.patterns) Vec<char*>();
  }
  return c;
}

namespace {

// Indexed by RedirOp.
constexpr const char* kRedirOpText[] = {"<", ">", ">|", ">>", "<>", "<&", ">&", "<<"};
static_assert(sizeof kRedirOpText / sizeof kRedirOpText[0] ==
              static_cast<size_t>(RedirOp::Here) + 1);

void format_redirs(const Node* n, StrBuf& out) {
  for (const Redir& r : n->redirs) {
    out.push(' ');
    if (r.fd != default_redir_fd(r.op)) out.append_long(r.fd);
    out.append(kRedirOpText[static_cast<size_t>(r.op)]);
    out.append(r.target);
  }
}

// A body followed by the separator a reserved word needs after it.
void format_body(const Node* n, StrBuf& out) {
  if (n == nullptr) {
    out.append(":; ");
    return;
  }
  format_node(n, out);
  if (!(n->kind == NodeKind::List && !n->async.empty() && n->async.back())) out.push(';');
  out.push(' ');
}

}  // namespace

void format_node(const Node* n, StrBuf& out) {
  if (n == nullptr) return;
  switch (n->kind) {
    case NodeKind::Simple: {
      bool first = true;
      const Vec<char*>* lists[2] = {&n->assigns, &n->words};
      for (const Vec<char*>* v : lists) {
        for (char* s : *v) {
          if (!first) out.push(' ');
          first = false;
          out.append(s);
        }
      }
      const size_t redirs_at = out.size();
      format_redirs(n, out);
      if (first && !n->redirs.empty()) out.erase(redirs_at, 1);  // No blank before the first.
      return;
    }
    case NodeKind::Pipeline:
      if (n->flag) out.append("! ");
      for (size_t i = 0; i < n->kids.size(); ++i) {
        if (i) out.append(" | ");
        format_node(n->kids[i], out);
      }
      return;
    case NodeKind::AndOr:
      format_node(n->a, out);
      out.append(n->flag ? " || " : " && ");
      format_node(n->b, out);
      return;
    case NodeKind::List:
      for (size_t i = 0; i < n->kids.size(); ++i) {
        format_node(n->kids[i], out);
        if (n->async[i]) {
          out.append(" &");
          if (i + 1 < n->kids.size()) out.push(' ');
        } else if (i + 1 < n->kids.size()) {
          out.append("; ");
        }
      }
      return;
    case NodeKind::FuncDef:
      out.append(n->name);
      out.append("() ");
      format_node(n->a, out);
      return;
    case NodeKind::Subshell:
      out.push('(');
      format_node(n->a, out);
      out.push(')');
      break;
    case NodeKind::Brace:
      out.append("{ ");
      format_body(n->a, out);
      out.push('}');
      break;
    case NodeKind::If:
      out.append("if ");
      format_body(n->a, out);
      out.append("then ");
      format_body(n->b, out);
      if (n->c) {
        out.append("else ");
        format_body(n->c, out);
      }
      out.append("fi");
      break;
    case NodeKind::While:
    case NodeKind::Until:
      out.append(n->kind == NodeKind::While ? "while " : "until ");
      format_body(n->a, out);
      out.append("do ");
      format_body(n->b, out);
      out.append("done");
      break;
    case NodeKind::For:
      out.append("for ");
      out.append(n->name);
      if (n->flag) {
        out.append(" in");
        for (char* w : n->words) {
          out.push(' ');
          out.append(w);
        }
      }
      out.append("; do ");
      format_body(n->a, out);
      out.append("done");
      break;
    case NodeKind::Case:
      out.append("case ");
      out.append(n->words[0]);
      out.append(" in ");
      for (const CaseItem& item : n->items) {
        for (size_t i = 0; i < item.patterns.size(); ++i) {
          if (i) out.push('|');
          out.append(item.patterns[i]);
        }
        out.append(") ");
        if (item.body) {
          format_node(item.body, out);
          out.push(' ');
        }
        out.append(";; ");
      }
      out.append("esac");
      break;
  }
  // The redirections of a compound command follow it.
  format_redirs(n, out);
}

}  // namespace mos::sh
