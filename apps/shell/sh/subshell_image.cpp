// Image subshells: mos_spawn_function() runs entry(arg) in a new process of the same address
// space, with a copy of the fd table, cwd, environment and signal state; the child owns arg.
#include <mosaic/process.h>
#include <signal.h>

#include "subshell.hpp"

namespace mos::sh {

int spawn_subshell(SubshellEntry entry, void* arg, void (*discard)(void*), const ChildSetup& setup,
                   pid_t* pid) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  fill_spawnattr(setup, &attr);
  // The child copies the signal dispositions: ignoring SIGINT/SIGQUIT around the spawn is how a
  // background command without job control starts with them ignored.
  struct sigaction old_int;
  struct sigaction old_quit;
  if (setup.ignore_int_quit) {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
  }
  const int err = mos_spawn_function(pid, entry, arg, nullptr, &attr);
  if (setup.ignore_int_quit) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
  }
  posix_spawnattr_destroy(&attr);
  if (err != 0) discard(arg);
  return err;
}

}  // namespace mos::sh
