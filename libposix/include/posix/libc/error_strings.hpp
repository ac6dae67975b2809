#pragma once
/// The messages of strerror, strerror_r and strsignal, in glibc's words: programs linked into an
/// image then say what GNU's tools say ("No such file or directory").

#include <cstddef>

namespace mos::posix::libc {

/// The message for errno value `number` (glibc's for 0..133), otherwise written into `buffer`
/// as "Unknown error N". `buffer` must hold kErrorMessageBufferSize bytes.
/// The result is either a static string or `buffer`.
const char* strerror(int number, char* buffer) noexcept;
/// Size of the buffer strerror needs for unknown numbers.
inline constexpr std::size_t kErrorMessageBufferSize = 32;
/// POSIX strerror_r: copies the message into `buffer` (`size` bytes). Returns 0, EINVAL for an
/// unknown number (the "Unknown error N" text is still stored) or ERANGE when it was truncated.
int strerror_r(int number, char* buffer, std::size_t size) noexcept;
/// The description of signal `number` ("Hangup", "Interrupt", ...), or "Real-time signal N" /
/// "Unknown signal N" written into `buffer` (kErrorMessageBufferSize bytes).
const char* strsignal(int number, char* buffer) noexcept;

}  // namespace mos::posix::libc
