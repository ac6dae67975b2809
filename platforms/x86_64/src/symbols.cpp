#include "symbols.hpp"

extern "C" {
extern const std::byte __ksyms_start[], __ksyms_end[];
}

namespace mos::x86_64 {

const SymbolTable& kernel_symbols() noexcept {
  // Parsed on first use (from a panic or exception report); no constructor order to worry about.
  static SymbolTable table = SymbolTable::parse({__ksyms_start, __ksyms_end}).value_or(SymbolTable());
  return table;
}

}  // namespace mos::x86_64
