#pragma once
/// Platform contract: stopping the machine, with an exit status a test harness can read.

#include <concepts>
#include <cstdint>

namespace mos::platform {

/// The status an image ends with. Under QEMU it is read through the isa-debug-exit device
/// (tools/qemu_run.py maps it back); on the host it is the process exit status.
using ExitStatus = std::uint8_t;

inline constexpr ExitStatus kExitSuccess = 0;
inline constexpr ExitStatus kExitFailure = 1;
/// The status of a panic or an unhandled CPU exception.
inline constexpr ExitStatus kExitPanic = 101;

/// A platform's machine-control facet.
template <class T>
concept MachineControl = requires(ExitStatus status) {
  { T::shutdown(status) } noexcept -> std::same_as<void>;
  { T::stop_after_panic() } noexcept -> std::same_as<void>;
};

/// Stops the machine with `status`.
[[noreturn]] void shutdown(ExitStatus status) noexcept;

/// Called by mos::panic after the message was printed: the platform adds what it knows (a
/// backtrace) and stops with kExitPanic.
[[noreturn]] void stop_after_panic() noexcept;

}  // namespace mos::platform
