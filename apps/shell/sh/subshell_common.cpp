#include "subshell.hpp"

namespace mos::sh {

ChildSetup make_child_setup() {
  ChildSetup s;
  sigemptyset(&s.sigdefault);
  return s;
}

void fill_spawnattr(const ChildSetup& setup, posix_spawnattr_t* attr) {
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (setup.set_pgroup) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(attr, setup.pgid);
  }
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(attr, &empty);
  posix_spawnattr_setsigdefault(attr, &setup.sigdefault);
  posix_spawnattr_setflags(attr, flags);
}

}  // namespace mos::sh
