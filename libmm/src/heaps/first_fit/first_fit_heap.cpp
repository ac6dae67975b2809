#include <mm/first_fit_heap.hpp>

#include <k/address.hpp>
#include <k/panic.hpp>

#include <iterator>
#include <new>

namespace mos::mm {

namespace {

using Tag = BoundaryTagLayout;
constexpr std::uint16_t kTagUsed = Tag::kTagUsed;
constexpr std::uint16_t kTagFree = Tag::kTagFree;
constexpr std::uint16_t kTagFence = Tag::kTagBoundary;
constexpr std::size_t kGranule = kMinHeapAlignment;
constexpr std::size_t kMinBlockBytes = Tag::kBytes + FirstFitHeap::kMinPayload;
constexpr std::size_t kArenaRecordBytes = 16;
// Arena record, two fence posts and the first block's header.
constexpr std::size_t kArenaOverhead = kArenaRecordBytes + 3 * Tag::kBytes;

}  // namespace

// The first bytes of every arena: the arena chain, walked only by validate().
struct FirstFitHeap::Arena {
  Arena* next;
  std::size_t bytes;
};

FirstFitHeap::FreeBlock* FirstFitHeap::make_free(Block* block) noexcept {
  block->set(block->size(), kTagFree);
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
  std::byte* start = block->payload();
  auto at = reinterpret_cast<std::byte*>(align_up(reinterpret_cast<std::uintptr_t>(start), align));
  // A gap in front of the payload must hold a free block of its own.
  if (at != start && static_cast<std::size_t>(at - start) < kMinBlockBytes) at += align;
  if (at + payload > start + block->size()) return false;
  out = at;
  return true;
}

FirstFitHeap::Block* FirstFitHeap::carve(FreeBlock* free_block, std::byte* payload_at,
                                         std::size_t payload) noexcept {
  Block* block = &free_block->header;
  // Where the tail goes back: right behind the block's place in the address-ordered list.
  FreeList::iterator place = std::next(free_list_.iterator_to(*free_block));
  if (payload_at != block->payload()) {
    // The gap in front stays a free block, in the same place in the list.
    auto gap = static_cast<std::size_t>(payload_at - block->payload());
    Block* next = block->next_phys();
    auto* rest = Block::create_at(payload_at - kHeaderBytes, block);
    rest->set(block->size() - gap, kTagUsed);
    next->prev_phys = rest;
    block->set(gap - kHeaderBytes, kTagFree);
    block = rest;
  } else {
    free_list_.erase(*free_block);
  }
  if (block->size() >= payload + kMinBlockBytes) {
    Block* next = block->next_phys();
    auto* tail = Block::create_at(block->payload() + payload, block);
    tail->set(block->size() - payload - kHeaderBytes, kTagFree);
    next->prev_phys = tail;
    block->set(payload, kTagUsed);
    free_list_.insert(place, *make_free(tail));
  }
  block->set(block->size(), kTagUsed);
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
  auto* low_fence = Block::create_at(span.data() + kArenaRecordBytes, nullptr);
  low_fence->set(0, kTagFence);
  auto* block = Block::create_at(low_fence->next_phys(), low_fence);
  block->set(bytes - kArenaOverhead, kTagFree);
  auto* high_fence = Block::create_at(block->next_phys(), block);
  high_fence->set(0, kTagFence);
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
  bytes_allocated_ += block->size();
  ++live_allocations_;
  if (bytes_allocated_ > peak_bytes_allocated_) peak_bytes_allocated_ = bytes_allocated_;
  return static_cast<void*>(block->payload());
}

FirstFitHeap::Block* FirstFitHeap::live_block(const void* p) const noexcept {
  Block* block = Block::live_at(p);
  // A fence bounds every arena from below, so a live block always has a lower neighbour.
  if (block->prev_phys == nullptr) detail::heap_corrupted(block);
  return block;
}

void FirstFitHeap::free(void* p) noexcept {
  if (p == nullptr) return;
  Block* block = live_block(p);
  bytes_allocated_ -= block->size();
  --live_allocations_;
  // Tagged free even when it is merged into its lower neighbour, so that its stale header
  // reports a second free of p as a double free.
  block->set(block->size(), kTagFree);

  Block* prev = block->prev_phys;
  Block* next = block->next_phys();
  bool prev_free = prev->tag() == kTagFree;
  bool next_free = next->tag() == kTagFree;
  if (prev_free && next_free) {
    free_list_.erase(*reinterpret_cast<FreeBlock*>(next));
    prev->set(prev->size() + 2 * kHeaderBytes + block->size() + next->size(), kTagFree);
    prev->next_phys()->prev_phys = prev;
  } else if (prev_free) {
    prev->set(prev->size() + kHeaderBytes + block->size(), kTagFree);
    next->prev_phys = prev;
  } else if (next_free) {
    // The merged block takes the upper neighbour's place in the list: nothing free lies
    // between the two.
    auto* upper = reinterpret_cast<FreeBlock*>(next);
    block->set(block->size() + kHeaderBytes + next->size(), kTagFree);
    block->next_phys()->prev_phys = block;
    free_list_.insert(free_list_.iterator_to(*upper), *make_free(block));
    free_list_.erase(*upper);
  } else {
    insert_ordered(make_free(block));
  }
}

std::size_t FirstFitHeap::usable_size(const void* p) const noexcept {
  return live_block(p)->size();
}

HeapStats FirstFitHeap::stats() const noexcept {
  HeapStats s;
  s.bytes_from_source = bytes_from_source_;
  s.bytes_allocated = bytes_allocated_;
  s.live_allocations = live_allocations_;
  s.peak_bytes_allocated = peak_bytes_allocated_;
  for (const FreeBlock& fb : free_list_) {
    std::size_t size = fb.header.size();
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
    if (fence->tag() != kTagFence || fence->size() != 0 || fence->prev_phys != nullptr) {
      return false;
    }
    Block* prev = fence;
    Block* block = fence->next_phys();
    while (block->tag() != kTagFence) {
      if (block->prev_phys != prev) return false;
      if (block->size() < kMinPayload || block->size() % kGranule != 0) return false;
      if (block->tag() == kTagFree) {
        if (prev->tag() == kTagFree) return false;  // Should have merged.
        ++free_blocks;
      } else if (block->tag() == kTagUsed) {
        used += block->size();
        ++live;
      } else {
        return false;
      }
      prev = block;
      block = block->next_phys();
    }
    if (block->prev_phys != prev || block->size() != 0) return false;
    if (block->payload() != reinterpret_cast<std::byte*>(arena) + arena->bytes) return false;
  }
  std::size_t listed = 0;
  const FreeBlock* last = nullptr;
  for (const FreeBlock& fb : free_list_) {
    if (fb.header.tag() != kTagFree) return false;
    if (last != nullptr && !(last < &fb)) return false;  // Address order.
    last = &fb;
    ++listed;
  }
  return arena_bytes == bytes_from_source_ && used == bytes_allocated_ &&
         live == live_allocations_ && listed == free_blocks;
}

}  // namespace mos::mm
