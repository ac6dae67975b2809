// chown: change the owner and group of files (OWNER[:GROUP], :GROUP, OWNER:, names or numbers).
#include "program.hpp"

#include "common.hpp"
#include "walk.hpp"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "chown";
constexpr uid_t kKeepUid = static_cast<uid_t>(-1);
constexpr gid_t kKeepGid = static_cast<gid_t>(-1);

/// The run's options and status, shared with the walk visitor.
struct Chown {
  uid_t uid;
  gid_t gid;
  bool no_dereference;  // -h
  int status;
};

bool parse_number(const char* text, unsigned long* out) {
  if (*text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  *out = strtoul(text, &end, 10);
  return errno == 0 && *end == '\0' && *out < 0xffffffffUL;
}

/// Parses OWNER[:GROUP]; an empty OWNER or GROUP keeps it, "OWNER:" takes OWNER's login group.
bool parse_owner(char* spec, Chown* out) {
  char* colon = strchr(spec, ':');
  if (colon != nullptr) *colon = '\0';
  const char* group = colon != nullptr ? colon + 1 : nullptr;
  unsigned long number;
  if (spec[0] != '\0') {
    const struct passwd* pw = getpwnam(spec);
    if (pw != nullptr) {
      out->uid = pw->pw_uid;
      if (group != nullptr && group[0] == '\0') out->gid = pw->pw_gid;
    } else if (parse_number(spec, &number)) {
      out->uid = static_cast<uid_t>(number);
      if (group != nullptr && group[0] == '\0') {
        report(kName, "%s: no login group for a numeric owner", spec);
        return false;
      }
    } else {
      report(kName, "invalid user: '%s'", spec);
      return false;
    }
  }
  if (group != nullptr && group[0] != '\0') {
    const struct group* gr = getgrnam(group);
    if (gr != nullptr) {
      out->gid = gr->gr_gid;
    } else if (parse_number(group, &number)) {
      out->gid = static_cast<gid_t>(number);
    } else {
      report(kName, "invalid group: '%s'", group);
      return false;
    }
  }
  return true;
}

void change(Chown& run, const char* path, bool link) {
  if ((link ? lchown(path, run.uid, run.gid) : chown(path, run.uid, run.gid)) != 0) {
    report_error(kName, path, errno);
    run.status = 1;
  }
}

files::WalkAction visit(void* context, files::WalkEvent event, const files::WalkEntry& entry) {
  Chown& run = *static_cast<Chown*>(context);
  if (event == files::WalkEvent::DirectoryEnd) return files::WalkAction::Continue;
  if (event == files::WalkEvent::DirectoryError || entry.st == nullptr) {
    report_error(kName, entry.path, entry.error);
    run.status = 1;
    return files::WalkAction::Continue;
  }
  // Below the top, links are changed themselves, never followed (GNU's -P default).
  change(run, entry.path, S_ISLNK(entry.st->st_mode) && (entry.depth > 0 || run.no_dereference));
  return files::WalkAction::Continue;
}

}  // namespace

int chown_main(int argc, char** argv) {
  bool recursive = false;
  Chown run{kKeepUid, kKeepGid, false, 0};
  int option;
  while ((option = getopt(argc, argv, "hR")) != -1) {
    switch (option) {
      case 'h':
        run.no_dereference = true;
        break;
      case 'R':
        recursive = true;
        break;
      default:
        fprintf(stderr, "usage: chown [-hR] OWNER[:GROUP] FILE...\n");
        return 2;
    }
  }
  if (argc - optind < 2) {
    report(kName, "missing operand");
    return 2;
  }
  if (!parse_owner(argv[optind], &run)) return 1;
  for (int i = optind + 1; i < argc; ++i) {
    if (recursive) {
      const files::WalkFollow follow =
          run.no_dereference ? files::WalkFollow::Never : files::WalkFollow::RootOnly;
      files::walk_tree(kName, argv[i], follow, visit, &run);
    } else {
      change(run, argv[i], run.no_dereference);
    }
  }
  return run.status;
}

}  // namespace mos::programs
