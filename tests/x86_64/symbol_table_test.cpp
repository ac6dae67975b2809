#include <x86_64/symbol_table.hpp>

#include "symbol_table_builder.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

using mos::x86_64::SymbolTable;

namespace {

// Builds a table exactly as tools/gen_symbols.py lays it out.
std::vector<std::byte> build(const std::vector<mos::test::SymbolEntry>& entries) {
  return mos::test::build_symbol_table(entries);
}

}  // namespace

TEST_CASE("lookup finds the symbol containing an address") {
  auto bytes = build({{0x1000, 0x20, "alpha"}, {0x1020, 0x10, "beta"}, {0x2000, 0, "gamma"}});
  auto table = SymbolTable::parse(bytes);
  REQUIRE(table.has_value());
  CHECK(table->size() == 3);
  CHECK_FALSE(table->lookup(0xfff).has_value());
  CHECK(table->lookup(0x1000)->name == "alpha");
  CHECK(table->lookup(0x101f)->name == "alpha");
  CHECK(table->lookup(0x1020)->name == "beta");
  CHECK_FALSE(table->lookup(0x1030).has_value());  // Past beta's size, before gamma.
  CHECK(table->lookup(0x2000 + SymbolTable::kUnsizedReach - 1)->name == "gamma");
  CHECK_FALSE(table->lookup(0x2000 + SymbolTable::kUnsizedReach).has_value());
}

TEST_CASE("symbolized addresses print the symbol and offset") {
  auto bytes = build({{0xffffffff80201000, 0x40, "mos::app_main()"}});
  auto table = SymbolTable::parse(bytes).value();
  char buffer[128];
  std::size_t n = mos::format_to_buffer(buffer, "{}",
                                        mos::x86_64::SymbolizedAddress{0xffffffff80201014, &table});
  CHECK(std::string(buffer, n) == "0xffffffff80201014 <mos::app_main()+0x14>");
  n = mos::format_to_buffer(buffer, "{}", mos::x86_64::SymbolizedAddress{0x10, &table});
  CHECK(std::string(buffer, n) == "0x0000000000000010");
}

TEST_CASE("an empty table finds nothing; malformed tables are rejected") {
  auto empty = SymbolTable::parse({});
  REQUIRE(empty.has_value());
  CHECK_FALSE(empty->lookup(0x1000).has_value());

  auto good = build({{0x1000, 0x10, "a"}, {0x2000, 0x10, "b"}});
  SUBCASE("bad magic") {
    good[0] = std::byte{0};
    CHECK(SymbolTable::parse(good).error() == mos::Error::BadMessage);
  }
  SUBCASE("truncated") {
    good.resize(good.size() - 1);
    CHECK(SymbolTable::parse(good).error() == mos::Error::BadMessage);
  }
  SUBCASE("count larger than the table") {
    std::uint32_t huge = 0x10000000;
    std::memcpy(good.data() + 8, &huge, 4);
    CHECK(SymbolTable::parse(good).error() == mos::Error::BadMessage);
  }
  SUBCASE("name offset outside the strings") {
    std::uint32_t offset = 999;
    std::memcpy(good.data() + 16 + 8, &offset, 4);
    CHECK(SymbolTable::parse(good).error() == mos::Error::BadMessage);
  }
  SUBCASE("unsorted") {
    auto unsorted = build({{0x2000, 0x10, "b"}, {0x1000, 0x10, "a"}});
    CHECK(SymbolTable::parse(unsorted).error() == mos::Error::BadMessage);
  }
  SUBCASE("a name without its terminator") {
    good.back() = std::byte{'x'};
    CHECK(SymbolTable::parse(good).error() == mos::Error::BadMessage);
  }
}
