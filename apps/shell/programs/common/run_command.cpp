#include "run_command.hpp"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>

namespace mos::programs {

CommandResult run_command(char* const* argv, char* const* envp) {
  CommandResult result;
  fflush(stdout);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv, envp);
  if (error != 0) {
    result.spawn_error = error;
    return result;
  }
  result.spawned = true;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      result.spawn_error = errno;
      return result;
    }
  }
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  } else {
    result.exit_status = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace mos::programs
