// The <stdio.h> functions that need processes or files: popen, pclose, tmpfile. (remove and
// rename are in files.cpp.) popen's children are remembered in the process's C runtime.
#include "c_runtime.hpp"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

using mos::posix::c_api::c_runtime;
using mos::posix::c_api::PipeStream;

extern "C" {

FILE* popen(const char* command, const char* mode) {
  const bool reading = mode != nullptr && mode[0] == 'r';
  if (mode == nullptr || (mode[0] != 'r' && mode[0] != 'w')) {
    errno = EINVAL;
    return nullptr;
  }
  PipeStream* slot = nullptr;
  for (PipeStream& entry : c_runtime().pipes) {
    if (entry.stream == nullptr) {
      slot = &entry;
      break;
    }
  }
  if (slot == nullptr) {
    errno = EMFILE;
    return nullptr;
  }
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return nullptr;
  const int ours = reading ? ends[0] : ends[1];
  const int theirs = reading ? ends[1] : ends[0];
  posix_spawn_file_actions_t actions;
  int error = posix_spawn_file_actions_init(&actions);
  if (error == 0) error = posix_spawn_file_actions_adddup2(&actions, theirs, reading ? 1 : 0);
  char sh[] = "sh";
  char dash_c[] = "-c";
  char* argv[] = {sh, dash_c, const_cast<char*>(command), nullptr};
  pid_t child = 0;
  if (error == 0) error = posix_spawn(&child, "/bin/sh", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(theirs);
  if (error != 0) {
    close(ours);
    errno = error;
    return nullptr;
  }
  FILE* stream = fdopen(ours, reading ? "r" : "w");
  if (stream == nullptr) {
    close(ours);
    waitpid(child, nullptr, 0);
    return nullptr;
  }
  *slot = {stream, child};
  return stream;
}

int pclose(FILE* stream) {
  for (PipeStream& entry : c_runtime().pipes) {
    if (entry.stream != stream) continue;
    const pid_t child = entry.pid;
    entry = {};
    fclose(stream);
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
      if (errno != EINTR) return -1;
    }
    return status;
  }
  errno = ECHILD;
  return -1;
}

FILE* tmpfile(void) {
  char name[] = "/tmp/tmpfileXXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return nullptr;
  unlink(name);
  FILE* stream = fdopen(fd, "w+");
  if (stream == nullptr) close(fd);
  return stream;
}

}  // extern "C"
