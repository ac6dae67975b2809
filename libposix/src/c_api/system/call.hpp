#pragma once
// What every C name of the system layer does around its system call (posix/system_calls.hpp):
// deliver the caller's pending signals on the way out (the safe point where a linked app's
// handlers run), and turn -errno into -1 with errno set.
//
// These files compile against Mosaic's C headers, so they include those and
// <posix/system_calls.hpp> only: no C++ standard header that would bring the host C library's
// headers in beside them.

#include <posix/system_calls.hpp>

#include <errno.h>

namespace mos::posix::c_api {

/// errno = error; -1.
inline int fail(int error) noexcept {
  errno = error;
  return -1;
}

/// The safe point, then the C convention: a result >= 0 as it is, else -1 and errno.
inline long finish(long result) noexcept {
  (void)sys::deliver_signals();
  if (result < 0) return fail(static_cast<int>(-result));
  return result;
}

}  // namespace mos::posix::c_api
