#pragma once
/// The readable report printed when a CPU exception reaches the kernel's fatal path.

#include <x86_64/symbol_table.hpp>
#include <x86_64/trap_frame.hpp>

#include <k/output_sink.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace mos::x86_64 {

/// The mnemonic and name of an exception vector, e.g. "#PF page fault".
std::string_view exception_name(std::uint64_t vector) noexcept;

/// Whether the CPU pushes an error code for `vector`. [intel-sdm vol3] 6.13, table 6-1
bool exception_has_error_code(std::uint64_t vector) noexcept;

/// Writes the meaning of an error code: for #PF the access (present/not-present, read/write,
/// user/kernel, fetch, reserved bit, protection key, shadow stack); for selector errors the table
/// and index.
void describe_error_code(OutputSink& sink, std::uint64_t vector, std::uint64_t error_code) noexcept;

/// Writes the whole report: exception, decoded error code, RIP with symbol, RSP, RFLAGS, control
/// registers, general registers and the backtrace with symbols.
void write_exception_report(OutputSink& sink, const TrapFrame& frame, const FaultContext& context,
                            const SymbolTable& symbols,
                            std::span<const std::uint64_t> backtrace) noexcept;

/// Writes "backtrace:" and one symbolised line per return address.
void write_backtrace(OutputSink& sink, const SymbolTable& symbols,
                     std::span<const std::uint64_t> backtrace) noexcept;

}  // namespace mos::x86_64
