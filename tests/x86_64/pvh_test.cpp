#include <x86_64/boot_protocols.hpp>

#include "boot_test_support.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using mos::BootInfo;
using mos::Error;
using mos::MemoryRegion;
using mos::PhysAddr;
using mos::test::ByteVector;
using mos::x86_64::BootInfoError;
using mos::x86_64::parse_pvh;

// Where the test image puts things in its simulated RAM.
constexpr std::uint64_t kRamSize = 0x8000;
constexpr std::uint64_t kStart = 0x1000;
constexpr std::uint64_t kCommandLine = 0x2000;
constexpr std::uint64_t kModuleList = 0x3000;
constexpr std::uint64_t kModuleNames = 0x3400;  // One 0x100-byte slot per module.
constexpr std::uint64_t kMemoryMap = 0x4000;
constexpr std::uint64_t kRsdp = 0x5000;
constexpr std::uint64_t kScratch = 0x6000;  // 8 KiB that cases fill as they like.

/// Physical memory for the parser: a buffer at address 0 with optional unreadable holes. Every
/// read returns a fresh exact-size copy, so AddressSanitizer reports any access past what the
/// parser asked for, even inside the simulated RAM.
class SimulatedRam {
 public:
  SimulatedRam() : bytes_(kRamSize) {}

  void write(std::uint64_t address, const ByteVector& data) {
    REQUIRE(address + data.size() <= bytes_.size());
    for (std::size_t i = 0; i < data.size(); ++i) bytes_[address + i] = data[i];
  }
  void write_u32(std::uint64_t address, std::uint32_t v) {
    ByteVector b;
    mos::test::put_u32(b, 0, v);
    write(address, b);
  }
  void write_u64(std::uint64_t address, std::uint64_t v) {
    ByteVector b;
    mos::test::put_u64(b, 0, v);
    write(address, b);
  }
  void write_string(std::uint64_t address, std::string_view text, bool terminate = true) {
    ByteVector b;
    mos::test::append_text(b, text);
    if (terminate) b.push_back(std::byte{0});
    write(address, b);
  }
  void make_unreadable(std::uint64_t start, std::uint64_t length) {
    holes_.emplace_back(start, start + length);
  }
  ByteVector& bytes() { return bytes_; }

  /// The PhysicalReader function.
  mos::Result<std::span<const std::byte>> operator()(PhysAddr address,
                                                     std::uint64_t length) const noexcept {
    std::uint64_t a = address.value();
    if (a > bytes_.size() || length > bytes_.size() - a) return Error::BadAddress;
    for (const auto& [start, end] : holes_) {
      if (a < end && a + length > start) return Error::BadAddress;
    }
    reads_.push_back(std::make_unique<mos::test::ExactBuffer>(
        std::span<const std::byte>(bytes_).subspan(a, length)));
    return reads_.back()->span();
  }

 private:
  ByteVector bytes_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> holes_;
  mutable std::vector<std::unique_ptr<mos::test::ExactBuffer>> reads_;
};

/// A module as the VMM lists it.
struct Module {
  std::uint64_t paddr;
  std::uint64_t size;
  std::optional<std::string> name;
};

/// A memory-map entry (E820 types).
struct Entry {
  std::uint64_t base;
  std::uint64_t length;
  std::uint32_t type;
};

/// What a VMM hands over, written into RAM at the fixed places above.
struct PvhImage {
  std::uint32_t version = 1;
  std::optional<std::string> command_line = "console=hvc0 root=/dev/vda";
  std::vector<Module> modules = {{0x100000, 0x2345, "initrd.cpio"}, {0x200000, 0, std::nullopt}};
  std::vector<Entry> memory_map = {
      {0x0, 0x9fc00, 1},        {0x9fc00, 0x400, 2},      {0xe0000, 0x20000, 2},
      {0x100000, 0x7f00000, 1}, {0xfee00000, 0x1000, 3},  {0xfef00000, 0x1000, 4},
      {0xff000000, 0x1000, 5},  {0x100000000, 0x1000, 6}, {0x100001000, 0x1000, 7}};
  std::optional<ByteVector> rsdp = mos::test::make_rsdp(2, 0xe1000, 0xe2000);

  void write_to(SimulatedRam& ram) const {
    ram.write_u32(kStart + 0, mos::x86_64::kPvhStartInfoMagic);
    ram.write_u32(kStart + 4, version);
    ram.write_u32(kStart + 8, 0);  // flags
    ram.write_u32(kStart + 12, static_cast<std::uint32_t>(modules.size()));
    ram.write_u64(kStart + 16, modules.empty() ? 0 : kModuleList);
    ram.write_u64(kStart + 24, command_line ? kCommandLine : 0);
    ram.write_u64(kStart + 32, rsdp ? kRsdp : 0);
    ram.write_u64(kStart + 40, memory_map.empty() ? 0 : kMemoryMap);
    ram.write_u32(kStart + 48, static_cast<std::uint32_t>(memory_map.size()));
    ram.write_u32(kStart + 52, 0);
    if (command_line) ram.write_string(kCommandLine, *command_line);
    for (std::size_t i = 0; i < modules.size(); ++i) {
      std::uint64_t entry = kModuleList + i * 32;
      std::uint64_t name = kModuleNames + i * 0x100;
      ram.write_u64(entry, modules[i].paddr);
      ram.write_u64(entry + 8, modules[i].size);
      ram.write_u64(entry + 16, modules[i].name ? name : 0);
      ram.write_u64(entry + 24, 0);
      if (modules[i].name) ram.write_string(name, *modules[i].name);
    }
    for (std::size_t i = 0; i < memory_map.size(); ++i) {
      std::uint64_t entry = kMemoryMap + i * 24;
      ram.write_u64(entry, memory_map[i].base);
      ram.write_u64(entry + 8, memory_map[i].length);
      ram.write_u32(entry + 16, memory_map[i].type);
      ram.write_u32(entry + 20, 0);
    }
    if (rsdp) ram.write(kRsdp, *rsdp);
  }
};

mos::Result<BootInfo, BootInfoError> parse(const SimulatedRam& ram, std::uint64_t at = kStart) {
  return parse_pvh(PhysAddr(at), ram);
}

}  // namespace

TEST_CASE("pvh: a full start info fills every BootInfo field") {
  SimulatedRam ram;
  PvhImage image;
  image.write_to(ram);
  auto info = parse(ram);
  REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));

  CHECK(info->protocol == BootInfo::Protocol::Pvh);
  CHECK(info->info_start == PhysAddr(kStart));
  CHECK(info->info_end == PhysAddr(kStart + 56));
  CHECK(info->command_line.view() == "console=hvc0 root=/dev/vda");
  CHECK(info->loader_name.view().empty());

  REQUIRE(info->modules.size() == 2);
  CHECK(info->modules[0].start == PhysAddr(0x100000));
  CHECK(info->modules[0].end == PhysAddr(0x102345));
  CHECK(info->modules[0].command_line.view() == "initrd.cpio");
  CHECK(info->modules[1].start == PhysAddr(0x200000));
  CHECK(info->modules[1].end == PhysAddr(0x200000));
  CHECK(info->modules[1].command_line.view().empty());

  const MemoryRegion::Kind kinds[] = {
      MemoryRegion::Kind::Usable,          MemoryRegion::Kind::Reserved,
      MemoryRegion::Kind::Reserved,        MemoryRegion::Kind::Usable,
      MemoryRegion::Kind::AcpiReclaimable, MemoryRegion::Kind::AcpiNvs,
      MemoryRegion::Kind::Defective,       MemoryRegion::Kind::Reserved,
      MemoryRegion::Kind::Reserved,
  };
  REQUIRE(info->memory_map.size() == image.memory_map.size());
  for (std::size_t i = 0; i < image.memory_map.size(); ++i) {
    INFO("region ", i);
    CHECK(info->memory_map[i].base == PhysAddr(image.memory_map[i].base));
    CHECK(info->memory_map[i].length == image.memory_map[i].length);
    CHECK(info->memory_map[i].kind == kinds[i]);
  }
  CHECK(info->usable_bytes() == 0x9fc00 + 0x7f00000);

  CHECK_FALSE(info->framebuffer.has_value());
  REQUIRE(info->acpi.has_value());
  CHECK(info->acpi->revision == 2);
  CHECK(info->acpi->rsdt_address == 0xe1000);
  CHECK(info->acpi->xsdt_address == 0xe2000);
  CHECK(info->acpi->rsdp_address == PhysAddr(kRsdp));
}

TEST_CASE("pvh: versions, absent fields and cut names") {
  SUBCASE("version 0 has no memory map and is 40 bytes long") {
    SimulatedRam ram;
    PvhImage image;
    image.version = 0;
    image.write_to(ram);
    ram.make_unreadable(kStart + 40, 16);  // Past a version 0 structure: never read.
    auto info = parse(ram);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    CHECK(info->memory_map.empty());
    CHECK(info->info_end == PhysAddr(kStart + 40));
    CHECK(info->modules.size() == 2);
    CHECK(info->acpi.has_value());
  }
  SUBCASE("a later version is read as version 1") {
    SimulatedRam ram;
    PvhImage image;
    image.version = 7;
    image.write_to(ram);
    auto info = parse(ram);
    REQUIRE(info.has_value());
    CHECK(info->memory_map.size() == image.memory_map.size());
    CHECK(info->info_end == PhysAddr(kStart + 56));
  }
  SUBCASE("zero addresses and counts mean absent") {
    SimulatedRam ram;
    PvhImage image;
    image.command_line.reset();
    image.modules.clear();
    image.memory_map.clear();
    image.rsdp.reset();
    image.write_to(ram);
    auto info = parse(ram);
    REQUIRE(info.has_value());
    CHECK(info->command_line.view().empty());
    CHECK(info->modules.empty());
    CHECK(info->memory_map.empty());
    CHECK_FALSE(info->acpi.has_value());
  }
  SUBCASE("an ACPI 1.0 RSDP gives revision 0 and no XSDT") {
    SimulatedRam ram;
    PvhImage image;
    image.rsdp = mos::test::make_rsdp(0, 0xabc000);
    image.write_to(ram);
    ram.make_unreadable(kRsdp + 20, 16);  // Only the 20 bytes of a 1.0 RSDP are read.
    auto info = parse(ram);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    CHECK(info->acpi->revision == 0);
    CHECK(info->acpi->rsdt_address == 0xabc000);
    CHECK(info->acpi->xsdt_address == 0);
    CHECK(info->acpi->rsdp_address == PhysAddr(kRsdp));
  }
  SUBCASE("module names are cut to what BootModule holds") {
    SimulatedRam ram;
    PvhImage image;
    image.modules = {{0x100000, 1, std::string(200, 'm')}};
    image.write_to(ram);
    auto info = parse(ram);
    REQUIRE(info.has_value());
    CHECK(info->modules[0].command_line.view() == std::string(127, 'm'));
  }
  SUBCASE("full tables are accepted") {
    SimulatedRam ram;
    PvhImage image;
    image.modules.assign(BootInfo::kMaxModules, Module{0x100000, 0x1000, "m"});
    image.memory_map.clear();
    for (std::uint64_t i = 0; i < BootInfo::kMaxMemoryRegions; ++i) {
      image.memory_map.push_back({i << 12, 0x1000, 1});
    }
    image.write_to(ram);
    auto info = parse(ram);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    CHECK(info->modules.size() == BootInfo::kMaxModules);
    CHECK(info->memory_map.size() == BootInfo::kMaxMemoryRegions);
  }
  SUBCASE("a command line may end on the last readable byte") {
    SimulatedRam ram;
    PvhImage image;
    image.write_to(ram);
    std::string text(100, 'k');
    std::uint64_t at = kRamSize - text.size() - 1;
    ram.write_string(at, text);
    ram.write_u64(kStart + 24, at);
    auto info = parse(ram);
    REQUIRE_MESSAGE(info.has_value(), mos::test::why(info));
    CHECK(info->command_line.view() == text);
  }
  SUBCASE("a command line of 511 characters fits") {
    SimulatedRam ram;
    PvhImage image;
    image.command_line = std::string(511, 'c');
    image.write_to(ram);
    auto info = parse(ram);
    REQUIRE(info.has_value());
    CHECK(info->command_line.view() == *image.command_line);
  }
}

TEST_CASE("pvh: every malformation is a precise error") {
  struct Case {
    const char* name;
    std::function<void(SimulatedRam&)> mutate;
    Error code;
    std::string_view what;
    std::uint64_t address;
    std::uint64_t start = kStart;  // Where the parser is told the start info lies.
  };
  auto fill = [](SimulatedRam& ram, std::uint64_t at, std::size_t n, bool terminate) {
    ram.write_string(at, std::string(n, 'a'), terminate);
  };

  const std::vector<Case> cases = {
      {"start info outside RAM", [](SimulatedRam&) {}, Error::BadAddress,
       "start info is not readable", 0x100000, 0x100000},
      {"start info cut by the end of RAM", [](SimulatedRam&) {}, Error::BadAddress,
       "start info is not readable", kRamSize - 20, kRamSize - 20},
      {"version 1 fields unreadable",
       [](SimulatedRam& ram) { ram.make_unreadable(kStart + 48, 8); }, Error::BadAddress,
       "start info is not readable", kStart},
      {"bad magic", [](SimulatedRam& ram) { ram.write_u32(kStart, 0x336ec579); }, Error::BadMessage,
       "magic is not 0x336ec578", kStart},
      {"command line outside RAM", [](SimulatedRam& ram) { ram.write_u64(kStart + 24, 0x900000); },
       Error::BadAddress, "command line is not readable", 0x900000},
      {"command line at the top of the address space",
       [](SimulatedRam& ram) { ram.write_u64(kStart + 24, 0xfffffffffffffffc); }, Error::BadMessage,
       "data runs past the end of the physical address space", 0xfffffffffffffffc},
      {"command line running into unreadable memory",
       [fill](SimulatedRam& ram) {
         fill(ram, kScratch, 100, false);
         ram.make_unreadable(kScratch + 100, 0x100);
         ram.write_u64(kStart + 24, kScratch);
       },
       Error::BadAddress, "command line is not readable", kScratch},
      {"command line without NUL in 4096 bytes",
       [fill](SimulatedRam& ram) {
         fill(ram, kScratch + 8, 4096, true);
         ram.write_u64(kStart + 24, kScratch + 8);
       },
       Error::BadMessage, "command line is not NUL-terminated within 4096 bytes", kScratch + 8},
      {"command line of 4095 characters",
       [fill](SimulatedRam& ram) {
         fill(ram, kScratch + 8, 4095, true);
         ram.write_u64(kStart + 24, kScratch + 8);
       },
       Error::NoBufferSpace, "command line is longer than BootInfo holds", kScratch + 8},
      {"command line of 512 characters",
       [fill](SimulatedRam& ram) {
         fill(ram, kScratch, 512, true);
         ram.write_u64(kStart + 24, kScratch);
       },
       Error::NoBufferSpace, "command line is longer than BootInfo holds", kScratch},
      {"17 modules", [](SimulatedRam& ram) { ram.write_u32(kStart + 12, 17); },
       Error::NoBufferSpace, "more modules than BootInfo holds", kStart + 12},
      {"2^32-1 modules", [](SimulatedRam& ram) { ram.write_u32(kStart + 12, 0xffffffff); },
       Error::NoBufferSpace, "more modules than BootInfo holds", kStart + 12},
      {"module list at 0", [](SimulatedRam& ram) { ram.write_u64(kStart + 16, 0); },
       Error::BadMessage, "modules are listed at address 0", kStart + 16},
      {"module list past the end of RAM",
       [](SimulatedRam& ram) {
         ram.write_u64(kRamSize - 32, 0x100000);  // A valid first entry; the second is outside.
         ram.write_u64(kRamSize - 24, 1);
         ram.write_u64(kStart + 16, kRamSize - 32);
       },
       Error::BadAddress, "module list is not readable", kRamSize},
      {"module at address 0", [](SimulatedRam& ram) { ram.write_u64(kModuleList + 32, 0); },
       Error::BadMessage, "module lies at address 0", kModuleList + 32},
      {"module wrapping past 2^64",
       [](SimulatedRam& ram) {
         ram.write_u64(kModuleList, 0xfffffffffffff000);
         ram.write_u64(kModuleList + 8, 0x1000);
       },
       Error::BadMessage, "module runs past the end of the address space", kModuleList + 8},
      {"module name outside RAM",
       [](SimulatedRam& ram) { ram.write_u64(kModuleList + 16, 0x900000); }, Error::BadAddress,
       "module command line is not readable", 0x900000},
      {"module name without NUL",
       [fill](SimulatedRam& ram) {
         fill(ram, kScratch, 4096, true);
         ram.write_u64(kModuleList + 16, kScratch);
       },
       Error::BadMessage, "module command line is not NUL-terminated within 4096 bytes", kScratch},
      {"129 memory regions", [](SimulatedRam& ram) { ram.write_u32(kStart + 48, 129); },
       Error::NoBufferSpace, "more memory regions than BootInfo holds", kStart + 48},
      {"2^32-1 memory regions", [](SimulatedRam& ram) { ram.write_u32(kStart + 48, 0xffffffff); },
       Error::NoBufferSpace, "more memory regions than BootInfo holds", kStart + 48},
      {"memory map at 0", [](SimulatedRam& ram) { ram.write_u64(kStart + 40, 0); },
       Error::BadMessage, "memory map lies at address 0", kStart + 40},
      {"memory map past the end of RAM",
       [](SimulatedRam& ram) { ram.write_u64(kStart + 40, kRamSize - 24); }, Error::BadAddress,
       "memory map is not readable", kRamSize - 24},
      {"memory region wrapping past 2^64",
       [](SimulatedRam& ram) {
         ram.write_u64(kMemoryMap + 24, 0xffffffffffff0000);
         ram.write_u64(kMemoryMap + 32, 0x10000);
       },
       Error::BadMessage, "memory region runs past the end of the address space", kMemoryMap + 24},
      {"RSDP outside RAM", [](SimulatedRam& ram) { ram.write_u64(kStart + 32, 0x900000); },
       Error::BadAddress, "RSDP is not readable", 0x900000},
      {"RSDP with a bad signature",
       [](SimulatedRam& ram) {
         ByteVector r = mos::test::make_rsdp(2, 1, 2);
         r[0] = std::byte{'r'};
         mos::test::fix_checksum(r, 0, 20, 8);
         ram.write(kRsdp, r);
       },
       Error::BadMessage, "RSDP signature is not \"RSD PTR \"", kRsdp},
      {"RSDP with a bad checksum",
       [](SimulatedRam& ram) { ram.bytes()[kRsdp + 8] ^= std::byte{0xff}; }, Error::BadMessage,
       "RSDP checksum over its first 20 bytes does not sum to zero", kRsdp},
      {"RSDP with a bad extended checksum",
       [](SimulatedRam& ram) { ram.bytes()[kRsdp + 32] ^= std::byte{0xff}; }, Error::BadMessage,
       "RSDP extended checksum over its length does not sum to zero", kRsdp},
      {"RSDP length 20",
       [](SimulatedRam& ram) { ram.write(kRsdp, mos::test::make_rsdp(2, 1, 2, 20)); },
       Error::BadMessage, "RSDP length is not between 36 and 4096", kRsdp + 20},
      {"RSDP length 5000",
       [](SimulatedRam& ram) {
         ByteVector r = mos::test::make_rsdp(2, 1, 2);
         mos::test::put_u32(r, 20, 5000);
         mos::test::fix_checksum(r, 0, 20, 8);
         ram.write(kRsdp, r);
       },
       Error::BadMessage, "RSDP length is not between 36 and 4096", kRsdp + 20},
      {"RSDP whose extended part is unreadable",
       [](SimulatedRam& ram) { ram.make_unreadable(kRsdp + 20, 16); }, Error::BadAddress,
       "RSDP is not readable", kRsdp},
      {"RSDP longer than readable memory",
       [](SimulatedRam& ram) {
         ByteVector r = mos::test::make_rsdp(2, 1, 2, 64);
         r.resize(36);
         ram.write(kRamSize - 36, r);
         ram.write_u64(kStart + 32, kRamSize - 36);
       },
       Error::BadAddress, "RSDP is not readable", kRamSize - 36},
  };

  for (const Case& c : cases) {
    SUBCASE(c.name) {
      SimulatedRam ram;
      PvhImage().write_to(ram);
      c.mutate(ram);
      auto info = parse(ram, c.start);
      REQUIRE_FALSE(info.has_value());
      const BootInfoError& e = info.error();
      INFO(mos::test::describe(e));
      CHECK(e.code == c.code);
      CHECK(e.what == c.what);
      CHECK(e.offset == c.address);
      CHECK(e.protocol == BootInfo::Protocol::Pvh);
      std::string text = mos::test::describe(e);
      CHECK(text.find(std::string(c.what)) != std::string::npos);
      CHECK(text.find(std::string(mos::error_name(c.code))) != std::string::npos);
    }
  }
}

TEST_CASE("pvh: errors print as one informative line") {
  SimulatedRam ram;
  PvhImage().write_to(ram);
  ram.write_u32(kStart, 0);
  auto info = parse(ram);
  REQUIRE_FALSE(info.has_value());
  CHECK(mos::test::describe(info.error()) ==
        "malformed PVH start info at address 0x1000: magic is not 0x336ec578 (EBADMSG)");

  auto unreadable = parse(ram, 0x40000);
  REQUIRE_FALSE(unreadable.has_value());
  CHECK(mos::test::describe(unreadable.error()) ==
        "PVH start info at address 0x40000: start info is not readable (EFAULT)");
}

TEST_CASE("pvh: a function-pointer reader with a context works like a callable") {
  SimulatedRam ram;
  PvhImage().write_to(ram);
  auto fn = [](const void* context, PhysAddr address,
               std::uint64_t length) noexcept -> mos::Result<std::span<const std::byte>> {
    return (*static_cast<const SimulatedRam*>(context))(address, length);
  };
  auto info = parse_pvh(PhysAddr(kStart), mos::x86_64::PhysicalReader(fn, &ram));
  REQUIRE(info.has_value());
  CHECK(info->command_line.view() == "console=hvc0 root=/dev/vda");
}

namespace {

void check_sane(const BootInfo& info) {
  CHECK(info.protocol == BootInfo::Protocol::Pvh);
  std::uint64_t size = info.info_end - info.info_start;
  CHECK((size == 40 || size == 56));
  CHECK(info.memory_map.size() <= BootInfo::kMaxMemoryRegions);
  for (const MemoryRegion& r : info.memory_map) CHECK(r.end() >= r.base);
  CHECK(info.modules.size() <= BootInfo::kMaxModules);
  for (const mos::BootModule& m : info.modules) {
    CHECK(m.start != PhysAddr(0));
    CHECK(m.end >= m.start);
    CHECK(m.command_line.c_str()[m.command_line.view().size()] == '\0');
  }
  CHECK(info.command_line.view().size() < 512);
  CHECK(info.command_line.c_str()[info.command_line.view().size()] == '\0');
  if (info.acpi) {
    CHECK(info.acpi->rsdp_address.has_value());
    CHECK((info.acpi->revision >= 2 || info.acpi->xsdt_address == 0));
  }
}

}  // namespace

TEST_CASE("pvh: randomly corrupted start infos never crash the parser") {
  auto gen = mos::test::make_bitgen(0x707668);
  // The areas the parser reads, where corruption has an effect.
  const std::pair<std::uint64_t, std::uint64_t> areas[] = {
      {kStart, 56},       {kCommandLine, 32},   {kModuleList, 64},
      {kModuleNames, 16}, {kMemoryMap, 9 * 24}, {kRsdp, 36},
  };
  // Start-info and module-list fields that hold addresses or counts.
  const std::uint64_t fields[] = {
      kStart + 4,       kStart + 12,    kStart + 16, kStart + 24,     kStart + 32,
      kStart + 40,      kStart + 48,    kModuleList, kModuleList + 8, kModuleList + 16,
      kModuleList + 40, kMemoryMap + 8, kRsdp + 15,  kRsdp + 20};
  const std::uint64_t values[] = {0,
                                  1,
                                  2,
                                  16,
                                  17,
                                  128,
                                  129,
                                  0xffffffff,
                                  kRamSize - 1,
                                  kRamSize - 8,
                                  kRamSize - 36,
                                  kRamSize,
                                  kScratch,
                                  0xfffffffffffffff0,
                                  0xffffffffffffffff};
  int ok = 0;
  int failed = 0;
  for (int round = 0; round < 20000; ++round) {
    SimulatedRam ram;
    PvhImage image;
    image.version = absl::Uniform<std::uint32_t>(gen, 0, 3);
    image.write_to(ram);
    int mutations = absl::Uniform<int>(gen, 1, 4);
    for (int m = 0; m < mutations; ++m) {
      switch (absl::Uniform<int>(gen, 0, 4)) {
        case 0: {  // Flip a bit in a read area.
          const auto& [base, size] = areas[absl::Uniform<std::size_t>(gen, 0, std::size(areas))];
          std::uint64_t at = base + absl::Uniform<std::uint64_t>(gen, 0, size);
          ram.bytes()[at] ^= static_cast<std::byte>(1u << absl::Uniform<int>(gen, 0, 8));
          break;
        }
        case 1: {  // Replace a byte in a read area.
          const auto& [base, size] = areas[absl::Uniform<std::size_t>(gen, 0, std::size(areas))];
          std::uint64_t at = base + absl::Uniform<std::uint64_t>(gen, 0, size);
          ram.bytes()[at] = static_cast<std::byte>(absl::Uniform<int>(gen, 0, 256));
          break;
        }
        case 2: {  // Set an address or count field to a telling value.
          std::uint64_t field = fields[absl::Uniform<std::size_t>(gen, 0, std::size(fields))];
          std::uint64_t v = absl::Bernoulli(gen, 0.7)
                                ? values[absl::Uniform<std::size_t>(gen, 0, std::size(values))]
                                : absl::Uniform<std::uint64_t>(gen);
          ram.write_u32(field, static_cast<std::uint32_t>(v));
          if (field % 8 == 0 && field != kRsdp + 20) ram.write_u32(field + 4, v >> 32);
          break;
        }
        default: {  // Make a random piece of RAM unreadable.
          std::uint64_t at = absl::Uniform<std::uint64_t>(gen, 0, kRamSize);
          ram.make_unreadable(at, absl::Uniform<std::uint64_t>(gen, 1, 64));
          break;
        }
      }
    }
    INFO("round ", round, " seed ", mos::test::test_seed());
    auto info = parse(ram);
    if (info.has_value()) {
      ++ok;
      check_sane(*info);
    } else {
      ++failed;
      const BootInfoError& e = info.error();
      CHECK((e.code == Error::BadMessage || e.code == Error::NoBufferSpace ||
             e.code == Error::BadAddress));
      CHECK_FALSE(e.what.empty());
      CHECK(e.protocol == BootInfo::Protocol::Pvh);
    }
  }
  CHECK(ok > 100);
  CHECK(failed > 100);
}
