#pragma once
// glibc's strerror texts, by errno number (0..kErrorMessageCount - 1).

namespace mos::posix::libc::detail {

inline constexpr int kErrorMessageCount = 134;
extern const char* const kErrorMessages[kErrorMessageCount];

}  // namespace mos::posix::libc::detail
