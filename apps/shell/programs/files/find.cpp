// find: walk file trees and evaluate an expression (-name, -type, -exec, ...) for each file.
#include "program.hpp"

#include "common.hpp"
#include "find_expression.hpp"
#include "walk.hpp"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "find";

/// The run's expression and status, shared with the walk visitor.
struct Find {
  const files::FindExpression* expression;
  int status;
};

files::WalkAction visit(void* context, files::WalkEvent event, const files::WalkEntry& entry) {
  Find& find = *static_cast<Find*>(context);
  const files::FindExpression& expression = *find.expression;
  if (entry.st == nullptr || event == files::WalkEvent::DirectoryError) {
    report_error(kName, entry.path, entry.error);
    find.status = 1;
    // With -depth the unreadable directory itself is still tested, after its error.
    if (event != files::WalkEvent::DirectoryError || !expression.depth_first) {
      return files::WalkAction::Continue;
    }
  }
  const bool directory = S_ISDIR(entry.st->st_mode);
  const bool at_max_depth = expression.max_depth >= 0 && entry.depth >= expression.max_depth;
  // With -depth a directory is tested after its contents, unless the walk will not enter it.
  const bool test_now = event == files::WalkEvent::Entry
                            ? !expression.depth_first || !directory || at_max_depth
                            : expression.depth_first;
  files::FindCandidate candidate{entry.path, entry.st, false, false};
  if (test_now && entry.depth >= expression.min_depth) {
    files::evaluate_find_expression(expression, candidate);
    if (candidate.failed) find.status = 1;
  }
  if (event != files::WalkEvent::Entry) return files::WalkAction::Continue;
  if (at_max_depth) return files::WalkAction::Prune;
  // -prune has no effect with -depth, as in GNU find.
  return candidate.prune && !expression.depth_first ? files::WalkAction::Prune
                                                    : files::WalkAction::Continue;
}

bool starts_expression(const char* arg) {
  return (arg[0] == '-' && arg[1] != '\0') || strcmp(arg, "(") == 0 || strcmp(arg, "!") == 0;
}

}  // namespace

int find_main(int argc, char** argv) {
  // Not getopt: find's options are words (-name), and -H/-L/-P come before the paths.
  files::WalkFollow follow = files::WalkFollow::Never;
  int first = 1;
  for (; first < argc; ++first) {
    if (strcmp(argv[first], "-H") == 0) {
      follow = files::WalkFollow::RootOnly;
    } else if (strcmp(argv[first], "-L") == 0) {
      follow = files::WalkFollow::Always;
    } else if (strcmp(argv[first], "-P") == 0) {
      follow = files::WalkFollow::Never;
    } else {
      break;
    }
  }
  int paths_end = first;
  while (paths_end < argc && !starts_expression(argv[paths_end])) ++paths_end;
  files::FindExpression expression;
  if (!files::parse_find_expression(argv + paths_end, argc - paths_end, &expression)) {
    files::free_find_expression(&expression);
    return 1;
  }
  Find find{&expression, 0};
  if (paths_end == first) {
    files::walk_tree(kName, ".", follow, visit, &find);
  }
  for (int i = first; i < paths_end; ++i) files::walk_tree(kName, argv[i], follow, visit, &find);
  files::free_find_expression(&expression);
  if (fflush(stdout) != 0) find.status = 1;
  return find.status;
}

}  // namespace mos::programs
