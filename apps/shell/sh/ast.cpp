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

const char* redir_op_text(RedirOp op) {
  switch (op) {
    case RedirOp::In:
      return "<";
    case RedirOp::Out:
      return ">";
    case RedirOp::Clobber:
      return ">|";
    case RedirOp::Append:
      return ">>";
    case RedirOp::InOut:
      return "<>";
    case RedirOp::DupIn:
      return "<&";
    case RedirOp::DupOut:
      return ">&";
    case RedirOp::Here:
      return "<<";
  }
  return "?";
}

void format_redirs(const Node* n, StrBuf& out) {
  for (const Redir& r : n->redirs) {
    const bool default_fd = (r.fd == 0 && (r.op == RedirOp::In || r.op == RedirOp::DupIn ||
                                           r.op == RedirOp::Here || r.op == RedirOp::InOut)) ||
                            (r.fd == 1 && (r.op == RedirOp::Out || r.op == RedirOp::Clobber ||
                                           r.op == RedirOp::Append || r.op == RedirOp::DupOut));
    out.push(' ');
    if (!default_fd) out.append_long(r.fd);
    out.append(redir_op_text(r.op));
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
      auto sep = [&] {
        if (!first) out.push(' ');
        first = false;
      };
      for (char* s : n->assigns) {
        sep();
        out.append(s);
      }
      for (char* s : n->words) {
        sep();
        out.append(s);
      }
      if (first && !n->redirs.empty()) {
        format_redirs(n, out);
        out.erase(0, 1);
        return;
      }
      format_redirs(n, out);
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
    case NodeKind::Subshell:
      out.push('(');
      format_node(n->a, out);
      out.push(')');
      format_redirs(n, out);
      return;
    case NodeKind::Brace:
      out.append("{ ");
      format_body(n->a, out);
      out.push('}');
      format_redirs(n, out);
      return;
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
      format_redirs(n, out);
      return;
    case NodeKind::While:
    case NodeKind::Until:
      out.append(n->kind == NodeKind::While ? "while " : "until ");
      format_body(n->a, out);
      out.append("do ");
      format_body(n->b, out);
      out.append("done");
      format_redirs(n, out);
      return;
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
      format_redirs(n, out);
      return;
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
      format_redirs(n, out);
      return;
    case NodeKind::FuncDef:
      out.append(n->name);
      out.append("() ");
      format_node(n->a, out);
      return;
  }
}

}  // namespace mos::sh
