// Host subshells: fork(). The child applies the ChildSetup itself and exits with entry's status.
#include <errno.h>
#include <unistd.h>

#include "subshell.hpp"

namespace mos::sh {

int spawn_subshell(SubshellEntry entry, void* arg, void (*discard)(void*), const ChildSetup& setup,
                   pid_t* pid) {
  const pid_t child = fork();
  if (child < 0) {
    const int err = errno;
    discard(arg);
    return err;
  }
  if (child == 0) {
    if (setup.set_pgroup) setpgid(0, setup.pgid);
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sigismember(&setup.sigdefault, sig) == 1) signal(sig, SIG_DFL);
    }
    if (setup.ignore_int_quit) {
      signal(SIGINT, SIG_IGN);
      signal(SIGQUIT, SIG_IGN);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, nullptr);
    _exit(entry(arg));
  }
  // Both ends set the group, so that it exists whichever runs first.
  if (setup.set_pgroup) setpgid(child, setup.pgid == 0 ? child : setup.pgid);
  discard(arg);
  *pid = child;
  return 0;
}

}  // namespace mos::sh
