#pragma once
/// Platform contract: what happens after a CPU exception in kernel code that nothing resolved
/// has been reported. Without a handler the machine stops with kExitPanic; libsched installs one
/// that ends just the thread that faulted.

#include <concepts>

namespace mos::platform {

/// Runs after the exception report, in the faulting context (maybe on an emergency stack), with
/// interrupts disabled. It may end the faulting thread and never return; if it returns, the
/// platform stops the machine as it does without a handler.
using FatalFaultHandler = void (*)() noexcept;

/// A platform's fatal-fault facet.
template <class T>
concept FatalFaultControl = requires(FatalFaultHandler handler) {
  { T::set_handler(handler) } noexcept -> std::same_as<void>;
};

/// Installs the handler (nullptr: none).
void set_fatal_fault_handler(FatalFaultHandler handler) noexcept;

}  // namespace mos::platform
