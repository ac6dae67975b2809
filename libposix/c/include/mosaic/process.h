/* Mosaic's extensions to the POSIX process interface, for linked apps (apps/shell uses them). */
#ifndef MOSAIC_PROCESS_H
#define MOSAIC_PROCESS_H

#include <spawn.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What fork() gives a program in one address space: a new child process (a copy of the
 * caller's fd table with close-on-exec fds kept, its cwd, umask, credentials, environment,
 * signal mask and dispositions) that runs entry(arg) on a thread of its own and exits with its
 * return value. `actions` and `attr` (either may be NULL) apply as for posix_spawn, before entry
 * runs. The child owns `arg` (it is never touched by the parent again). Returns 0 and stores the
 * child's pid, or an errno value. */
int mos_spawn_function(pid_t* pid, int (*entry)(void* arg), void* arg,
                       const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr);

#ifdef __cplusplus
}
#endif

#endif
