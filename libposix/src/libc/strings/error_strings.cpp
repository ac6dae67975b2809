// strerror and strsignal. Numbers outside the tables are written into the caller's buffer, so
// nothing here keeps state between calls.
#include <posix/libc/error_strings.hpp>
#include <posix/libc/strings.hpp>

#include "error_messages.hpp"

#include <k/error.hpp>
#include <k/string.hpp>

namespace mos::posix::libc {

namespace {

// "prefix N" into buffer (kErrorMessageBufferSize bytes, ample for any int).
const char* write_numbered(char* buffer, const char* prefix, int number) noexcept {
  char* p = stpcpy(buffer, prefix);
  unsigned magnitude = number < 0 ? 0U - static_cast<unsigned>(number) : number;
  if (number < 0) *p++ = '-';
  char digits[12];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  while (n > 0) *p++ = digits[--n];
  *p = '\0';
  return buffer;
}

// glibc's descriptions of the Linux x86_64 signals 1..31.
constexpr const char* kSignalDescriptions[] = {
    nullptr,
    "Hangup",
    "Interrupt",
    "Quit",
    "Illegal instruction",
    "Trace/breakpoint trap",
    "Aborted",
    "Bus error",
    "Floating point exception",
    "Killed",
    "User defined signal 1",
    "Segmentation fault",
    "User defined signal 2",
    "Broken pipe",
    "Alarm clock",
    "Terminated",
    "Stack fault",
    "Child exited",
    "Continued",
    "Stopped (signal)",
    "Stopped",
    "Stopped (tty input)",
    "Stopped (tty output)",
    "Urgent I/O condition",
    "CPU time limit exceeded",
    "File size limit exceeded",
    "Virtual timer expired",
    "Profiling timer expired",
    "Window changed",
    "I/O possible",
    "Power failure",
    "Bad system call",
};
constexpr int kSignalCount = sizeof(kSignalDescriptions) / sizeof(kSignalDescriptions[0]);
constexpr int kFirstRealTimeSignal = 34;
constexpr int kLastRealTimeSignal = 64;

}  // namespace

const char* strerror(int number, char* buffer) noexcept {
  if (number >= 0 && number < detail::kErrorMessageCount) return detail::kErrorMessages[number];
  return write_numbered(buffer, "Unknown error ", number);
}

int strerror_r(int number, char* buffer, std::size_t size) noexcept {
  char scratch[kErrorMessageBufferSize];
  const char* message = strerror(number, scratch);
  const int result = number >= 0 && number < detail::kErrorMessageCount
                         ? 0
                         : errno_value(Error::InvalidArgument);
  std::size_t len = string_length(message);
  if (size == 0) return errno_value(Error::OutOfRange);
  if (len >= size) {
    memory_copy(buffer, message, size - 1);
    buffer[size - 1] = '\0';
    return errno_value(Error::OutOfRange);
  }
  memory_copy(buffer, message, len + 1);
  return result;
}

const char* strsignal(int number, char* buffer) noexcept {
  if (number > 0 && number < kSignalCount) return kSignalDescriptions[number];
  if (number >= kFirstRealTimeSignal && number <= kLastRealTimeSignal) {
    return write_numbered(buffer, "Real-time signal ", number - kFirstRealTimeSignal);
  }
  return write_numbered(buffer, "Unknown signal ", number);
}

}  // namespace mos::posix::libc
