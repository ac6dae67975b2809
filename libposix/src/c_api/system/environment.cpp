// The C names of the environment: `environ` is the calling process's, owned by libposix.
#include "call.hpp"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace sys = mos::posix::sys;
using mos::posix::c_api::fail;
using mos::posix::c_api::finish;

extern "C" {

char*** __mos_environ(void) {
  static char* empty[] = {nullptr};
  static char** none = empty;  // For threads outside every process.
  char*** environment = sys::environment();
  return environment == nullptr ? &none : environment;
}

char* getenv(const char* name) {
  char** environment = *__mos_environ();
  if (name == nullptr || environment == nullptr) return nullptr;
  const size_t length = strlen(name);
  for (char** entry = environment; *entry != nullptr; ++entry) {
    if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=') return *entry + length + 1;
  }
  return nullptr;
}

int setenv(const char* name, const char* value, int overwrite) {
  return static_cast<int>(finish(sys::set_environment_variable(name, value, overwrite)));
}

// The environment keeps a copy, not the string itself (unlike POSIX's putenv).
int putenv(char* string) {
  char* equals = strchr(string, '=');
  if (equals == nullptr || equals == string) return fail(EINVAL);
  *equals = '\0';
  const long result = sys::set_environment_variable(string, equals + 1, 1);
  *equals = '=';
  return static_cast<int>(finish(result));
}

int unsetenv(const char* name) {
  return static_cast<int>(finish(sys::unset_environment_variable(name)));
}

int clearenv(void) {
  return static_cast<int>(finish(sys::set_environment(nullptr)));
}

}  // extern "C"
