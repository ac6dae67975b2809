#include <mm/frame_ref_counts.hpp>

namespace mos::mm {

FrameRefCounts::FrameRefCounts(PhysRange range, std::span<Count> storage) noexcept
    : range_(range), counts_(storage) {
  MOS_ASSERT(range.start.is_aligned(kPageSize) && range.end.is_aligned(kPageSize));
  MOS_ASSERT(storage.size() >= entries_for(range));
  counts_ = storage.first(entries_for(range));
  for (Count& c : counts_) c = 0;
}

void FrameRefCounts::set_first(PhysAddr frame) noexcept {
  Count expected = 0;
  bool was_free = std::atomic_ref<Count>(slot(frame))
                      .compare_exchange_strong(expected, 1, std::memory_order_acq_rel);
  if (!was_free) MOS_PANIC("frame {} handed out while it has {} references", frame, expected);
}

Result<void> FrameRefCounts::increment(PhysAddr frame) noexcept {
  std::atomic_ref<Count> count(slot(frame));
  Count current = count.load(std::memory_order_relaxed);
  do {
    MOS_ASSERT(current > 0);  // Only a referenced frame can gain a sharer.
    if (current == kMaxCount) return Error::Overflow;
  } while (!count.compare_exchange_weak(current, static_cast<Count>(current + 1),
                                        std::memory_order_acq_rel, std::memory_order_relaxed));
  return {};
}

FrameRefCounts::Count FrameRefCounts::decrement(PhysAddr frame) noexcept {
  Count before = std::atomic_ref<Count>(slot(frame)).fetch_sub(1, std::memory_order_acq_rel);
  if (before == 0) MOS_PANIC("reference dropped on unreferenced frame {}", frame);
  return static_cast<Count>(before - 1);
}

}  // namespace mos::mm
