#pragma once
// The image's own symbol table (.ksyms, written by tools/gen_symbols.py).

#include <x86_64/symbol_table.hpp>

namespace mos::x86_64 {

/// The kernel's symbols; empty if the table is missing or malformed (backtraces then show bare
/// addresses rather than failing).
const SymbolTable& kernel_symbols() noexcept;

}  // namespace mos::x86_64
