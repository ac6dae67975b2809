#pragma once
/// The StackSource of images: kernel stacks in a virtual region of their own, each a slot of
/// kSlotBytes whose lowest page stays unmapped (the guard page: an overflow faults and is
/// reported, instead of corrupting whatever lies below). Stack pages are frames from libmm,
/// mapped read-write and no-execute in the kernel page table and unmapped (their frames freed)
/// when the stack is freed. Machine images only (it edits the kernel page table).

#include <sched/stack_source.hpp>

#include <k/address.hpp>
#include <k/spin_lock.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace mos::sched {

/// See the file comment.
class KernelStacks final : public StackSource {
 public:
  /// Where the region starts (libmm/README.md lists the kernel's virtual layout).
  static constexpr std::uint64_t kRegionBase = 0xffffc80000000000ULL;
  /// Virtual space per stack: the largest stack plus its guard page.
  static constexpr std::size_t kSlotBytes = 256 * 1024;
  /// How many stacks can exist at once.
  static constexpr std::size_t kSlots = 4096;
  /// The size of a default stack.
  static constexpr std::size_t kDefaultBytes = 16 * 1024;

  constexpr KernelStacks() noexcept = default;

  Result<Stack> allocate(std::size_t bytes) noexcept override;
  void free(Stack stack) noexcept override;
  std::size_t default_bytes() const noexcept override { return kDefaultBytes; }

  /// Stacks allocated and not yet freed.
  std::size_t outstanding() const noexcept { return outstanding_; }

 private:
  // Unmaps the first `mapped_bytes` of the stack at `base` (freeing their frames) and frees
  // its slot.
  void release(std::size_t slot, VirtAddr base, std::size_t mapped_bytes) noexcept;

  SpinLock lock_;
  std::array<std::uint64_t, kSlots / 64> used_ = {};
  std::size_t outstanding_ = 0;
};

}  // namespace mos::sched
