#pragma once
/// Simulated physical memory for host tests of libmm: a range of "physical" addresses backed by
/// a lazily committed host mapping, a PhysMap that reaches it, and a FrameSource over it that
/// counts what is outstanding (so tests can prove nothing leaks).

#include <mm/frame_source.hpp>
#include <mm/page.hpp>

#include <k/boot_info.hpp>

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

namespace mos::mm::testing {

/// `size` bytes of simulated RAM at physical address `base`. Pages are committed on first touch
/// (MAP_NORESERVE), so gigabytes of "RAM" cost only what a test writes.
class SimulatedRam {
 public:
  SimulatedRam(PhysAddr base, std::size_t size) : base_(base), size_(size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) std::abort();
    memory_ = static_cast<std::byte*>(p);
  }
  ~SimulatedRam() { ::munmap(memory_, size_); }
  SimulatedRam(const SimulatedRam&) = delete;
  SimulatedRam& operator=(const SimulatedRam&) = delete;

  /// Reaches physical address p at memory_ + (p - base).
  PhysMap phys_map() const {
    return PhysMap(reinterpret_cast<std::uintptr_t>(memory_) - base_.value());
  }
  PhysAddr base() const { return base_; }
  PhysAddr end() const { return base_ + size_; }
  std::size_t size() const { return size_; }
  /// A pointer into the simulation.
  std::byte* at(PhysAddr p) const { return memory_ + (p - base_); }

 private:
  PhysAddr base_;
  std::size_t size_;
  std::byte* memory_ = nullptr;
};

/// A FrameSource handing out frames of a SimulatedRam from `first` upwards (naturally aligned
/// blocks, freed blocks reused), failing after `limit_frames` frames are outstanding, and
/// checking every free against what it handed out (a bad free fails the test by aborting).
class CountingFrameSource final : public FrameSource {
 public:
  CountingFrameSource(SimulatedRam& ram, PhysAddr first, std::uint64_t limit_frames)
      : ram_(ram), next_(first), limit_(limit_frames) {}

  Result<PhysAddr> allocate_frames(unsigned order) noexcept override {
    std::uint64_t count = std::uint64_t{1} << order;
    if (outstanding_frames_ + count > limit_) return Error::NoMemory;
    PhysAddr block;
    auto& pool = free_[order];
    if (!pool.empty()) {
      block = PhysAddr(*pool.begin());
      pool.erase(pool.begin());
    } else {
      block = next_.align_up(count * kPageSize);
      if (block + count * kPageSize > ram_.end()) return Error::NoMemory;
      next_ = block + count * kPageSize;
    }
    live_[block.value()] = order;
    outstanding_frames_ += count;
    ++allocations_;
    // Fresh frames hold garbage on real machines: callers must not rely on zeroes.
    for (std::uint64_t i = 0; i < count * kPageSize; i += 64) {
      ram_.at(block)[i] = std::byte{0xa5};
    }
    return block;
  }

  void free_frames(PhysAddr base, unsigned order) noexcept override {
    auto it = live_.find(base.value());
    if (it == live_.end() || it->second != order) std::abort();  // A bad free is a test failure.
    live_.erase(it);
    free_[order].insert(base.value());
    outstanding_frames_ -= std::uint64_t{1} << order;
  }

  /// Frames handed out and not yet returned.
  std::uint64_t outstanding_frames() const { return outstanding_frames_; }
  /// allocate_frames calls that succeeded.
  std::uint64_t allocations() const { return allocations_; }
  /// Whether `base` is the start of an outstanding block.
  bool is_outstanding(PhysAddr base) const { return live_.count(base.value()) != 0; }
  void set_limit(std::uint64_t limit_frames) { limit_ = limit_frames; }

 private:
  SimulatedRam& ram_;
  PhysAddr next_;
  std::uint64_t limit_;
  std::uint64_t outstanding_frames_ = 0;
  std::uint64_t allocations_ = 0;
  std::map<std::uint64_t, unsigned> live_;
  std::map<unsigned, std::set<std::uint64_t>> free_;
};

}  // namespace mos::mm::testing
