#pragma once
/// The string functions of <string.h> and <strings.h> that libk does not already provide (libk
/// has memcpy/memmove/memset/memcmp/memchr/strlen/strnlen/strcmp/strncmp as mos::memory_* and
/// mos::string_*). Same names, arguments and results as C, in the C locale. Nothing here
/// allocates: strdup/strndup live in the C API, over malloc. strtok is deliberately absent: its
/// hidden state would be shared by every process (they share one address space); use strtok_r.

#include <cstddef>

namespace mos::posix::libc {

/// Copies `src` with its NUL to `dest`; returns `dest`.
char* strcpy(char* dest, const char* src) noexcept;
/// Copies at most `n` bytes of `src`, padding `dest` with NULs up to `n`; returns `dest`.
char* strncpy(char* dest, const char* src, std::size_t n) noexcept;
/// Like strcpy, but returns a pointer to the NUL written at the end of `dest`.
char* stpcpy(char* dest, const char* src) noexcept;
/// Like strncpy, but returns `dest` + the length copied (the first padding NUL, or dest + n).
char* stpncpy(char* dest, const char* src, std::size_t n) noexcept;
/// Appends `src` to `dest`; returns `dest`.
char* strcat(char* dest, const char* src) noexcept;
/// Appends at most `n` bytes of `src` and a NUL to `dest`; returns `dest`.
char* strncat(char* dest, const char* src, std::size_t n) noexcept;
/// The first `(char)c` in `s` (the NUL counts), or nullptr.
char* strchr(const char* s, int c) noexcept;
/// The last `(char)c` in `s` (the NUL counts), or nullptr.
char* strrchr(const char* s, int c) noexcept;
/// Like strchr, but returns the terminating NUL instead of nullptr.
char* strchrnul(const char* s, int c) noexcept;
/// The first occurrence of `needle` in `haystack` (haystack itself for an empty needle).
char* strstr(const char* haystack, const char* needle) noexcept;
/// strstr ignoring ASCII case.
char* strcasestr(const char* haystack, const char* needle) noexcept;
/// The last of `n` bytes equal to `(unsigned char)c`, or nullptr.
void* memrchr(const void* s, int c, std::size_t n) noexcept;
/// The first occurrence of the `needle_len` bytes at `needle` in the `len` bytes at `haystack`.
void* memmem(const void* haystack, std::size_t len, const void* needle,
             std::size_t needle_len) noexcept;
/// Copies `n` bytes like memcpy and returns `dest + n`.
void* mempcpy(void* dest, const void* src, std::size_t n) noexcept;
/// The length of the initial run of `s` made of bytes in `accept`.
std::size_t strspn(const char* s, const char* accept) noexcept;
/// The length of the initial run of `s` made of bytes not in `reject`.
std::size_t strcspn(const char* s, const char* reject) noexcept;
/// The first byte of `s` that is in `accept`, or nullptr.
char* strpbrk(const char* s, const char* accept) noexcept;
/// The next token of `s` (or, when `s` is null, of the string `*save` continues), delimited by
/// bytes of `delim`; nullptr when no token remains. The delimiter after the token becomes NUL.
char* strtok_r(char* s, const char* delim, char** save) noexcept;
/// strcmp: in the C locale collation is byte order.
int strcoll(const char* a, const char* b) noexcept;
/// Copies `src` to `dest` if it fits in `n` bytes (C locale: the identity transformation);
/// returns strlen(src) either way.
std::size_t strxfrm(char* dest, const char* src, std::size_t n) noexcept;
/// Compares like strcmp but orders digit runs by numeric value, as GNU strverscmp does.
int strverscmp(const char* a, const char* b) noexcept;
/// Compares ignoring ASCII case (both sides folded to lower case).
int strcasecmp(const char* a, const char* b) noexcept;
/// strcasecmp over at most `n` bytes.
int strncasecmp(const char* a, const char* b, std::size_t n) noexcept;
/// The 1-based index of the lowest set bit of `value`, 0 for 0.
int ffs(int value) noexcept;

}  // namespace mos::posix::libc
