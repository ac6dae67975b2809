#include <mm/first_fit_heap.hpp>

#include <k/address.hpp>
#include <k/panic.hpp>

#include <iterator>
#include <new>

namespace mos::mm {

namespace {

// The second header word: payload size in the low 48 bits (sizes are below 2^48 because
// requests are at most kMaxHeapAllocation), a state tag in the high 16. Tags rather than a bit,
// so that a stray pointer is unlikely to look like a block.
constexpr std::uint64_t kSizeMask = (std::uint64_t{1} << 48) - 1;
constexpr std::uint16_t kTagUsed = 0xa11c;
constexpr std::uint16_t kTagFree = 0xf7ee;
constexpr std::uint16_t kTagFence = 0xfe9c;
constexpr std::size_t kGranule = kMinHeapAlignment;
constexpr std::size_t kMinBlockBytes = FirstFitHeap::kHeaderBytes + FirstFitHeap::kMinPayload;
constexpr std::size_t kArenaRecordBytes = 16;
// Arena record, two fence posts and the first block's header.
constexpr std::size_t kArenaOverhead = kArenaRecordBytes + 3 * FirstFitHeap::kHeaderBytes;

}  // namespace

// The first bytes of every arena: the arena chain, walked only by validate().
struct FirstFitHeap::Arena {
  Arena* next;
  std::size_t bytes;
};

namespace {

// Typed access to the header words; the header struct itself is private to the class, so these
// take it as a template parameter.
template <class B>
std::size_t size_of(const B* b) noexcept {
  return b->word & kSizeMask;
}
template <class B>
std::uint16_t tag_of(const B* b) noexcept {
  return static_cast<std::uint16_t>(b->word >> 48);
}
template <class B>
void set(B* b, std::size_t size, std::uint16_t tag) noexcept {
  b->word = size | (std::uint64_t{tag} << 48);
}
template <class B>
std::byte* payload_of(B* b) noexcept {
  return reinterpret_cast<std::byte*>(b) + FirstFitHeap::kHeaderBytes;
}
template <class B>
B* next_of(B* b) noexcept {
  return reinterpret_cast<B*>(payload_of(b) + size_of(b));
}

}  // namespace

FirstFitHeap::FreeBlock* FirstFitHeap::make_free(Block* block) noexcept {
  set(block, size_of(block), kTagFree);
  auto* fb = reinterpret_cast<FreeBlock*>(block);
  ::new (&fb->node) ListNode();
  return fb;
}

void FirstFitHeap::insert_ordered(FreeBlock* block) noexcept {
  auto it = free_list_.begin();
  while (it != free_list_.end() && &*it < block) ++it;
  free_list_.insert(it, *block);
}

bool FirstFitHeap::fits(Block* block, std::size_t payload, std::size_t align,
                        std::byte*& out) noexcept {
  std::byte* start = payload_of(block);
  auto at = reinterpret_cast<std::byte*>(align_up(reinterpret_cast<std::uintptr_t>(start), align));
  // A gap in front of the payload must hold a free block of its own.
  if (at != start && static_cast<std::size_t>(at - start) < kMinBlockBytes) at += align;
  if (at + payload > start + size_of(block)) return false;
  out = at;
  return true;
}

FirstFitHeap::Block* FirstFitHeap::carve(FreeBlock* free_block, std::byte* payload_at,
                                         std::size_t payload) noexcept {
  Block* block = &free_block->header;
  // Where the tail goes back: right behind the block's place in the address-ordered list.
  FreeList::iterator place = std::next(free_list_.iterator_to(*free_block));
  if (payload_at != payload_of(block)) {
    // The gap in front stays a free block, in the same place in the list.
    auto gap = static_cast<std::size_t>(payload_at - payload_of(block));
    Block* next = next_of(block);
    auto* rest = ::new (payload_at - kHeaderBytes) Block{block, 0};
    set(rest, size_of(block) - gap, kTagUsed);
    next->prev_phys = rest;
    set(block, gap - kHeaderBytes, kTagFree);
    block = rest;
  } else {
    free_list_.erase(*free_block);
  }
  if (size_of(block) >= payload + kMinBlockBytes) {
    Block* next = next_of(block);
    auto* tail = ::new (payload_of(block) + payload) Block{block, 0};
    set(tail, size_of(block) - payload - kHeaderBytes, kTagFree);
    next->prev_phys = tail;
    set(block, payload, kTagUsed);
    free_list_.insert(place, *make_free(tail));
  }
  set(block, size_of(block), kTagUsed);
  return block;
}

Result<FirstFitHeap::FreeBlock*> FirstFitHeap::add_arena(std::size_t payload,
                                                         std::size_t align) noexcept {
  std::size_t want = payload + kArenaOverhead;
  if (align > kGranule) want += align + kMinBlockBytes;
  if (want < kMinGrowBytes) want = kMinGrowBytes;
  want = align_up(want, kPageSize);
  std::span<std::byte> span = MOS_TRY(source_.grow(want));
  MOS_ASSERT(span.size() >= want);
  MOS_ASSERT(is_aligned(reinterpret_cast<std::uintptr_t>(span.data()), kPageSize));
  std::size_t bytes = span.size() & ~(kGranule - 1);
  arenas_ = ::new (span.data()) Arena{arenas_, bytes};
  bytes_from_source_ += bytes;

  // [arena record][fence][block ... ][fence]
  auto* low_fence = ::new (span.data() + kArenaRecordBytes) Block{nullptr, 0};
  set(low_fence, 0, kTagFence);
  auto* block = ::new (next_of(low_fence)) Block{low_fence, 0};
  set(block, bytes - kArenaOverhead, kTagFree);
  auto* high_fence = ::new (next_of(block)) Block{block, 0};
  set(high_fence, 0, kTagFence);
  FreeBlock* fb = make_free(block);
  insert_ordered(fb);
  return fb;
}

Result<void*> FirstFitHeap::allocate(std::size_t size, std::size_t alignment) noexcept {
  const std::size_t align = MOS_TRY(heap_request_alignment(size, alignment));
  const std::size_t payload = size < kMinPayload ? kMinPayload : align_up(size, kGranule);

  std::byte* at = nullptr;
  FreeBlock* found = nullptr;
  for (FreeBlock& fb : free_list_) {
    if (fits(&fb.header, payload, align, at)) {
      found = &fb;
      break;
    }
  }
  if (found == nullptr) {
    found = MOS_TRY(add_arena(payload, align));
    bool ok = fits(&found->header, payload, align, at);
    MOS_ASSERT(ok);
  }
  Block* block = carve(found, at, payload);
  bytes_allocated_ += size_of(block);
  ++live_allocations_;
  if (bytes_allocated_ > peak_bytes_allocated_) peak_bytes_allocated_ = bytes_allocated_;
  return static_cast<void*>(payload_of(block));
}

FirstFitHeap::Block* FirstFitHeap::live_block(const void* p) const noexcept {
  if (!is_aligned(reinterpret_cast<std::uintptr_t>(p), kGranule)) {
    detail::heap_foreign_pointer(p);
  }
  auto* block = reinterpret_cast<Block*>(const_cast<std::byte*>(static_cast<const std::byte*>(p)) -
                                         kHeaderBytes);
  if (tag_of(block) == kTagFree) detail::heap_double_free(p);
  if (tag_of(block) != kTagUsed) detail::heap_foreign_pointer(p);
  // Fences bound every arena, so both neighbours exist and must point back.
  if (block->prev_phys == nullptr || next_of(block->prev_phys) != block ||
      next_of(block)->prev_phys != block) {
    detail::heap_corrupted(block);
  }
  return block;
}

void FirstFitHeap::free(void* p) noexcept {
  if (p == nullptr) return;
  Block* block = live_block(p);
  bytes_allocated_ -= size_of(block);
  --live_allocations_;
  // Tagged free even when it is merged into its lower neighbour, so that its stale header
  // reports a second free of p as a double free.
  set(block, size_of(block), kTagFree);

  Block* prev = block->prev_phys;
  Block* next = next_of(block);
  bool prev_free = tag_of(prev) == kTagFree;
  bool next_free = tag_of(next) == kTagFree;
  if (prev_free && next_free) {
    free_list_.erase(*reinterpret_cast<FreeBlock*>(next));
    set(prev, size_of(prev) + 2 * kHeaderBytes + size_of(block) + size_of(next), kTagFree);
    next_of(prev)->prev_phys = prev;
  } else if (prev_free) {
    set(prev, size_of(prev) + kHeaderBytes + size_of(block), kTagFree);
    next->prev_phys = prev;
  } else if (next_free) {
    // The merged block takes the upper neighbour's place in the list: nothing free lies
    // between the two.
    auto* upper = reinterpret_cast<FreeBlock*>(next);
    set(block, size_of(block) + kHeaderBytes + size_of(next), kTagFree);
    next_of(block)->prev_phys = block;
    free_list_.insert(free_list_.iterator_to(*upper), *make_free(block));
    free_list_.erase(*upper);
  } else {
    insert_ordered(make_free(block));
  }
}

std::size_t FirstFitHeap::usable_size(const void* p) const noexcept {
  return size_of(live_block(p));
}

HeapStats FirstFitHeap::stats() const noexcept {
  HeapStats s;
  s.bytes_from_source = bytes_from_source_;
  s.bytes_allocated = bytes_allocated_;
  s.live_allocations = live_allocations_;
  s.peak_bytes_allocated = peak_bytes_allocated_;
  for (const FreeBlock& fb : free_list_) {
    std::size_t size = size_of(&fb.header);
    s.bytes_free += size;
    if (size > s.largest_free_block) s.largest_free_block = size;
  }
  return s;
}

bool FirstFitHeap::validate() const noexcept {
  std::size_t arena_bytes = 0;
  std::size_t used = 0;
  std::size_t live = 0;
  std::size_t free_blocks = 0;
  for (Arena* arena = arenas_; arena != nullptr; arena = arena->next) {
    arena_bytes += arena->bytes;
    auto* fence = reinterpret_cast<Block*>(reinterpret_cast<std::byte*>(arena) + kArenaRecordBytes);
    if (tag_of(fence) != kTagFence || size_of(fence) != 0 || fence->prev_phys != nullptr) {
      return false;
    }
    Block* prev = fence;
    Block* block = next_of(fence);
    while (tag_of(block) != kTagFence) {
      if (block->prev_phys != prev) return false;
      if (size_of(block) < kMinPayload || size_of(block) % kGranule != 0) return false;
      if (tag_of(block) == kTagFree) {
        if (tag_of(prev) == kTagFree) return false;  // Should have merged.
        ++free_blocks;
      } else if (tag_of(block) == kTagUsed) {
        used += size_of(block);
        ++live;
      } else {
        return false;
      }
      prev = block;
      block = next_of(block);
    }
    if (block->prev_phys != prev || size_of(block) != 0) return false;
    if (payload_of(block) != reinterpret_cast<std::byte*>(arena) + arena->bytes) return false;
  }
  std::size_t listed = 0;
  const FreeBlock* last = nullptr;
  for (const FreeBlock& fb : free_list_) {
    if (tag_of(&fb.header) != kTagFree) return false;
    if (last != nullptr && !(last < &fb)) return false;  // Address order.
    last = &fb;
    ++listed;
  }
  return arena_bytes == bytes_from_source_ && used == bytes_allocated_ &&
         live == live_allocations_ && listed == free_blocks;
}

}  // namespace mos::mm
