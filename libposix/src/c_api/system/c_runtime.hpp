#pragma once
// The per-process state of the C layer: stdio streams, getopt's variables, the buffers of the
// functions that return static storage in C (getpwuid, ttyname, ...), atexit handlers. Made on
// first use, kept in Process::c_runtime(), flushed and freed when the process ends.

#include <posix/libc/getopt.hpp>
#include <posix/libc/stream_registry.hpp>

#include <grp.h>
#include <pwd.h>

namespace mos::posix::c_api {

inline constexpr int kAtExitHandlers = 32;
inline constexpr int kGroupMembers = 32;
inline constexpr int kPipeStreams = 8;

/// A stream popen made and the child at its other end.
struct PipeStream {
  void* stream = nullptr;
  int pid = 0;
};

/// See the file comment.
struct CRuntime {
  libc::StreamRegistry streams;
  libc::GetoptState getopt;
  struct passwd user {};
  char user_buffer[512] = {};
  struct group group {};
  char group_buffer[512] = {};
  char* group_members[kGroupMembers + 1] = {};
  char tty_name[32] = {};
  void (*at_exit[kAtExitHandlers])() = {};
  int at_exit_count = 0;
  void (*at_quick_exit[kAtExitHandlers])() = {};
  int at_quick_exit_count = 0;
  unsigned int random_state = 1;        ///< rand/srand.
  PipeStream pipes[kPipeStreams] = {};  ///< popen's children, for pclose.
  void* vfork_jump[5] = {};  ///< What vfork jumps into outside a process (it fails there).
};

/// The calling process's runtime (a shared fallback for threads outside every process).
CRuntime& c_runtime() noexcept;

/// Runs the atexit handlers and flushes the streams (exit() does this before the process ends).
void run_exit_handlers() noexcept;

}  // namespace mos::posix::c_api
