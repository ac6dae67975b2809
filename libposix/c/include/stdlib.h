/* <stdlib.h>. Conversions, sorting and integer arithmetic are libposix's C library level; the
 * process functions (exit, getenv, system, ...) are the process layer's; malloc & co. are
 * libmm's. rand/srand keep their state per process; strtold converts through double.
 *
 * The header also defines glibc's guard (_STDLIB_H): libstdc++'s <cstdlib> (which <algorithm>
 * includes) #include_next's the host's <stdlib.h>, which must then add nothing. Include this
 * header before C++ standard headers. */
#ifndef MOSAIC_STDLIB_H
#define MOSAIC_STDLIB_H
#ifndef _STDLIB_H
#define _STDLIB_H 1
#define __ldiv_t_defined 1
#define __lldiv_t_defined 1

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647
#define MB_CUR_MAX ((size_t)1)

typedef struct {
  int quot;
  int rem;
} div_t;
typedef struct {
  long quot;
  long rem;
} ldiv_t;
typedef struct {
  long long quot;
  long long rem;
} lldiv_t;

/* Memory (libmm). */
void* malloc(size_t size);
void free(void* p);
void* calloc(size_t count, size_t size);
void* realloc(void* p, size_t size);
void* aligned_alloc(size_t alignment, size_t size);
int posix_memalign(void** out, size_t alignment, size_t size);

/* Conversions: errno ERANGE on overflow, EINVAL for a bad base. */
int atoi(const char* s);
long atol(const char* s);
long long atoll(const char* s);
double atof(const char* s);
long strtol(const char* s, char** end, int base);
long long strtoll(const char* s, char** end, int base);
unsigned long strtoul(const char* s, char** end, int base);
unsigned long long strtoull(const char* s, char** end, int base);
/* Correctly rounded for any number of digits; also hexadecimal, inf, infinity, nan(...). */
double strtod(const char* s, char** end);
float strtof(const char* s, char** end);

/* Integer arithmetic. */
int abs(int v);
long labs(long v);
long long llabs(long long v);
div_t div(int numerator, int denominator);
ldiv_t ldiv(long numerator, long denominator);
lldiv_t lldiv(long long numerator, long long denominator);

/* Sorting (introsort: O(n log n) worst case, no allocation, not stable) and searching. */
void qsort(void* base, size_t count, size_t size, int (*compare)(const void*, const void*));
void qsort_r(void* base, size_t count, size_t size,
             int (*compare)(const void*, const void*, void*), void* context);
void* bsearch(const void* key, const void* base, size_t count, size_t size,
              int (*compare)(const void*, const void*));

/* A pseudo-random number in [0, RAND_MAX] from the caller's state. */
int rand_r(unsigned int* state);
/* The same from the calling process's own state, seeded by srand (1 at first). */
int rand(void);
void srand(unsigned int seed);

long double strtold(const char* s, char** end);

/* Multibyte characters in the C locale: one byte each. */
int mblen(const char* s, size_t n);
int mbtowc(wchar_t* out, const char* s, size_t n);
int wctomb(char* out, wchar_t character);
size_t mbstowcs(wchar_t* out, const char* s, size_t n);
size_t wcstombs(char* out, const wchar_t* s, size_t n);

/* Processes and environment (the process layer). */
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void _Exit(int status);
__attribute__((noreturn)) void abort(void);
int atexit(void (*function)(void));
int at_quick_exit(void (*function)(void));
__attribute__((noreturn)) void quick_exit(int status);
char* getenv(const char* name);
int setenv(const char* name, const char* value, int overwrite);
int unsetenv(const char* name);
int putenv(char* assignment);
int clearenv(void);
int system(const char* command);
char* realpath(const char* path, char* resolved);
int mkstemp(char* template_name);
char* mkdtemp(char* template_name);

#ifdef __cplusplus
}
#endif

#endif /* _STDLIB_H */
#endif
