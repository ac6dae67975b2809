// id: user and group ids of the process (or of USER, from the passwd database: then the
// groups are only the primary one). Options -u -g -G, -n (names), -r (real ids). Default
// "uid=0(root) gid=0(root) groups=0(root)", with euid=/egid= when they differ from the real ids.
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "id";
constexpr int kMaxGroups = 256;

// How an id is printed: "0", "root" or "0(root)".
enum class Style { Number, Name, Both };

void print_id(unsigned id, const char* name, Style style) {
  if (style == Style::Name && name != nullptr) {
    printf("%s", name);
  } else {
    printf("%u", id);
    if (style == Style::Both && name != nullptr) printf("(%s)", name);
  }
}

void print_user(uid_t uid, Style style) {
  const passwd* pw = getpwuid(uid);
  print_id(static_cast<unsigned>(uid), pw != nullptr ? pw->pw_name : nullptr, style);
}

void print_group(gid_t gid, Style style) {
  const group* gr = getgrgid(gid);
  print_id(static_cast<unsigned>(gid), gr != nullptr ? gr->gr_name : nullptr, style);
}

}  // namespace

int id_main(int argc, char** argv) {
  char mode = 0;
  bool names = false;
  bool real = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "ugGnr")) != -1) {
    switch (opt) {
      case 'u':
      case 'g':
      case 'G':
        if (mode != 0 && mode != opt) {
          report(kProg, "cannot print \"only\" of more than one choice");
          return 1;
        }
        mode = static_cast<char>(opt);
        break;
      case 'n': names = true; break;
      case 'r': real = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  if (mode == 0 && (names || real)) {
    report(kProg, "cannot print only names or real IDs in default format");
    return 1;
  }
  if (argc - optind > 1) {
    report(kProg, "extra operand '%s'", argv[optind + 1]);
    return 1;
  }
  uid_t ruid = getuid();
  uid_t euid = geteuid();
  gid_t rgid = getgid();
  gid_t egid = getegid();
  gid_t* groups = static_cast<gid_t*>(malloc(kMaxGroups * sizeof(gid_t)));
  if (groups == nullptr) return 1;
  int group_count = 0;
  if (optind < argc) {
    const passwd* pw = getpwnam(argv[optind]);
    if (pw == nullptr) {
      report(kProg, "'%s': no such user", argv[optind]);
      free(groups);
      return 1;
    }
    ruid = euid = pw->pw_uid;
    rgid = egid = pw->pw_gid;
  } else {
    group_count = getgroups(kMaxGroups, groups);
    if (group_count < 0) group_count = 0;
  }
  const Style only_style = names ? Style::Name : Style::Number;
  if (mode == 'u') {
    print_user(real ? ruid : euid, only_style);
  } else if (mode == 'g') {
    print_group(real ? rgid : egid, only_style);
  } else {
    const bool groups_only = mode == 'G';
    if (!groups_only) {
      printf("uid=");
      print_user(ruid, Style::Both);
      printf(" gid=");
      print_group(rgid, Style::Both);
      if (euid != ruid) {
        printf(" euid=");
        print_user(euid, Style::Both);
      }
      if (egid != rgid) {
        printf(" egid=");
        print_group(egid, Style::Both);
      }
      printf(" groups=");
    }
    // GNU's order: the real gid, the effective gid if different, then the others once each.
    const char* separator = groups_only ? " " : ",";
    const Style style = groups_only ? only_style : Style::Both;
    print_group(rgid, style);
    if (egid != rgid) {
      printf("%s", separator);
      print_group(egid, style);
    }
    for (int i = 0; i < group_count; ++i) {
      if (groups[i] == rgid || groups[i] == egid) continue;
      bool seen = false;
      for (int j = 0; j < i && !seen; ++j) seen = groups[j] == groups[i];
      if (seen) continue;
      printf("%s", separator);
      print_group(groups[i], style);
    }
  }
  putchar('\n');
  free(groups);
  return 0;
}

}  // namespace mos::programs
