#pragma once
/// The kernel's function symbols, for backtraces. tools/gen_symbols.py writes the table from the
/// first link of an image; the second link places it in the .ksyms section.
///
/// Layout (little endian): u64 magic "MOSKSYM1", u32 count, u32 string bytes; then `count`
/// entries {u64 address, u32 name offset, u32 size} sorted by address; then the NUL-terminated
/// names.

#include <k/format.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mos::x86_64 {

/// One function symbol.
struct Symbol {
  std::uint64_t address = 0;
  std::uint32_t size = 0;  ///< 0 when the object file did not say.
  std::string_view name;
};

/// A validated, read-only view of a symbol table.
class SymbolTable {
 public:
  static constexpr std::uint64_t kMagic = 0x314d59534b534f4dULL;  // "MOSKSYM1"
  static constexpr std::size_t kHeaderSize = 16;
  static constexpr std::size_t kEntrySize = 16;
  /// A symbol without a size covers addresses up to this far past its start.
  static constexpr std::uint64_t kUnsizedReach = 64 * 1024;

  /// An empty table: lookups find nothing.
  constexpr SymbolTable() noexcept = default;

  /// Validates `bytes` (sizes, name offsets, sort order). An empty span is an empty table;
  /// anything malformed is Error::BadMessage.
  static Result<SymbolTable> parse(std::span<const std::byte> bytes) noexcept;

  /// The symbol containing `address`, if any.
  std::optional<Symbol> lookup(std::uint64_t address) const noexcept;

  /// The i-th symbol in address order.
  Symbol at(std::size_t i) const noexcept;
  std::size_t size() const noexcept { return count_; }

 private:
  std::span<const std::byte> entries_;
  std::span<const std::byte> strings_;
  std::size_t count_ = 0;
};

/// An address printed with its symbol: "0xffffffff80201234 <main+0x14>".
struct SymbolizedAddress {
  std::uint64_t address;
  const SymbolTable* table;
};

}  // namespace mos::x86_64

template <>
struct mos::Formatter<mos::x86_64::SymbolizedAddress> {
  static void format(OutputSink& sink, const mos::x86_64::SymbolizedAddress& a,
                     const FormatSpec&) noexcept;
};
