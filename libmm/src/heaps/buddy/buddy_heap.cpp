#include <mm/buddy_heap.hpp>

#include <k/address.hpp>
#include <k/panic.hpp>

#include <bit>
#include <new>

namespace mos::mm {

namespace {

constexpr std::uint32_t kMagic = 0xb0dd1e5a;
constexpr std::uint8_t kStateUsed = 0x55;
constexpr std::uint8_t kStateFree = 0xfe;
// Orders that are not block orders: a large span, and a forwarding header.
constexpr std::uint8_t kLargeOrder = 0xff;
constexpr std::uint8_t kForwardOrder = 0xfe;

}  // namespace

void BuddyHeap::push_free(Block* block) noexcept {
  block->state = kStateFree;
  auto* fb = reinterpret_cast<FreeBlock*>(block);
  ::new (&fb->node) ListNode();
  if (block->order == kLargeOrder) {
    free_spans_.push_front(*fb);
  } else {
    free_[block->order - kMinOrder].push_front(*fb);
  }
}

void BuddyHeap::add_chunk_range(std::byte* start, std::size_t bytes) noexcept {
  bytes &= ~(kPageSize - 1);
  while (bytes >= kPageSize) {
    unsigned order = static_cast<unsigned>(std::bit_width(bytes)) - 1;
    if (order > kMaxOrder) order = kMaxOrder;
    auto base = reinterpret_cast<std::uintptr_t>(start);
    auto o = static_cast<std::uint8_t>(order);
    push_free(::new (start) Block{base, kMagic, o, kStateFree, o, 0});
    start += std::size_t{1} << order;
    bytes -= std::size_t{1} << order;
  }
}

Result<void> BuddyHeap::add_chunks() noexcept {
  // A free span is memory the heap already has: break it into chunks before growing.
  if (FreeBlock* span = free_spans_.pop_front(); span != nullptr) {
    add_chunk_range(reinterpret_cast<std::byte*>(span), span->header.link);
    return {};
  }
  std::span<std::byte> grant = MOS_TRY(source_.grow(kChunkBytes));
  MOS_ASSERT(grant.size() >= kChunkBytes);
  MOS_ASSERT(is_aligned(reinterpret_cast<std::uintptr_t>(grant.data()), kPageSize));
  std::size_t bytes = grant.size() & ~(kPageSize - 1);
  bytes_from_source_ += bytes;
  add_chunk_range(grant.data(), bytes);
  return {};
}

Result<BuddyHeap::Block*> BuddyHeap::take_block(unsigned order) noexcept {
  unsigned k = order;
  for (;;) {
    while (k <= kMaxOrder && free_[k - kMinOrder].empty()) ++k;
    if (k <= kMaxOrder) break;
    // Every chunk added has order kMaxOrder (grants and free spans are at least a chunk), so
    // the next search succeeds.
    MOS_TRY(add_chunks());
    k = order;
  }
  Block* block = &free_[k - kMinOrder].pop_front()->header;
  while (k > order) {
    --k;
    auto* upper = ::new (reinterpret_cast<std::byte*>(block) + (std::size_t{1} << k))
        Block{block->link, kMagic, static_cast<std::uint8_t>(k), kStateFree, block->chunk_order, 0};
    push_free(upper);
  }
  block->order = static_cast<std::uint8_t>(order);
  block->state = kStateUsed;
  return block;
}

Result<BuddyHeap::Block*> BuddyHeap::take_span(std::size_t bytes) noexcept {
  FreeBlock* best = nullptr;
  for (FreeBlock& span : free_spans_) {
    if (span.header.link >= bytes && (best == nullptr || span.header.link < best->header.link)) {
      best = &span;
    }
  }
  Block* block = nullptr;
  if (best != nullptr) {
    free_spans_.erase(*best);
    block = &best->header;
  } else {
    std::span<std::byte> grant = MOS_TRY(source_.grow(bytes));
    MOS_ASSERT(grant.size() >= bytes);
    MOS_ASSERT(is_aligned(reinterpret_cast<std::uintptr_t>(grant.data()), kPageSize));
    std::size_t length = grant.size() & ~(kPageSize - 1);
    bytes_from_source_ += length;
    block = ::new (grant.data()) Block{length, kMagic, kLargeOrder, kStateUsed, 0, 0};
  }
  if (block->link - bytes >= kChunkBytes) {
    // Keep a tail worth a chunk or more as a span of its own.
    auto* tail = ::new (reinterpret_cast<std::byte*>(block) + bytes)
        Block{block->link - bytes, kMagic, kLargeOrder, kStateFree, 0, 0};
    push_free(tail);
    block->link = bytes;
  }
  block->state = kStateUsed;
  return block;
}

Result<void*> BuddyHeap::allocate(std::size_t size, std::size_t alignment) noexcept {
  const std::size_t align = MOS_TRY(heap_request_alignment(size, alignment));
  // The payload's distance from its block's start: a header, or for a larger alignment one
  // alignment (a block of at least that size is aligned to it).
  const std::size_t front = align > kHeaderBytes ? align : kHeaderBytes;
  // A size-0 request still gets a byte, so that its pointer lies inside its own block.
  const std::size_t need = front + (size == 0 ? 1 : size);

  Block* block = nullptr;
  if (need <= kChunkBytes) {
    unsigned order = static_cast<unsigned>(std::bit_width(need - 1));
    if (order < kMinOrder) order = kMinOrder;
    block = MOS_TRY(take_block(order));
  } else {
    block = MOS_TRY(take_span(align_up(need, kPageSize)));
  }
  auto* payload = reinterpret_cast<std::byte*>(block) + front;
  if (front != kHeaderBytes) {
    ::new (payload - kHeaderBytes) Block{front, kMagic, kForwardOrder, kStateUsed, 0, 0};
  }
  std::size_t usable =
      (block->order == kLargeOrder ? block->link : std::size_t{1} << block->order) - front;
  bytes_allocated_ += usable;
  ++live_allocations_;
  if (bytes_allocated_ > peak_bytes_allocated_) peak_bytes_allocated_ = bytes_allocated_;
  return static_cast<void*>(payload);
}

BuddyHeap::Block* BuddyHeap::block_of(const void* p, std::size_t* offset) const noexcept {
  auto address = reinterpret_cast<std::uintptr_t>(p);
  if (!is_aligned(address, kMinHeapAlignment)) detail::heap_foreign_pointer(p);
  auto* block = reinterpret_cast<Block*>(address - kHeaderBytes);
  if (block->magic != kMagic) detail::heap_foreign_pointer(p);
  std::size_t front = kHeaderBytes;
  if (block->order == kForwardOrder) {
    if (block->state == kStateFree) detail::heap_double_free(p);
    if (block->state != kStateUsed) detail::heap_foreign_pointer(p);
    front = block->link;
    if (front <= kHeaderBytes || front > kMaxHeapAlignment || !std::has_single_bit(front)) {
      detail::heap_corrupted(block);
    }
    block = reinterpret_cast<Block*>(address - front);
    if (block->magic != kMagic) detail::heap_corrupted(block);
  }
  if (block->state == kStateFree) detail::heap_double_free(p);
  if (block->state != kStateUsed) detail::heap_foreign_pointer(p);
  if (block->order == kLargeOrder) {
    if (block->link < front + kHeaderBytes || !is_aligned(block->link, kPageSize)) {
      detail::heap_corrupted(block);
    }
  } else {
    // A block lies at a multiple of its size inside a chunk of its recorded order.
    unsigned order = block->order;
    std::uintptr_t relative = reinterpret_cast<std::uintptr_t>(block) - block->link;
    if (order < kMinOrder || order > block->chunk_order || block->chunk_order > kMaxOrder ||
        !is_aligned(relative, std::uintptr_t{1} << order) ||
        relative >= (std::uintptr_t{1} << block->chunk_order) ||
        (std::size_t{1} << order) <= front) {
      detail::heap_corrupted(block);
    }
  }
  *offset = front;
  return block;
}

void BuddyHeap::free(void* p) noexcept {
  if (p == nullptr) return;
  std::size_t front = 0;
  Block* block = block_of(p, &front);
  if (front != kHeaderBytes) {
    // The forwarding header is what a second free would find first.
    reinterpret_cast<Block*>(static_cast<std::byte*>(p) - kHeaderBytes)->state = kStateFree;
  }
  std::size_t length = block->order == kLargeOrder ? block->link : std::size_t{1} << block->order;
  bytes_allocated_ -= length - front;
  --live_allocations_;
  block->state = kStateFree;
  if (block->order == kLargeOrder) {
    push_free(block);
    return;
  }

  const std::uintptr_t base = block->link;
  unsigned order = block->order;
  while (order < block->chunk_order) {
    std::uintptr_t relative = reinterpret_cast<std::uintptr_t>(block) - base;
    auto* buddy = reinterpret_cast<Block*>(base + (relative ^ (std::uintptr_t{1} << order)));
    // The buddy's address always holds a header: the buddy is either whole or split, and a
    // split block's lowest part starts where it did.
    if (buddy->magic != kMagic || buddy->state != kStateFree || buddy->order != order) break;
    free_[order - kMinOrder].erase(*reinterpret_cast<FreeBlock*>(buddy));
    if (buddy < block) block = buddy;
    ++order;
  }
  block->order = static_cast<std::uint8_t>(order);
  push_free(block);
}

std::size_t BuddyHeap::usable_size(const void* p) const noexcept {
  std::size_t front = 0;
  const Block* block = block_of(p, &front);
  return (block->order == kLargeOrder ? block->link : std::size_t{1} << block->order) - front;
}

HeapStats BuddyHeap::stats() const noexcept {
  HeapStats s;
  s.bytes_from_source = bytes_from_source_;
  s.bytes_allocated = bytes_allocated_;
  s.live_allocations = live_allocations_;
  s.peak_bytes_allocated = peak_bytes_allocated_;
  for (unsigned order = kMinOrder; order <= kMaxOrder; ++order) {
    std::size_t count = free_[order - kMinOrder].size();
    if (count == 0) continue;
    std::size_t usable = (std::size_t{1} << order) - kHeaderBytes;
    s.bytes_free += count * usable;
    s.largest_free_block = usable;
  }
  for (const FreeBlock& span : free_spans_) {
    std::size_t usable = span.header.link - kHeaderBytes;
    s.bytes_free += usable;
    if (usable > s.largest_free_block) s.largest_free_block = usable;
  }
  return s;
}

std::size_t BuddyHeap::free_blocks(unsigned order) const noexcept {
  MOS_ASSERT(order >= kMinOrder && order <= kMaxOrder);
  return free_[order - kMinOrder].size();
}

bool BuddyHeap::validate() const noexcept {
  for (unsigned order = kMinOrder; order <= kMaxOrder; ++order) {
    for (const FreeBlock& fb : free_[order - kMinOrder]) {
      const Block& b = fb.header;
      if (b.magic != kMagic || b.state != kStateFree || b.order != order) return false;
      if (b.chunk_order < order || b.chunk_order > kMaxOrder) return false;
      std::uintptr_t relative = reinterpret_cast<std::uintptr_t>(&b) - b.link;
      if (!is_aligned(relative, std::uintptr_t{1} << order)) return false;
      if (relative >= (std::uintptr_t{1} << b.chunk_order)) return false;
      if (order < b.chunk_order) {
        auto* buddy =
            reinterpret_cast<const Block*>(b.link + (relative ^ (std::uintptr_t{1} << order)));
        if (buddy->magic != kMagic) return false;
        if (buddy->state == kStateFree && buddy->order == order) return false;  // Unmerged.
      }
    }
  }
  for (const FreeBlock& span : free_spans_) {
    const Block& b = span.header;
    if (b.magic != kMagic || b.state != kStateFree || b.order != kLargeOrder) return false;
    if (!is_aligned(b.link, kPageSize) || b.link < kChunkBytes) return false;
  }
  return true;
}

}  // namespace mos::mm
