#pragma once
/// The shell's syntax tree. Words are kept as their raw source text (quotes included) and are
/// expanded when the command runs, so a tree is plain data: it can be deep-copied for a subshell
/// that runs in another process of the same address space, and printed back as source.

#include <cstdint>

#include "buffer.hpp"

namespace mos::sh {

/// What a node is.
enum class NodeKind : uint8_t {
  Simple,    ///< assigns, words, redirs
  Pipeline,  ///< kids (stages); flag = leading `!`
  AndOr,     ///< a && b (flag false) or a || b (flag true)
  List,      ///< kids run in order; async[i] != 0 runs kids[i] in the background
  Subshell,  ///< ( a )
  Brace,     ///< { a; }
  If,        ///< if a then b else c (c may be null, or another If for elif)
  While,     ///< while a do b
  Until,     ///< until a do b
  For,       ///< for name [in words] do a; flag = has `in`
  Case,      ///< case words[0] in items esac
  FuncDef,   ///< name() a
};

/// A redirection operator.
enum class RedirOp : uint8_t {
  In,       ///< <
  Out,      ///< >
  Clobber,  ///< >|
  Append,   ///< >>
  InOut,    ///< <>
  DupIn,    ///< <&
  DupOut,   ///< >&
  Here,     ///< << (and <<-)
};

/// The descriptor `op` applies to when the redirection names none: 0 for input, else 1.
inline int default_redir_fd(RedirOp op) {
  return (op == RedirOp::In || op == RedirOp::DupIn || op == RedirOp::Here || op == RedirOp::InOut)
             ? 0
             : 1;
}

/// One redirection: `fd op target`, or a here-document whose body is `here_body`.
struct Redir {
  int fd;
  RedirOp op;
  bool here_quoted;  ///< The delimiter was quoted: the body is not expanded.
  bool strip_tabs;   ///< `<<-`: leading tabs are removed from the body's lines.
  char* target;      ///< Raw word (the delimiter for a here-document).
  char* here_body;   ///< Here-document text, filled when its lines are read.
};

struct Node;

/// One `pattern|pattern) body ;;` item of a case command.
struct CaseItem {
  Vec<char*> patterns;  ///< Raw words.
  Node* body;           ///< May be null (empty item).
};

/// A syntax tree node; which fields are used depends on `kind` (see NodeKind).
struct Node {
  NodeKind kind;
  bool flag = false;
  char* name = nullptr;
  Node* a = nullptr;
  Node* b = nullptr;
  Node* c = nullptr;
  Vec<char*> words;
  Vec<char*> assigns;
  Vec<Redir> redirs;
  Vec<Node*> kids;
  Vec<uint8_t> async;
  Vec<CaseItem> items;
};

/// A new node of `kind` (all other fields empty).
Node* new_node(NodeKind kind);
/// Frees `n` and everything below it; null is fine.
void free_node(Node* n);
/// A deep copy of `n` (null for null).
Node* copy_node(const Node* n);
/// Appends `n` as shell source (one line; here-document bodies follow after newlines).
void format_node(const Node* n, StrBuf& out);

}  // namespace mos::sh
