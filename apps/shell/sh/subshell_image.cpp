// Image subshells: mos_spawn_function() runs entry(arg) in a new process of the same address
// space, with a copy of the fd table, cwd, environment and signal state; the child owns arg.
#include <mosaic/process.h>
#include <signal.h>

#include "subshell.hpp"

namespace mos::sh {

int spawn_subshell(SubshellEntry entry, void* arg, void (*discard)(void*), const ChildSetup& setup,
                   pid_t* pid) {
  const int err = spawn_with_setup(setup, [&](const posix_spawnattr_t* attr) {
    return mos_spawn_function(pid, entry, arg, nullptr, attr);
  });
  if (err != 0) discard(arg);
  return err;
}

}  // namespace mos::sh
