#pragma once
/// A depth-first walk over a file tree, in strcmp order, for ls -R, rm -r, cp -r, chmod -R,
/// chown -R and find. It keeps its directory stack on the heap, so the C stack does not grow
/// with the depth of the tree (image stacks are small); paths are limited to PATH_MAX.

#include <sys/stat.h>
#include <cstddef>

namespace mos::programs::files {

/// What the walk reports.
enum class WalkEvent {
  Entry,           ///< Any file, before a directory's children. st is null when stat failed.
  DirectoryEnd,    ///< A directory, after its children.
  DirectoryError,  ///< A directory that could not be read (error); no DirectoryEnd follows.
};

/// Which symbolic links the walk follows.
enum class WalkFollow {
  Never,     ///< lstat everything: links are reported as links (rm, find -P, cp -r).
  RootOnly,  ///< stat the root, lstat below it (ls -R of a link to a directory, chmod -R).
  Always,    ///< stat everything (find -L, cp -L); loops are reported as ELOOP.
};

/// The visitor's answer to an Entry event.
enum class WalkAction {
  Continue,  ///< Go on (into the directory, if it is one).
  Prune,     ///< Do not enter this directory.
  Stop,      ///< End the walk now.
};

/// One reported file.
struct WalkEntry {
  const char* path;       ///< The root, or the root joined with the names below it.
  size_t root_length;     ///< Length of the root's part of path.
  const struct stat* st;  ///< Its status (null if stat failed, see error).
  int error;              ///< errno of a failed stat or directory read, else 0.
  int depth;              ///< 0 for the root.
};

/// The visitor: called for each event; the answer matters only for Entry events.
using WalkVisitor = WalkAction (*)(void* context, WalkEvent event, const WalkEntry& entry);

/// Walks the tree at root. Returns false when the walk could not run to its end (a visitor's
/// Stop, or out of memory, which is reported on stderr under program's name).
bool walk_tree(const char* program, const char* root, WalkFollow follow, WalkVisitor visitor,
               void* context);

}  // namespace mos::programs::files
