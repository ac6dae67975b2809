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
using mos::posix::c_api::print_and_close;
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
  MOS_FORWARD_VARIADIC(format, vfprintf(file, format, args));
}

int printf(const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vfprintf(stdout, format, args));
}

int vsnprintf(char* s, size_t size, const char* format, va_list args) {
  Result<int> result = libc::format_to_buffer(s, size, format, args);
  if (!result) return fail_with(result.error(), -1);
  return *result;
}

int snprintf(char* s, size_t size, const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vsnprintf(s, size, format, args));
}

int vsprintf(char* s, const char* format, va_list args) {
  // No size is known: the caller promises room, as C requires.
  return vsnprintf(s, static_cast<size_t>(INT_MAX) + 1, format, args);
}

int sprintf(char* s, const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vsprintf(s, format, args));
}

int vasprintf(char** s, const char* format, va_list args) {
  char* buffer = nullptr;
  size_t size = 0;
  Result<libc::Stream*> stream = libc::open_dynamic_memory_stream(&buffer, &size, nullptr);
  if (!stream) return fail_with(stream.error(), -1);
  Result<int> result = print_and_close(*stream, format, args);
  if (!result) {
    free(buffer);
    return fail_with(result.error(), -1);
  }
  *s = buffer;
  return *result;
}

int asprintf(char** s, const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vasprintf(s, format, args));
}

int vfscanf(FILE* file, const char* format, va_list args) {
  if (file == nullptr) return fail_with(mos::Error::BadFileDescriptor, EOF);
  return as_stream(file)->scan(format, args);
}

int vscanf(const char* format, va_list args) { return vfscanf(stdin, format, args); }

int fscanf(FILE* file, const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vfscanf(file, format, args));
}

int scanf(const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vfscanf(stdin, format, args));
}

int vsscanf(const char* s, const char* format, va_list args) {
  return libc::scan_string(s, format, args);
}

int sscanf(const char* s, const char* format, ...) {
  MOS_FORWARD_VARIADIC(format, vsscanf(s, format, args));
}

}  // extern "C"
