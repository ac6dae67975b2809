// <string.h> and <strings.h>: the C names over mos::posix::libc (memcpy ... strncmp are libk's).
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <posix/libc/error_strings.hpp>
#include <posix/libc/strings.hpp>

#include <k/string.hpp>

namespace libc = mos::posix::libc;

namespace {

// "Unknown error N" and "Unknown signal N" / "Real-time signal N" for every small number, built
// at compile time: strerror and strsignal must return a string without a shared buffer.
constexpr int kNumbered = 256;
constexpr int kTextSize = 24;

struct NumberedTexts {
  char text[kNumbered][kTextSize] = {};
};

constexpr void write_numbered(char* out, const char* prefix, int n) {
  int i = 0;
  for (; prefix[i] != '\0'; ++i) out[i] = prefix[i];
  char digits[4] = {};
  int d = 0;
  do {
    digits[d++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (d > 0) out[i++] = digits[--d];
  out[i] = '\0';
}

constexpr NumberedTexts make_unknown_errors() {
  NumberedTexts t;
  for (int n = 0; n < kNumbered; ++n) write_numbered(t.text[n], "Unknown error ", n);
  return t;
}

constexpr NumberedTexts make_signal_names() {
  NumberedTexts t;
  for (int n = 0; n < kNumbered; ++n) {
    if (n >= 34 && n <= 64) {
      write_numbered(t.text[n], "Real-time signal ", n - 34);
    } else {
      write_numbered(t.text[n], "Unknown signal ", n);
    }
  }
  return t;
}

constexpr NumberedTexts kUnknownErrors = make_unknown_errors();
constexpr NumberedTexts kSignalNames = make_signal_names();

using Describe = const char* (*)(int number, char* scratch) noexcept;

// What strerror and strsignal return: `describe`'s text when it is a fixed one; for an unknown
// number (written into the scratch buffer), the precomputed text of `numbered`, or
// `beyond_table` when the number is outside it.
char* lasting_text(Describe describe, int number, const NumberedTexts& numbered,
                   const char* beyond_table) {
  char scratch[libc::kErrorMessageBufferSize];
  const char* message = describe(number, scratch);
  if (message == scratch) {
    message = number >= 0 && number < kNumbered ? numbered.text[number] : beyond_table;
  }
  return const_cast<char*>(message);
}

}  // namespace

extern "C" {

char* strcpy(char* dest, const char* src) {
  return libc::strcpy(dest, src);
}
char* strncpy(char* dest, const char* src, size_t n) {
  return libc::strncpy(dest, src, n);
}
char* stpcpy(char* dest, const char* src) {
  return libc::stpcpy(dest, src);
}
char* stpncpy(char* dest, const char* src, size_t n) {
  return libc::stpncpy(dest, src, n);
}
char* strcat(char* dest, const char* src) {
  return libc::strcat(dest, src);
}
char* strncat(char* dest, const char* src, size_t n) {
  return libc::strncat(dest, src, n);
}
char* strchr(const char* s, int c) {
  return libc::strchr(s, c);
}
char* strrchr(const char* s, int c) {
  return libc::strrchr(s, c);
}
char* strchrnul(const char* s, int c) {
  return libc::strchrnul(s, c);
}
char* strstr(const char* haystack, const char* needle) {
  return libc::strstr(haystack, needle);
}
char* strcasestr(const char* haystack, const char* needle) {
  return libc::strcasestr(haystack, needle);
}
void* memrchr(const void* s, int c, size_t n) {
  return libc::memrchr(s, c, n);
}
void* memmem(const void* haystack, size_t len, const void* needle, size_t needle_len) {
  return libc::memmem(haystack, len, needle, needle_len);
}
void* mempcpy(void* dest, const void* src, size_t n) {
  return libc::mempcpy(dest, src, n);
}
size_t strspn(const char* s, const char* accept) {
  return libc::strspn(s, accept);
}
size_t strcspn(const char* s, const char* reject) {
  return libc::strcspn(s, reject);
}
char* strpbrk(const char* s, const char* accept) {
  return libc::strpbrk(s, accept);
}
char* strtok_r(char* s, const char* delim, char** save) {
  return libc::strtok_r(s, delim, save);
}
int strcoll(const char* a, const char* b) {
  return libc::strcoll(a, b);
}
size_t strxfrm(char* dest, const char* src, size_t n) {
  return libc::strxfrm(dest, src, n);
}
int strverscmp(const char* a, const char* b) {
  return libc::strverscmp(a, b);
}

char* strdup(const char* s) {
  return strndup(s, static_cast<size_t>(-1));
}

char* strndup(const char* s, size_t n) {
  size_t len = mos::string_length_bounded(s, n);
  auto* copy = static_cast<char*>(malloc(len + 1));
  if (copy == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  mos::memory_copy(copy, s, len);
  copy[len] = '\0';
  return copy;
}

char* strerror(int number) {
  return lasting_text(libc::strerror, number, kUnknownErrors, "Unknown error");
}

int strerror_r(int number, char* buffer, size_t size) {
  return libc::strerror_r(number, buffer, size);
}

char* strsignal(int number) {
  return lasting_text(libc::strsignal, number, kSignalNames, "Unknown signal");
}

int strcasecmp(const char* a, const char* b) {
  return libc::strcasecmp(a, b);
}
int strncasecmp(const char* a, const char* b, size_t n) {
  return libc::strncasecmp(a, b, n);
}
int ffs(int value) {
  return libc::ffs(value);
}
void bzero(void* s, size_t n) {
  mos::memory_set(s, 0, n);
}

}  // extern "C"
