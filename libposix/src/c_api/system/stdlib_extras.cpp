// The <stdlib.h> functions with per-process state (rand, srand, at_quick_exit) and the C
// locale's multibyte conversions (one byte per character).
#include "c_runtime.hpp"

#include <errno.h>
#include <stdlib.h>

extern "C" {

int rand(void) {
  return rand_r(&mos::posix::c_api::c_runtime().random_state);
}

void srand(unsigned int seed) {
  mos::posix::c_api::c_runtime().random_state = seed;
}

long double strtold(const char* s, char** end) {
  return strtod(s, end);
}

int at_quick_exit(void (*function)(void)) {
  mos::posix::c_api::CRuntime& runtime = mos::posix::c_api::c_runtime();
  if (runtime.at_quick_exit_count == mos::posix::c_api::kAtExitHandlers) return -1;
  runtime.at_quick_exit[runtime.at_quick_exit_count++] = function;
  return 0;
}

void quick_exit(int status) {
  mos::posix::c_api::CRuntime& runtime = mos::posix::c_api::c_runtime();
  while (runtime.at_quick_exit_count > 0) runtime.at_quick_exit[--runtime.at_quick_exit_count]();
  _Exit(status);
}

int mblen(const char* s, size_t n) {
  if (s == nullptr) return 0;  // No shift states.
  if (n == 0) return -1;
  return *s == '\0' ? 0 : 1;
}

int mbtowc(wchar_t* out, const char* s, size_t n) {
  if (s == nullptr) return 0;
  if (n == 0) return -1;
  const auto byte = static_cast<unsigned char>(*s);
  if (byte >= 0x80) {
    errno = EILSEQ;
    return -1;
  }
  if (out != nullptr) *out = static_cast<wchar_t>(byte);
  return byte == 0 ? 0 : 1;
}

int wctomb(char* out, wchar_t character) {
  if (out == nullptr) return 0;
  if (character < 0 || character >= 0x80) {
    errno = EILSEQ;
    return -1;
  }
  *out = static_cast<char>(character);
  return 1;
}

size_t mbstowcs(wchar_t* out, const char* s, size_t n) {
  size_t i = 0;
  for (; s[i] != '\0'; ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) {
      errno = EILSEQ;
      return static_cast<size_t>(-1);
    }
    if (out != nullptr) {
      if (i == n) return i;
      out[i] = static_cast<wchar_t>(s[i]);
    }
  }
  if (out != nullptr && i < n) out[i] = 0;
  return i;
}

size_t wcstombs(char* out, const wchar_t* s, size_t n) {
  size_t i = 0;
  for (; s[i] != 0; ++i) {
    if (s[i] < 0 || s[i] >= 0x80) {
      errno = EILSEQ;
      return static_cast<size_t>(-1);
    }
    if (out != nullptr) {
      if (i == n) return i;
      out[i] = static_cast<char>(s[i]);
    }
  }
  if (out != nullptr && i < n) out[i] = '\0';
  return i;
}

}  // extern "C"
