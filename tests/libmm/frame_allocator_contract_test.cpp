// The FrameAllocator contract (mm/frame_allocator.hpp), written once and run against every
// implementation: on simulated RAM with realistic memory maps, every result is checked against a
// reference model of which frames are free, so that overlaps, leaks, reserved or metadata frames
// handed out, wrong errors and wrong statistics are all caught at the step that causes them.

#include <mm/bitmap_frame_allocator.hpp>
#include <mm/buddy_frame_allocator.hpp>
#include <mm/frame_allocator.hpp>

#include "random.hpp"
#include "simulated_ram.hpp"

#include <absl/container/btree_map.h>
#include <absl/random/distributions.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using mos::Error;
using mos::MemoryRegion;
using mos::PhysAddr;
using mos::mm::BitmapFrameAllocator;
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

MemoryRegion region(std::uint64_t base, std::uint64_t length, Kind kind) {
  return MemoryRegion{PhysAddr(base), length, kind};
}
PhysRange range(std::uint64_t start, std::uint64_t end) {
  return PhysRange{PhysAddr(start), PhysAddr(end)};
}
PhysAddr frame_address(std::uint64_t frame) {
  return PhysAddr(frame * kFrame);
}

// A simulated machine: a memory map, the ranges the kernel reserves, and simulated RAM covering
// every address the map calls usable.
struct Machine {
  Machine(std::vector<MemoryRegion> map_in, std::vector<PhysRange> reserved_in)
      : map(std::move(map_in)), reserved(std::move(reserved_in)) {
    std::uint64_t top = kFrame;
    for (const MemoryRegion& r : map) {
      if (r.kind == Kind::Usable && r.length <= UINT64_MAX - r.base.value()) {
        top = std::max(top, r.base.value() + r.length);
      }
    }
    ram = std::make_unique<SimulatedRam>(PhysAddr(0), mos::align_up(top, kFrame));
  }

  FrameAllocatorConfig config() const { return {map, reserved, ram->phys_map()}; }

  // The frames the contract says an allocator manages (before it takes its metadata), computed
  // frame by frame: wholly inside a Usable region, touching no reserved range and no other
  // region, counted once.
  std::vector<std::uint64_t> managed_frames() const {
    std::vector<std::uint64_t> frames;
    for (const MemoryRegion& r : map) {
      if (r.kind != Kind::Usable || r.length > UINT64_MAX - r.base.value()) continue;
      for (std::uint64_t f = mos::align_up(r.base.value(), kFrame) / kFrame;
           (f + 1) * kFrame <= r.base.value() + r.length; ++f) {
        if (!excluded(f)) frames.push_back(f);
      }
    }
    std::sort(frames.begin(), frames.end());
    frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
    return frames;
  }

  bool excluded(std::uint64_t frame) const {
    std::uint64_t start = frame * kFrame;
    std::uint64_t end = start + kFrame;
    for (const PhysRange& r : reserved) {
      if (r.start.value() < end && r.end.value() > start) return true;
    }
    for (const MemoryRegion& r : map) {
      std::uint64_t region_end =
          r.length > UINT64_MAX - r.base.value() ? UINT64_MAX : r.base.value() + r.length;
      if (r.kind != Kind::Usable && r.base.value() < end && region_end > start) return true;
    }
    return false;
  }

  std::vector<MemoryRegion> map;
  std::vector<PhysRange> reserved;
  std::unique_ptr<SimulatedRam> ram;
};

// What QEMU's q35 machine reports with 32 MiB below 4 GiB plus 16 MiB above, and what a kernel
// reserves: the first frame, the boot information, its image and a boot module (unaligned, as
// the loader leaves them).
Machine qemu_like_machine() {
  return Machine(
      {
          region(0x0, 0x9fc00, Kind::Usable),
          region(0x9fc00, 0x400, Kind::Reserved),
          region(0xf0000, 0x10000, Kind::Reserved),
          region(0x100000, 0x1fe0000 - 0x100000, Kind::Usable),
          region(0x1fe0000, 0x20000, Kind::AcpiReclaimable),
          region(0xb0000000, 0x10000000, Kind::Reserved),
          region(0xfed1c000, 0x4000, Kind::Reserved),
          region(0xfffc0000, 0x40000, Kind::Reserved),
          region(4 * kGiB, 16 * kMiB, Kind::Usable),
      },
      {
          range(0x0, 0x1000),
          range(0x9000, 0x9321),
          range(0x100000, 0x2a3456),
          range(0x2b0800, 0x2c0001),
      });
}

bool same_stats(const FrameStats& a, const FrameStats& b) {
  return a.total_frames == b.total_frames && a.free_frames == b.free_frames &&
         a.largest_free_run == b.largest_free_run && a.metadata_bytes == b.metadata_bytes;
}

std::string describe(const FrameStats& s) {
  return "total " + std::to_string(s.total_frames) + ", free " + std::to_string(s.free_frames) +
         ", largest free run " + std::to_string(s.largest_free_run) + ", metadata " +
         std::to_string(s.metadata_bytes) + " bytes";
}

// The reference model: the free frames as disjoint, merged runs, and the allocated blocks.
class FrameModel {
 public:
  // Adds [first, first + count), which must not be free yet.
  void add_free(std::uint64_t first, std::uint64_t count) {
    std::uint64_t end = first + count;
    auto next = runs_.lower_bound(first);
    if (next != runs_.end() && next->first < end) FAIL("frame ", first, " is free already");
    if (next != runs_.begin()) {
      auto prev = std::prev(next);
      if (prev->second > first) FAIL("frame ", first, " is free already");
      if (prev->second == first) {
        first = prev->first;
        runs_.erase(prev);
      }
    }
    next = runs_.lower_bound(first);
    if (next != runs_.end() && next->first == end) {
      end = next->second;
      runs_.erase(next);
    }
    runs_[first] = end;
    free_ += count;
  }

  // Whether [first, first + count) is entirely free.
  bool is_free(std::uint64_t first, std::uint64_t count) const {
    auto it = runs_.upper_bound(first);
    if (it == runs_.begin()) return false;
    --it;
    return it->first <= first && first + count <= it->second;
  }

  // Removes [first, first + count) from the free runs; false (and no change) unless it is
  // entirely free.
  bool take(std::uint64_t first, std::uint64_t count) {
    if (!is_free(first, count)) return false;
    auto it = std::prev(runs_.upper_bound(first));
    std::uint64_t run_first = it->first;
    std::uint64_t run_end = it->second;
    runs_.erase(it);
    if (run_first < first) runs_[run_first] = first;
    if (first + count < run_end) runs_[first + count] = run_end;
    free_ -= count;
    return true;
  }

  std::uint64_t free_frames() const { return free_; }
  std::size_t run_count() const { return runs_.size(); }
  const absl::btree_map<std::uint64_t, std::uint64_t>& runs() const { return runs_; }

  std::uint64_t longest_run() const {
    std::uint64_t longest = 0;
    for (const auto& [first, end] : runs_) longest = std::max(longest, end - first);
    return longest;
  }

  // The largest order <= max_order whose aligned block fits in a free run, if any.
  std::optional<unsigned> largest_aligned_order(unsigned max_order) const {
    std::optional<unsigned> best;
    for (const auto& [first, end] : runs_) {
      unsigned order = std::min<unsigned>(max_order, std::bit_width(end - first) - 1);
      for (;; --order) {
        std::uint64_t n = std::uint64_t{1} << order;
        if (mos::align_up(first, n) + n <= end) break;
      }
      if (!best || order > *best) best = order;
    }
    return best;
  }

  bool has_aligned_block(unsigned order) const {
    std::uint64_t n = std::uint64_t{1} << order;
    for (const auto& [first, end] : runs_) {
      if (mos::align_up(first, n) + n <= end) return true;
    }
    return false;
  }

 private:
  absl::btree_map<std::uint64_t, std::uint64_t> runs_;  // first frame -> end frame
  std::uint64_t free_ = 0;
};

// What FrameStats::largest_free_run means for each implementation (frame_allocator.hpp).
template <class A>
std::uint64_t expected_largest_free_run(const FrameModel& model, unsigned max_order);
template <>
std::uint64_t expected_largest_free_run<BitmapFrameAllocator>(const FrameModel& model, unsigned) {
  return model.longest_run();
}
template <>
std::uint64_t expected_largest_free_run<BuddyFrameAllocator>(const FrameModel& model,
                                                             unsigned max_order) {
  std::optional<unsigned> order = model.largest_aligned_order(max_order);
  return order ? std::uint64_t{1} << *order : 0;
}

// An allocator on a machine, with the model of its frames. Creation discovers which frames the
// allocator hands out (all of them, one at a time) and checks them against the contract.
template <class A>
class Harness {
 public:
  explicit Harness(const Machine& machine) : allocator_(create(machine)) {
    initial_ = allocator_.stats();
    expected_ = machine.managed_frames();
    discover();
  }

  static A create(const Machine& machine) {
    mos::Result<A> result = A::create(machine.config());
    REQUIRE(result.has_value());
    return std::move(result).value();
  }

  A& allocator() { return allocator_; }
  FrameModel& model() { return model_; }
  const FrameStats& initial() const { return initial_; }
  const std::vector<std::uint64_t>& managed() const { return expected_; }
  const std::vector<std::uint64_t>& handed_out() const { return handed_out_; }
  const std::vector<std::uint64_t>& metadata_frames() const { return metadata_; }
  const absl::btree_map<std::uint64_t, unsigned>& live() const { return live_; }

  // Allocates 2^order frames and checks the result against the model: it must succeed exactly
  // when the model has a free aligned block of that order, and the block must be aligned and
  // entirely free (so it overlaps no live block, reserved range, hole or metadata).
  std::optional<std::uint64_t> allocate(unsigned order) {
    bool possible = order <= allocator_.max_order() && model_.has_aligned_block(order);
    mos::Result<PhysAddr> result = allocator_.allocate(order);
    if (!result) {
      Error expected = order > allocator_.max_order() ? Error::InvalidArgument : Error::NoMemory;
      if (result.error() != expected) FAIL("allocate(", order, ") failed with the wrong error");
      if (possible) FAIL("allocate(", order, ") failed though a block was free");
      return std::nullopt;
    }
    std::uint64_t count = std::uint64_t{1} << order;
    if (!result->is_aligned(count * kFrame)) {
      FAIL("allocate(", order, ") returned the misaligned ", result->value());
    }
    std::uint64_t frame = result->value() / kFrame;
    if (!model_.take(frame, count)) {
      FAIL("allocate(", order, ") returned ", result->value(), ", which was not free");
    }
    live_[frame] = order;
    return frame;
  }

  // Frees a live block, which must succeed.
  void free(std::uint64_t frame, unsigned order) {
    auto it = live_.find(frame);
    if (it == live_.end() || it->second != order) FAIL("the test frees a block it does not hold");
    mos::Result<void> result = allocator_.free(frame_address(frame), order);
    if (!result) FAIL("free(", frame * kFrame, ", ", order, ") of a live block failed");
    live_.erase(it);
    model_.add_free(frame, std::uint64_t{1} << order);
  }

  // Frees every live block, in an order given by `gen`.
  template <class Gen>
  void free_all(Gen& gen) {
    std::vector<std::pair<std::uint64_t, unsigned>> blocks(live_.begin(), live_.end());
    std::shuffle(blocks.begin(), blocks.end(), gen);
    for (const auto& [frame, order] : blocks) free(frame, order);
  }

  // Checks the statistics against the model.
  void check_stats() {
    FrameStats s = allocator_.stats();
    INFO(describe(s));
    REQUIRE(s.total_frames == initial_.total_frames);
    REQUIRE(s.metadata_bytes == initial_.metadata_bytes);
    REQUIRE(s.free_frames == model_.free_frames());
    REQUIRE(s.largest_free_run == expected_largest_free_run<A>(model_, allocator_.max_order()));
  }

  // Proves the allocator's free frames are exactly the model's: takes every free frame one at a
  // time, compares them with the model's free runs, then gives them all back.
  void check_free_frames_by_draining() {
    std::vector<std::uint64_t> taken;
    for (;;) {
      mos::Result<PhysAddr> result = allocator_.allocate(0);
      if (!result) break;
      taken.push_back(result->value() / kFrame);
      if (taken.size() > model_.free_frames()) FAIL("more free frames than the model has");
    }
    CHECK(allocator_.stats().free_frames == 0);
    std::sort(taken.begin(), taken.end());
    std::vector<std::uint64_t> expected;
    for (const auto& [first, end] : model_.runs()) {
      for (std::uint64_t f = first; f < end; ++f) expected.push_back(f);
    }
    CHECK(taken == expected);
    for (std::uint64_t frame : taken) {
      if (!allocator_.free(frame_address(frame), 0)) FAIL("free of frame ", frame, " failed");
    }
    check_stats();
  }

 private:
  void discover() {
    REQUIRE(initial_.free_frames == initial_.total_frames);
    REQUIRE(initial_.total_frames > 0);
    for (;;) {
      mos::Result<PhysAddr> result = allocator_.allocate(0);
      if (!result) {
        REQUIRE(result.error() == Error::NoMemory);
        break;
      }
      if (!result->is_aligned(kFrame)) FAIL("allocate(0) returned ", result->value());
      handed_out_.push_back(result->value() / kFrame);
      if (handed_out_.size() > initial_.total_frames) FAIL("more frames than total_frames");
    }
    FrameStats drained = allocator_.stats();
    CHECK(drained.free_frames == 0);
    CHECK(drained.largest_free_run == 0);
    std::sort(handed_out_.begin(), handed_out_.end());
    REQUIRE(std::adjacent_find(handed_out_.begin(), handed_out_.end()) == handed_out_.end());
    REQUIRE(handed_out_.size() == initial_.total_frames);
    // Every frame handed out is managed under the contract, and what is left is the metadata.
    REQUIRE(
        std::includes(expected_.begin(), expected_.end(), handed_out_.begin(), handed_out_.end()));
    std::set_difference(expected_.begin(), expected_.end(), handed_out_.begin(), handed_out_.end(),
                        std::back_inserter(metadata_));
    REQUIRE(metadata_.size() == (initial_.metadata_bytes + kFrame - 1) / kFrame);
    for (std::uint64_t frame : handed_out_) {
      if (!allocator_.free(frame_address(frame), 0)) FAIL("free of frame ", frame, " failed");
    }
    INFO(describe(allocator_.stats()), " vs ", describe(initial_));
    REQUIRE(same_stats(allocator_.stats(), initial_));
    // Into the model as runs of consecutive frames.
    for (std::size_t i = 0; i < handed_out_.size();) {
      std::size_t j = i + 1;
      while (j < handed_out_.size() && handed_out_[j] == handed_out_[j - 1] + 1) ++j;
      model_.add_free(handed_out_[i], j - i);
      i = j;
    }
  }

  A allocator_;
  FrameStats initial_;
  std::vector<std::uint64_t> expected_;
  std::vector<std::uint64_t> handed_out_;
  std::vector<std::uint64_t> metadata_;
  FrameModel model_;
  absl::btree_map<std::uint64_t, unsigned> live_;  // first frame -> order
};

// A random order, mostly small as real workloads ask, sometimes up to max_order + 1 (invalid).
template <class Gen>
unsigned random_order(Gen& gen, unsigned max_order) {
  unsigned pick = absl::Uniform(gen, 0u, 100u);
  if (pick < 50) return 0;
  if (pick < 80) return absl::Uniform(gen, 1u, 4u);
  if (pick < 95) return absl::Uniform(gen, 4u, 9u);
  return absl::Uniform(gen, 9u, max_order + 2);
}

}  // namespace

TEST_CASE_TEMPLATE("frame allocator: manages exactly the usable frames outside reserved ranges", A,
                   BitmapFrameAllocator, BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  const FrameStats& s = h.initial();
  MESSAGE(describe(s));

  CHECK(h.allocator().max_order() >= mos::mm::kMinMaxOrder);
  CHECK(s.metadata_bytes > 0);
  CHECK(s.total_frames + h.metadata_frames().size() == h.managed().size());
  // No frame handed out touches a reserved range, a hole or a firmware region (the managed set
  // excludes them; check the ranges directly too, so the test does not lean on that alone).
  for (std::uint64_t frame : h.handed_out()) {
    PhysRange f = range(frame * kFrame, (frame + 1) * kFrame);
    for (const PhysRange& r : machine.reserved) {
      if (f.overlaps(r)) FAIL("frame ", frame, " is reserved");
    }
    for (const MemoryRegion& r : machine.map) {
      if (r.kind != Kind::Usable && f.overlaps(range(r.base.value(), r.end().value()))) {
        FAIL("frame ", frame, " is not usable RAM");
      }
    }
  }
  // Both low memory and the RAM above 4 GiB are in use.
  CHECK(h.handed_out().front() < 0xa0000 / kFrame);
  CHECK(h.handed_out().back() >= 4 * kGiB / kFrame);
  // The metadata is in usable RAM the allocator does not hand out, and its size is sensible.
  CHECK(!h.metadata_frames().empty());
  CHECK(s.metadata_bytes <= s.total_frames * kFrame / 64);
  h.check_stats();
}

TEST_CASE_TEMPLATE("frame allocator: blocks of every order are aligned and come from free memory",
                   A, BitmapFrameAllocator, BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  auto gen = mos::test::make_bitgen(0xa119);
  unsigned max_order = h.allocator().max_order();
  for (int round = 0; round < 3; ++round) {
    for (unsigned order = 0; order <= max_order; ++order) {
      CAPTURE(order);
      h.allocate(order);
      h.check_stats();
    }
  }
  for (unsigned order : {max_order + 1, max_order + 2, 63u, 64u, 65u, UINT_MAX}) {
    CAPTURE(order);
    FrameStats before = h.allocator().stats();
    mos::Result<PhysAddr> result = h.allocator().allocate(order);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == Error::InvalidArgument);
    CHECK(same_stats(h.allocator().stats(), before));
  }
  h.free_all(gen);
  CHECK(same_stats(h.allocator().stats(), h.initial()));
}

TEST_CASE_TEMPLATE("frame allocator: exhaustion fails with NoMemory, and freeing recovers", A,
                   BitmapFrameAllocator, BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  auto gen = mos::test::make_bitgen(0xe8a);
  for (unsigned order : {0u, 1u, 3u, 6u, 9u, 10u}) {
    SUBCASE(("order " + std::to_string(order)).c_str()) {
      std::uint64_t blocks = 0;
      while (h.allocate(order)) ++blocks;
      // The model agrees that no block of this order is left.
      CHECK_FALSE(h.model().has_aligned_block(order));
      FrameStats s = h.allocator().stats();
      MESSAGE("order ", order, ": ", blocks, " blocks, then ", describe(s));
      CHECK(blocks > 0);
      if (order == 0) CHECK(s.free_frames == 0);
      CHECK(s.largest_free_run < (std::uint64_t{1} << order) * 2);
      h.check_stats();
      // Once full, it stays full: a second attempt fails the same way.
      mos::Result<PhysAddr> again = h.allocator().allocate(order);
      REQUIRE_FALSE(again.has_value());
      CHECK(again.error() == Error::NoMemory);
      // Freeing one block makes exactly that much room again.
      auto [frame, block_order] = *std::next(h.live().begin(), h.live().size() / 2);
      h.free(frame, block_order);
      std::optional<std::uint64_t> reused = h.allocate(order);
      REQUIRE(reused.has_value());
      CHECK(*reused == frame);
      h.free_all(gen);
      CHECK(same_stats(h.allocator().stats(), h.initial()));
      h.check_free_frames_by_draining();
    }
  }
}

TEST_CASE_TEMPLATE("frame allocator: invalid frees are rejected and change nothing", A,
                   BitmapFrameAllocator, BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  auto gen = mos::test::make_bitgen(0xbad);
  unsigned max_order = h.allocator().max_order();
  // Some live blocks to aim at, and one freed block.
  std::uint64_t single = h.allocate(0).value();
  std::uint64_t quad = h.allocate(2).value();
  std::uint64_t oct = h.allocate(3).value();
  std::uint64_t big = h.allocate(8).value();
  std::uint64_t freed = h.allocate(1).value();
  h.free(freed, 1);
  // Two live blocks that are buddies: together they look like one block of twice the size.
  std::optional<std::uint64_t> pair;
  for (int i = 0; i < 8 && !pair; ++i) {
    std::uint64_t block = h.allocate(2).value();
    if (h.live().contains(block ^ 4)) pair = std::min(block, block ^ 4);
  }
  REQUIRE(pair.has_value());
  // A free frame and a free aligned block of order 4, per the model.
  std::uint64_t free_frame = h.model().runs().begin()->first;
  std::optional<std::uint64_t> free_block;
  for (const auto& [first, end] : h.model().runs()) {
    std::uint64_t aligned = mos::align_up(first, 16);
    if (aligned + 16 <= end) {
      free_block = aligned;
      break;
    }
  }
  REQUIRE(free_block.has_value());
  REQUIRE(!h.metadata_frames().empty());

  struct Case {
    std::string name;
    std::uint64_t address;
    unsigned order;
  };
  const std::vector<Case> cases = {
      {"double free", freed * kFrame, 1},
      {"half of a freed block", freed * kFrame, 0},
      {"a free frame never allocated", free_frame * kFrame, 0},
      {"a free block never allocated", *free_block * kFrame, 4},
      {"the middle of an allocated block", (quad + 1) * kFrame, 0},
      {"the second half of an allocated block", (quad + 2) * kFrame, 1},
      {"a misaligned base", (quad + 1) * kFrame, 2},
      {"a base inside a frame", single * kFrame + 8, 0},
      {"a base at the end of a frame", single * kFrame + kFrame - 1, 0},
      {"a smaller order", quad * kFrame, 1},
      {"a smaller order of a larger block", big * kFrame, 7},
      {"a larger order", oct * kFrame, 4},
      {"order 0 of a larger block", oct * kFrame, 0},
      {"two allocated buddies as one block", *pair * kFrame, 3},
      {"an order above max_order", single * kFrame, max_order + 1},
      {"order 64", single * kFrame, 64},
      {"order UINT_MAX", single * kFrame, UINT_MAX},
      {"frame 0, reserved", 0, 0},
      {"the boot information, reserved", 0x9000, 0},
      {"the kernel image, reserved", 0x100000, 0},
      {"the last frame of the kernel image", 0x2a3000, 0},
      {"the EBDA, firmware reserved", 0x9f000, 0},
      {"the hole below 1 MiB", 0xa0000, 0},
      {"ACPI tables", 0x1fe0000, 0},
      {"the PCI hole below 4 GiB", 0xc0000000, 0},
      {"just past the RAM above 4 GiB", 4 * kGiB + 16 * kMiB, 0},
      {"far beyond all RAM", 64 * kGiB, 0},
      {"the top of the address space", 0xffff'ffff'ffff'f000, 0},
      {"the top block of the address space", 0xffff'ffff'fff0'0000, 8},
      {"the allocator's metadata", h.metadata_frames().front() * kFrame, 0},
      {"the allocator's last metadata frame", h.metadata_frames().back() * kFrame, 0},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name.c_str()) {
      FrameStats before = h.allocator().stats();
      mos::Result<void> result = h.allocator().free(PhysAddr(c.address), c.order);
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error() == Error::InvalidArgument);
      CHECK(same_stats(h.allocator().stats(), before));
      // Nothing changed: the free frames are still exactly the model's, and every live block
      // frees normally afterwards.
      h.check_stats();
      h.check_free_frames_by_draining();
      h.free_all(gen);
      CHECK(same_stats(h.allocator().stats(), h.initial()));
    }
  }
}

TEST_CASE_TEMPLATE("frame allocator: random allocate/free sequences match the model", A,
                   BitmapFrameAllocator, BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  auto gen = mos::test::make_bitgen(0x5eed);
  unsigned max_order = h.allocator().max_order();
  std::uint64_t allocations = 0;
  std::uint64_t failures = 0;
  std::uint64_t rejected = 0;
  constexpr int kSteps = 6000;
  for (int step = 0; step < kSteps; ++step) {
    CAPTURE(step);
    // Drift between mostly allocating and mostly freeing, to visit both full and empty states.
    bool filling = (step / 1000) % 2 == 0;
    bool allocate = h.live().empty() || absl::Bernoulli(gen, filling ? 0.7 : 0.3);
    if (allocate) {
      if (h.allocate(random_order(gen, max_order))) {
        ++allocations;
      } else {
        ++failures;
      }
    } else {
      auto it = h.live().lower_bound(absl::Uniform<std::uint64_t>(gen, 0, 5 * kGiB / kFrame));
      if (it == h.live().end()) it = h.live().begin();
      auto [frame, order] = *it;
      if (absl::Bernoulli(gen, 0.1)) {
        // A wrong free of a live block first, which must be rejected without effect: the right
        // base with the wrong order, or the middle of the block.
        mos::Result<void> wrong =
            order == 0 || absl::Bernoulli(gen, 0.5)
                ? h.allocator().free(frame_address(frame), order == 0 ? 1 : order - 1)
                : h.allocator().free(frame_address(frame + (std::uint64_t{1} << order) / 2), order);
        REQUIRE_FALSE(wrong.has_value());
        CHECK(wrong.error() == Error::InvalidArgument);
        ++rejected;
        h.check_stats();
      }
      h.free(frame, order);
    }
    h.check_stats();
  }
  MESSAGE(allocations, " allocations, ", failures, " failed as the model predicted, ", rejected,
          " bad frees rejected; at the end ", describe(h.allocator().stats()));
  CHECK(allocations > kSteps / 3);
  CHECK(failures > 0);
  h.check_free_frames_by_draining();
  h.free_all(gen);
  CHECK(same_stats(h.allocator().stats(), h.initial()));
}

TEST_CASE_TEMPLATE("frame allocator: fragmentation stress", A, BitmapFrameAllocator,
                   BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  auto gen = mos::test::make_bitgen(0xf4a6);
  unsigned max_order = h.allocator().max_order();

  SUBCASE("a checkerboard of single frames leaves no block of two") {
    while (h.allocate(0)) {
    }
    std::vector<std::uint64_t> frames;
    for (const auto& [frame, order] : h.live()) frames.push_back(frame);
    for (std::size_t i = 0; i < frames.size(); i += 2) h.free(frames[i], 0);
    h.check_stats();
    FrameStats s = h.allocator().stats();
    MESSAGE("checkerboard: ", describe(s));
    CHECK(s.free_frames == (frames.size() + 1) / 2);
    CHECK(s.largest_free_run == 1);
    CHECK_FALSE(h.allocate(1).has_value());
    // Freeing the other half merges everything back.
    h.free_all(gen);
    CHECK(same_stats(h.allocator().stats(), h.initial()));
  }

  SUBCASE("long-lived small blocks among short-lived ones") {
    // Every eighth allocation lives until the end; the others churn.
    absl::btree_map<std::uint64_t, unsigned> long_lived;
    for (int step = 0; step < 20000; ++step) {
      bool allocate = h.live().size() <= long_lived.size() || absl::Bernoulli(gen, 0.55);
      if (allocate) {
        unsigned order = absl::Bernoulli(gen, 0.8) ? 0 : absl::Uniform(gen, 1u, 5u);
        std::optional<std::uint64_t> frame = h.allocate(order);
        if (frame && step % 8 == 0) long_lived[*frame] = order;
      } else {
        auto it = h.live().lower_bound(absl::Uniform<std::uint64_t>(gen, 0, 5 * kGiB / kFrame));
        if (it == h.live().end()) it = h.live().begin();
        if (long_lived.contains(it->first)) continue;
        auto [frame, order] = *it;
        h.free(frame, order);
      }
      if (step % 64 == 0) h.check_stats();
    }
    std::vector<std::pair<std::uint64_t, unsigned>> churn;
    for (const auto& block : h.live()) {
      if (!long_lived.contains(block.first)) churn.push_back(block);
    }
    for (const auto& [frame, order] : churn) h.free(frame, order);
    h.check_stats();
    FrameStats s = h.allocator().stats();
    std::optional<unsigned> best = h.model().largest_aligned_order(max_order);
    MESSAGE("after churn, ", long_lived.size(), " long-lived blocks hold ",
            s.total_frames - s.free_frames, " frames; ", describe(s), "; ", h.model().run_count(),
            " free runs, largest allocatable order ", best ? static_cast<int>(*best) : -1);
    CHECK(s.free_frames > s.total_frames / 2);
    h.free_all(gen);
    CHECK(same_stats(h.allocator().stats(), h.initial()));
  }
}

TEST_CASE_TEMPLATE("frame allocator: allocated frames are distinct memory", A, BitmapFrameAllocator,
                   BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  Harness<A> h(machine);
  auto gen = mos::test::make_bitgen(0xd157);
  mos::mm::PhysMap phys_map = machine.config().phys_map;
  // Take all memory in blocks of mixed orders, then the leftovers frame by frame.
  for (unsigned order = 0; h.allocate(order % 7);) ++order;
  while (h.allocate(0)) {
  }
  CHECK(h.allocator().stats().free_frames == 0);
  // A tag in the first and last word of every frame, written through the PhysMap...
  auto tag = [](std::uint64_t frame) { return frame * 0x9e37'79b9'7f4a'7c15 + 1; };
  for (const auto& [first, order] : h.live()) {
    for (std::uint64_t f = first; f < first + (std::uint64_t{1} << order); ++f) {
      *phys_map.at<std::uint64_t>(frame_address(f)) = tag(f);
      *phys_map.at<std::uint64_t>(frame_address(f) + kFrame - 8) = ~tag(f);
    }
  }
  // ... reads back from every frame, so no two frames share memory.
  for (const auto& [first, order] : h.live()) {
    for (std::uint64_t f = first; f < first + (std::uint64_t{1} << order); ++f) {
      if (*phys_map.at<std::uint64_t>(frame_address(f)) != tag(f) ||
          *phys_map.at<std::uint64_t>(frame_address(f) + kFrame - 8) != ~tag(f)) {
        FAIL("frame ", f, " was overwritten through another frame");
      }
    }
  }
  // Scribbling over every byte handed out cannot touch the allocator's metadata: afterwards it
  // still frees, merges and allocates exactly as the model says.
  for (const auto& [first, order] : h.live()) {
    std::memset(phys_map.at<void>(frame_address(first)), 0xa5,
                (std::uint64_t{1} << order) * kFrame);
  }
  h.free_all(gen);
  CHECK(same_stats(h.allocator().stats(), h.initial()));
  for (int step = 0; step < 500; ++step) {
    if (h.live().empty() || absl::Bernoulli(gen, 0.6)) {
      h.allocate(random_order(gen, h.allocator().max_order()));
    } else {
      auto [frame, order] = *h.live().begin();
      h.free(frame, order);
    }
    h.check_stats();
  }
  h.check_free_frames_by_draining();
}

TEST_CASE_TEMPLATE("frame allocator: unusual and malformed memory maps", A, BitmapFrameAllocator,
                   BuddyFrameAllocator) {
  struct Case {
    std::string name;
    std::vector<MemoryRegion> map;
    std::vector<PhysRange> reserved;
  };
  std::vector<Case> cases = {
      {"duplicate usable regions count once",
       {region(1 * kMiB, 15 * kMiB, Kind::Usable), region(1 * kMiB, 15 * kMiB, Kind::Usable)},
       {}},
      {"partially overlapping usable regions count once",
       {region(1 * kMiB, 15 * kMiB, Kind::Usable), region(8 * kMiB, 16 * kMiB, Kind::Usable),
        region(2 * kMiB, 1 * kMiB, Kind::Usable)},
       {}},
      {"touching usable regions form one run",
       {region(1 * kMiB, 3 * kMiB, Kind::Usable), region(4 * kMiB, 4 * kMiB, Kind::Usable)},
       {}},
      {"unaligned usable regions are trimmed inward",
       {region(0x1234, 0x80000 - 0x1235, Kind::Usable),
        region(0x100800, 0x200fff - 0x100800, Kind::Usable), region(0x300001, 0xffe, Kind::Usable)},
       {}},
      {"firmware regions inside usable ones win",
       {region(1 * kMiB, 15 * kMiB, Kind::Usable), region(4 * kMiB + 0x10, 0x10, Kind::Reserved),
        region(15 * kMiB, 2 * kMiB, Kind::AcpiNvs), region(6 * kMiB, kMiB, Kind::Defective)},
       {}},
      {"reserved ranges overlapping each other and the map's edges",
       {region(1 * kMiB, 15 * kMiB, Kind::Usable)},
       {range(0x200000, 0x300000), range(0x2ff000, 0x400800), range(0xfff000, 0x2000000),
        range(0x0, 0x100001), range(0x500000, 0x400000), range(0x600000, 0x600000),
        range(0x700000, 0x700001), range(0x200000, 0x300000)}},
      {"a usable region wrapping past 2^64 is ignored",
       {region(0xffff'ffff'ffff'0000, 0x20000, Kind::Usable),
        region(1 * kMiB, 7 * kMiB, Kind::Usable)},
       {}},
      {"RAM far apart costs no metadata for the hole",
       {region(1 * kMiB, 15 * kMiB, Kind::Usable), region(64 * kGiB, 16 * kMiB, Kind::Usable)},
       {range(64 * kGiB, 64 * kGiB + 0x1800)}},
      {"twenty regions a gigabyte apart",
       [] {
         std::vector<MemoryRegion> map;
         for (std::uint64_t i = 0; i < 20; ++i) {
           map.push_back(region(i * kGiB + kMiB, kMiB, Kind::Usable));
         }
         return map;
       }(),
       {}},
      {"the map in reverse order",
       {region(4 * kGiB, 16 * kMiB, Kind::Usable), region(1 * kMiB, 15 * kMiB, Kind::Usable),
        region(0x1000, 0x9e000, Kind::Usable)},
       {range(0x100000, 0x180000)}},
  };
  for (Case& c : cases) {
    SUBCASE(c.name.c_str()) {
      Machine machine(c.map, c.reserved);
      Harness<A> h(machine);
      MESSAGE(c.name, ": ", describe(h.initial()));
      CHECK(h.initial().total_frames + h.metadata_frames().size() == h.managed().size());
      // Metadata grows with the RAM, not with the holes between far-apart RAM.
      CHECK(h.initial().metadata_bytes <= 64 * kKiB);
      auto gen = mos::test::make_bitgen(0x3a9);
      for (int step = 0; step < 300; ++step) {
        if (h.live().empty() || absl::Bernoulli(gen, 0.6)) {
          h.allocate(random_order(gen, 10));
        } else {
          auto [frame, order] = *h.live().begin();
          h.free(frame, order);
        }
        h.check_stats();
      }
      h.free_all(gen);
      CHECK(same_stats(h.allocator().stats(), h.initial()));
    }
  }
}

TEST_CASE_TEMPLATE("frame allocator: create fails with NoMemory without room for metadata", A,
                   BitmapFrameAllocator, BuddyFrameAllocator) {
  struct Case {
    std::string name;
    std::vector<MemoryRegion> map;
    std::vector<PhysRange> reserved;
  };
  std::vector<Case> cases = {
      {"an empty map", {}, {}},
      {"no usable region",
       {region(0, 16 * kMiB, Kind::Reserved), region(16 * kMiB, kMiB, Kind::AcpiReclaimable)},
       {}},
      {"usable regions smaller than a frame",
       {region(0x1000, 0xfff, Kind::Usable), region(0x2800, 0x1000, Kind::Usable)},
       {}},
      {"usable memory entirely reserved",
       {region(1 * kMiB, 3 * kMiB, Kind::Usable)},
       {range(0x0, 0x200000), range(0x1ff000, 0x400000)}},
      {"usable memory entirely covered by firmware regions",
       {region(1 * kMiB, 3 * kMiB, Kind::Usable), region(0xfffff, 3 * kMiB + 2, Kind::AcpiNvs)},
       {}},
      {"too few free frames for the metadata of the whole map",
       // 32 KiB free, and a reserved gigabyte whose frames still need metadata bits.
       {region(0, 32 * kKiB, Kind::Usable), region(1 * kMiB, 1 * kGiB, Kind::Usable)},
       {range(1 * kMiB, 1 * kMiB + 1 * kGiB)}},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name.c_str()) {
      Machine machine(c.map, c.reserved);
      mos::Result<A> result = A::create(machine.config());
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error() == Error::NoMemory);
    }
  }
}

TEST_CASE_TEMPLATE("frame allocator: a moved allocator keeps its state", A, BitmapFrameAllocator,
                   BuddyFrameAllocator) {
  Machine machine = qemu_like_machine();
  mos::Result<A> created = A::create(machine.config());
  REQUIRE(created.has_value());
  A first = std::move(created).value();
  mos::Result<PhysAddr> a = first.allocate(3);
  REQUIRE(a.has_value());
  FrameStats before = first.stats();
  A second = std::move(first);
  CHECK(same_stats(second.stats(), before));
  mos::Result<PhysAddr> b = second.allocate(3);
  REQUIRE(b.has_value());
  CHECK(*b != *a);
  CHECK(second.free(*a, 3).has_value());
  CHECK(second.free(*b, 3).has_value());
  CHECK_FALSE(second.free(*b, 3).has_value());
  CHECK(second.stats().free_frames == second.stats().total_frames);
}
