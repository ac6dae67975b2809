#pragma once
/// Platform contract: the boot console (COM1 on x86_64, stdin/stdout on the host).

#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>

namespace mos::platform {

/// A platform's console facet.
template <class T>
concept ConsoleDevice = requires(std::string_view text, std::span<char> buffer) {
  { T::write(text) } noexcept -> std::same_as<void>;
  { T::read(buffer) } noexcept -> std::same_as<std::size_t>;
};

/// Writes `text` to the console, completely, translating "\n" to "\r\n" where the device needs
/// it. Safe from any context, including exception handlers.
void console_write(std::string_view text) noexcept;

/// Waits until at least one character is available, then reads up to buffer.size() characters.
/// Returns 0 only at end of input (the host's stdin closed; a serial line never ends). The first
/// read tells a test harness that the console is ready for input.
std::size_t console_read(std::span<char> buffer) noexcept;

/// Tells a test harness that the console is ready for input, as the first console_read does:
/// for a driver that takes the console's input over (libdrv's interrupt-driven UART).
void console_announce_input() noexcept;

}  // namespace mos::platform
