// The terminal ioctls. The argument is a pointer in the caller's (kernel) address space, as
// libposix hands it over after copying from user space; it is read and written with
// memory_copy because nothing promises its alignment. [linux] drivers/tty/tty_ioctl.c
#include <drv/tty.hpp>

#include <k/string.hpp>

namespace mos::drv {
namespace {

template <class T>
Result<T> load(std::uintptr_t argument) noexcept {
  if (argument == 0) return Error::BadAddress;
  T value{};
  memory_copy(&value, reinterpret_cast<const void*>(argument), sizeof value);
  return value;
}

template <class T>
Result<std::int64_t> store(std::uintptr_t argument, const T& value) noexcept {
  if (argument == 0) return Error::BadAddress;
  memory_copy(reinterpret_cast<void*>(argument), &value, sizeof value);
  return std::int64_t{0};
}

}  // namespace

Result<std::int64_t> Tty::control(std::uint32_t request, std::uintptr_t argument) noexcept {
  switch (request) {
    case tty_ioctl::kTcgets:
      return store(argument, termios());
    case tty_ioctl::kTcsets:
    case tty_ioctl::kTcsetsw:
    case tty_ioctl::kTcsetsf: {
      const Termios t = MOS_TRY(load<Termios>(argument));
      const When when = request == tty_ioctl::kTcsets    ? When::Now
                        : request == tty_ioctl::kTcsetsw ? When::Drain
                                                         : When::DrainFlush;
      MOS_TRY(set_termios(t, when));
      return std::int64_t{0};
    }
    case tty_ioctl::kTcsbrk:
      // tcdrain is TCSBRK with a nonzero argument; a break on the line (0) is not supported.
      if (argument == 0) return Error::NotSupported;
      MOS_TRY(drain());
      return std::int64_t{0};
    case tty_ioctl::kTcflsh:
      // The argument is the queue selector itself, not a pointer.
      switch (argument) {
        case kTciflush:
          flush(Queue::Input);
          return std::int64_t{0};
        case kTcoflush:
          flush(Queue::Output);
          return std::int64_t{0};
        case kTcioflush:
          flush(Queue::Both);
          return std::int64_t{0};
        default:
          return Error::InvalidArgument;
      }
    case tty_ioctl::kTiocgwinsz:
      return store(argument, window_size());
    case tty_ioctl::kTiocswinsz:
      set_window_size(MOS_TRY(load<WindowSize>(argument)));
      return std::int64_t{0};
    case tty_ioctl::kTiocgpgrp:
      return store(argument, foreground_group());
    case tty_ioctl::kTiocspgrp: {
      const std::int32_t group = MOS_TRY(load<std::int32_t>(argument));
      MOS_TRY(set_foreground_group(group));
      return std::int64_t{0};
    }
    case tty_ioctl::kFionread:
      return store(argument, static_cast<std::int32_t>(readable_bytes()));
    default:
      return Error::NotTerminal;
  }
}

}  // namespace mos::drv
