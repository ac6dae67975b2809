#pragma once
// What every system call does around its work: find the calling process, turn a Result into a
// value or -errno, and restart a call that a signal interrupted when no handler ran (or only
// SA_RESTART ones), as Linux does.

#include <posix/system.hpp>
#include <posix/system_calls.hpp>

#include <type_traits>

namespace mos::posix::sys::detail {

/// -errno.
constexpr long negative(Error e) noexcept {
  return -static_cast<long>(e);
}

/// The value (0 for void), or -errno.
template <class T>
long to_long(const Result<T>& result) noexcept {
  if (!result) return negative(result.error());
  if constexpr (std::is_void_v<T>) {
    return 0;
  } else {
    return static_cast<long>(*result);
  }
}

/// Runs op() again while it is interrupted by a signal after which it may restart.
template <class Op>
auto restarting(Process& self, Op op) noexcept {
  while (true) {
    auto result = op();
    if (!result && result.error() == Error::Interrupted && self.system().deliver_signals(self)) {
      continue;
    }
    return result;
  }
}

}  // namespace mos::posix::sys::detail

/// `Process& self`, or -ENOSYS for a thread outside every process.
#define MOS_SYS_CALLER()                                                                \
  ::mos::posix::Process* self_pointer = ::mos::posix::current_process();                \
  if (self_pointer == nullptr) return -static_cast<long>(::mos::Error::NotImplemented); \
  ::mos::posix::Process& self = *self_pointer
