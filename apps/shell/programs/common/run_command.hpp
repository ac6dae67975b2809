#pragma once
/// Running another program and waiting for it (env, xargs, find -exec).

namespace mos::programs {

/// How a command run by run_command ended.
struct CommandResult {
  /// errno of a failed posix_spawnp (the command never ran) or of a failed waitpid, else 0.
  int spawn_error = 0;
  bool spawned = false;  ///< Whether the command started (vfork and exec succeeded).
  int exit_status = 0;   ///< Its exit status when it exited.
  int signal = 0;        ///< The signal that killed it, else 0.
};

/// Runs argv[0] (searched in PATH) with the environment `envp` and waits for it. stdout is
/// flushed first so that output keeps its order.
CommandResult run_command(char* const* argv, char* const* envp);

}  // namespace mos::programs
