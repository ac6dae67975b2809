#pragma once
/// Panics and assertions: for programmer errors only, never for values that come from users,
/// files, programs or devices (those get a mos::Error).

#include <k/format.hpp>

#include <source_location>
#include <string_view>

namespace mos {

/// Prints "PANIC: message" with its source location on the console, then hands over to the
/// platform, which prints a backtrace and stops the machine (x86_64) or the process (host).
[[noreturn]] void panic(std::string_view message,
                        std::source_location where = std::source_location::current()) noexcept;

namespace detail {
[[noreturn]] void assert_failed(const char* condition, std::source_location where) noexcept;
[[noreturn]] void result_access_failed(const char* what) noexcept;
/// Takes the console, writes the panic banner and location; the message follows.
OutputSink& panic_begin(std::source_location where) noexcept;
/// Ends the panic message and stops.
[[noreturn]] void panic_end() noexcept;
}  // namespace detail

/// Like panic(), with a formatted message; used through MOS_PANIC.
template <class... Args>
[[noreturn]] void panic_format(std::source_location where, FormatString<Args...> fmt,
                               const Args&... args) noexcept {
  format_to(detail::panic_begin(where), fmt, args...);
  detail::panic_end();
}

}  // namespace mos

/// Panics with a message naming the condition when `condition` is false.
#define MOS_ASSERT(condition) \
  ((condition) ? void(0)      \
               : ::mos::detail::assert_failed(#condition, ::std::source_location::current()))

/// Panics with a formatted message: MOS_PANIC("bad frame {:#x}", frame).
#define MOS_PANIC(...) ::mos::panic_format(::std::source_location::current(), __VA_ARGS__)
