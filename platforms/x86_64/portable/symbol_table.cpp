#include <x86_64/symbol_table.hpp>

#include <k/string.hpp>

namespace mos::x86_64 {
namespace {

template <class T>
T load(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  T value;
  memory_copy(&value, bytes.data() + offset, sizeof value);
  return value;
}

}  // namespace

Result<SymbolTable> SymbolTable::parse(std::span<const std::byte> bytes) noexcept {
  SymbolTable table;
  if (bytes.empty()) return table;
  if (bytes.size() < kHeaderSize || load<std::uint64_t>(bytes, 0) != kMagic) {
    return Error::BadMessage;
  }
  std::uint64_t count = load<std::uint32_t>(bytes, 8);
  std::uint64_t string_bytes = load<std::uint32_t>(bytes, 12);
  std::uint64_t needed = kHeaderSize + count * kEntrySize + string_bytes;
  if (needed > bytes.size()) return Error::BadMessage;
  table.entries_ = bytes.subspan(kHeaderSize, count * kEntrySize);
  table.strings_ = bytes.subspan(kHeaderSize + count * kEntrySize, string_bytes);
  table.count_ = count;
  std::uint64_t previous = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t entry = i * kEntrySize;
    auto address = load<std::uint64_t>(table.entries_, entry);
    auto name = load<std::uint32_t>(table.entries_, entry + 8);
    if (address < previous || name >= string_bytes) return Error::BadMessage;
    const void* nul = memory_find(table.strings_.data() + name, 0, string_bytes - name);
    if (nul == nullptr) return Error::BadMessage;
    previous = address;
  }
  return table;
}

Symbol SymbolTable::at(std::size_t i) const noexcept {
  std::size_t entry = i * kEntrySize;
  Symbol s;
  s.address = load<std::uint64_t>(entries_, entry);
  s.size = load<std::uint32_t>(entries_, entry + 12);
  const char* name =
      reinterpret_cast<const char*>(strings_.data()) + load<std::uint32_t>(entries_, entry + 8);
  s.name = std::string_view(name, string_length(name));  // parse() checked the terminator.
  return s;
}

std::optional<Symbol> SymbolTable::lookup(std::uint64_t address) const noexcept {
  // The last symbol starting at or below the address.
  std::size_t low = 0;
  std::size_t high = count_;
  while (low < high) {
    std::size_t mid = low + (high - low) / 2;
    if (at(mid).address <= address) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  if (low == 0) return std::nullopt;
  Symbol s = at(low - 1);
  std::uint64_t reach = s.size != 0 ? s.size : kUnsizedReach;
  if (address - s.address >= reach) return std::nullopt;
  return s;
}

}  // namespace mos::x86_64

void mos::Formatter<mos::x86_64::SymbolizedAddress>::format(
    OutputSink& sink, const mos::x86_64::SymbolizedAddress& a, const FormatSpec&) noexcept {
  format_to(sink, "{:#018x}", a.address);
  if (a.table == nullptr) return;
  if (auto symbol = a.table->lookup(a.address)) {
    format_to(sink, " <{}+{:#x}>", symbol->name, a.address - symbol->address);
  }
}
