#pragma once
/// Copying and removing file trees: cp's work, mv's fallback across file systems (EXDEV), and
/// rm -r's.

#include "walk.hpp"

namespace mos::programs::files {

/// How copy_path copies.
struct CopyOptions {
  const char* program;  ///< For error messages.
  bool recursive;       ///< Copy directories (cp -r); otherwise they are skipped with an error.
  bool preserve;        ///< Keep mode, owner and times (cp -p, mv).
  bool force;           ///< Remove a destination that cannot be opened and try again (cp -f).
  WalkFollow follow;    ///< Never: copy symbolic links as links (cp -r, -P, mv).
};

/// Copies the file or tree src to the path dst (the final name, not a directory to copy into).
/// Reports every error on stderr; false if there was any.
bool copy_path(const char* src, const char* dst, const CopyOptions& options);

/// Removes the file or tree at path, depth first, without following links. Reports every
/// error under program's name; false if there was any.
bool remove_tree(const char* program, const char* path);

}  // namespace mos::programs::files
