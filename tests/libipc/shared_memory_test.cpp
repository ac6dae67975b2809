// Shared memory objects (ipc/shared_memory.hpp) and names (ipc/registry.hpp): contents, resize,
// mapping into address spaces on simulated RAM (writes seen across spaces), and lifetime: the
// frames go back only after the last unmap, unlink and handle.

#include <ipc/registry.hpp>
#include <ipc/semaphore.hpp>
#include <ipc/shared_memory.hpp>

#include <mm/address_space.hpp>
#include <mm/frame_ref_counts.hpp>

#include "simulated_ram.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace mos::ipc;
namespace mm = mos::mm;
using mos::Error;
using mos::PhysAddr;
using mos::RefPtr;
using mos::VirtAddr;

namespace {

constexpr std::uint64_t kPage = mm::kPageSize;
constexpr std::uint64_t kRamBase = 0x100000;
constexpr std::uint64_t kRamSize = 32ULL << 20;

// Simulated RAM with frames, reference counts and address spaces over it.
struct Machine {
  mm::testing::SimulatedRam ram{PhysAddr(kRamBase), kRamSize};
  mm::testing::CountingFrameSource frames{ram, ram.base(), kRamSize / kPage};
  std::vector<mm::FrameRefCounts::Count> counts =
      std::vector<mm::FrameRefCounts::Count>(kRamSize / kPage, 0);
  mm::FrameRefCounts refs{mm::PhysRange{ram.base(), ram.end()}, counts};

  mm::AddressSpace space() {
    auto created = mm::AddressSpace::create(frames, ram.phys_map(), refs);
    REQUIRE(created.has_value());
    return std::move(*created);
  }
  RefPtr<SharedMemory> object(std::uint64_t size) {
    auto created = SharedMemory::create(frames, ram.phys_map(), size);
    REQUIRE(created.has_value());
    return *created;
  }
  // A user access as the MMU makes it: fault first if the page is not mapped for it.
  std::byte* user_byte(mm::AddressSpace& s, std::uint64_t address, bool write) {
    auto t = s.page_table().query(VirtAddr(address));
    if (!t || (write && !has(t->flags, mm::PageFlags::Writable))) {
      auto resolved = s.handle_fault(VirtAddr(address), {.write = write, .user = true});
      REQUIRE(resolved.has_value());
      t = s.page_table().query(VirtAddr(address));
    }
    REQUIRE(t.has_value());
    return ram.at(t->phys);
  }
};

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s)); }

}  // namespace

TEST_CASE("shared memory: contents, zero fill, bounds, and resize") {
  Machine m;
  auto shm = m.object(3 * kPage);
  CHECK(shm->size() == 3 * kPage);
  CHECK(shm->resident_pages() == 0);  // Nothing until used.
  REQUIRE(shm->write(kPage - 3, bytes("across a page")).has_value());
  CHECK(shm->resident_pages() == 2);
  std::array<std::byte, 13> back;
  REQUIRE(shm->read(kPage - 3, back).has_value());
  CHECK(std::memcmp(back.data(), "across a page", 13) == 0);
  std::array<std::byte, 4> zeros;
  REQUIRE(shm->read(2 * kPage, zeros).has_value());
  CHECK(zeros == std::array<std::byte, 4>{});
  CHECK(shm->read(3 * kPage - 2, zeros).error() == Error::OutOfRange);
  CHECK(shm->write(3 * kPage, bytes("x")).error() == Error::OutOfRange);

  // Shrinking frees the pages beyond the end; growing again reads zeros there.
  const std::uint64_t outstanding = m.frames.outstanding_frames();
  REQUIRE(shm->resize(kPage - 1).has_value());
  CHECK(m.frames.outstanding_frames() == outstanding - 1);
  REQUIRE(shm->resize(2 * kPage).has_value());
  REQUIRE(shm->read(kPage - 3, back).has_value());
  CHECK(std::memcmp(back.data(), "acr", 3) != 0);  // Cut at the old end...
  CHECK(back[2] == std::byte{0});                   // ...and zero beyond it.
  CHECK(shm->resize(SharedMemory::kMaxBytes + 1).error() == Error::InvalidArgument);
}

TEST_CASE("shared memory: two address spaces see each other's writes; shrink waits for unmap") {
  Machine m;
  const std::uint64_t baseline = m.frames.outstanding_frames();
  {
    auto shm = m.object(2 * kPage);
    mm::AddressSpace a = m.space();
    mm::AddressSpace b = m.space();
    auto in_a = shm->map(a, VirtAddr(0x400000), 2 * kPage, mm::Protection::Read | mm::Protection::Write, 0,
                         mm::MapPlacement::Fixed);
    auto in_b = shm->map(b, VirtAddr(0), 2 * kPage, mm::Protection::Read | mm::Protection::Write, 0,
                         mm::MapPlacement::Anywhere);
    REQUIRE(in_a.has_value());
    REQUIRE(in_b.has_value());
    CHECK(shm->mappings() == 2);
    *m.user_byte(a, in_a->value() + kPage + 5, true) = std::byte{0x5a};
    CHECK(*m.user_byte(b, in_b->value() + kPage + 5, false) == std::byte{0x5a});
    std::array<std::byte, 1> k;
    REQUIRE(shm->read(kPage + 5, k).has_value());  // And the kernel's view agrees.
    CHECK(k[0] == std::byte{0x5a});
    CHECK(shm->resize(kPage).error() == Error::Busy);
    REQUIRE(a.unmap(*in_a, 2 * kPage).has_value());
    REQUIRE(b.unmap(*in_b, 2 * kPage).has_value());
    CHECK(shm->mappings() == 0);
    CHECK(shm->resize(kPage).has_value());
  }
  CHECK(m.frames.outstanding_frames() == baseline);
}

TEST_CASE("shared memory: the object lives until the last unmap, unlink and reference") {
  Machine m;
  const std::uint64_t baseline = m.frames.outstanding_frames();
  Registry<SharedMemory> names;
  mm::AddressSpace space = m.space();
  const std::uint64_t with_space = m.frames.outstanding_frames();
  // What mapping adds to the space and keeps after the unmap: its region table's block.
  constexpr std::uint64_t kRegionTableBlock = 1;
  {
    auto shm = m.object(kPage);
    REQUIRE(names.add("/buffer", shm).has_value());
    REQUIRE(shm->write(0, bytes("kept")).has_value());
    REQUIRE(shm->map(space, VirtAddr(0x400000), kPage, mm::Protection::Read, 0,
                     mm::MapPlacement::Fixed)
                .has_value());
  }  // The creator's reference goes; the name and the mapping keep it.
  REQUIRE(names.remove("/buffer").has_value());
  CHECK(names.find("/buffer").error() == Error::NoEntry);
  CHECK(*m.user_byte(space, 0x400000, false) == std::byte{'k'});  // Still there.
  REQUIRE(space.unmap(VirtAddr(0x400000), kPage).has_value());
  // The object's page went with the last mapping (and the page tables with the unmap).
  CHECK(m.frames.outstanding_frames() == with_space + kRegionTableBlock);
  space.destroy();
  CHECK(m.frames.outstanding_frames() == baseline);
}

TEST_CASE("registry: POSIX names, exclusive creation, lookup and unlink") {
  Registry<Semaphore> names;
  auto s = Semaphore::create(0);
  REQUIRE(s.has_value());
  CHECK(names.add("/sem", *s).has_value());
  CHECK(names.add("/sem", *s).error() == Error::Exists);
  CHECK(names.find("/sem").value() == *s);
  CHECK(names.find("/other").error() == Error::NoEntry);
  CHECK(names.add("sem", *s).error() == Error::InvalidArgument);   // No leading slash.
  CHECK(names.add("/", *s).error() == Error::InvalidArgument);     // Nothing after it.
  CHECK(names.add("/a/b", *s).error() == Error::InvalidArgument);  // A second slash.
  CHECK(names.add("/" + std::string(kMaxNameBytes, 'n'), *s).error() == Error::NameTooLong);
  CHECK(names.add("/" + std::string(kMaxNameBytes - 1, 'n'), *s).has_value());  // Just fits.
  CHECK(names.size() == 2);
  CHECK(names.remove("/sem").has_value());
  CHECK(names.remove("/sem").error() == Error::NoEntry);
  CHECK((*s)->references() == 2);  // Ours and the long name's.
  CHECK(names.remove("/" + std::string(kMaxNameBytes - 1, 'n')).has_value());
  CHECK((*s)->references() == 1);
}
