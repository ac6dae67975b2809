// What is particular to the bitmap frame allocator; the FrameAllocator contract itself is tested
// in frame_allocator_contract_test.cpp.

#include <mm/bitmap_frame_allocator.hpp>

#include "simulated_ram.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

namespace {

using mos::Error;
using mos::MemoryRegion;
using mos::PhysAddr;
using mos::mm::BitmapFrameAllocator;
using mos::mm::FrameAllocatorConfig;
using mos::mm::PhysRange;
using mos::mm::testing::SimulatedRam;
using Kind = MemoryRegion::Kind;

constexpr std::uint64_t kFrame = mos::mm::kPageSize;
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

PhysAddr frame(std::uint64_t n) {
  return PhysAddr(n * kFrame);
}

BitmapFrameAllocator create(const std::vector<MemoryRegion>& map, const SimulatedRam& ram,
                            const std::vector<PhysRange>& reserved = {}) {
  mos::Result<BitmapFrameAllocator> result =
      BitmapFrameAllocator::create(FrameAllocatorConfig{map, reserved, ram.phys_map()});
  REQUIRE(result.has_value());
  return std::move(result).value();
}

}  // namespace

TEST_CASE("bitmap frame allocator: single frames are next-fit and wrap around") {
  // One frame at 4 KiB takes the metadata; frames 256..319 are managed.
  SimulatedRam ram(PhysAddr(0), 2 * kMiB);
  std::vector<MemoryRegion> map = {{frame(1), kFrame, Kind::Usable},
                                   {frame(256), 64 * kFrame, Kind::Usable}};
  BitmapFrameAllocator allocator = create(map, ram);
  CHECK(allocator.stats().total_frames == 64);
  CHECK(allocator.stats().metadata_bytes == kFrame);

  CHECK(allocator.allocate(0).value() == frame(256));
  CHECK(allocator.allocate(0).value() == frame(257));
  CHECK(allocator.allocate(0).value() == frame(258));
  REQUIRE(allocator.free(frame(257), 0).has_value());
  // The search goes on after the last frame handed out rather than back to the freed one...
  CHECK(allocator.allocate(0).value() == frame(259));
  for (std::uint64_t n = 260; n < 320; ++n) CHECK(allocator.allocate(0).value() == frame(n));
  // ... and wraps around to it once the end is reached.
  CHECK(allocator.allocate(0).value() == frame(257));
  mos::Result<PhysAddr> full = allocator.allocate(0);
  REQUIRE_FALSE(full.has_value());
  CHECK(full.error() == Error::NoMemory);
}

TEST_CASE("bitmap frame allocator: larger blocks are first-fit and physically aligned") {
  // The segment starts at frame 3, so index alignment and physical alignment differ.
  SimulatedRam ram(PhysAddr(0), 1 * kMiB);
  std::vector<MemoryRegion> map = {{frame(3), 125 * kFrame, Kind::Usable}};
  BitmapFrameAllocator allocator = create(map, ram);
  // Frame 3 holds the metadata; frames 4..127 are managed.
  CHECK(allocator.stats().total_frames == 124);
  CHECK(allocator.allocate(2).value() == frame(4));
  CHECK(allocator.allocate(5).value() == frame(32));
  CHECK(allocator.allocate(3).value() == frame(8));
  CHECK(allocator.allocate(4).value() == frame(16));
  CHECK(allocator.allocate(5).value() == frame(64));
  CHECK(allocator.allocate(4).value() == frame(96));
  CHECK(allocator.allocate(4).value() == frame(112));
  CHECK(allocator.stats().free_frames == 0);
  REQUIRE(allocator.free(frame(32), 5).has_value());
  CHECK(allocator.allocate(1).value() == frame(32));
}

TEST_CASE("bitmap frame allocator: largest_free_run is the longest run, aligned or not") {
  SimulatedRam ram(PhysAddr(0), 2 * kMiB);
  std::vector<MemoryRegion> map = {{frame(1), kFrame, Kind::Usable},
                                   {frame(256), 64 * kFrame, Kind::Usable}};
  BitmapFrameAllocator allocator = create(map, ram);
  CHECK(allocator.stats().largest_free_run == 64);
  std::vector<PhysAddr> frames;
  for (int i = 0; i < 64; ++i) frames.push_back(allocator.allocate(0).value());
  // Free frames 257..259: a run of three, holding one aligned pair (258) and no aligned quad.
  for (std::uint64_t n : {257, 258, 259}) REQUIRE(allocator.free(frame(n), 0).has_value());
  CHECK(allocator.stats().largest_free_run == 3);
  CHECK(allocator.allocate(2).error() == Error::NoMemory);
  CHECK(allocator.allocate(1).value() == frame(258));
  CHECK(allocator.stats().largest_free_run == 1);
}

TEST_CASE("bitmap frame allocator: gigabyte blocks and runs longer than the largest order") {
  // 2 GiB above 4 GiB: the metadata takes the first 48 frames, so the first 1 GiB block is the
  // second one, while the longest free run spans nearly the whole region.
  SimulatedRam ram(PhysAddr(0), 6 * kGiB);
  std::vector<MemoryRegion> map = {{PhysAddr(4 * kGiB), 2 * kGiB, Kind::Usable}};
  BitmapFrameAllocator allocator = create(map, ram);
  constexpr std::uint64_t kRegionFrames = 2 * kGiB / kFrame;
  constexpr std::uint64_t kMetadataFrames = kRegionFrames * 3 / 8 / kFrame;
  CHECK(allocator.stats().metadata_bytes == kMetadataFrames * kFrame);
  CHECK(allocator.stats().total_frames == kRegionFrames - kMetadataFrames);
  CHECK(allocator.stats().largest_free_run == kRegionFrames - kMetadataFrames);
  CHECK(allocator.allocate(BitmapFrameAllocator::kMaxOrder).value() == PhysAddr(5 * kGiB));
  CHECK(allocator.allocate(BitmapFrameAllocator::kMaxOrder).error() == Error::NoMemory);
  CHECK(allocator.stats().largest_free_run == kGiB / kFrame - kMetadataFrames);
  CHECK(allocator.allocate(BitmapFrameAllocator::kMaxOrder - 1).value() ==
        PhysAddr(4 * kGiB + kGiB / 2));
  REQUIRE(allocator.free(PhysAddr(5 * kGiB), BitmapFrameAllocator::kMaxOrder).has_value());
  CHECK(allocator.stats().largest_free_run == kGiB / kFrame);
}
