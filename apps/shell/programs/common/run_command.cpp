#include "run_command.hpp"

#include <errno.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mos::programs {

namespace {

// vfork and exec (the classic way; posix_spawnp would do as well): the child shares our
// memory until it execs, so it can leave the exec's error in `exec_error` for us.
pid_t start(char* const* argv, char* const* envp, volatile int* exec_error) {
  const pid_t pid = vfork();
  if (pid == 0) {
    execvpe(argv[0], argv, envp);
    *exec_error = errno;
    _exit(127);
  }
  return pid;
}

}  // namespace

CommandResult run_command(char* const* argv, char* const* envp) {
  CommandResult result;
  fflush(stdout);
  volatile int exec_error = 0;
  const pid_t pid = start(argv, envp, &exec_error);
  if (pid < 0) {
    result.spawn_error = errno;
    return result;
  }
  if (exec_error != 0) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.spawn_error = exec_error;
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
