#pragma once
// Builds kernel symbol tables for host tests exactly as tools/gen_symbols.py lays them out
// (shared by the symbol-table and exception-report tests).

#include <x86_64/symbol_table.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mos::test {

/// One symbol of a table to build.
struct SymbolEntry {
  std::uint64_t address;
  std::uint32_t size;
  std::string name;
};

/// The table's bytes: magic, count, string bytes, then {address, name offset, size} per entry,
/// then the NUL-terminated names. Entries go in as given (sorted or not).
inline std::vector<std::byte> build_symbol_table(const std::vector<SymbolEntry>& entries) {
  std::string strings;
  std::vector<std::uint32_t> offsets;
  for (const auto& e : entries) {
    offsets.push_back(static_cast<std::uint32_t>(strings.size()));
    strings += e.name;
    strings += '\0';
  }
  std::vector<std::byte> out;
  auto put = [&out](const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    out.insert(out.end(), b, b + n);
  };
  std::uint64_t magic = mos::x86_64::SymbolTable::kMagic;
  auto count = static_cast<std::uint32_t>(entries.size());
  auto string_bytes = static_cast<std::uint32_t>(strings.size());
  put(&magic, 8);
  put(&count, 4);
  put(&string_bytes, 4);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    put(&entries[i].address, 8);
    put(&offsets[i], 4);
    put(&entries[i].size, 4);
  }
  put(strings.data(), strings.size());
  return out;
}

}  // namespace mos::test
