#pragma once
/// The levelled kernel logger. Lines go to the platform console as "[level] message"; the level
/// compiled in is set by the Meson option log_level, the level shown by set_level().

#include <k/format.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::log {

/// Severity, most severe first.
enum class Level : std::uint8_t { Error, Warn, Info, Debug, Trace };

/// Shows messages up to and including `level` from now on.
void set_level(Level level) noexcept;
/// The most verbose level shown now.
Level level() noexcept;

/// How many bytes of recent log lines the logger keeps for dmesg (the oldest go first).
inline constexpr std::size_t kHistoryBytes = 16 * 1024;
/// Copies the kept lines, oldest first, into `out` (as many as fit, from the newest backwards);
/// returns how many bytes it copied. The lines are kept whether or not a console shows them.
std::size_t copy_history(std::span<char> out) noexcept;

namespace detail {
#ifndef MOS_LOG_LEVEL_MAX
#define MOS_LOG_LEVEL_MAX 4
#endif
/// The most verbose level compiled in; messages above it cost nothing.
inline constexpr auto kCompiledMax = static_cast<Level>(MOS_LOG_LEVEL_MAX);

bool begin_line(Level level) noexcept;  // Takes the log lock and writes the prefix if shown.
void end_line() noexcept;               // Writes the newline and releases the lock.
OutputSink& line_sink() noexcept;
}  // namespace detail

/// Logs one line at `level`.
template <class... Args>
void write(Level level, FormatString<Args...> fmt, const Args&... args) noexcept {
  if (level > detail::kCompiledMax) return;
  if (!detail::begin_line(level)) return;
  format_to(detail::line_sink(), fmt, args...);
  detail::end_line();
}

/// Something failed and the system cannot do what was asked.
template <class... Args>
void error(FormatString<Args...> fmt, const Args&... args) noexcept {
  write(Level::Error, fmt, args...);
}
/// Something unexpected that the system copes with.
template <class... Args>
void warn(FormatString<Args...> fmt, const Args&... args) noexcept {
  write(Level::Warn, fmt, args...);
}
/// Milestones a user wants to see (boot steps, devices found).
template <class... Args>
void info(FormatString<Args...> fmt, const Args&... args) noexcept {
  write(Level::Info, fmt, args...);
}
/// Details for developers.
template <class... Args>
void debug(FormatString<Args...> fmt, const Args&... args) noexcept {
  write(Level::Debug, fmt, args...);
}
/// Very chatty tracing.
template <class... Args>
void trace(FormatString<Args...> fmt, const Args&... args) noexcept {
  write(Level::Trace, fmt, args...);
}

}  // namespace mos::log
