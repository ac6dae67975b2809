// poweroff and reboot: sync(), then reboot(2) with RB_POWER_OFF or RB_AUTOBOOT. -f is accepted
// (there is no init to ask: the call is always immediate), -n skips the sync. On failure (EPERM
// for an unprivileged host user) the error is printed and the exit status is 1.
#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

int power(const char* prog, int command, int argc, char** argv) {
  bool do_sync = true;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "fn")) != -1) {
    switch (opt) {
      case 'f': break;
      case 'n': do_sync = false; break;
      default: text::print_bad_option(prog); return 1;
    }
  }
  if (optind < argc) {
    report(prog, "extra operand '%s'", argv[optind]);
    return 1;
  }
  fflush(stdout);
  if (do_sync) sync();
  if (reboot(command) != 0) {
    report(prog, "%s", strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace

int poweroff_main(int argc, char** argv) { return power("poweroff", RB_POWER_OFF, argc, argv); }

int reboot_main(int argc, char** argv) { return power("reboot", RB_AUTOBOOT, argc, argv); }

}  // namespace mos::programs
