// <string.h> and <strings.h> functions over plain loops: simple and obviously correct; the hot
// paths (memcpy, strlen, ...) are libk's.
#include <posix/libc/ctype.hpp>
#include <posix/libc/strings.hpp>

#include <k/string.hpp>

namespace mos::posix::libc {

namespace {

// A 256-bit set of bytes, for strspn and friends (one pass over the set, one over the string).
struct ByteSet {
  unsigned long long bits[4] = {};
  explicit ByteSet(const char* members) noexcept {
    for (; *members != '\0'; ++members) {
      auto b = static_cast<unsigned char>(*members);
      bits[b / 64] |= 1ULL << (b % 64);
    }
  }
  bool contains(char c) const noexcept {
    auto b = static_cast<unsigned char>(c);
    return (bits[b / 64] >> (b % 64)) & 1;
  }
};

}  // namespace

char* strcpy(char* dest, const char* src) noexcept {
  stpcpy(dest, src);
  return dest;
}

char* strncpy(char* dest, const char* src, std::size_t n) noexcept {
  stpncpy(dest, src, n);
  return dest;
}

char* stpcpy(char* dest, const char* src) noexcept {
  std::size_t n = string_length(src);
  memory_copy(dest, src, n + 1);
  return dest + n;
}

char* stpncpy(char* dest, const char* src, std::size_t n) noexcept {
  std::size_t len = string_length_bounded(src, n);
  memory_copy(dest, src, len);
  memory_set(dest + len, 0, n - len);
  return dest + len;
}

char* strcat(char* dest, const char* src) noexcept {
  stpcpy(dest + string_length(dest), src);
  return dest;
}

char* strncat(char* dest, const char* src, std::size_t n) noexcept {
  char* end = dest + string_length(dest);
  std::size_t len = string_length_bounded(src, n);
  memory_copy(end, src, len);
  end[len] = '\0';
  return dest;
}

char* strchr(const char* s, int c) noexcept {
  char* p = strchrnul(s, c);
  return *p == static_cast<char>(c) ? p : nullptr;
}

char* strrchr(const char* s, int c) noexcept {
  const char* found = nullptr;
  for (;; ++s) {
    if (*s == static_cast<char>(c)) found = s;
    if (*s == '\0') return const_cast<char*>(found);
  }
}

char* strchrnul(const char* s, int c) noexcept {
  while (*s != '\0' && *s != static_cast<char>(c)) ++s;
  return const_cast<char*>(s);
}

char* strstr(const char* haystack, const char* needle) noexcept {
  return static_cast<char*>(
      memmem(haystack, string_length(haystack), needle, string_length(needle)));
}

char* strcasestr(const char* haystack, const char* needle) noexcept {
  std::size_t n = string_length(needle);
  for (;; ++haystack) {
    if (strncasecmp(haystack, needle, n) == 0) return const_cast<char*>(haystack);
    if (*haystack == '\0') return nullptr;
  }
}

void* memrchr(const void* s, int c, std::size_t n) noexcept {
  auto* p = static_cast<const unsigned char*>(s);
  while (n-- > 0) {
    if (p[n] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + n);
  }
  return nullptr;
}

void* memmem(const void* haystack, std::size_t len, const void* needle,
             std::size_t needle_len) noexcept {
  auto* h = static_cast<const unsigned char*>(haystack);
  auto* n = static_cast<const unsigned char*>(needle);
  if (needle_len == 0) return const_cast<unsigned char*>(h);
  if (needle_len > len) return nullptr;
  // Scan for the first byte with memory_find, then compare the rest: O(len * needle_len) in the
  // worst case, which is fine for the short needles programs search for.
  const unsigned char* end = h + (len - needle_len) + 1;
  while (h < end) {
    auto* hit = static_cast<const unsigned char*>(memory_find(h, n[0], end - h));
    if (hit == nullptr) return nullptr;
    if (memory_compare(hit + 1, n + 1, needle_len - 1) == 0) {
      return const_cast<unsigned char*>(hit);
    }
    h = hit + 1;
  }
  return nullptr;
}

void* mempcpy(void* dest, const void* src, std::size_t n) noexcept {
  memory_copy(dest, src, n);
  return static_cast<unsigned char*>(dest) + n;
}

std::size_t strspn(const char* s, const char* accept) noexcept {
  ByteSet set(accept);
  std::size_t i = 0;
  while (s[i] != '\0' && set.contains(s[i])) ++i;
  return i;
}

std::size_t strcspn(const char* s, const char* reject) noexcept {
  ByteSet set(reject);
  std::size_t i = 0;
  while (s[i] != '\0' && !set.contains(s[i])) ++i;
  return i;
}

char* strpbrk(const char* s, const char* accept) noexcept {
  s += strcspn(s, accept);
  return *s != '\0' ? const_cast<char*>(s) : nullptr;
}

char* strtok_r(char* s, const char* delim, char** save) noexcept {
  if (s == nullptr) s = *save;
  if (s == nullptr) return nullptr;
  s += strspn(s, delim);
  if (*s == '\0') {
    *save = s;
    return nullptr;
  }
  char* end = s + strcspn(s, delim);
  if (*end != '\0') {
    *end = '\0';
    *save = end + 1;
  } else {
    *save = end;
  }
  return s;
}

int strcoll(const char* a, const char* b) noexcept {
  return string_compare(a, b);
}

std::size_t strxfrm(char* dest, const char* src, std::size_t n) noexcept {
  std::size_t len = string_length(src);
  if (len < n) memory_copy(dest, src, len + 1);
  return len;
}

int strcasecmp(const char* a, const char* b) noexcept {
  return strncasecmp(a, b, static_cast<std::size_t>(-1));
}

int strncasecmp(const char* a, const char* b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    int ca = to_lower(static_cast<unsigned char>(a[i]));
    int cb = to_lower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca - cb;
    if (ca == '\0') return 0;
  }
  return 0;
}

int ffs(int value) noexcept {
  if (value == 0) return 0;
  return __builtin_ctz(static_cast<unsigned>(value)) + 1;
}

}  // namespace mos::posix::libc
