// The printf and scanf families of <stdio.h> over the engines of posix/libc.

#include "c_stream.hpp"

#include <posix/libc/format.hpp>
#include <posix/libc/memory_stream.hpp>
#include <posix/libc/scan.hpp>

#include <limits.h>
#include <stdio.h>

using mos::Result;
using mos::posix::c_api::as_stream;
using mos::posix::c_api::fail_with;
namespace libc = mos::posix::libc;

extern "C" {

void free(void* block);

int vfprintf(FILE* file, const char* format, va_list args) {
  if (file == nullptr) return fail_with(mos::Error::BadFileDescriptor, -1);
  Result<int> result = as_stream(file)->print(format, args);
  if (!result) return fail_with(result.error(), -1);
  return *result;
}

int vprintf(const char* format, va_list args) { return vfprintf(stdout, format, args); }

int fprintf(FILE* file, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vfprintf(file, format, args);
  va_end(args);
  return result;
}

int printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vfprintf(stdout, format, args);
  va_end(args);
  return result;
}

int vsnprintf(char* s, size_t size, const char* format, va_list args) {
  Result<int> result = libc::format_to_buffer(s, size, format, args);
  if (!result) return fail_with(result.error(), -1);
  return *result;
}

int snprintf(char* s, size_t size, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vsnprintf(s, size, format, args);
  va_end(args);
  return result;
}

int vsprintf(char* s, const char* format, va_list args) {
  // No size is known: the caller promises room, as C requires.
  return vsnprintf(s, static_cast<size_t>(INT_MAX) + 1, format, args);
}

int sprintf(char* s, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vsprintf(s, format, args);
  va_end(args);
  return result;
}

int vasprintf(char** s, const char* format, va_list args) {
  char* buffer = nullptr;
  size_t size = 0;
  Result<libc::Stream*> stream = libc::open_dynamic_memory_stream(&buffer, &size, nullptr);
  if (!stream) return fail_with(stream.error(), -1);
  Result<int> result = (*stream)->print(format, args);
  Result<void> closed = libc::Stream::close(*stream);
  if (!result || !closed) {
    free(buffer);
    return fail_with(!result ? result.error() : closed.error(), -1);
  }
  *s = buffer;
  return *result;
}

int asprintf(char** s, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vasprintf(s, format, args);
  va_end(args);
  return result;
}

int vfscanf(FILE* file, const char* format, va_list args) {
  if (file == nullptr) return fail_with(mos::Error::BadFileDescriptor, EOF);
  return as_stream(file)->scan(format, args);
}

int vscanf(const char* format, va_list args) { return vfscanf(stdin, format, args); }

int fscanf(FILE* file, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vfscanf(file, format, args);
  va_end(args);
  return result;
}

int scanf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vfscanf(stdin, format, args);
  va_end(args);
  return result;
}

int vsscanf(const char* s, const char* format, va_list args) {
  return libc::scan_string(s, format, args);
}

int sscanf(const char* s, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int result = vsscanf(s, format, args);
  va_end(args);
  return result;
}

}  // extern "C"
