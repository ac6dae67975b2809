// uname: system information from uname(2). -s -n -r -v -m -o -p -i and -a (all but -p and -i,
// which are "unknown" and left out as GNU does). -o prints "GNU/Linux" on Linux (as GNU
// uname) and the system name elsewhere (Mosaic has no separate OS name).
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "uname";

enum Field : unsigned {
  kSystem = 1, kNode = 2, kRelease = 4, kVersion = 8, kMachine = 16, kProcessor = 32,
  kPlatform = 64, kOs = 128,
};

}  // namespace

int uname_main(int argc, char** argv) {
  unsigned fields = 0;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "asnrvmpio")) != -1) {
    switch (opt) {
      case 'a': fields |= kSystem | kNode | kRelease | kVersion | kMachine | kOs | 0x100; break;
      case 's': fields |= kSystem; break;
      case 'n': fields |= kNode; break;
      case 'r': fields |= kRelease; break;
      case 'v': fields |= kVersion; break;
      case 'm': fields |= kMachine; break;
      case 'p': fields |= kProcessor; break;
      case 'i': fields |= kPlatform; break;
      case 'o': fields |= kOs; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  if (optind < argc) {
    report(kProg, "extra operand '%s'", argv[optind]);
    return 1;
  }
  if (fields == 0) fields = kSystem;
  utsname u;
  if (uname(&u) != 0) {
    report(kProg, "cannot get system name");
    return 1;
  }
  const bool all = (fields & 0x100) != 0;
  const char* os = strcmp(u.sysname, "Linux") == 0 ? "GNU/Linux" : u.sysname;
  const char* values[] = {u.sysname, u.nodename, u.release, u.version, u.machine,
                          "unknown", "unknown", os};
  bool first = true;
  for (unsigned i = 0; i < 8; ++i) {
    if ((fields & (1u << i)) == 0) continue;
    if (all && (i == 5 || i == 6)) continue;  // -a leaves out the unknown -p and -i.
    printf(first ? "%s" : " %s", values[i]);
    first = false;
  }
  putchar('\n');
  return 0;
}

}  // namespace mos::programs
