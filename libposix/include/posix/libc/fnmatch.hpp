#pragma once
/// fnmatch: shell wildcard matching (*, ?, [...] with ranges, ! or ^ negation and [:classes:]),
/// in O(pattern * string) time whatever the number of stars. Flags and results have glibc's
/// values, so the C API passes them through.

namespace mos::posix::libc {

/// A slash in the string is matched only by a slash in the pattern.
inline constexpr int kFnmPathname = 1;
/// Backslash is an ordinary character, not an escape.
inline constexpr int kFnmNoEscape = 2;
/// A leading '.' (at the start, or after '/' with kFnmPathname) is matched only by a '.'.
inline constexpr int kFnmPeriod = 4;
/// Also match when the pattern matches an initial part of the string followed by '/'.
inline constexpr int kFnmLeadingDir = 8;
/// Letters match regardless of case.
inline constexpr int kFnmCaseFold = 16;
/// fnmatch's result when the string does not match.
inline constexpr int kFnmNoMatch = 1;

/// 0 if `string` matches `pattern` under `flags`, otherwise kFnmNoMatch.
int fnmatch(const char* pattern, const char* string, int flags) noexcept;

}  // namespace mos::posix::libc
