#include "walk.hpp"

#include "common.hpp"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

namespace mos::programs::files {

namespace {

/// One directory being walked: its sorted names and how far the walk got.
struct Level {
  NameList names;
  size_t next;
  size_t path_length;
  struct stat st;
};

/// The walk's heap state, so that the frames stay small.
struct Walk {
  const char* program;
  WalkFollow follow;
  WalkVisitor visitor;
  void* context;
  char* path;
  size_t root_length;
  Level* levels;
  size_t depth;
  size_t capacity;
};

int stat_entry(const Walk& walk, bool root, struct stat* st) {
  const bool follow =
      walk.follow == WalkFollow::Always || (root && walk.follow == WalkFollow::RootOnly);
  if (follow) {
    if (stat(walk.path, st) == 0) return 0;
    // A dangling link is still a file to report (as the link itself).
    if (errno != ENOENT && errno != ELOOP) return errno;
  }
  return lstat(walk.path, st) == 0 ? 0 : errno;
}

bool is_ancestor(const Walk& walk, const struct stat& st) {
  for (size_t i = 0; i < walk.depth; ++i) {
    if (walk.levels[i].st.st_dev == st.st_dev && walk.levels[i].st.st_ino == st.st_ino) {
      return true;
    }
  }
  return false;
}

/// Reads the directory at walk.path and pushes it; reports DirectoryError when it cannot.
/// False only when out of memory.
bool push_directory(Walk& walk, const struct stat& st, int depth) {
  WalkEntry entry{walk.path, walk.root_length, &st, 0, depth};
  if (walk.follow == WalkFollow::Always && is_ancestor(walk, st)) {
    entry.error = ELOOP;
    walk.visitor(walk.context, WalkEvent::DirectoryError, entry);
    return true;
  }
  NameList names;
  const int error = read_directory(walk.path, DotEntries::Skip, &names);
  if (error != 0) {
    entry.error = error;
    walk.visitor(walk.context, WalkEvent::DirectoryError, entry);
    return error != ENOMEM;
  }
  if (walk.depth == walk.capacity) {
    const size_t grown = walk.capacity == 0 ? 8 : walk.capacity * 2;
    void* bigger = realloc(walk.levels, grown * sizeof(Level));
    if (bigger == nullptr) {
      free_name_list(&names);
      return false;
    }
    walk.levels = static_cast<Level*>(bigger);
    walk.capacity = grown;
  }
  walk.levels[walk.depth++] = Level{names, 0, strlen(walk.path), st};
  return true;
}

/// Reports the file at walk.path and enters it if it is a directory. False to end the walk.
bool visit(Walk& walk, int depth, bool* out_of_memory) {
  struct stat st;
  const int error = stat_entry(walk, depth == 0, &st);
  const WalkEntry entry{walk.path, walk.root_length, error == 0 ? &st : nullptr, error, depth};
  const WalkAction action = walk.visitor(walk.context, WalkEvent::Entry, entry);
  if (action == WalkAction::Stop) return false;
  if (error != 0 || action == WalkAction::Prune || !S_ISDIR(st.st_mode)) return true;
  if (!push_directory(walk, st, depth)) {
    *out_of_memory = true;
    return false;
  }
  return true;
}

}  // namespace

bool walk_tree(const char* program, const char* root, WalkFollow follow, WalkVisitor visitor,
               void* context) {
  const size_t root_length = strlen(root);
  char* path = static_cast<char*>(malloc(PATH_MAX));
  if (path == nullptr) {
    report_error(program, root, ENOMEM);
    return false;
  }
  Walk walk{program, follow, visitor, context, path, root_length, nullptr, 0, 0};
  bool out_of_memory = false;
  bool running = true;
  if (root_length >= PATH_MAX) {
    const WalkEntry entry{root, root_length, nullptr, ENAMETOOLONG, 0};
    running = visitor(context, WalkEvent::Entry, entry) != WalkAction::Stop;
  } else {
    memcpy(path, root, root_length + 1);
    running = visit(walk, 0, &out_of_memory);
  }
  while (running && walk.depth > 0) {
    Level& top = walk.levels[walk.depth - 1];
    path[top.path_length] = '\0';
    if (top.next == top.names.count) {
      const struct stat st = top.st;
      free_name_list(&top.names);
      --walk.depth;
      const WalkEntry entry{path, root_length, &st, 0, static_cast<int>(walk.depth)};
      visitor(context, WalkEvent::DirectoryEnd, entry);
      continue;
    }
    const char* name = top.names.names[top.next++];
    const int depth = static_cast<int>(walk.depth);
    if (!join_path(path + top.path_length, PATH_MAX - top.path_length,
                   top.path_length > 0 && path[top.path_length - 1] != '/' ? "/" : "", name)) {
      path[top.path_length] = '\0';  // Report the directory whose entry does not fit.
      const WalkEntry entry{path, root_length, nullptr, ENAMETOOLONG, depth};
      running = visitor(context, WalkEvent::Entry, entry) != WalkAction::Stop;
      continue;
    }
    running = visit(walk, depth, &out_of_memory);
  }
  while (walk.depth > 0) free_name_list(&walk.levels[--walk.depth].names);
  free(walk.levels);
  free(path);
  if (out_of_memory) report_error(program, root, ENOMEM);
  return running && !out_of_memory;
}

}  // namespace mos::programs::files
