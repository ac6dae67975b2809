// PCI: configuration mechanism #1 over fake ports, enumeration of a fake topology, BAR sizing,
// capability walks (including broken lists), MSI and MSI-X programming, DMA memory over frames.
#include "fake_pci.hpp"
#include "fake_pci_bar.hpp"
#include "fake_port_io.hpp"

#include <drv/dma.hpp>
#include <drv/pci.hpp>
#include <drv/pci_capabilities.hpp>
#include <drv/pci_config_space.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

using namespace mos::drv;
using mos::Error;
using mos::PhysAddr;
using mos::testing::FakeMmioRegion;
using mos::testing::FakePciConfigSpace;
using mos::testing::FakePciFunction;

TEST_CASE("pci: mechanism #1 addresses through 0xCF8 and moves data through 0xCFC..0xCFF") {
  mos::testing::FakePortSpace ports;
  PciPortConfigSpace<mos::testing::FakePortIo> config{mos::testing::FakePortIo(ports)};
  ports.script_reads(0xcfc, {0x12345678});
  CHECK(config.read32({1, 2, 3}, 0x10) == 0x12345678);
  CHECK(ports.writes_to(0xcf8) == std::vector<std::uint32_t>{0x80000000u | (1u << 16) |
                                                             (2u << 11) | (3u << 8) | 0x10});
  ports.script_reads(0xcfe, {0xbeef});
  CHECK(config.read16({0, 31, 7}, 0x06) == 0xbeef);
  CHECK(ports.writes_to(0xcf8).back() == (0x80000000u | (31u << 11) | (7u << 8) | 0x04));
  config.write8({0, 0, 0}, 0x3d, 0x5a);
  CHECK(ports.writes_to(0xcfd) == std::vector<std::uint32_t>{0x5a});
  config.write16({0, 0, 0}, 0x04, 0x0006);
  // A 16-bit access to the command register: the status half beside it is not written.
  const auto& last = ports.log().back();
  CHECK(last.port == 0xcfc);
  CHECK(last.width == 16);
  CHECK(last.value == 0x0006);
  CHECK(config.read32({0, 0, 0}, 0x100) == 0xffffffffu);  // Extended space is out of reach.
}

namespace {

// Bus 0: host bridge 0:0.0; multifunction 0:1 with functions 0 and 2; single-function 0:2
// whose function 1 answers anyway (it must not be probed); bridge 0:3.0 -> bus 1.
// Bus 1: device 1:0.0, bridge 1:5.0 -> bus 2. Bus 2: device 2:7.0, and a bridge 2:8.0 whose
// secondary bus is 0 again (a loop that must not be followed).
FakePciConfigSpace topology() {
  FakePciConfigSpace c;
  c.add({0, 0, 0}, 0x8086, 0x1237, 0x06, 0x00);
  c.add({0, 1, 0}, 0x8086, 0x7000, 0x06, 0x01, 0, true);
  auto& ide = c.add({0, 1, 2}, 0x8086, 0x7010, 0x01, 0x01);
  ide.set(0x09, 0x80, 1);
  ide.set(0x3c, 14, 1);
  ide.set(0x3d, 1, 1);
  c.add({0, 2, 0}, 0x1234, 0x1111, 0x03, 0x00);
  c.add({0, 2, 1}, 0x1234, 0x2222, 0x03, 0x00);
  c.add_bridge({0, 3, 0}, 1);
  c.add({1, 0, 0}, 0x1af4, 0x1042, 0x01, 0x00);
  c.add_bridge({1, 5, 0}, 2);
  c.add({2, 7, 0}, 0x10ec, 0x8139, 0x02, 0x00);
  c.add_bridge({2, 8, 0}, 0);
  return c;
}

}  // namespace

TEST_CASE("pci: enumeration walks every bus through bridges, multifunction devices only") {
  FakePciConfigSpace config = topology();
  std::vector<PciFunction> seen;
  const unsigned count = pci_enumerate(config, [&](const PciFunction& f) { seen.push_back(f); });
  std::vector<PciAddress> expected = {{0, 0, 0}, {0, 1, 0}, {0, 1, 2}, {0, 2, 0}, {0, 3, 0},
                                      {1, 0, 0}, {1, 5, 0}, {2, 7, 0}, {2, 8, 0}};
  REQUIRE(seen.size() == expected.size());
  CHECK(count == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(seen[i].address == expected[i]);
  }
  const PciFunction& ide = seen[2];
  CHECK(ide.vendor_id == 0x8086);
  CHECK(ide.device_id == 0x7010);
  CHECK(ide.class_code == 0x01);
  CHECK(ide.subclass == 0x01);
  CHECK(ide.prog_if == 0x80);
  CHECK(ide.revision == 1);
  CHECK(ide.multifunction);
  CHECK(ide.interrupt_line == 14);
  CHECK(ide.interrupt_pin == 1);
  CHECK_FALSE(seen[3].multifunction);
  CHECK(seen[4].header_type == pci_header::kBridge);
  CHECK(seen[4].secondary_bus == 1);
  CHECK(seen[5].device_id == 0x1042);
}

TEST_CASE("pci: an absent function reads as NoDevice") {
  FakePciConfigSpace config = topology();
  CHECK(pci_read_function(config, {0, 9, 0}).error() == Error::NoDevice);
}

TEST_CASE("pci: BARs are decoded and sized with decoding off, and restored") {
  FakePciConfigSpace config;
  FakePciFunction& f = config.add({0, 4, 0}, 0x1234, 0x5678, 0x02, 0x00);
  f.add_memory_bar(0, 0xfebf0000, 0x1000, false);
  f.add_io_bar(1, 0xc040, 0x20);
  f.add_memory_bar(2, 0x800000000ull, 0x40000000, true, true);
  // BAR 4 unimplemented (reads 0 whatever is written); BAR 5 a 32-bit prefetchable one.
  f.add_memory_bar(5, 0xe0000000, 0x10000000, false, true);
  f.set(0x04, 0x0007, 2);
  const auto before = f.bytes;

  const auto bars = pci_size_bars(config, {0, 4, 0}, 6);
  CHECK(bars[0].kind == PciBarKind::Memory32);
  CHECK(bars[0].base == 0xfebf0000);
  CHECK(bars[0].size == 0x1000);
  CHECK_FALSE(bars[0].prefetchable);
  CHECK(bars[1].kind == PciBarKind::Io);
  CHECK(bars[1].base == 0xc040);
  CHECK(bars[1].size == 0x20);
  CHECK(bars[2].kind == PciBarKind::Memory64);
  CHECK(bars[2].prefetchable);
  CHECK(bars[2].base == 0x800000000ull);
  CHECK(bars[2].size == 0x40000000);
  CHECK(bars[3].kind == PciBarKind::None);  // The upper half of BAR 2.
  CHECK(bars[4].kind == PciBarKind::None);
  CHECK(bars[4].size == 0);
  CHECK(bars[5].kind == PciBarKind::Memory32);
  CHECK(bars[5].prefetchable);
  CHECK(bars[5].size == 0x10000000);

  CHECK(f.bytes == before);  // BARs and command register as they were.
  CHECK(f.bar_writes_while_decoding == 0);
  // Sizing did write all ones to each BAR.
  int all_ones = 0;
  for (const auto& w : config.writes()) all_ones += w.offset >= 0x10 && w.value == 0xffffffffu;
  CHECK(all_ones == 6);  // BARs 0, 1, 2, 3, 4, 5.
}

TEST_CASE("pci: a 64-bit BAR larger than 4 GiB") {
  FakePciConfigSpace config;
  FakePciFunction& f = config.add({0, 5, 0}, 0x1234, 0x5678, 0x03, 0x00);
  f.add_memory_bar(0, 0x4000000000ull, 0x200000000ull, true, true);
  auto fn = pci_read_function(config, {0, 5, 0});
  REQUIRE(fn.has_value());
  CHECK(fn->bars[0].kind == PciBarKind::Memory64);
  CHECK(fn->bars[0].size == 0x200000000ull);
  CHECK(fn->bars[0].base == 0x4000000000ull);
}

TEST_CASE("pci: capability lists are walked, searched and bounded") {
  FakePciConfigSpace config;
  FakePciFunction& f = config.add({0, 6, 0}, 0x1af4, 0x1041, 0x02, 0x00);

  SUBCASE("no list without status bit 4") {
    f.set(0x34, 0x40, 1);
    f.set(0x40, 0x05, 1);
    CHECK(PciCapabilityList::read(config, {0, 6, 0}).entries().empty());
  }
  SUBCASE("a proper list") {
    const auto msi = f.add_msi(true, false);
    const auto vendor = f.add_capability(pci_cap::kVendorSpecific, 16);
    const auto msix = f.add_msix(4, 1, 0);
    const auto list = PciCapabilityList::read(config, {0, 6, 0});
    CHECK(list.entries().size() == 3);
    CHECK_FALSE(list.malformed());
    CHECK(list.find(pci_cap::kMsi) == msi);
    CHECK(list.find(pci_cap::kVendorSpecific) == vendor);
    CHECK(list.find(pci_cap::kMsix) == msix);
    CHECK_FALSE(list.find(0x10).has_value());
  }
  SUBCASE("a two-entry loop") {
    f.set(0x06, 0x10, 2);
    f.set(0x34, 0x40, 1);
    f.set(0x40, 0x0901 & 0xff, 1);
    f.set(0x41, 0x50, 1);
    f.set(0x50, 0x05, 1);
    f.set(0x51, 0x40, 1);
    const auto list = PciCapabilityList::read(config, {0, 6, 0});
    CHECK(list.entries().size() == 2);
    CHECK(list.malformed());
    CHECK(list.find(pci_cap::kMsi) == 0x50);
  }
  SUBCASE("a loop through every dword stops at 48 entries") {
    f.set(0x06, 0x10, 2);
    f.set(0x34, 0x40, 1);
    for (unsigned at = 0x40; at <= 0xfc; at += 4) {
      f.set(static_cast<std::uint16_t>(at), 0x09, 1);
      f.set(static_cast<std::uint16_t>(at + 1), at == 0xfc ? 0x40 : at + 4, 1);
    }
    const auto list = PciCapabilityList::read(config, {0, 6, 0});
    CHECK(list.entries().size() == PciCapabilityList::kMaxEntries);
    CHECK(list.malformed());
  }
  SUBCASE("a pointer into the header") {
    f.set(0x06, 0x10, 2);
    f.set(0x34, 0x40, 1);
    f.set(0x40, 0x05, 1);
    f.set(0x41, 0x10, 1);
    const auto list = PciCapabilityList::read(config, {0, 6, 0});
    CHECK(list.entries().size() == 1);
    CHECK(list.malformed());
  }
}

TEST_CASE("pci: command register bits are set without clearing status bits") {
  FakePciConfigSpace config;
  config.add({0, 7, 0}, 0x1234, 0x1, 0x02, 0x00);
  pci_enable(config, {0, 7, 0}, pci_command::kMemorySpace | pci_command::kBusMaster);
  CHECK(pci_read_command(config, {0, 7, 0}) == 0x0006);
  REQUIRE_FALSE(config.writes().empty());
  CHECK((config.writes().back().value >> 16) == 0);  // Zeroes to the write-1-to-clear half.
}

TEST_CASE("pci: MSI programming") {
  FakePciConfigSpace config;
  FakePciFunction& f = config.add({0, 8, 0}, 0x1234, 0x1, 0x02, 0x00);
  const PciAddress a{0, 8, 0};

  SUBCASE("64-bit with per-vector masking") {
    const std::uint8_t cap = f.add_msi(true, true);
    f.set(cap + 2, f.get(cap + 2, 2) | (2u << 4), 2);  // Firmware left MME at 4 vectors.
    REQUIRE(pci_program_msi(config, a, {0x1'fee0'1000ull, 0x4041}).has_value());
    CHECK(f.get(cap + 4, 4) == 0xfee01000);
    CHECK(f.get(cap + 8, 4) == 0x1);
    CHECK(f.get(cap + 12, 2) == 0x4041);
    CHECK((f.get(cap + 16, 4) & 1) == 0);    // Vector 0 unmasked.
    CHECK((f.get(cap + 16, 4) & 0xe) == 0xe);  // The others untouched.
    const std::uint32_t control = f.get(cap + 2, 2);
    CHECK((control & 1) == 1);
    CHECK((control & 0x70) == 0);  // One vector.
    CHECK((f.get(0x04, 2) & pci_command::kInterruptDisable) != 0);
    REQUIRE(pci_disable_msi(config, a).has_value());
    CHECK((f.get(cap + 2, 2) & 1) == 0);
  }
  SUBCASE("32-bit only") {
    const std::uint8_t cap = f.add_msi(false, false);
    CHECK(pci_program_msi(config, a, {0x1'0000'0000ull, 1}).error() == Error::InvalidArgument);
    CHECK((f.get(cap + 2, 2) & 1) == 0);
    REQUIRE(pci_program_msi(config, a, {0xfee00000, 0x31}).has_value());
    CHECK(f.get(cap + 4, 4) == 0xfee00000);
    CHECK(f.get(cap + 8, 2) == 0x31);
    CHECK((f.get(cap + 2, 2) & 1) == 1);
  }
  SUBCASE("none") {
    CHECK(pci_program_msi(config, a, {0xfee00000, 0x31}).error() == Error::NoDevice);
    CHECK(PciMsix::find(config, a).error() == Error::NoDevice);
  }
}

TEST_CASE("pci: MSI-X table entries are programmed through the BAR and enabled") {
  FakePciConfigSpace config;
  FakePciFunction& f = config.add({0, 9, 0}, 0x1af4, 0x1042, 0x01, 0x00);
  const PciAddress a{0, 9, 0};
  const std::uint8_t cap = f.add_msix(8, 2, 0x2000);
  f.set(cap + 2, f.get(cap + 2, 2) | 0x4000, 2);  // Function masked out of reset.
  FakeMmioRegion bar(0x4000);
  for (unsigned e = 0; e < 8; ++e) bar.poke<std::uint32_t>(0x2000 + 16 * e + 12, 1);  // Masked.

  auto msix = PciMsix::find(config, a);
  REQUIRE(msix.has_value());
  CHECK(msix->table_size() == 8);
  CHECK(msix->table_bar() == 2);
  CHECK(msix->table_offset() == 0x2000);
  REQUIRE(msix->program(bar, 3, {0xfee0'2000, 0x45}).has_value());
  CHECK(bar.peek<std::uint32_t>(0x2030) == 0xfee02000);
  CHECK(bar.peek<std::uint32_t>(0x2034) == 0);
  CHECK(bar.peek<std::uint32_t>(0x2038) == 0x45);
  CHECK(bar.peek<std::uint32_t>(0x203c) == 0);  // Unmasked.
  CHECK(bar.peek<std::uint32_t>(0x202c) == 1);  // Entry 2 still masked.
  // Masked while it changed: the first write masks, the last unmasks.
  REQUIRE(bar.writes().size() == 5);
  CHECK(bar.writes().front().value == 1);
  CHECK(bar.writes().back().value == 0);
  CHECK(msix->program(bar, 8, {0xfee00000, 1}).error() == Error::InvalidArgument);
  FakeMmioRegion small(0x2010);
  CHECK(msix->program(small, 1, {0xfee00000, 1}).error() == Error::InvalidArgument);

  msix->enable(config, a);
  CHECK((f.get(cap + 2, 2) & 0xc000) == 0x8000);
  CHECK((f.get(0x04, 2) & pci_command::kInterruptDisable) != 0);
  REQUIRE(msix->mask(bar, 3).has_value());
  CHECK(bar.peek<std::uint32_t>(0x203c) == 1);
  msix->disable(config, a);
  CHECK((f.get(cap + 2, 2) & 0x8000) == 0);
}

namespace {

// Frames from a host buffer standing in for RAM at physical 0x100000.
class FakeFrames final : public mos::mm::FrameSource {
 public:
  FakeFrames() : ram_(static_cast<std::byte*>(std::aligned_alloc(4096, 64 * 4096))) {
    std::memset(ram_, 0xa5, 64 * 4096);  // Garbage a DMA allocation must clear.
  }
  ~FakeFrames() { std::free(ram_); }
  mos::Result<PhysAddr> allocate_frames(unsigned order) noexcept override {
    last_order = order;
    return PhysAddr(0x100000 + 4096 * 8);
  }
  void free_frames(PhysAddr base, unsigned order) noexcept override {
    freed_base = base;
    freed_order = static_cast<int>(order);
  }
  mos::mm::PhysMap map() const {
    return mos::mm::PhysMap(reinterpret_cast<std::uintptr_t>(ram_) - 0x100000);
  }
  std::byte* ram_;
  unsigned last_order = 99;
  PhysAddr freed_base;
  int freed_order = -1;
};

}  // namespace

TEST_CASE("dma: frame-backed DMA memory is contiguous, zeroed and freed at its order") {
  FakeFrames frames;
  FrameDmaMemory dma(frames, frames.map());
  auto region = dma.allocate(5000);
  REQUIRE(region.has_value());
  CHECK(frames.last_order == 1);
  CHECK(region->size == 8192);
  CHECK(region->phys == PhysAddr(0x100000 + 4096 * 8));
  CHECK(region->virt == frames.ram_ + 4096 * 8);
  bool zero = true;
  for (std::size_t i = 0; i < region->size; ++i) zero &= region->virt[i] == std::byte{0};
  CHECK(zero);
  dma.free(*region);
  CHECK(frames.freed_base == region->phys);
  CHECK(frames.freed_order == 1);
  CHECK(dma.allocate(0).error() == Error::InvalidArgument);
  CHECK(dma.allocate(std::size_t{8} << 20).error() == Error::InvalidArgument);
}
