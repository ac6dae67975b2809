// ls: list files and directories, one name per line (no columns, on a terminal too).
#include "program.hpp"

#include "common.hpp"
#include "walk.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <algorithm>

namespace mos::programs {

namespace {

using files::NameList;

constexpr const char* kName = "ls";
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// The options, and the exit status so far.
struct Ls {
  bool all = false;          // -a
  bool almost_all = false;   // -A
  bool recursive = false;    // -R
  bool directory = false;    // -d
  bool long_format = false;  // -l, -n
  bool numeric = false;      // -n
  bool inode = false;        // -i
  bool human = false;        // -h
  bool classify = false;     // -F
  time_t now = 0;
  int status = 0;
  bool printed = false;  // Whether anything was listed yet (for the blank line between).
};

/// The column widths of one long listing.
struct Widths {
  int inode = 0;
  int links = 0;
  int owner = 0;
  int group = 0;
  int size = 0;
};

void set_status(Ls& ls, int status) {
  if (status > ls.status) ls.status = status;
}

int number_width(unsigned long long value) {
  int width = 1;
  while (value >= 10) {
    value /= 10;
    ++width;
  }
  return width;
}

void format_size(const Ls& ls, const struct stat& st, char* out, size_t capacity) {
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    snprintf(out, capacity, "%u, %u", static_cast<unsigned>(major(st.st_rdev)),
             static_cast<unsigned>(minor(st.st_rdev)));
  } else if (ls.human) {
    files::format_human_size(static_cast<uint64_t>(st.st_size), out, capacity);
  } else {
    snprintf(out, capacity, "%lld", static_cast<long long>(st.st_size));
  }
}

void format_owner(const Ls& ls, const struct stat& st, char* owner, char* group, size_t capacity) {
  if (ls.numeric) {
    snprintf(owner, capacity, "%u", static_cast<unsigned>(st.st_uid));
    snprintf(group, capacity, "%u", static_cast<unsigned>(st.st_gid));
  } else {
    files::format_user(st.st_uid, owner, capacity);
    files::format_group(st.st_gid, group, capacity);
  }
}

void widen(const Ls& ls, const struct stat& st, Widths& widths) {
  char owner[64];
  char group[64];
  char size[48];
  format_owner(ls, st, owner, group, sizeof owner);
  format_size(ls, st, size, sizeof size);
  auto grow = [](int& width, int value) { width = value > width ? value : width; };
  grow(widths.inode, number_width(st.st_ino));
  grow(widths.links, number_width(st.st_nlink));
  grow(widths.owner, static_cast<int>(strlen(owner)));
  grow(widths.group, static_cast<int>(strlen(group)));
  grow(widths.size, static_cast<int>(strlen(size)));
}

/// "Mon DD HH:MM", or "Mon DD  YYYY" for times more than six months away from now.
void format_time(const Ls& ls, time_t t, char* out, size_t capacity) {
  struct tm tm;
  if (localtime_r(&t, &tm) == nullptr || tm.tm_mon < 0 || tm.tm_mon > 11) {
    snprintf(out, capacity, "%12lld", static_cast<long long>(t));
    return;
  }
  constexpr time_t kSixMonths = 31556952 / 2;
  const bool recent = t <= ls.now && t > ls.now - kSixMonths;
  if (recent) {
    snprintf(out, capacity, "%s %2d %02d:%02d", kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour,
             tm.tm_min);
  } else {
    snprintf(out, capacity, "%s %2d  %d", kMonths[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
  }
}

char classify_suffix(mode_t mode) {
  if (S_ISDIR(mode)) return '/';
  if (S_ISLNK(mode)) return '@';
  if (S_ISFIFO(mode)) return '|';
  if (S_ISSOCK(mode)) return '=';
  if (S_ISREG(mode) && (mode & 0111) != 0) return '*';
  return '\0';
}

/// Prints one entry: name is what to show, path where it is (for the link target).
void print_entry(const Ls& ls, const char* name, const char* path, const struct stat& st,
                 const Widths& widths) {
  if (ls.inode) printf("%*llu ", widths.inode, static_cast<unsigned long long>(st.st_ino));
  if (!ls.long_format) {
    const char suffix = ls.classify ? classify_suffix(st.st_mode) : '\0';
    printf(suffix != '\0' ? "%s%c\n" : "%s\n", name, suffix);
    return;
  }
  char mode[11];
  char owner[64];
  char group[64];
  char size[48];
  char when[32];
  files::format_mode(st.st_mode, mode);
  format_owner(ls, st, owner, group, sizeof owner);
  format_size(ls, st, size, sizeof size);
  format_time(ls, st.st_mtim.tv_sec, when, sizeof when);
  printf("%s %*llu %-*s %-*s %*s %s %s", mode, widths.links,
         static_cast<unsigned long long>(st.st_nlink), widths.owner, owner, widths.group, group,
         widths.size, size, when, name);
  if (S_ISLNK(st.st_mode)) {
    files::print_link_target(path);
  } else if (ls.classify && classify_suffix(st.st_mode) != '\0') {
    putchar(classify_suffix(st.st_mode));
  }
  putchar('\n');
}

bool shown(const Ls& ls, const char* name) {
  if (name[0] != '.') return true;
  if (ls.all) return true;
  return ls.almost_all && !files::is_dot_or_dot_dot(name);
}

/// Lists the contents of directory path (the header, if wanted, is already printed).
void list_directory(Ls& ls, const char* path) {
  NameList names;
  const int error = files::read_directory(
      path, ls.all ? files::DotEntries::Include : files::DotEntries::Skip, &names);
  if (error != 0) {
    report_error(kName, path, error);
    set_status(ls, 1);
    return;
  }
  char* child = static_cast<char*>(malloc(PATH_MAX));
  struct stat* stats = static_cast<struct stat*>(calloc(names.count + 1, sizeof(struct stat)));
  bool* valid = static_cast<bool*>(calloc(names.count + 1, sizeof(bool)));
  if (child == nullptr || stats == nullptr || valid == nullptr) {
    report_error(kName, path, ENOMEM);
    set_status(ls, 2);
  } else {
    Widths widths;
    unsigned long long blocks = 0;
    const bool need_stat = ls.long_format || ls.inode || ls.classify;
    for (size_t i = 0; need_stat && i < names.count; ++i) {
      if (!shown(ls, names.names[i])) continue;
      const bool fits = files::join_path(child, PATH_MAX, path, names.names[i]);
      if (!fits || lstat(child, &stats[i]) != 0) {
        report_error(kName, child, fits ? errno : ENAMETOOLONG);
        set_status(ls, 1);
        continue;
      }
      valid[i] = true;
      widen(ls, stats[i], widths);
      // st_blocks counts 512-byte units; ls totals 1 KiB units, each file rounded up.
      blocks += (static_cast<unsigned long long>(stats[i].st_blocks) + 1) / 2;
    }
    if (ls.long_format) {
      char total[48];
      if (ls.human) {
        files::format_human_size(blocks * 1024, total, sizeof total);
      } else {
        snprintf(total, sizeof total, "%llu", blocks);
      }
      printf("total %s\n", total);
    }
    for (size_t i = 0; i < names.count; ++i) {
      if (!shown(ls, names.names[i]) || (need_stat && !valid[i])) continue;
      files::join_path(child, PATH_MAX, path, names.names[i]);
      print_entry(ls, names.names[i], child, stats[i], widths);
    }
  }
  free(valid);
  free(stats);
  free(child);
  files::free_name_list(&names);
}

/// The visitor of ls -R: every directory reached is listed under a header.
files::WalkAction visit_recursive(void* context, files::WalkEvent event,
                                  const files::WalkEntry& entry) {
  Ls& ls = *static_cast<Ls*>(context);
  if (event == files::WalkEvent::DirectoryEnd) return files::WalkAction::Continue;
  if (event == files::WalkEvent::DirectoryError || entry.st == nullptr) {
    return files::WalkAction::Continue;  // Already reported by list_directory.
  }
  if (!S_ISDIR(entry.st->st_mode)) return files::WalkAction::Continue;
  if (entry.depth > 0) {
    char name[NAME_MAX + 1];
    if (!files::last_component(entry.path, name, sizeof name) || !shown(ls, name)) {
      return files::WalkAction::Prune;
    }
  }
  if (ls.printed) putchar('\n');
  ls.printed = true;
  printf("%s:\n", entry.path);
  list_directory(ls, entry.path);
  return files::WalkAction::Continue;
}

/// One command-line operand with its status.
struct Operand {
  const char* path;
  struct stat st;
};

bool is_listed_as_directory(const Ls& ls, const Operand& operand) {
  return !ls.directory && S_ISDIR(operand.st.st_mode);
}

void list_operands(Ls& ls, Operand* operands, size_t count) {
  std::sort(operands, operands + count,
            [](const Operand& a, const Operand& b) { return strcmp(a.path, b.path) < 0; });
  Widths widths;
  size_t files_count = 0;
  for (size_t i = 0; i < count; ++i) {
    if (is_listed_as_directory(ls, operands[i])) continue;
    widen(ls, operands[i].st, widths);
    ++files_count;
  }
  for (size_t i = 0; i < count; ++i) {
    if (!is_listed_as_directory(ls, operands[i])) {
      print_entry(ls, operands[i].path, operands[i].path, operands[i].st, widths);
      ls.printed = true;
    }
  }
  const bool headers = count > 1 || files_count > 0 || ls.recursive;
  for (size_t i = 0; i < count; ++i) {
    if (!is_listed_as_directory(ls, operands[i])) continue;
    if (ls.recursive) {
      files::walk_tree(kName, operands[i].path, files::WalkFollow::RootOnly, visit_recursive, &ls);
      continue;
    }
    if (headers) {
      if (ls.printed) putchar('\n');
      printf("%s:\n", operands[i].path);
    }
    ls.printed = true;
    list_directory(ls, operands[i].path);
  }
}

}  // namespace

int ls_main(int argc, char** argv) {
  Ls ls;
  int option;
  while ((option = getopt(argc, argv, "aAdFhilnR1")) != -1) {
    switch (option) {
      case 'a':
        ls.all = true;
        break;
      case 'A':
        ls.almost_all = true;
        break;
      case 'd':
        ls.directory = true;
        break;
      case 'F':
        ls.classify = true;
        break;
      case 'h':
        ls.human = true;
        break;
      case 'i':
        ls.inode = true;
        break;
      case 'l':
        ls.long_format = true;
        break;
      case 'n':
        ls.long_format = ls.numeric = true;
        break;
      case 'R':
        ls.recursive = true;
        break;
      case '1':
        break;
      default:
        fprintf(stderr, "usage: ls [-aAdFhilnR1] [FILE...]\n");
        return 2;
    }
  }
  ls.now = time(nullptr);
  const size_t count = optind < argc ? static_cast<size_t>(argc - optind) : 1;
  Operand* operands = static_cast<Operand*>(calloc(count, sizeof(Operand)));
  if (operands == nullptr) {
    report_error(kName, ".", ENOMEM);
    return 2;
  }
  // Symbolic links named on the command line are followed, except where ls shows the link
  // itself (-l, -d, -F), as GNU ls does.
  const bool follow = !(ls.long_format || ls.directory || ls.classify);
  size_t valid = 0;
  for (size_t i = 0; i < count; ++i) {
    const char* path = optind < argc ? argv[optind + static_cast<int>(i)] : ".";
    Operand& operand = operands[valid];
    operand.path = path;
    if ((follow && stat(path, &operand.st) == 0) || lstat(path, &operand.st) == 0) {
      ++valid;
    } else {
      report_error(kName, path, errno);
      set_status(ls, 2);
    }
  }
  list_operands(ls, operands, valid);
  free(operands);
  return ls.status;
}

}  // namespace mos::programs
