#pragma once
// The regex parser: pattern text to a syntax tree (regex_program.hpp's Node), with POSIX's and
// glibc's rules for which characters are operators where.

#include "regex_program.hpp"

namespace mos::posix::libc {

/// The parser's output: nodes and byte classes in caller-provided arrays.
struct SyntaxTree {
  Node* nodes;
  int node_count;
  int node_capacity;
  ByteClass* classes;
  int class_count;
  int class_capacity;
  int root;
  int groups;
  bool has_backrefs;
};

/// Parses `pattern` under `cflags` into `tree` (whose arrays hold at least 4 * strlen + 8 nodes
/// and strlen + 8 classes). Returns kRegOk or the error code.
int parse_regex(const char* pattern, int cflags, SyntaxTree& tree) noexcept;

}  // namespace mos::posix::libc
