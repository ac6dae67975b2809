// The C functions GCC may emit calls to even in freestanding code (memcpy, memmove, memset,
// memcmp), plus the few string functions the runtime itself needs. Built only for freestanding
// platforms; on the host the C library provides them.
#include <k/string.hpp>

extern "C" {

void* memcpy(void* dest, const void* src, std::size_t n) { return mos::memory_copy(dest, src, n); }

void* memmove(void* dest, const void* src, std::size_t n) {
  return mos::memory_move(dest, src, n);
}

void* memset(void* dest, int value, std::size_t n) { return mos::memory_set(dest, value, n); }

int memcmp(const void* a, const void* b, std::size_t n) { return mos::memory_compare(a, b, n); }

int bcmp(const void* a, const void* b, std::size_t n) { return mos::memory_compare(a, b, n); }

void* memchr(const void* s, int c, std::size_t n) {
  return const_cast<void*>(mos::memory_find(s, c, n));
}

std::size_t strlen(const char* s) { return mos::string_length(s); }

std::size_t strnlen(const char* s, std::size_t max) { return mos::string_length_bounded(s, max); }

int strcmp(const char* a, const char* b) { return mos::string_compare(a, b); }

int strncmp(const char* a, const char* b, std::size_t n) {
  return mos::string_compare_bounded(a, b, n);
}

}  // extern "C"
