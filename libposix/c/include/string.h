/* <string.h>: C17 and POSIX string functions in the C locale. memcpy ... strncmp are libk's; the
 * rest are libposix's. strtok is deliberately absent: its hidden state would be shared by all
 * processes (one address space); use strtok_r. */
#ifndef MOSAIC_STRING_H
#define MOSAIC_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* memcpy(void* dest, const void* src, size_t n);
void* memmove(void* dest, const void* src, size_t n);
void* memset(void* dest, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
void* memchr(const void* s, int c, size_t n);
void* memrchr(const void* s, int c, size_t n);
void* memmem(const void* haystack, size_t len, const void* needle, size_t needle_len);
void* mempcpy(void* dest, const void* src, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
int strcoll(const char* a, const char* b);
size_t strxfrm(char* dest, const char* src, size_t n);
char* strcpy(char* dest, const char* src);
char* strncpy(char* dest, const char* src, size_t n);
char* stpcpy(char* dest, const char* src);
char* stpncpy(char* dest, const char* src, size_t n);
char* strcat(char* dest, const char* src);
char* strncat(char* dest, const char* src, size_t n);
char* strchr(const char* s, int c);
char* strrchr(const char* s, int c);
char* strchrnul(const char* s, int c);
char* strstr(const char* haystack, const char* needle);
char* strcasestr(const char* haystack, const char* needle);
size_t strspn(const char* s, const char* accept);
size_t strcspn(const char* s, const char* reject);
char* strpbrk(const char* s, const char* accept);
char* strtok_r(char* s, const char* delim, char** save);
/* Copies into malloc'd memory (free it with free); NULL with errno ENOMEM. */
char* strdup(const char* s);
char* strndup(const char* s, size_t n);
/* Messages: strerror's text for known numbers is Mosaic's documented sentence (k/errors.def);
 * for unknown numbers, "Unknown error" (no number: there is no static buffer to write it in). */
char* strerror(int number);
/* POSIX strerror_r: 0, EINVAL (unknown number) or ERANGE (truncated). */
int strerror_r(int number, char* buffer, size_t size);
/* glibc's signal descriptions; "Unknown signal" / "Real-time signal" for others. */
char* strsignal(int number);
int strverscmp(const char* a, const char* b);

#ifdef __cplusplus
}
#endif

#endif
