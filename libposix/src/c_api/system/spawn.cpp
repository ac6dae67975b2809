// The C names of process creation: posix_spawn and its attributes and file actions,
// mos_spawn_function, the exec family, system().
#include "c_runtime.hpp"
#include "call.hpp"

#include <mosaic/process.h>

#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sys = mos::posix::sys;

namespace {

sys::SpawnAttributes convert(const posix_spawnattr_t* attributes) noexcept {
  return {attributes->__flags, attributes->__group, attributes->__mask.__bits[0],
          attributes->__defaults.__bits[0]};
}

// posix_spawn's convention: 0 or an errno value (errno itself is left alone).
int spawned(pid_t* pid, long result) noexcept {
  (void)sys::deliver_signals();
  if (result < 0) return static_cast<int>(-result);
  if (pid != nullptr) *pid = static_cast<pid_t>(result);
  return 0;
}

int spawn(pid_t* pid, const char* path, int search, const posix_spawn_file_actions_t* actions,
          const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
  sys::SpawnAttributes converted = {};
  if (attributes != nullptr) converted = convert(attributes);
  return spawned(pid, sys::spawn(path, search, actions != nullptr ? actions->__actions : nullptr,
                                 attributes != nullptr ? &converted : nullptr, argv, envp));
}

int status_of(long result) noexcept {
  return result < 0 ? static_cast<int>(-result) : 0;
}

constexpr int kListedArguments = 64;

// argv for execl/execlp: `first`, then the variadic ones up to their NULL. False if there are
// more than kListedArguments.
bool collect_arguments(char** argv, const char* first, va_list args) noexcept {
  int argc = 0;
  argv[argc++] = const_cast<char*>(first);
  while (argc < kListedArguments && (argv[argc] = va_arg(args, char*)) != nullptr) ++argc;
  if (argc == kListedArguments) return false;
  argv[argc] = nullptr;
  return true;
}

}  // namespace

extern "C" {

int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
  return spawn(pid, path, 0, actions, attributes, argv, envp);
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
  return spawn(pid, file, 1, actions, attributes, argv, envp);
}

int mos_spawn_function(pid_t* pid, int (*entry)(void* arg), void* arg,
                       const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr) {
  sys::SpawnAttributes converted = {};
  if (attr != nullptr) converted = convert(attr);
  return spawned(pid,
                 sys::spawn_function(entry, arg, actions != nullptr ? actions->__actions : nullptr,
                                     attr != nullptr ? &converted : nullptr));
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t* actions) {
  actions->__actions = sys::file_actions_create();
  return actions->__actions == nullptr ? ENOMEM : 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* actions) {
  sys::file_actions_destroy(actions->__actions);
  actions->__actions = nullptr;
  return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t* actions, int fd, const char* path,
                                     int flags, mode_t mode) {
  return status_of(sys::file_actions_add_open(actions->__actions, fd, path, flags, mode));
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* actions, int fd) {
  return status_of(sys::file_actions_add_close(actions->__actions, fd));
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* actions, int fd, int new_fd) {
  return status_of(sys::file_actions_add_dup2(actions->__actions, fd, new_fd));
}

int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t* actions, const char* path) {
  return status_of(sys::file_actions_add_chdir(actions->__actions, path));
}

int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t* actions, int fd) {
  return status_of(sys::file_actions_add_fchdir(actions->__actions, fd));
}
int posix_spawnattr_init(posix_spawnattr_t* attributes) {
  *attributes = {};
  return 0;
}
int posix_spawnattr_destroy(posix_spawnattr_t*) {
  return 0;
}
int posix_spawnattr_setflags(posix_spawnattr_t* attributes, short flags) {
  if ((flags & ~0xff) != 0) return EINVAL;
  attributes->__flags = flags;
  return 0;
}
int posix_spawnattr_getflags(const posix_spawnattr_t* attributes, short* flags) {
  *flags = attributes->__flags;
  return 0;
}
int posix_spawnattr_setpgroup(posix_spawnattr_t* attributes, pid_t group) {
  attributes->__group = group;
  return 0;
}
int posix_spawnattr_getpgroup(const posix_spawnattr_t* attributes, pid_t* group) {
  *group = attributes->__group;
  return 0;
}
int posix_spawnattr_setsigmask(posix_spawnattr_t* attributes, const sigset_t* mask) {
  attributes->__mask = *mask;
  return 0;
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t* attributes, sigset_t* mask) {
  *mask = attributes->__mask;
  return 0;
}
int posix_spawnattr_setsigdefault(posix_spawnattr_t* attributes, const sigset_t* defaults) {
  attributes->__defaults = *defaults;
  return 0;
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t* attributes, sigset_t* defaults) {
  *defaults = attributes->__defaults;
  return 0;
}

void** __mos_vfork_prepare(void) {
  void** buffer = sys::vfork_prepare();
  return buffer != nullptr ? buffer : mos::posix::c_api::c_runtime().vfork_jump;
}

pid_t __mos_vfork_finish(int jumped) {
  return static_cast<pid_t>(mos::posix::c_api::finish(sys::vfork_finish(jumped)));
}

int execve(const char* path, char* const argv[], char* const envp[]) {
  return static_cast<int>(mos::posix::c_api::finish(sys::execve(path, 0, argv, envp)));
}

int execv(const char* path, char* const argv[]) {
  return execve(path, argv, environ);
}

int execvpe(const char* file, char* const argv[], char* const envp[]) {
  return static_cast<int>(mos::posix::c_api::finish(sys::execve(file, 1, argv, envp)));
}

int execvp(const char* file, char* const argv[]) {
  return static_cast<int>(mos::posix::c_api::finish(sys::execve(file, 1, argv, environ)));
}

// execl and execlp: the arguments up to the NULL, at most kListedArguments.
int execl(const char* path, const char* arg, ...) {
  char* argv[kListedArguments + 1];
  va_list args;
  va_start(args, arg);
  const bool fits = collect_arguments(argv, arg, args);
  va_end(args);
  return fits ? execv(path, argv) : mos::posix::c_api::fail(E2BIG);
}

int execlp(const char* file, const char* arg, ...) {
  char* argv[kListedArguments + 1];
  va_list args;
  va_start(args, arg);
  const bool fits = collect_arguments(argv, arg, args);
  va_end(args);
  return fits ? execvp(file, argv) : mos::posix::c_api::fail(E2BIG);
}

int system(const char* command) {
  if (command == nullptr) return access("/bin/sh", X_OK) == 0;
  char sh[] = "sh";
  char dash_c[] = "-c";
  char* argv[] = {sh, dash_c, const_cast<char*>(command), nullptr};
  pid_t child = 0;
  if (posix_spawn(&child, "/bin/sh", nullptr, nullptr, argv, environ) != 0) return -1;
  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // extern "C"
