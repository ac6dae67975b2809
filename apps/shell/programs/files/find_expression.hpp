#pragma once
/// find's expression: parsed from the command line into a tree of tests and actions
/// (-name, -type, -print, -exec, ! ( ) -a -o, ...) and evaluated for each file of the walk.

#include <sys/stat.h>
#include <time.h>
#include <cstddef>
#include <cstdint>

namespace mos::programs::files {

/// What a node of the expression does.
enum class FindNodeKind {
  And,
  Or,
  Not,
  True,
  False,
  Name,
  IName,
  Path,
  Type,
  Newer,
  Size,
  Empty,
  Mtime,
  Print,
  Print0,
  Exec,
  Prune,
};

/// One node; which fields matter depends on kind.
struct FindNode {
  FindNodeKind kind;
  int left;              ///< Operand of Not; this link's operand of an And or Or chain.
  int right;             ///< The chain's next link (And, Or), or -1.
  const char* text;      ///< The pattern of Name, IName and Path.
  char** exec_args;      ///< The command of Exec, in argv (not null-terminated).
  int exec_count;        ///< Its length.
  int64_t number;        ///< The N of -size, -mtime.
  int comparison;        ///< +N: 1, -N: -1, N: 0.
  uint64_t unit;         ///< -size's unit in bytes.
  mode_t type;           ///< -type's S_IFMT value.
  struct timespec time;  ///< -newer's reference time.
};

/// A parsed expression and the global options found in it.
struct FindExpression {
  FindNode* nodes;  ///< malloc'd; free_find_expression frees it.
  int count;
  int root;
  int max_depth;     ///< -maxdepth, or -1.
  int min_depth;     ///< -mindepth, or 0.
  bool depth_first;  ///< -depth: directories after their contents.
  time_t now;        ///< For -mtime.
};

/// Parses args[0..count) into out, adding -print when there is no action. Reports errors on
/// stderr under "find"; false on any.
bool parse_find_expression(char** args, int count, FindExpression* out);

/// Frees what parse_find_expression allocated.
void free_find_expression(FindExpression* expression);

/// The file being tested.
struct FindCandidate {
  const char* path;
  const struct stat* st;
  bool prune;   ///< Set by -prune.
  bool failed;  ///< Set when an -exec command could not be started.
};

/// Evaluates the expression for one file (its actions print or run commands).
bool evaluate_find_expression(const FindExpression& expression, FindCandidate& candidate);

/// Shell-style wildcard matching (* ? [a-z] [!x] and backslash escapes), as fnmatch(3) with no
/// flags; fold_case for -iname.
bool glob_match(const char* pattern, const char* text, bool fold_case);

}  // namespace mos::programs::files
