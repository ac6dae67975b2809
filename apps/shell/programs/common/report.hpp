#pragma once
/// Error reports of the shell appliance's programs, in the one form they all share:
/// "PROGRAM: message" on stderr.

namespace mos::programs {

/// Prints "PROGRAM: " and the printf-formatted message, and a newline, on stderr.
void report(const char* program, const char* format, ...) __attribute__((format(printf, 2, 3)));

/// Prints "PROGRAM: WHAT: strerror(error)" on stderr, the usual report of a failed call on WHAT
/// (a path, a command, or a short description).
void report_error(const char* program, const char* what, int error);

}  // namespace mos::programs
