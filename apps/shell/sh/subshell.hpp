#pragma once
/// The one place where the shell would fork: a child process that runs a function of the shell
/// on a copy of its state. On the host this is fork() (subshell_host.cpp); in the Mosaic image,
/// which has a single address space and no fork, it is mos_spawn_function()
/// (subshell_image.cpp). Everything else in the shell is the same code on both.

#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

namespace mos::sh {

/// How a child starts: its process group and signal state. (Its file descriptors are set up by
/// the parent before the spawn, with its own copies saved and restored around it.)
struct ChildSetup {
  bool set_pgroup = false;       ///< Put the child in process group `pgid`.
  pid_t pgid = 0;                ///< 0: a new group led by the child.
  sigset_t sigdefault;           ///< Signals reset to SIG_DFL in the child.
  bool ignore_int_quit = false;  ///< Background command without job control (POSIX 2.11).
};

/// A ChildSetup with an empty `sigdefault`.
ChildSetup make_child_setup();

/// The entry point a subshell child runs; its return value is the child's exit status.
using SubshellEntry = int (*)(void* arg);

/// Starts a child process running entry(arg). Ownership of `arg` passes to this call: the child
/// owns it (and entry must free it); if no child could be started, or in a parent whose child
/// got its own copy of memory (fork), `discard(arg)` frees it. Returns 0 and stores the pid, or
/// an errno value. The child's signal mask is empty.
int spawn_subshell(SubshellEntry entry, void* arg, void (*discard)(void*), const ChildSetup& setup,
                   pid_t* pid);

/// Fills `attr` (initialised by the caller) from `setup`, for posix_spawn and
/// mos_spawn_function: process group, signal defaults, empty signal mask.
void fill_spawnattr(const ChildSetup& setup, posix_spawnattr_t* attr);

/// Calls start(&attr) (a posix_spawn-like call returning an errno value) with `attr` filled from
/// `setup`. A child copies the parent's signal dispositions, so SIGINT/SIGQUIT are ignored around
/// the call when `setup.ignore_int_quit` asks for them to start ignored.
template <typename Start>
int spawn_with_setup(const ChildSetup& setup, Start start) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  fill_spawnattr(setup, &attr);
  struct sigaction old_int;
  struct sigaction old_quit;
  if (setup.ignore_int_quit) {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
  }
  const int err = start(&attr);
  if (setup.ignore_int_quit) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
  }
  posix_spawnattr_destroy(&attr);
  return err;
}

}  // namespace mos::sh
