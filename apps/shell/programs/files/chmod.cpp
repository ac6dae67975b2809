// chmod: change file modes, octal or symbolic (u+x,g-w,o=r,a+X); -R for trees.
#include "program.hpp"

#include "common.hpp"
#include "mode_spec.hpp"
#include "walk.hpp"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "chmod";

/// The run's options and status, shared with the walk visitor.
struct Chmod {
  const char* mode_spec;
  mode_t umask_bits;
  bool quiet;
  int status;
};

void change(Chmod& chmod_run, const char* path, const struct stat& st) {
  mode_t mode;
  const files::ModeTarget target =
      S_ISDIR(st.st_mode) ? files::ModeTarget::Directory : files::ModeTarget::File;
  if (!files::apply_mode_spec(chmod_run.mode_spec, st.st_mode & 07777, target, chmod_run.umask_bits,
                              &mode)) {
    return;  // Validated before any file is touched.
  }
  if (chmod(path, mode) != 0) {
    if (!chmod_run.quiet) report_error(kName, path, errno);
    chmod_run.status = 1;
  }
}

files::WalkAction visit(void* context, files::WalkEvent event, const files::WalkEntry& entry) {
  Chmod& chmod_run = *static_cast<Chmod*>(context);
  if (event == files::WalkEvent::DirectoryEnd) return files::WalkAction::Continue;
  if (event == files::WalkEvent::DirectoryError || entry.st == nullptr) {
    if (!chmod_run.quiet) report_error(kName, entry.path, entry.error);
    chmod_run.status = 1;
    return files::WalkAction::Continue;
  }
  // Links met below the top have no mode of their own; GNU chmod -R skips them too.
  if (!S_ISLNK(entry.st->st_mode)) change(chmod_run, entry.path, *entry.st);
  return files::WalkAction::Continue;
}

/// Whether arg is a cluster of chmod's option letters ("-R", "-Rf"), not a mode like "-w".
bool is_option_cluster(const char* arg) {
  if (arg[0] != '-' || arg[1] == '\0') return false;
  for (const char* p = arg + 1; *p != '\0'; ++p) {
    if (*p != 'R' && *p != 'f') return false;
  }
  return true;
}

}  // namespace

int chmod_main(int argc, char** argv) {
  // Not getopt: a mode such as "-w" or "-x" looks like an option and must stay an operand.
  bool recursive = false;
  Chmod chmod_run{nullptr, 0, false, 0};
  int first_file = 0;
  for (int i = 1; i < argc; ++i) {
    if (chmod_run.mode_spec == nullptr && strcmp(argv[i], "--") == 0 && i + 1 < argc) {
      chmod_run.mode_spec = argv[++i];
    } else if (chmod_run.mode_spec == nullptr && is_option_cluster(argv[i])) {
      recursive |= strchr(argv[i], 'R') != nullptr;
      chmod_run.quiet |= strchr(argv[i], 'f') != nullptr;
    } else if (chmod_run.mode_spec == nullptr) {
      chmod_run.mode_spec = argv[i];
    } else {
      first_file = i;
      break;
    }
  }
  if (chmod_run.mode_spec == nullptr || first_file == 0) {
    fprintf(stderr, "usage: chmod [-Rf] MODE FILE...\n");
    return 2;
  }
  chmod_run.umask_bits = umask(0);
  umask(chmod_run.umask_bits);
  mode_t ignored;
  if (!files::apply_mode_spec(chmod_run.mode_spec, 0, files::ModeTarget::File, 0, &ignored)) {
    report(kName, "invalid mode: '%s'", chmod_run.mode_spec);
    return 1;
  }
  for (int i = first_file; i < argc; ++i) {
    if (recursive) {
      files::walk_tree(kName, argv[i], files::WalkFollow::RootOnly, visit, &chmod_run);
      continue;
    }
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      if (!chmod_run.quiet) report_error(kName, argv[i], errno);
      chmod_run.status = 1;
      continue;
    }
    change(chmod_run, argv[i], st);
  }
  return chmod_run.status;
}

}  // namespace mos::programs
