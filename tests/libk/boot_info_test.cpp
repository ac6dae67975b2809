#include <k/boot_info.hpp>

#include <doctest/doctest.h>

#include <string>

using mos::BootInfo;
using mos::CommandLine;

TEST_CASE("CommandLine finds whole-word flags and key=value options") {
  CommandLine line("quiet  crash=page-fault root=/dev/vda echo x= =y");
  CHECK(line.has_flag("quiet"));
  CHECK(line.has_flag("echo"));
  CHECK_FALSE(line.has_flag("ech"));       // Whole words only.
  CHECK_FALSE(line.has_flag("crash"));     // An option is not a flag.
  CHECK(line.option("crash") == "page-fault");
  CHECK(line.option("root") == "/dev/vda");
  CHECK(line.option("x") == "");  // "x=" is an option with an empty value, as on Linux.
  CHECK_FALSE(line.option("quiet").has_value());
  CHECK_FALSE(line.option("").has_value());  // "=y" names no key.
  CHECK_FALSE(CommandLine("").has_flag(""));
  CHECK(CommandLine("a=1 a=2").option("a") == "1");  // The first one wins.
}

TEST_CASE("BootString copies, truncates and reports truncation") {
  mos::BootString<8> s;
  CHECK(s.assign("short"));
  CHECK(s.view() == "short");
  CHECK(std::string(s.c_str()) == "short");
  CHECK_FALSE(s.assign("much too long"));
  CHECK(s.view() == "much to");  // N - 1 characters and the terminator.
  CHECK(s.c_str()[7] == '\0');
}

TEST_CASE("BootInfo sums usable memory and exposes its command line") {
  BootInfo info;
  REQUIRE(info.memory_map.push_back({mos::PhysAddr(0), 0x9fc00, mos::MemoryRegion::Kind::Usable}));
  REQUIRE(info.memory_map.push_back(
      {mos::PhysAddr(0x9fc00), 0x400, mos::MemoryRegion::Kind::Reserved}));
  REQUIRE(info.memory_map.push_back(
      {mos::PhysAddr(0x100000), 0x7f00000, mos::MemoryRegion::Kind::Usable}));
  CHECK(info.usable_bytes() == 0x9fc00 + 0x7f00000);
  CHECK(info.memory_map[2].end() == mos::PhysAddr(0x8000000));
  REQUIRE(info.command_line.assign("echo level=debug"));
  CHECK(info.options().has_flag("echo"));
  CHECK(info.options().option("level") == "debug");
}
