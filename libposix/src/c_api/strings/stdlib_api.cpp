// <stdlib.h> conversions, arithmetic and sorting, and <inttypes.h>: the C names over
// mos::posix::libc, which reports errors as values; here they become errno.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <posix/libc/convert.hpp>
#include <posix/libc/rand.hpp>
#include <posix/libc/sort.hpp>

namespace libc = mos::posix::libc;

namespace {

// Calls `convert` with an error out-parameter and moves a reported error into errno.
template <class F>
auto with_errno(F convert) {
  int error = 0;
  auto result = convert(&error);
  if (error != 0) errno = error;
  return result;
}

}  // namespace

extern "C" {

int atoi(const char* s) {
  return libc::atoi(s);
}
long atol(const char* s) {
  return libc::atol(s);
}
long long atoll(const char* s) {
  return libc::atoll(s);
}
double atof(const char* s) {
  return libc::atof(s);
}

long strtol(const char* s, char** end, int base) {
  return with_errno([&](int* e) { return libc::strtol(s, end, base, e); });
}
long long strtoll(const char* s, char** end, int base) {
  return with_errno([&](int* e) { return libc::strtoll(s, end, base, e); });
}
unsigned long strtoul(const char* s, char** end, int base) {
  return with_errno([&](int* e) { return libc::strtoul(s, end, base, e); });
}
unsigned long long strtoull(const char* s, char** end, int base) {
  return with_errno([&](int* e) { return libc::strtoull(s, end, base, e); });
}
intmax_t strtoimax(const char* s, char** end, int base) {
  return with_errno([&](int* e) { return libc::strtoimax(s, end, base, e); });
}
uintmax_t strtoumax(const char* s, char** end, int base) {
  return with_errno([&](int* e) { return libc::strtoumax(s, end, base, e); });
}
double strtod(const char* s, char** end) {
  return with_errno([&](int* e) { return libc::strtod(s, end, e); });
}
float strtof(const char* s, char** end) {
  return with_errno([&](int* e) { return libc::strtof(s, end, e); });
}

int abs(int v) {
  return v < 0 ? -v : v;
}
long labs(long v) {
  return v < 0 ? -v : v;
}
long long llabs(long long v) {
  return v < 0 ? -v : v;
}
intmax_t imaxabs(intmax_t v) {
  return v < 0 ? -v : v;
}
div_t div(int n, int d) {
  return div_t{n / d, n % d};
}
ldiv_t ldiv(long n, long d) {
  return ldiv_t{n / d, n % d};
}
lldiv_t lldiv(long long n, long long d) {
  return lldiv_t{n / d, n % d};
}
imaxdiv_t imaxdiv(intmax_t n, intmax_t d) {
  return imaxdiv_t{n / d, n % d};
}

void qsort(void* base, size_t count, size_t size, int (*compare)(const void*, const void*)) {
  libc::qsort(base, count, size, compare);
}
void qsort_r(void* base, size_t count, size_t size, int (*compare)(const void*, const void*, void*),
             void* context) {
  libc::qsort_r(base, count, size, compare, context);
}
void* bsearch(const void* key, const void* base, size_t count, size_t size,
              int (*compare)(const void*, const void*)) {
  return libc::bsearch(key, base, count, size, compare);
}

int rand_r(unsigned int* state) {
  return libc::rand_r(state);
}

}  // extern "C"
