#pragma once
/// The number conversions of <stdlib.h> and <inttypes.h> (strtol ... strtod), with C's parsing
/// rules in the C locale. Instead of errno, each takes `int* error` (may be null): on failure the
/// Linux errno number is stored there (ERANGE for a result out of range, EINVAL for a bad base),
/// and on success it is left untouched, exactly as errno would be. End pointers behave as in C:
/// nullptr is allowed, and when nothing could be parsed `*end` is the start of the input.

#include <cstdint>

namespace mos::posix::libc {

/// A long from `s` in `base` (0 or 2..36; 0 detects 0x and 0 prefixes).
long strtol(const char* s, char** end, int base, int* error = nullptr) noexcept;
/// A long long, as strtol.
long long strtoll(const char* s, char** end, int base, int* error = nullptr) noexcept;
/// An unsigned long; a leading '-' negates the value in unsigned arithmetic, as C requires.
unsigned long strtoul(const char* s, char** end, int base, int* error = nullptr) noexcept;
/// An unsigned long long, as strtoul.
unsigned long long strtoull(const char* s, char** end, int base, int* error = nullptr) noexcept;
/// An intmax_t, as strtol.
std::intmax_t strtoimax(const char* s, char** end, int base, int* error = nullptr) noexcept;
/// A uintmax_t, as strtoul.
std::uintmax_t strtoumax(const char* s, char** end, int base, int* error = nullptr) noexcept;
/// strtol(s, nullptr, 10) narrowed to int, as glibc's atoi (no error is reported).
int atoi(const char* s) noexcept;
/// strtol(s, nullptr, 10).
long atol(const char* s) noexcept;
/// strtoll(s, nullptr, 10).
long long atoll(const char* s) noexcept;

/// A double from decimal (with optional exponent), hexadecimal ("0x1.8p3"), "inf", "infinity"
/// or "nan"/"nan(chars)", correctly rounded (to nearest, ties to even) for any number of digits.
/// ERANGE with +-HUGE_VAL on overflow; ERANGE when a nonzero input gives zero or a subnormal.
double strtod(const char* s, char** end, int* error = nullptr) noexcept;
/// strtod for float, rounded once (not through double).
float strtof(const char* s, char** end, int* error = nullptr) noexcept;
/// strtod(s, nullptr).
double atof(const char* s) noexcept;

}  // namespace mos::posix::libc
