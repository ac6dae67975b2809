#include <x86_64/boot_protocols.hpp>

#include "boot_test_support.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using mos::BootInfo;
using mos::Error;
using mos::Framebuffer;
using mos::MemoryRegion;
using mos::PhysAddr;
using mos::test::ByteVector;
using mos::x86_64::BootInfoError;
using mos::x86_64::parse_multiboot2;

constexpr std::uint64_t kBlockAddress = 0x10000;

/// One memory-map entry as the loader writes it.
struct Entry {
  std::uint64_t base;
  std::uint64_t length;
  std::uint32_t type;
};

/// Assembles Multiboot2 information blocks tag by tag. [multiboot2] 3.6
class Mb2Builder {
 public:
  /// A tag whose size field is 8 + payload size, padded to 8 bytes.
  Mb2Builder& tag(std::uint32_t type, const ByteVector& payload) {
    return raw_tag(type, static_cast<std::uint32_t>(8 + payload.size()), payload);
  }
  /// A tag with any size field; the payload is padded to 8 bytes whatever the field says.
  Mb2Builder& raw_tag(std::uint32_t type, std::uint32_t size, const ByteVector& payload) {
    last_offset_ = 8 + tags_.size();
    mos::test::append_u32(tags_, type);
    mos::test::append_u32(tags_, size);
    tags_.insert(tags_.end(), payload.begin(), payload.end());
    while (tags_.size() % 8 != 0) tags_.push_back(std::byte{0});
    return *this;
  }
  Mb2Builder& command_line(std::string_view text) { return string_tag(1, text); }
  Mb2Builder& loader_name(std::string_view text) { return string_tag(2, text); }
  Mb2Builder& module(std::uint32_t start, std::uint32_t end, std::string_view name) {
    ByteVector p;
    mos::test::append_u32(p, start);
    mos::test::append_u32(p, end);
    mos::test::append_c_string(p, name);
    return tag(3, p);
  }
  Mb2Builder& memory_map(const std::vector<Entry>& entries, std::uint32_t entry_size = 24,
                         std::uint32_t entry_version = 0) {
    ByteVector p;
    mos::test::append_u32(p, entry_size);
    mos::test::append_u32(p, entry_version);
    for (const Entry& e : entries) {
      std::size_t at = p.size();
      mos::test::append_u64(p, e.base);
      mos::test::append_u64(p, e.length);
      mos::test::append_u32(p, e.type);
      p.resize(at + entry_size, std::byte{0xee});  // Reserved and future fields.
      mos::test::put_u32(p, at + 20, 0);
    }
    return tag(6, p);
  }
  /// A framebuffer tag as GRUB writes it: fixed fields, u16 reserved, RGB colour info.
  Mb2Builder& framebuffer(std::uint64_t address, std::uint32_t pitch, std::uint32_t width,
                          std::uint32_t height, std::uint8_t bpp, std::uint8_t type) {
    ByteVector p;
    mos::test::append_u64(p, address);
    mos::test::append_u32(p, pitch);
    mos::test::append_u32(p, width);
    mos::test::append_u32(p, height);
    p.push_back(static_cast<std::byte>(bpp));
    p.push_back(static_cast<std::byte>(type));
    mos::test::put_u16(p, p.size(), 0);
    for (std::uint8_t v : {16, 8, 8, 8, 0, 8}) p.push_back(static_cast<std::byte>(v));
    return tag(8, p);
  }
  Mb2Builder& acpi_old(const ByteVector& rsdp) { return tag(14, rsdp); }
  Mb2Builder& acpi_new(const ByteVector& rsdp) { return tag(15, rsdp); }

  /// The block: header, tags, and (unless told otherwise) the end tag.
  ByteVector build(bool with_end_tag = true) const {
    ByteVector block;
    mos::test::append_u32(block, 0);
    mos::test::append_u32(block, 0);
    block.insert(block.end(), tags_.begin(), tags_.end());
    if (with_end_tag) {
      mos::test::append_u32(block, 0);
      mos::test::append_u32(block, 8);
    }
    mos::test::put_u32(block, 0, static_cast<std::uint32_t>(block.size()));
    return block;
  }

  /// The offset in the built block of the most recently added tag.
  std::size_t last_offset() const { return last_offset_; }

 private:
  Mb2Builder& string_tag(std::uint32_t type, std::string_view text) {
    ByteVector p;
    mos::test::append_c_string(p, text);
    return tag(type, p);
  }

  ByteVector tags_;
  std::size_t last_offset_ = 0;
};

mos::Result<BootInfo, BootInfoError> parse(const ByteVector& block,
                                           std::uint64_t address = kBlockAddress) {
  mos::test::ExactBuffer exact(block);
  return parse_multiboot2(exact.span(), PhysAddr(address));
}

const std::vector<Entry> kTypicalMap = {
    {0x0, 0x9fc00, 1},        {0x9fc00, 0x400, 2},      {0xf0000, 0x10000, 2},
    {0x100000, 0x7ee0000, 1}, {0x7fe0000, 0x20000, 2},  {0xfeffc000, 0x4000, 2},
    {0xfffc0000, 0x40000, 2}, {0x100000000, 0x1000, 3}, {0x100001000, 0x1000, 4},
    {0x100002000, 0x1000, 5}, {0x100003000, 0x1000, 7},
};

/// A block with every tag the parser reads, plus some it skips.
Mb2Builder full_builder() {
  Mb2Builder b;
  ByteVector meminfo;
  mos::test::append_u32(meminfo, 639);
  mos::test::append_u32(meminfo, 130048);
  b.command_line("console=com1 log=debug")
      .loader_name("GRUB 2.06")
      .tag(4, meminfo)
      .module(0x200000, 0x280000, "initrd.tar")
      .module(0x280000, 0x280000, "")
      .memory_map(kTypicalMap)
      .tag(5, ByteVector(12, std::byte{0x11}))  // BIOS boot device: skipped.
      .framebuffer(0xfd000000, 4096, 1024, 768, 32, 1)
      .acpi_old(mos::test::make_rsdp(0, 0x7fe1234))
      .acpi_new(mos::test::make_rsdp(2, 0x7fe1234, 0x7fe5678))
      .tag(0x7777, ByteVector(5, std::byte{0xab}));  // Unknown: skipped.
  return b;
}

std::string str(std::string_view v) {
  return std::string(v);
}

}  // namespace

TEST_CASE("multiboot2: a full block fills every BootInfo field") {
  ByteVector block = full_builder().build();
  auto info = parse(block);
  REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));

  CHECK(info->protocol == BootInfo::Protocol::Multiboot2);
  CHECK(info->info_start == PhysAddr(kBlockAddress));
  CHECK(info->info_end == PhysAddr(kBlockAddress + block.size()));
  CHECK(info->command_line.view() == "console=com1 log=debug");
  CHECK(str(info->command_line.c_str()) == "console=com1 log=debug");
  CHECK(info->loader_name.view() == "GRUB 2.06");

  REQUIRE(info->modules.size() == 2);
  CHECK(info->modules[0].start == PhysAddr(0x200000));
  CHECK(info->modules[0].end == PhysAddr(0x280000));
  CHECK(info->modules[0].command_line.view() == "initrd.tar");
  CHECK(info->modules[1].start == PhysAddr(0x280000));
  CHECK(info->modules[1].end == PhysAddr(0x280000));
  CHECK(info->modules[1].command_line.view().empty());

  REQUIRE(info->memory_map.size() == kTypicalMap.size());
  const MemoryRegion::Kind kinds[] = {
      MemoryRegion::Kind::Usable,   MemoryRegion::Kind::Reserved,
      MemoryRegion::Kind::Reserved, MemoryRegion::Kind::Usable,
      MemoryRegion::Kind::Reserved, MemoryRegion::Kind::Reserved,
      MemoryRegion::Kind::Reserved, MemoryRegion::Kind::AcpiReclaimable,
      MemoryRegion::Kind::AcpiNvs,  MemoryRegion::Kind::Defective,
      MemoryRegion::Kind::Reserved,
  };
  for (std::size_t i = 0; i < kTypicalMap.size(); ++i) {
    INFO("region ", i);
    CHECK(info->memory_map[i].base == PhysAddr(kTypicalMap[i].base));
    CHECK(info->memory_map[i].length == kTypicalMap[i].length);
    CHECK(info->memory_map[i].kind == kinds[i]);
  }
  CHECK(info->usable_bytes() == 0x9fc00 + 0x7ee0000);

  REQUIRE(info->framebuffer.has_value());
  CHECK(info->framebuffer->address == PhysAddr(0xfd000000));
  CHECK(info->framebuffer->pitch == 4096);
  CHECK(info->framebuffer->width == 1024);
  CHECK(info->framebuffer->height == 768);
  CHECK(info->framebuffer->bits_per_pixel == 32);
  CHECK(info->framebuffer->kind == Framebuffer::Kind::Rgb);

  REQUIRE(info->acpi.has_value());
  CHECK(info->acpi->revision == 2);
  CHECK(info->acpi->rsdt_address == 0x7fe1234);
  CHECK(info->acpi->xsdt_address == 0x7fe5678);
  CHECK_FALSE(info->acpi->rsdp_address.has_value());  // A copy: where it lay is not known.
}

TEST_CASE("multiboot2: the smallest block is a header and an end tag") {
  ByteVector block = Mb2Builder().build();
  REQUIRE(block.size() == 16);
  auto info = parse(block, 0x9000);
  REQUIRE(info.has_value());
  CHECK(info->memory_map.empty());
  CHECK(info->modules.empty());
  CHECK(info->command_line.view().empty());
  CHECK(info->loader_name.view().empty());
  CHECK_FALSE(info->framebuffer.has_value());
  CHECK_FALSE(info->acpi.has_value());
  CHECK(info->info_start == PhysAddr(0x9000));
  CHECK(info->info_end == PhysAddr(0x9010));
}

TEST_CASE("multiboot2: bytes after total_size and after the end tag are ignored") {
  ByteVector block = Mb2Builder().command_line("a").build();
  std::size_t total = block.size();
  block.resize(total + 64, std::byte{0xff});
  auto info = parse(block);
  REQUIRE(info.has_value());
  CHECK(info->command_line.view() == "a");
  CHECK(info->info_end == PhysAddr(kBlockAddress + total));
}

TEST_CASE("multiboot2: memory-map entries larger than 24 bytes are stepped over") {
  for (std::uint32_t entry_size : {24u, 32u, 48u}) {
    INFO("entry_size ", entry_size);
    ByteVector block = Mb2Builder().memory_map(kTypicalMap, entry_size, 1).build();
    auto info = parse(block);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    REQUIRE(info->memory_map.size() == kTypicalMap.size());
    CHECK(info->memory_map[3].base == PhysAddr(0x100000));
    CHECK(info->memory_map[3].length == 0x7ee0000);
  }
}

TEST_CASE("multiboot2: an empty memory map and a full one are accepted") {
  auto empty = parse(Mb2Builder().memory_map({}).build());
  REQUIRE(empty.has_value());
  CHECK(empty->memory_map.empty());

  std::vector<Entry> many;
  for (std::uint64_t i = 0; i < BootInfo::kMaxMemoryRegions; ++i) {
    many.push_back({i * 0x1000, 0x1000, 1});
  }
  auto full = parse(Mb2Builder().memory_map(many).build());
  REQUIRE(full.has_value());
  CHECK(full->memory_map.size() == BootInfo::kMaxMemoryRegions);
  CHECK(full->usable_bytes() == BootInfo::kMaxMemoryRegions * 0x1000);

  // A region that ends exactly below 2^64 is fine.
  auto top = parse(Mb2Builder().memory_map({{0xfffffffffffff000, 0xfff, 2}}).build());
  REQUIRE(top.has_value());
  CHECK(top->memory_map[0].end() == PhysAddr(0xffffffffffffffff));
}

TEST_CASE("multiboot2: framebuffer types map to kinds") {
  struct Case {
    std::uint8_t type;
    Framebuffer::Kind kind;
  };
  for (Case c : {Case{0, Framebuffer::Kind::Indexed}, Case{1, Framebuffer::Kind::Rgb},
                 Case{2, Framebuffer::Kind::EgaText}}) {
    INFO("type ", int(c.type));
    auto info = parse(Mb2Builder().framebuffer(0xb8000, 160, 80, 25, 16, c.type).build());
    REQUIRE(info.has_value());
    REQUIRE(info->framebuffer.has_value());
    CHECK(info->framebuffer->kind == c.kind);
    CHECK(info->framebuffer->address == PhysAddr(0xb8000));
    CHECK(info->framebuffer->width == 80);
    CHECK(info->framebuffer->height == 25);
    CHECK(info->framebuffer->bits_per_pixel == 16);
  }
}

TEST_CASE("multiboot2: ACPI roots from old and new RSDP tags") {
  SUBCASE("old tag only: revision 0, RSDT only, even for a newer RSDP") {
    for (std::uint8_t revision : {0, 2}) {
      ByteVector rsdp = mos::test::make_rsdp(revision, 0xe1000, 0xe2000);
      rsdp.resize(20);  // The tag holds the ACPI 1.0 part only.
      auto info = parse(Mb2Builder().acpi_old(rsdp).build());
      REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
      REQUIRE(info->acpi.has_value());
      CHECK(info->acpi->revision == 0);
      CHECK(info->acpi->rsdt_address == 0xe1000);
      CHECK(info->acpi->xsdt_address == 0);
    }
  }
  SUBCASE("new tag wins in either order") {
    ByteVector old_rsdp = mos::test::make_rsdp(0, 0x1111);
    ByteVector new_rsdp = mos::test::make_rsdp(2, 0x2222, 0x3333);
    for (bool new_first : {false, true}) {
      Mb2Builder b;
      if (new_first) {
        b.acpi_new(new_rsdp).acpi_old(old_rsdp);
      } else {
        b.acpi_old(old_rsdp).acpi_new(new_rsdp);
      }
      auto info = parse(b.build());
      REQUIRE(info.has_value());
      REQUIRE(info->acpi.has_value());
      CHECK(info->acpi->revision == 2);
      CHECK(info->acpi->rsdt_address == 0x2222);
      CHECK(info->acpi->xsdt_address == 0x3333);
    }
  }
  SUBCASE("a longer RSDP is checksummed over its whole length") {
    auto info = parse(Mb2Builder().acpi_new(mos::test::make_rsdp(3, 0x10, 0x20, 40)).build());
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    CHECK(info->acpi->revision == 3);
    CHECK(info->acpi->xsdt_address == 0x20);
  }
}

TEST_CASE("multiboot2: strings are copied, cut where BootInfo allows it") {
  SUBCASE("command line of 511 characters fits, 512 does not") {
    std::string fits(511, 'c');
    auto ok = parse(Mb2Builder().command_line(fits).build());
    REQUIRE(ok.has_value());
    CHECK(ok->command_line.view() == fits);

    Mb2Builder b;
    b.command_line(std::string(512, 'c'));
    auto bad = parse(b.build());
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == Error::NoBufferSpace);
    CHECK(bad.error().what == "command line is longer than BootInfo holds");
    CHECK(bad.error().offset == b.last_offset() + 8);
  }
  SUBCASE("loader and module names are cut") {
    std::string long_name(300, 'n');
    auto info = parse(Mb2Builder().loader_name(long_name).module(1, 2, long_name).build());
    REQUIRE(info.has_value());
    CHECK(info->loader_name.view() == long_name.substr(0, 63));
    CHECK(info->modules[0].command_line.view() == long_name.substr(0, 127));
  }
  SUBCASE("a string ends at its first NUL; the rest of the tag is ignored") {
    ByteVector p;
    mos::test::append_c_string(p, "root=/dev/sda");
    mos::test::append_c_string(p, "hidden");
    auto info = parse(Mb2Builder().tag(1, p).build());
    REQUIRE(info.has_value());
    CHECK(info->command_line.view() == "root=/dev/sda");
  }
}

TEST_CASE("multiboot2: every malformation is a precise error") {
  struct Case {
    const char* name;
    std::function<ByteVector(std::size_t& offset)> make;  // Sets the expected offset.
    Error code;
    std::string_view what;
    std::uint64_t address = kBlockAddress;
  };
  auto rsdp_v1 = [] { return mos::test::make_rsdp(0, 0x1000); };
  auto rsdp_v2 = [] { return mos::test::make_rsdp(2, 0x1000, 0x2000); };
  auto entries = [](std::size_t n) {
    std::vector<Entry> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back({i << 12, 0x1000, 1});
    return v;
  };

  const std::vector<Case> cases = {
      {"block shorter than its header",
       [](std::size_t& off) {
         off = 0;
         return ByteVector(7, std::byte{0});
       },
       Error::BadMessage, "block is smaller than its 8-byte header"},
      {"total_size below 16",
       [](std::size_t& off) {
         off = 0;
         ByteVector b = Mb2Builder().build();
         mos::test::put_u32(b, 0, 8);
         return b;
       },
       Error::BadMessage, "total_size is smaller than the header and an end tag"},
      {"total_size larger than the block",
       [](std::size_t& off) {
         off = 0;
         ByteVector b = Mb2Builder().command_line("x").build();
         mos::test::put_u32(b, 0, static_cast<std::uint32_t>(b.size() + 8));
         return b;
       },
       Error::BadMessage, "total_size is larger than the block"},
      {"block beyond the top of the address space",
       [](std::size_t& off) {
         off = 0;
         return Mb2Builder().build();
       },
       Error::BadMessage, "block runs past the end of the address space", 0xfffffffffffffff8},
      {"tag size below 8",
       [](std::size_t& off) {
         Mb2Builder b;
         b.command_line("x").raw_tag(1234, 4, {});
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "tag size is smaller than its 8-byte header"},
      {"tag running past the end",
       [](std::size_t& off) {
         Mb2Builder b;
         b.raw_tag(1, 64, ByteVector(8, std::byte{'a'}));
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "tag runs past the end of the block"},
      {"no end tag",
       [](std::size_t& off) {
         ByteVector b = Mb2Builder().command_line("x").build(false);
         off = b.size();
         return b;
       },
       Error::BadMessage, "no end tag before total_size"},
      {"last tag's padding past total_size",
       [](std::size_t& off) {
         Mb2Builder b;
         b.raw_tag(77, 12, ByteVector(4, std::byte{1}));
         ByteVector block = b.build(false);
         mos::test::put_u32(block, 0, 20);
         off = 20;
         return block;
       },
       Error::BadMessage, "no end tag before total_size"},
      {"end tag of size 16",
       [](std::size_t& off) {
         Mb2Builder b;
         b.raw_tag(0, 16, ByteVector(8, std::byte{0}));
         off = b.last_offset();
         return b.build(false);
       },
       Error::BadMessage, "end tag size is not 8"},
      {"command line without NUL",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector p;
         mos::test::append_text(p, "console=com1");
         b.tag(1, p);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "string is not NUL-terminated within its tag"},
      {"command line whose NUL is only in the padding",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector p;
         mos::test::append_text(p, "abc");
         b.tag(1, p);  // Size 11; the padding byte after it is zero but outside the tag.
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "string is not NUL-terminated within its tag"},
      {"empty command-line tag",
       [](std::size_t& off) {
         Mb2Builder b;
         b.tag(1, {});
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "string is not NUL-terminated within its tag"},
      {"command line too long",
       [](std::size_t& off) {
         Mb2Builder b;
         b.command_line(std::string(1000, 'x'));
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::NoBufferSpace, "command line is longer than BootInfo holds"},
      {"loader name without NUL",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector p;
         mos::test::append_text(p, "GRUB");
         b.tag(2, p);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "string is not NUL-terminated within its tag"},
      {"module tag shorter than its fields",
       [](std::size_t& off) {
         Mb2Builder b;
         b.tag(3, ByteVector(4, std::byte{0}));
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "module tag is shorter than its fixed fields"},
      {"module without a string",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector p;
         mos::test::append_u32(p, 0x1000);
         mos::test::append_u32(p, 0x2000);
         b.tag(3, p);
         off = b.last_offset() + 16;
         return b.build();
       },
       Error::BadMessage, "string is not NUL-terminated within its tag"},
      {"module ending before its start",
       [](std::size_t& off) {
         Mb2Builder b;
         b.module(0x2000, 0x1fff, "m");
         off = b.last_offset() + 12;
         return b.build();
       },
       Error::BadMessage, "module ends before it starts"},
      {"too many modules",
       [](std::size_t& off) {
         Mb2Builder b;
         for (std::size_t i = 0; i <= BootInfo::kMaxModules; ++i) b.module(0x1000, 0x2000, "m");
         off = b.last_offset();
         return b.build();
       },
       Error::NoBufferSpace, "more modules than BootInfo holds"},
      {"memory-map tag shorter than its fields",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector p;
         mos::test::append_u32(p, 24);
         b.tag(6, p);
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "memory-map tag is shorter than its fixed fields"},
      {"memory-map entry_size 16",
       [entries](std::size_t& off) {
         Mb2Builder b;
         b.memory_map(entries(2), 16);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "memory-map entry_size is smaller than 24"},
      {"memory-map entry_size 0",
       [](std::size_t& off) {
         Mb2Builder b;
         b.memory_map({}, 0);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "memory-map entry_size is smaller than 24"},
      {"memory-map entry_size 28",
       [entries](std::size_t& off) {
         Mb2Builder b;
         b.memory_map(entries(2), 28);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "memory-map entry_size is not a multiple of 8"},
      {"memory-map entries not whole",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector p;
         mos::test::append_u32(p, 24);
         mos::test::append_u32(p, 0);
         p.resize(8 + 24 + 12, std::byte{0});
         b.tag(6, p);
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "memory-map entries do not fill the tag exactly"},
      {"memory region wrapping past 2^64",
       [](std::size_t& off) {
         Mb2Builder b;
         b.memory_map({{0x1000, 0x1000, 1}, {0xfffffffffffff000, 0x1000, 2}});
         off = b.last_offset() + 16 + 24;
         return b.build();
       },
       Error::BadMessage, "memory region runs past the end of the address space"},
      {"too many memory regions",
       [entries](std::size_t& off) {
         Mb2Builder b;
         b.memory_map(entries(BootInfo::kMaxMemoryRegions + 1));
         off = b.last_offset() + 16 + 24 * BootInfo::kMaxMemoryRegions;
         return b.build();
       },
       Error::NoBufferSpace, "more memory regions than BootInfo holds"},
      {"two memory maps",
       [entries](std::size_t& off) {
         Mb2Builder b;
         b.memory_map(entries(2)).memory_map(entries(2));
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "tag type appears more than once"},
      {"two command lines",
       [](std::size_t& off) {
         Mb2Builder b;
         b.command_line("a").command_line("b");
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "tag type appears more than once"},
      {"framebuffer tag shorter than its fields",
       [](std::size_t& off) {
         Mb2Builder b;
         b.tag(8, ByteVector(22, std::byte{0}));
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "framebuffer tag is shorter than its fixed fields"},
      {"framebuffer type 3",
       [](std::size_t& off) {
         Mb2Builder b;
         b.framebuffer(0xfd000000, 4096, 1024, 768, 32, 3);
         off = b.last_offset() + 29;
         return b.build();
       },
       Error::BadMessage, "framebuffer type is not 0, 1 or 2"},
      {"old RSDP tag too short",
       [rsdp_v1](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = rsdp_v1();
         r.resize(19);
         b.acpi_old(r);
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "old-RSDP tag is shorter than an ACPI 1.0 RSDP"},
      {"old RSDP with a bad signature",
       [rsdp_v1](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = rsdp_v1();
         r[3] = std::byte{'X'};
         mos::test::fix_checksum(r, 0, 20, 8);
         b.acpi_old(r);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "RSDP signature is not \"RSD PTR \""},
      {"old RSDP with a bad checksum",
       [rsdp_v1](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = rsdp_v1();
         r[16] ^= std::byte{1};
         b.acpi_old(r);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "RSDP checksum over its first 20 bytes does not sum to zero"},
      {"new RSDP tag too short",
       [rsdp_v2](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = rsdp_v2();
         r.resize(20);
         b.acpi_new(r);
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "new-RSDP tag is shorter than an ACPI 2.0 RSDP"},
      {"new RSDP with a bad first checksum",
       [rsdp_v2](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = rsdp_v2();
         r[8] ^= std::byte{0x40};
         mos::test::fix_checksum(r, 0, 36, 32);  // Only the 20-byte checksum is wrong.
         b.acpi_new(r);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "RSDP checksum over its first 20 bytes does not sum to zero"},
      {"new RSDP with a bad extended checksum",
       [rsdp_v2](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = rsdp_v2();
         r[30] ^= std::byte{1};
         b.acpi_new(r);
         off = b.last_offset() + 8;
         return b.build();
       },
       Error::BadMessage, "RSDP extended checksum over its length does not sum to zero"},
      {"new RSDP tag holding revision 0",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = mos::test::make_rsdp(0, 0x1000);
         r.resize(36, std::byte{0});
         b.acpi_new(r);
         off = b.last_offset() + 8 + 15;
         return b.build();
       },
       Error::BadMessage, "new-RSDP tag holds an ACPI 1.0 RSDP"},
      {"new RSDP length 20",
       [](std::size_t& off) {
         Mb2Builder b;
         b.acpi_new(mos::test::make_rsdp(2, 0x1000, 0x2000, 20));
         off = b.last_offset() + 8 + 20;
         return b.build();
       },
       Error::BadMessage, "RSDP length is smaller than 36"},
      {"new RSDP length past its tag",
       [](std::size_t& off) {
         Mb2Builder b;
         ByteVector r = mos::test::make_rsdp(2, 0x1000, 0x2000, 64);
         r.resize(36);
         b.acpi_new(r);
         off = b.last_offset() + 8 + 20;
         return b.build();
       },
       Error::BadMessage, "RSDP length runs past the end of its tag"},
      {"two new RSDP tags",
       [rsdp_v2](std::size_t& off) {
         Mb2Builder b;
         b.acpi_new(rsdp_v2()).acpi_new(rsdp_v2());
         off = b.last_offset();
         return b.build();
       },
       Error::BadMessage, "tag type appears more than once"},
  };

  for (const Case& c : cases) {
    SUBCASE(c.name) {
      std::size_t offset = 0;
      ByteVector block = c.make(offset);
      auto info = parse(block, c.address);
      REQUIRE_FALSE(info.has_value());
      const BootInfoError& e = info.error();
      INFO(mos::test::describe(e));
      CHECK(e.code == c.code);
      CHECK(e.what == c.what);
      CHECK(e.offset == offset);
      CHECK(e.protocol == BootInfo::Protocol::Multiboot2);
      // Informative: the message names the problem, the place and the errno name.
      std::string text = mos::test::describe(e);
      CHECK(text.find(std::string(c.what)) != std::string::npos);
      CHECK(text.find(std::string(mos::error_name(c.code))) != std::string::npos);
    }
  }
}

TEST_CASE("multiboot2: errors print as one informative line") {
  Mb2Builder b;
  b.command_line("console=com1 log=debug").loader_name("GRUB 2.06").tag(4, {});
  b.raw_tag(6, 200, ByteVector(16, std::byte{0}));
  auto info = parse(b.build());
  REQUIRE_FALSE(info.has_value());
  CHECK(info.error().offset == 0x48);
  CHECK(mos::test::describe(info.error()) ==
        "malformed multiboot2 info at offset 0x48: tag runs past the end of the block (EBADMSG)");

  BootInfoError room{Error::NoBufferSpace, "more modules than BootInfo holds", 0x130};
  CHECK(mos::test::describe(room) ==
        "multiboot2 info at offset 0x130: more modules than BootInfo holds (ENOBUFS)");
}

TEST_CASE("multiboot2: the reader form reads the header, then total_size bytes") {
  ByteVector block = full_builder().build();
  constexpr std::uint64_t kAt = 0x7000;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> reads;
  std::uint64_t readable = block.size();  // How many bytes of the block the reader serves.
  std::vector<std::unique_ptr<mos::test::ExactBuffer>> keep;
  auto reader = [&](PhysAddr address,
                    std::uint64_t length) noexcept -> mos::Result<std::span<const std::byte>> {
    reads.emplace_back(address.value(), length);
    if (address.value() < kAt || address.value() - kAt + length > readable) {
      return Error::BadAddress;
    }
    keep.push_back(std::make_unique<mos::test::ExactBuffer>(
        std::span<const std::byte>(block).subspan(address.value() - kAt, length)));
    return keep.back()->span();
  };

  SUBCASE("a readable block parses like the span form") {
    auto info = parse_multiboot2(PhysAddr(kAt), reader);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    CHECK(info->command_line.view() == "console=com1 log=debug");
    CHECK(info->memory_map.size() == kTypicalMap.size());
    CHECK(info->info_start == PhysAddr(kAt));
    CHECK(info->info_end == PhysAddr(kAt + block.size()));
    REQUIRE(reads.size() == 2);
    CHECK(reads[0] == std::pair<std::uint64_t, std::uint64_t>(kAt, 8));
    CHECK(reads[1] == std::pair<std::uint64_t, std::uint64_t>(kAt, block.size()));
  }
  SUBCASE("an unreadable header passes the reader's error on") {
    auto info = parse_multiboot2(PhysAddr(0x1000), reader);
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().code == Error::BadAddress);
    CHECK(info.error().what == "block header is not readable");
  }
  SUBCASE("a block readable only in part") {
    readable = block.size() - 1;
    auto info = parse_multiboot2(PhysAddr(kAt), reader);
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().code == Error::BadAddress);
    CHECK(info.error().what == "block is not readable up to total_size");
  }
  SUBCASE("total_size beyond the parser's limit is not even read") {
    mos::test::put_u32(block, 0, mos::x86_64::kMaxMultiboot2Size + 8);
    auto info = parse_multiboot2(PhysAddr(kAt), reader);
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().code == Error::BadMessage);
    CHECK(info.error().what == "total_size is larger than the parser accepts");
    CHECK(reads.size() == 1);
  }
  SUBCASE("total_size below 16") {
    mos::test::put_u32(block, 0, 15);
    auto info = parse_multiboot2(PhysAddr(kAt), reader);
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().what == "total_size is smaller than the header and an end tag");
  }
}

TEST_CASE("PhysicalReader: a function pointer with context, and a reader that lies about size") {
  static const std::byte kBytes[4] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
  auto fn = [](const void* context, PhysAddr address,
               std::uint64_t length) noexcept -> mos::Result<std::span<const std::byte>> {
    CHECK(context == kBytes);
    if (address.value() + length > 4) return Error::BadAddress;
    return std::span<const std::byte>(kBytes).subspan(address.value(), length);
  };
  mos::x86_64::PhysicalReader reader(fn, kBytes);
  auto two = reader.read(PhysAddr(1), 2);
  REQUIRE(two.has_value());
  CHECK(two->size() == 2);
  CHECK((*two)[0] == std::byte{2});
  CHECK(reader.read(PhysAddr(3), 2).error() == Error::BadAddress);

  auto liar = [](PhysAddr, std::uint64_t) noexcept -> mos::Result<std::span<const std::byte>> {
    return std::span<const std::byte>(kBytes);
  };
  mos::x86_64::PhysicalReader lying(liar);
  CHECK(lying.read(PhysAddr(0), 2).error() == Error::Io);
  CHECK(lying.read(PhysAddr(0), 4).has_value());
}

namespace {

// Whether a successful parse produced a BootInfo whose contents hold together.
void check_sane(const BootInfo& info, std::size_t block_size) {
  CHECK(info.protocol == BootInfo::Protocol::Multiboot2);
  CHECK(info.info_end - info.info_start >= 16);
  CHECK(info.info_end - info.info_start <= block_size);
  CHECK(info.memory_map.size() <= BootInfo::kMaxMemoryRegions);
  for (const MemoryRegion& r : info.memory_map) CHECK(r.end() >= r.base);
  CHECK(info.modules.size() <= BootInfo::kMaxModules);
  for (const mos::BootModule& m : info.modules) {
    CHECK(m.end >= m.start);
    CHECK(m.command_line.view().size() < 128);
    CHECK(m.command_line.c_str()[m.command_line.view().size()] == '\0');
  }
  CHECK(info.command_line.view().size() < 512);
  CHECK(info.command_line.c_str()[info.command_line.view().size()] == '\0');
  CHECK(info.loader_name.view().size() < 64);
  if (info.acpi) CHECK((info.acpi->revision >= 2 || info.acpi->xsdt_address == 0));
}

}  // namespace

TEST_CASE("multiboot2: randomly corrupted blocks never crash the parser") {
  auto gen = mos::test::make_bitgen(0x6d6232);
  const std::vector<ByteVector> seeds = {
      full_builder().build(),
      Mb2Builder().memory_map(kTypicalMap, 32).command_line("x").build(),
      Mb2Builder()
          .module(1, 2, "a")
          .module(3, 4, "bb")
          .acpi_new(mos::test::make_rsdp(2, 1, 2))
          .build(),
  };
  int ok = 0;
  int failed = 0;
  for (int round = 0; round < 20000; ++round) {
    ByteVector block = seeds[absl::Uniform<std::size_t>(gen, 0, seeds.size())];
    int mutations = absl::Uniform<int>(gen, 1, 5);
    for (int m = 0; m < mutations; ++m) {
      std::size_t at = absl::Uniform<std::size_t>(gen, 0, block.size());
      switch (absl::Uniform<int>(gen, 0, 6)) {
        case 0:  // Flip one bit.
          block[at] ^= static_cast<std::byte>(1u << absl::Uniform<int>(gen, 0, 8));
          break;
        case 1:  // Replace a byte.
          block[at] = static_cast<std::byte>(absl::Uniform<int>(gen, 0, 256));
          break;
        case 2: {  // Overwrite an aligned u32 (a type, size or count field) with a telling value.
          if (block.size() < 4) break;
          constexpr std::uint32_t kValues[] = {0,  1,  7,  8,          15,        16,
                                               23, 24, 32, 0x7fffffff, 0xffffffff};
          std::size_t field = (at & ~std::size_t{3}) % (block.size() - 3);
          std::uint32_t v = absl::Bernoulli(gen, 0.5)
                                ? kValues[absl::Uniform<std::size_t>(gen, 0, std::size(kValues))]
                                : absl::Uniform<std::uint32_t>(gen);
          mos::test::put_u32(block, field, v);
          break;
        }
        case 3:  // Truncate.
          block.resize(at);
          break;
        case 4:  // Nudge total_size.
          if (block.size() >= 4) {
            std::uint32_t total = mos::test::get_u32(block, 0);
            mos::test::put_u32(block, 0, total + absl::Uniform<std::uint32_t>(gen, 0, 17) - 8);
          }
          break;
        default:  // Grow with garbage.
          block.resize(block.size() + absl::Uniform<std::size_t>(gen, 1, 32),
                       static_cast<std::byte>(absl::Uniform<int>(gen, 0, 256)));
          break;
      }
      if (block.empty()) break;
    }
    INFO("round ", round, " seed ", mos::test::test_seed());
    auto info = parse(block);
    if (info.has_value()) {
      ++ok;
      check_sane(*info, block.size());
    } else {
      ++failed;
      const BootInfoError& e = info.error();
      CHECK((e.code == Error::BadMessage || e.code == Error::NoBufferSpace));
      CHECK_FALSE(e.what.empty());
      CHECK(e.offset <= block.size());
    }
  }
  // Both outcomes must really occur, or the mutations are too weak or too strong to prove much.
  CHECK(ok > 100);
  CHECK(failed > 100);
}

namespace {

// The expectations of a captured block (written by tools/capture_boot_info.py): `key=value`
// lines, '#' comments. Keys: address (where the block lay; default 0), command_line,
// loader_name, memory_regions, usable_bytes, modules, framebuffer ("none" or
// WIDTHxHEIGHTxBPP), acpi_revision ("none" or a number); then, repeated and in order, one
// `region=BASE,LENGTH,KIND` per memory region (hex base and length; zero-length regions left
// out, as the parser does) and one `module=START,END,CMDLINE` per module.
struct Expectations {
  std::map<std::string, std::string> values;  // The single-valued keys.
  std::vector<std::string> regions;            // The region= values, in map order.
  std::vector<std::string> modules;            // The module= values, in tag order.
};

Expectations read_expectations(const std::filesystem::path& path) {
  Expectations out;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read ", path.string());
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::size_t eq = line.find('=');
    REQUIRE_MESSAGE(eq != std::string::npos, path.string(), ": no '=' in: ", line);
    std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    if (key == "region") {
      out.regions.push_back(value);
    } else if (key == "module") {
      out.modules.push_back(value);
    } else {
      out.values[key] = value;
    }
  }
  return out;
}

// The .expect name of a region kind, spelt out here rather than taken from the library's
// formatter so that the comparison does not depend on it.
std::string kind_name(MemoryRegion::Kind kind) {
  switch (kind) {
    case MemoryRegion::Kind::Usable:
      return "usable";
    case MemoryRegion::Kind::Reserved:
      return "reserved";
    case MemoryRegion::Kind::AcpiReclaimable:
      return "acpi-reclaimable";
    case MemoryRegion::Kind::AcpiNvs:
      return "acpi-nvs";
    case MemoryRegion::Kind::Defective:
      return "defective";
  }
  return "?";
}

// Splits "A,B,REST" into its first two fields and the rest (a module's command line may
// itself contain commas).
std::vector<std::string> split3(const std::string& value) {
  std::size_t first = value.find(',');
  std::size_t second = first == std::string::npos ? first : value.find(',', first + 1);
  REQUIRE_MESSAGE(second != std::string::npos, "expected A,B,C in: ", value);
  return {value.substr(0, first), value.substr(first + 1, second - first - 1),
          value.substr(second + 1)};
}

std::uint64_t hex_number(const std::string& text) {
  std::size_t used = 0;
  std::uint64_t v = std::stoull(text, &used, 16);
  REQUIRE_MESSAGE(used == text.size(), "not a hex number: ", text);
  return v;
}

void check_expectations(const BootInfo& info, const Expectations& expect) {
  for (const auto& [key, value] : expect.values) {
    INFO("key ", key);
    if (key == "address") {
      continue;
    } else if (key == "command_line") {
      CHECK(str(info.command_line.view()) == value);
    } else if (key == "loader_name") {
      CHECK(str(info.loader_name.view()) == value);
    } else if (key == "memory_regions") {
      CHECK(info.memory_map.size() == std::stoull(value));
    } else if (key == "usable_bytes") {
      CHECK(info.usable_bytes() == std::stoull(value, nullptr, 0));
    } else if (key == "modules") {
      CHECK(info.modules.size() == std::stoull(value));
    } else if (key == "framebuffer") {
      if (value == "none") {
        CHECK_FALSE(info.framebuffer.has_value());
      } else {
        REQUIRE(info.framebuffer.has_value());
        std::ostringstream s;
        s << info.framebuffer->width << 'x' << info.framebuffer->height << 'x'
          << int(info.framebuffer->bits_per_pixel);
        CHECK(s.str() == value);
      }
    } else if (key == "acpi_revision") {
      if (value == "none") {
        CHECK_FALSE(info.acpi.has_value());
      } else {
        REQUIRE(info.acpi.has_value());
        CHECK(int(info.acpi->revision) == std::stoi(value));
      }
    } else {
      FAIL_CHECK("unknown key in .expect file: ", key);
    }
  }

  // Every region and every module, in order: the lists must match exactly.
  REQUIRE(info.memory_map.size() == expect.regions.size());
  for (std::size_t i = 0; i < expect.regions.size(); ++i) {
    INFO("region ", i, ": ", expect.regions[i]);
    std::vector<std::string> field = split3(expect.regions[i]);
    const MemoryRegion& r = info.memory_map[i];
    CHECK(r.base.value() == hex_number(field[0]));
    CHECK(r.length == hex_number(field[1]));
    CHECK(kind_name(r.kind) == field[2]);
  }
  REQUIRE(info.modules.size() == expect.modules.size());
  for (std::size_t i = 0; i < expect.modules.size(); ++i) {
    INFO("module ", i, ": ", expect.modules[i]);
    std::vector<std::string> field = split3(expect.modules[i]);
    const mos::BootModule& m = info.modules[i];
    CHECK(m.start.value() == hex_number(field[0]));
    CHECK(m.end.value() == hex_number(field[1]));
    CHECK(str(m.command_line.view()) == field[2]);
  }
}

}  // namespace

TEST_CASE("multiboot2: captured GRUB blocks in tests/data parse as expected") {
  namespace fs = std::filesystem;
  // MOS_TEST_DATA_DIR in the environment points the test at other captures.
  const char* env_dir = std::getenv("MOS_TEST_DATA_DIR");
  const fs::path dir = env_dir != nullptr ? env_dir : MOS_TEST_DATA_DIR;
  std::vector<fs::path> captures;
  if (fs::is_directory(dir)) {
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".mbi") captures.push_back(e.path());
    }
  }
  // tests/data holds three captures (GRUB with 128M, 2G, and 6G with a module); a test that
  // found none would check nothing. Another directory needs at least one.
  const std::size_t minimum = env_dir != nullptr ? 1 : 3;
  REQUIRE_MESSAGE(captures.size() >= minimum, "expected at least ", minimum,
                  " captured .mbi blocks in ", dir.string(), ", found ", captures.size());
  std::sort(captures.begin(), captures.end());
  for (const fs::path& path : captures) {
    INFO("capture ", path.string());
    std::ifstream in(path, std::ios::binary);
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ByteVector block(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) block[i] = static_cast<std::byte>(raw[i]);

    fs::path expect_path = path;
    expect_path.replace_extension(".expect");
    REQUIRE_MESSAGE(fs::exists(expect_path), "no ", expect_path.string(), " beside ",
                    path.string(), " (tools/capture_boot_info.py writes both)");
    Expectations expect = read_expectations(expect_path);
    std::uint64_t address = expect.values.count("address")
                                ? std::stoull(expect.values["address"], nullptr, 0)
                                : 0;

    auto info = parse(block, address);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    check_sane(*info, block.size());
    CHECK_FALSE(info->memory_map.empty());  // GRUB always passes a memory map.
    check_expectations(*info, expect);
  }
}
