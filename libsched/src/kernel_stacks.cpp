#include <sched/kernel_stacks.hpp>

#include <mm/kernel_memory.hpp>
#include <mm/page_table.hpp>

#include <bit>

namespace mos::sched {
namespace {

constexpr std::size_t kPage = mm::kPageSize;

// Gives each unmapped page's frame back to the frame allocator.
class FreeFrames final : public mm::UnmapVisitor {
 public:
  void unmapped(VirtAddr, PhysAddr frame, mm::PageSize) noexcept override {
    mm::kernel_frames().free_frames(frame, 0);
  }
};

}  // namespace

Result<Stack> KernelStacks::allocate(std::size_t bytes) noexcept {
  if (bytes == 0) bytes = kDefaultBytes;
  bytes = align_up(bytes, kPage);
  if (bytes > kSlotBytes - kPage) return Error::InvalidArgument;

  std::size_t slot = kSlots;
  {
    SpinLockGuard guard(lock_);
    for (std::size_t word = 0; word < used_.size() && slot == kSlots; ++word) {
      if (~used_[word] == 0) continue;
      const auto bit = static_cast<std::size_t>(std::countr_one(used_[word]));
      used_[word] |= std::uint64_t{1} << bit;
      slot = word * 64 + bit;
    }
    if (slot == kSlots) return Error::NoMemory;
    ++outstanding_;
  }

  // The stack occupies the top of its slot; everything below it, the guard page included,
  // stays unmapped.
  const VirtAddr top(kRegionBase + (slot + 1) * kSlotBytes);
  const VirtAddr base = top - bytes;
  mm::PageTable& table = mm::kernel_page_table();
  for (VirtAddr page = base; page < top; page += kPage) {
    auto frame = mm::kernel_frames().allocate_frames(0);
    Result<void> mapped = frame ? Result<void>() : Result<void>(frame.error());
    if (frame) {
      SpinLockGuard table_guard(mm::kernel_page_table_lock());
      mapped = table.map(page, *frame, mm::PageSize::Size4K,
                         mm::PageFlags::Writable | mm::PageFlags::Global);
    }
    if (!mapped) {
      if (frame) mm::kernel_frames().free_frames(*frame, 0);
      release(slot, base, static_cast<std::size_t>(page - base));
      return Error::NoMemory;
    }
  }
  return Stack{base.as_ptr<std::byte>(), bytes};
}

void KernelStacks::free(Stack stack) noexcept {
  const auto address = reinterpret_cast<std::uint64_t>(stack.base);
  release((address - kRegionBase) / kSlotBytes, VirtAddr(address), stack.bytes);
}

void KernelStacks::release(std::size_t slot, VirtAddr base, std::size_t mapped_bytes) noexcept {
  if (mapped_bytes > 0) {
    FreeFrames give_back;
    SpinLockGuard table_guard(mm::kernel_page_table_lock());
    auto unmapped = mm::kernel_page_table().unmap(base, mapped_bytes, &give_back);
    MOS_ASSERT(unmapped.has_value());  // 4 KiB pages: no split, so no table frame is needed.
  }
  SpinLockGuard guard(lock_);
  used_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
  --outstanding_;
}

}  // namespace mos::sched
