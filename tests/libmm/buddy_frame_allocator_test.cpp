// What is particular to the buddy frame allocator (splitting, merging, block sizes); the
// FrameAllocator contract itself is tested in frame_allocator_contract_test.cpp.

#include <mm/buddy_frame_allocator.hpp>

#include "random.hpp"
#include "simulated_ram.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

using mos::Error;
using mos::MemoryRegion;
using mos::PhysAddr;
using mos::mm::BuddyFrameAllocator;
using mos::mm::FrameAllocatorConfig;
using mos::mm::FrameStats;
using mos::mm::PhysRange;
using mos::mm::testing::SimulatedRam;
using Kind = MemoryRegion::Kind;

constexpr std::uint64_t kFrame = mos::mm::kPageSize;
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;
constexpr unsigned kMaxOrder = BuddyFrameAllocator::kMaxOrder;

BuddyFrameAllocator create(const std::vector<MemoryRegion>& map, const SimulatedRam& ram,
                           const std::vector<PhysRange>& reserved = {}) {
  mos::Result<BuddyFrameAllocator> result =
      BuddyFrameAllocator::create(FrameAllocatorConfig{map, reserved, ram.phys_map()});
  REQUIRE(result.has_value());
  return std::move(result).value();
}

bool same_stats(const FrameStats& a, const FrameStats& b) {
  return a.total_frames == b.total_frames && a.free_frames == b.free_frames &&
         a.largest_free_run == b.largest_free_run && a.metadata_bytes == b.metadata_bytes;
}

// One frame at 0 for the state bytes, and 4 MiB at 4 MiB: a single free block of order 10.
struct OneBlock {
  SimulatedRam ram{PhysAddr(0), 8 * kMiB};
  std::vector<MemoryRegion> map = {{PhysAddr(0), kFrame, Kind::Usable},
                                   {PhysAddr(4 * kMiB), 4 * kMiB, Kind::Usable}};
  BuddyFrameAllocator allocator = create(map, ram);
};

}  // namespace

TEST_CASE("buddy frame allocator: splitting keeps the lower half and frees the upper halves") {
  OneBlock m;
  CHECK(m.allocator.stats().total_frames == 1024);
  CHECK(m.allocator.stats().largest_free_run == 1024);
  CHECK(m.allocator.stats().metadata_bytes == kFrame);

  // One frame splits the block all the way down: halves of 512, 256, ..., 1 frame stay free.
  CHECK(m.allocator.allocate(0).value() == PhysAddr(4 * kMiB));
  CHECK(m.allocator.stats().largest_free_run == 512);
  CHECK(m.allocator.stats().free_frames == 1023);
  // Each later request takes the free half of exactly its size, without splitting.
  CHECK(m.allocator.allocate(0).value() == PhysAddr(4 * kMiB + 4 * kKiB));
  CHECK(m.allocator.allocate(3).value() == PhysAddr(4 * kMiB + 32 * kKiB));
  CHECK(m.allocator.allocate(2).value() == PhysAddr(4 * kMiB + 16 * kKiB));
  CHECK(m.allocator.allocate(1).value() == PhysAddr(4 * kMiB + 8 * kKiB));
  CHECK(m.allocator.allocate(9).value() == PhysAddr(6 * kMiB));
  CHECK(m.allocator.stats().largest_free_run == 256);
  // Nothing of order 9 or 10 is left. Blocks of order 7 and 6 are still free from the first
  // split; the next ones split the block of order 8 at 5 MiB.
  CHECK(m.allocator.allocate(9).error() == Error::NoMemory);
  CHECK(m.allocator.allocate(10).error() == Error::NoMemory);
  CHECK(m.allocator.allocate(7).value() == PhysAddr(4 * kMiB + 512 * kKiB));
  CHECK(m.allocator.allocate(6).value() == PhysAddr(4 * kMiB + 256 * kKiB));
  CHECK(m.allocator.allocate(7).value() == PhysAddr(5 * kMiB));
  CHECK(m.allocator.allocate(6).value() == PhysAddr(5 * kMiB + 512 * kKiB));
}

TEST_CASE("buddy frame allocator: freeing merges buddies back into the largest block") {
  OneBlock m;
  FrameStats initial = m.allocator.stats();
  std::vector<PhysAddr> frames;
  for (int i = 0; i < 1024; ++i) frames.push_back(m.allocator.allocate(0).value());
  CHECK(m.allocator.stats().free_frames == 0);
  CHECK(m.allocator.stats().largest_free_run == 0);

  SUBCASE("in address order") {}
  SUBCASE("in reverse order") {
    std::reverse(frames.begin(), frames.end());
  }
  SUBCASE("in random order") {
    auto gen = mos::test::make_bitgen(0xc0a1);
    std::shuffle(frames.begin(), frames.end(), gen);
  }
  // Merging is immediate: the largest block grows exactly when its last frame comes back.
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    REQUIRE(m.allocator.free(frames[i], 0).has_value());
    REQUIRE(m.allocator.stats().largest_free_run < 1024);
  }
  REQUIRE(m.allocator.free(frames.back(), 0).has_value());
  CHECK(same_stats(m.allocator.stats(), initial));
  CHECK(m.allocator.allocate(10).value() == PhysAddr(4 * kMiB));
}

TEST_CASE("buddy frame allocator: a block merges only with a free buddy of its own order") {
  OneBlock m;
  PhysAddr a = m.allocator.allocate(0).value();  // 4 MiB
  PhysAddr b = m.allocator.allocate(0).value();  // its buddy
  PhysAddr pair = m.allocator.allocate(1).value();
  CHECK(pair == PhysAddr(4 * kMiB + 8 * kKiB));
  // a's buddy b is allocated: a stays a single free frame.
  REQUIRE(m.allocator.free(a, 0).has_value());
  CHECK(m.allocator.allocate(1).value() != a);
  // Now b comes back: a and b merge into a pair, whose buddy (pair) is allocated.
  REQUIRE(m.allocator.free(b, 0).has_value());
  CHECK(m.allocator.allocate(1).value() == a);
}

TEST_CASE("buddy frame allocator: blocks stop at the largest order") {
  // 2 GiB at 2 GiB: two blocks of 1 GiB, never merged into one of 2 GiB. The first MiB holds
  // the state bytes.
  SimulatedRam ram(PhysAddr(0), 4 * kGiB);
  std::vector<MemoryRegion> map = {{PhysAddr(0), 1 * kMiB, Kind::Usable},
                                   {PhysAddr(2 * kGiB), 2 * kGiB, Kind::Usable}};
  BuddyFrameAllocator allocator = create(map, ram);
  FrameStats initial = allocator.stats();
  CHECK(initial.largest_free_run == std::uint64_t{1} << kMaxOrder);
  // State bytes for the low MiB and the 2 GiB segment, in the low MiB.
  CHECK(initial.metadata_bytes == (256 + 2 * kGiB / kFrame + kFrame - 1) / kFrame * kFrame);
  CHECK(initial.total_frames == 256 - initial.metadata_bytes / kFrame + 2 * kGiB / kFrame);
  CHECK(allocator.allocate(kMaxOrder + 1).error() == Error::InvalidArgument);

  // Enough single frames to use up low memory and split one gigabyte block.
  auto gen = mos::test::make_bitgen(0x1a7);
  std::vector<PhysAddr> frames;
  for (int i = 0; i < 4096; ++i) frames.push_back(allocator.allocate(0).value());
  CHECK(allocator.stats().largest_free_run == std::uint64_t{1} << kMaxOrder);
  PhysAddr gigabyte = allocator.allocate(kMaxOrder).value();
  CHECK((gigabyte == PhysAddr(2 * kGiB) || gigabyte == PhysAddr(3 * kGiB)));
  CHECK(allocator.allocate(kMaxOrder).error() == Error::NoMemory);
  std::shuffle(frames.begin(), frames.end(), gen);
  for (PhysAddr f : frames) REQUIRE(allocator.free(f, 0).has_value());
  CHECK(allocator.allocate(kMaxOrder).has_value());
  // Every frame back: two separate gigabyte blocks again, not one block of 2 GiB.
  CHECK(allocator.free(PhysAddr(2 * kGiB), kMaxOrder).has_value());
  CHECK(allocator.free(PhysAddr(3 * kGiB), kMaxOrder).has_value());
  CHECK(same_stats(allocator.stats(), initial));
}
