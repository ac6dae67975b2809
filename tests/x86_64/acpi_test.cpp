// The MADT reader on tables built here: what a PC's firmware gives (QEMU's layout), the XSDT
// path, overrides, and every kind of damage a table can have.

#include <x86_64/acpi.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using mos::AcpiRoot;
using mos::Error;
using mos::PhysAddr;
using mos::x86_64::MadtInfo;
using mos::x86_64::read_madt;

namespace {

// Physical memory made of tables at chosen addresses.
class Tables {
 public:
  void put(std::uint64_t address, std::vector<std::uint8_t> bytes) { memory_[address] = bytes; }

  // A reader over the tables: a read must lie inside one of them.
  auto reader() const {
    return [this](PhysAddr address, std::uint64_t length) noexcept
               -> mos::Result<std::span<const std::byte>> {
      for (const auto& [base, bytes] : memory_) {
        if (address.value() >= base && address.value() + length <= base + bytes.size()) {
          return std::span(reinterpret_cast<const std::byte*>(bytes.data()) + (address.value() - base),
                           length);
        }
      }
      return Error::BadAddress;
    };
  }

 private:
  std::map<std::uint64_t, std::vector<std::uint8_t>> memory_;
};

void put32(std::vector<std::uint8_t>& t, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) t[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::vector<std::uint8_t>& t, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) t[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Sets the length field and makes the checksum right.
std::vector<std::uint8_t> finish(std::vector<std::uint8_t> t) {
  put32(t, 4, static_cast<std::uint32_t>(t.size()));
  t[9] = 0;
  std::uint8_t sum = 0;
  for (std::uint8_t b : t) sum = static_cast<std::uint8_t>(sum + b);
  t[9] = static_cast<std::uint8_t>(-sum);
  return t;
}

std::vector<std::uint8_t> header(const char* signature) {
  std::vector<std::uint8_t> t(36, 0);
  std::memcpy(t.data(), signature, 4);
  t[8] = 1;  // Revision.
  return t;
}

std::vector<std::uint8_t> root_table(const char* signature, std::vector<std::uint64_t> entries,
                                     std::size_t entry_size) {
  auto t = header(signature);
  for (std::uint64_t e : entries) {
    const std::size_t at = t.size();
    t.resize(at + entry_size);
    if (entry_size == 4) put32(t, at, static_cast<std::uint32_t>(e));
    else put64(t, at, e);
  }
  return finish(t);
}

// A MADT like QEMU's for a one-CPU PC: one local APIC, one I/O APIC at 0xfec00000, the IRQ 0
// to GSI 2 override and the level, active-high IRQ 9 (ACPI SCI).
std::vector<std::uint8_t> pc_madt() {
  auto t = header("APIC");
  t.resize(44);
  put32(t, 36, 0xfee00000);
  put32(t, 40, 1);  // PC-AT compatible.
  auto add = [&t](std::vector<std::uint8_t> entry) { t.insert(t.end(), entry.begin(), entry.end()); };
  add({0, 8, 0, 0, 1, 0, 0, 0});                              // Local APIC 0, enabled.
  add({0, 8, 1, 1, 0, 0, 0, 0});                              // Local APIC 1, disabled.
  add({1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0});     // I/O APIC 0 at 0xfec00000.
  add({2, 10, 0, 0, 2, 0, 0, 0, 0, 0});                       // IRQ 0 -> GSI 2.
  add({2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0});                    // IRQ 9: active high, level.
  add({4, 6, 0xff, 0, 0, 1});                                 // Local APIC NMI: ignored.
  return finish(t);
}

Tables pc_tables() {
  Tables tables;
  tables.put(0x7fe0000, root_table("RSDT", {0x7fe1000, 0x7fe2000}, 4));
  tables.put(0x7fe1000, finish(header("FACP")));
  tables.put(0x7fe2000, pc_madt());
  return tables;
}

AcpiRoot rsdt_root() { return AcpiRoot{0, 0x7fe0000, 0, {}}; }

}  // namespace

TEST_CASE("acpi: a PC's MADT through the RSDT") {
  Tables tables = pc_tables();
  auto madt = read_madt(rsdt_root(), tables.reader());
  REQUIRE(madt.has_value());
  CHECK(madt->local_apic == PhysAddr(0xfee00000));
  CHECK(madt->has_8259);
  CHECK(madt->processors == 1);
  REQUIRE(madt->io_apics.size() == 1);
  CHECK(madt->io_apics[0].address == PhysAddr(0xfec00000));
  CHECK(madt->io_apics[0].gsi_base == 0);
  CHECK(madt->isa_irq(0).gsi == 2);
  CHECK_FALSE(madt->isa_irq(0).level_triggered);
  CHECK(madt->isa_irq(9).level_triggered);
  CHECK_FALSE(madt->isa_irq(9).active_low);
  CHECK(madt->isa_irq(4).gsi == 4);  // Not overridden: identity.
}

TEST_CASE("acpi: the XSDT wins from revision 2, and a 64-bit local APIC override applies") {
  Tables tables;
  auto madt = header("APIC");
  madt.resize(44);
  put32(madt, 36, 0xfee00000);
  std::vector<std::uint8_t> address_override = {5, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  put64(address_override, 4, 0x1'fee0'0000);
  madt.insert(madt.end(), address_override.begin(), address_override.end());
  tables.put(0x100000, root_table("XSDT", {0x200000}, 8));
  tables.put(0x200000, finish(madt));
  auto info = read_madt(AcpiRoot{2, 0, 0x100000, {}}, tables.reader());
  REQUIRE(info.has_value());
  CHECK(info->local_apic == PhysAddr(0x1'fee0'0000));
  CHECK_FALSE(info->has_8259);
  CHECK(info->io_apics.empty());
}

TEST_CASE("acpi: damaged or missing tables give errors, never a crash") {
  SUBCASE("no root") {
    Tables tables;
    auto r = read_madt(AcpiRoot{}, tables.reader());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Error::NoEntry);
  }
  SUBCASE("root unreadable") {
    Tables tables;
    auto r = read_madt(rsdt_root(), tables.reader());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Error::BadAddress);
  }
  SUBCASE("root checksum wrong") {
    Tables tables = pc_tables();
    auto rsdt = root_table("RSDT", {0x7fe2000}, 4);
    rsdt[20] ^= 1;
    tables.put(0x7fe0000, rsdt);
    auto r = read_madt(rsdt_root(), tables.reader());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Error::BadMessage);
    CHECK(std::string(r.error().what).find("checksum") != std::string::npos);
  }
  SUBCASE("wrong root signature") {
    Tables tables = pc_tables();
    tables.put(0x7fe0000, root_table("XSDT", {0x7fe2000}, 4));
    CHECK(read_madt(rsdt_root(), tables.reader()).error().code == Error::BadMessage);
  }
  SUBCASE("no MADT") {
    Tables tables;
    tables.put(0x7fe0000, root_table("RSDT", {0x7fe1000, 0x9999000}, 4));
    tables.put(0x7fe1000, finish(header("FACP")));
    CHECK(read_madt(rsdt_root(), tables.reader()).error().code == Error::NoEntry);
  }
  SUBCASE("a length shorter than a header, or absurdly long") {
    Tables tables = pc_tables();
    auto madt = pc_madt();
    put32(madt, 4, 20);
    tables.put(0x7fe2000, madt);
    CHECK(read_madt(rsdt_root(), tables.reader()).error().code == Error::BadMessage);
    put32(madt, 4, 0x7fffffff);
    tables.put(0x7fe2000, madt);
    CHECK(read_madt(rsdt_root(), tables.reader()).error().code == Error::BadMessage);
  }
  SUBCASE("an entry that runs past the table, or has length 0") {
    for (std::uint8_t bad_length : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{200}}) {
      Tables tables = pc_tables();
      auto madt = pc_madt();
      madt[44 + 1] = bad_length;  // The first entry's length.
      tables.put(0x7fe2000, finish(madt));
      auto r = read_madt(rsdt_root(), tables.reader());
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == Error::BadMessage);
      CHECK(r.error().address == 0x7fe2000);
    }
  }
  SUBCASE("a truncated I/O APIC entry") {
    Tables tables = pc_tables();
    auto madt = header("APIC");
    madt.resize(44);
    put32(madt, 36, 0xfee00000);
    std::vector<std::uint8_t> short_entry = {1, 8, 0, 0, 0, 0, 0xc0, 0xfe};
    madt.insert(madt.end(), short_entry.begin(), short_entry.end());
    tables.put(0x7fe2000, finish(madt));
    CHECK(read_madt(rsdt_root(), tables.reader()).error().code == Error::BadMessage);
  }
  SUBCASE("more I/O APICs than the platform holds") {
    Tables tables = pc_tables();
    auto madt = header("APIC");
    madt.resize(44);
    put32(madt, 36, 0xfee00000);
    for (std::size_t i = 0; i <= MadtInfo::kMaxIoApics; ++i) {
      std::vector<std::uint8_t> io = {1, 12, static_cast<std::uint8_t>(i), 0, 0, 0, 0xc0, 0xfe,
                                      0, 0, 0, 0};
      madt.insert(madt.end(), io.begin(), io.end());
    }
    tables.put(0x7fe2000, finish(madt));
    CHECK(read_madt(rsdt_root(), tables.reader()).error().code == Error::NoBufferSpace);
  }
  SUBCASE("random corruption of the MADT never crashes") {
    const auto good = pc_madt();
    for (std::size_t i = 36; i < good.size(); ++i) {
      for (std::uint8_t value : {std::uint8_t{0}, std::uint8_t{0xff}, std::uint8_t{0x02}}) {
        auto madt = good;
        madt[i] = value;
        Tables tables = pc_tables();
        tables.put(0x7fe2000, finish(madt));
        (void)read_madt(rsdt_root(), tables.reader());  // Must return, whatever it says.
      }
    }
  }
}
