#pragma once
// The boot console (COM1) for this platform's own code.

#include <k/output_sink.hpp>

namespace mos::x86_64 {

/// Programs COM1; before this, console output is dropped.
void console_init() noexcept;

/// The console as an OutputSink, for reports written with format_to.
OutputSink& console_sink() noexcept;

}  // namespace mos::x86_64
