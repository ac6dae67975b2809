#pragma once
/// A PageSource for host tests of heaps: page-aligned memory carved upwards from one host
/// mapping, up to a byte limit, counting what it hands out. Fresh memory is filled with garbage
/// (0xa5), as it would hold on a real machine, so a heap that relies on zeroes fails its tests.

#include <mm/heap.hpp>
#include <mm/page.hpp>

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

namespace mos::mm::testing {

/// Hands out page-aligned spans from a reserved host range of `limit_bytes`, failing with
/// Error::NoMemory once the next grant would pass the limit. Grants are adjacent in memory, which
/// is the case a heap must handle without merging across them.
class ArenaPageSource final : public PageSource {
 public:
  /// A source of at most `limit_bytes` (rounded down to pages). `extra_pages` are added to every
  /// grant, to check that heaps use (or at least tolerate) more than they asked for.
  explicit ArenaPageSource(std::size_t limit_bytes, std::size_t extra_pages = 0)
      : limit_(limit_bytes & ~(kPageSize - 1)), extra_(extra_pages * kPageSize) {
    reserved_ = limit_ + kPageSize;
    void* p = ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) std::abort();
    base_ = static_cast<std::byte*>(p);
  }
  ~ArenaPageSource() { ::munmap(base_, reserved_); }
  ArenaPageSource(const ArenaPageSource&) = delete;
  ArenaPageSource& operator=(const ArenaPageSource&) = delete;

  Result<std::span<std::byte>> grow(std::size_t min_bytes) noexcept override {
    // The contract: a positive multiple of the page size. Anything else is a heap bug.
    if (min_bytes == 0 || min_bytes % kPageSize != 0) std::abort();
    ++grow_calls_;
    std::size_t bytes = min_bytes + extra_;
    if (bytes < min_bytes || bytes > limit_ - used_) {
      ++failed_grows_;
      return Error::NoMemory;
    }
    std::byte* span = base_ + used_;
    used_ += bytes;
    ++grants_;
    std::memset(span, 0xa5, bytes);
    return std::span<std::byte>(span, bytes);
  }

  /// Bytes handed out so far.
  std::size_t bytes_granted() const { return used_; }
  /// Successful grow() calls.
  std::size_t grants() const { return grants_; }
  /// All grow() calls, successful or not.
  std::size_t grow_calls() const { return grow_calls_; }
  /// grow() calls that failed with NoMemory.
  std::size_t failed_grows() const { return failed_grows_; }
  /// The byte limit.
  std::size_t limit() const { return limit_; }
  /// Changes the limit (not below what is already granted, and not above the reservation).
  void set_limit(std::size_t limit_bytes) {
    limit_bytes &= ~(kPageSize - 1);
    if (limit_bytes < used_ || limit_bytes + kPageSize > reserved_) std::abort();
    limit_ = limit_bytes;
  }
  /// Whether [p, p + n) lies inside memory handed out.
  bool contains(const void* p, std::size_t n) const {
    auto* b = static_cast<const std::byte*>(p);
    return b >= base_ && n <= used_ && b - base_ <= static_cast<std::ptrdiff_t>(used_ - n);
  }

 private:
  std::byte* base_ = nullptr;
  std::size_t reserved_ = 0;
  std::size_t limit_ = 0;
  std::size_t extra_ = 0;
  std::size_t used_ = 0;
  std::size_t grants_ = 0;
  std::size_t grow_calls_ = 0;
  std::size_t failed_grows_ = 0;
};

}  // namespace mos::mm::testing
