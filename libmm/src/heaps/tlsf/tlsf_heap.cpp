#include <mm/boundary_tag.hpp>
#include <mm/tlsf_heap.hpp>

#include <k/address.hpp>
#include <k/panic.hpp>

#include <new>

namespace mos::mm {

namespace {

using Tag = BoundaryTagLayout;
constexpr std::uint16_t kTagUsed = Tag::kTagUsed;
constexpr std::uint16_t kTagFree = Tag::kTagFree;
constexpr std::uint16_t kTagSentinel = Tag::kTagBoundary;
// A gap in front of an aligned payload must hold a whole free block (header and links).
constexpr std::size_t kMinBlockBytes = TlsfHeap::kHeaderBytes + TlsfHeap::kMinPayload;

}  // namespace

struct TlsfHeap::Block : BoundaryTag<TlsfHeap::Block> {};

struct TlsfHeap::FreeBlock : TlsfHeap::Block {
  FreeBlock* next_free;
  FreeBlock* prev_free;
};

// The first bytes of every pool: the pool chain, walked only by validate().
struct TlsfHeap::Pool {
  Pool* next;
  std::size_t bytes;
};

namespace {
constexpr std::size_t kPoolRecordBytes = 16;
// Pool record, the first block's header and the sentinel.
constexpr std::size_t kPoolOverhead = kPoolRecordBytes + 2 * TlsfHeap::kHeaderBytes;
}  // namespace

TlsfHeap::FreeBlock* TlsfHeap::find_free(std::size_t size) const noexcept {
  TlsfClass c = search_class(size);
  if (c.fl >= kFlCount) return nullptr;
  std::uint32_t sl_map = sl_bitmap_[c.fl] & (~std::uint32_t{0} << c.sl);
  if (sl_map == 0) {
    // Nothing in this first level at or above the class: the next non-empty first level.
    std::uint64_t fl_map = fl_bitmap_ & (~std::uint64_t{0} << (c.fl + 1));
    if (fl_map == 0) return nullptr;
    c.fl = static_cast<unsigned>(std::countr_zero(fl_map));
    sl_map = sl_bitmap_[c.fl];
  }
  c.sl = static_cast<unsigned>(std::countr_zero(sl_map));
  return heads_[c.fl][c.sl];
}

void TlsfHeap::insert_free(Block* block) noexcept {
  auto* fb = static_cast<FreeBlock*>(block);
  block->set(block->size(), kTagFree);
  TlsfClass c = class_of(block->size());
  FreeBlock*& head = heads_[c.fl][c.sl];
  fb->prev_free = nullptr;
  fb->next_free = head;
  if (head != nullptr) head->prev_free = fb;
  head = fb;
  sl_bitmap_[c.fl] |= std::uint32_t{1} << c.sl;
  fl_bitmap_ |= std::uint64_t{1} << c.fl;
  bytes_free_ += block->size();
}

void TlsfHeap::remove_free(Block* block) noexcept {
  auto* fb = static_cast<FreeBlock*>(block);
  TlsfClass c = class_of(block->size());
  if (fb->next_free != nullptr) fb->next_free->prev_free = fb->prev_free;
  if (fb->prev_free != nullptr) {
    fb->prev_free->next_free = fb->next_free;
  } else {
    FreeBlock*& head = heads_[c.fl][c.sl];
    MOS_ASSERT(head == fb);
    head = fb->next_free;
    if (head == nullptr) {
      sl_bitmap_[c.fl] &= ~(std::uint32_t{1} << c.sl);
      if (sl_bitmap_[c.fl] == 0) fl_bitmap_ &= ~(std::uint64_t{1} << c.fl);
    }
  }
  bytes_free_ -= block->size();
}

Result<void> TlsfHeap::add_pool(std::size_t search_size) noexcept {
  // The new block must land in a class at or above the one the search starts from, or the
  // search after growing would miss it: size it to the rounded class start, not the request.
  std::size_t want = round_up_to_class(search_size) + kPoolOverhead;
  if (want < kMinPoolBytes) want = kMinPoolBytes;
  want = align_up(want, kPageSize);
  std::span<std::byte> span = MOS_TRY(source_.grow(want));
  MOS_ASSERT(span.size() >= want);
  MOS_ASSERT(is_aligned(reinterpret_cast<std::uintptr_t>(span.data()), kPageSize));
  std::size_t bytes = span.size() & ~(kGranule - 1);

  auto* pool = ::new (span.data()) Pool{pools_, bytes};
  pools_ = pool;
  bytes_from_source_ += bytes;

  auto* first = Block::create_at(span.data() + kPoolRecordBytes, nullptr);
  first->set(bytes - kPoolOverhead, kTagFree);
  auto* sentinel = Block::create_at(first->next_phys(), first);
  sentinel->set(0, kTagSentinel);
  insert_free(first);
  return {};
}

Result<void*> TlsfHeap::allocate(std::size_t size, std::size_t alignment) noexcept {
  const std::size_t align = MOS_TRY(heap_request_alignment(size, alignment));
  const std::size_t payload = size < kMinPayload ? kMinPayload : align_up(size, kGranule);
  // Over-allocate for a larger alignment: the aligned payload's front gap is then 0 or at least
  // a minimum block, which goes back on a list, and the payload still fits behind it.
  const std::size_t search = align > kGranule ? payload + align + kMinBlockBytes : payload;

  FreeBlock* found = find_free(search);
  if (found == nullptr) {
    // The good-fit rounding skipped the request's own class, whose blocks may or may not be large
    // enough. Before growing, look at that class's head: one more constant-time step, and what
    // lets a block freed just now serve the same request again when the heap is full.
    TlsfClass own = class_of(search);
    if (own.fl < kFlCount && heads_[own.fl][own.sl] != nullptr &&
        heads_[own.fl][own.sl]->size() >= search) {
      found = heads_[own.fl][own.sl];
    }
  }
  if (found == nullptr) {
    MOS_TRY(add_pool(search));
    found = find_free(search);
    MOS_ASSERT(found != nullptr);
  }
  Block* block = found;
  remove_free(block);

  if (align > kGranule) {
    std::byte* start = block->payload();
    auto aligned =
        reinterpret_cast<std::byte*>(align_up(reinterpret_cast<std::uintptr_t>(start), align));
    if (aligned != start && static_cast<std::size_t>(aligned - start) < kMinBlockBytes) {
      aligned += align;
    }
    if (aligned != start) {
      // Split off the gap as a free block. Its lower neighbour is in use (the block was free,
      // and free blocks never touch), so it needs no merging.
      auto gap = static_cast<std::size_t>(aligned - start);
      Block* next = block->next_phys();
      auto* rest = Block::create_at(aligned - kHeaderBytes, block);
      rest->set(block->size() - gap, kTagUsed);
      next->prev_phys = rest;
      block->set(gap - kHeaderBytes, kTagFree);
      insert_free(block);
      block = rest;
    }
  }

  if (block->size() >= payload + kMinBlockBytes) {
    // Split off the tail; its upper neighbour is in use for the same reason.
    Block* next = block->next_phys();
    auto* tail = Block::create_at(block->payload() + payload, block);
    tail->set(block->size() - payload - kHeaderBytes, kTagFree);
    next->prev_phys = tail;
    block->set(payload, kTagUsed);
    insert_free(tail);
  }
  block->set(block->size(), kTagUsed);

  bytes_allocated_ += block->size();
  ++live_allocations_;
  if (bytes_allocated_ > peak_bytes_allocated_) peak_bytes_allocated_ = bytes_allocated_;
  return static_cast<void*>(block->payload());
}

TlsfHeap::Block* TlsfHeap::live_block(const void* p) const noexcept {
  return Block::live_at(p);
}

void TlsfHeap::free(void* p) noexcept {
  if (p == nullptr) return;
  Block* block = live_block(p);
  bytes_allocated_ -= block->size();
  --live_allocations_;
  // Tag it free first: if it is merged into its lower neighbour, its stale header still says
  // free, and a second free of p is reported as a double free.
  block->set(block->size(), kTagFree);

  Block* next = block->next_phys();
  Block* prev = block->prev_phys;
  if (prev != nullptr && prev->tag() == kTagFree) {
    remove_free(prev);
    prev->set(prev->size() + kHeaderBytes + block->size(), kTagFree);
    next->prev_phys = prev;
    block = prev;
  }
  if (next->tag() == kTagFree) {
    remove_free(next);
    block->set(block->size() + kHeaderBytes + next->size(), kTagFree);
    block->next_phys()->prev_phys = block;
  }
  insert_free(block);
}

std::size_t TlsfHeap::usable_size(const void* p) const noexcept {
  return live_block(p)->size();
}

HeapStats TlsfHeap::stats() const noexcept {
  HeapStats s;
  s.bytes_from_source = bytes_from_source_;
  s.bytes_allocated = bytes_allocated_;
  s.bytes_free = bytes_free_;
  s.live_allocations = live_allocations_;
  s.peak_bytes_allocated = peak_bytes_allocated_;
  if (fl_bitmap_ != 0) {
    auto fl = static_cast<unsigned>(std::bit_width(fl_bitmap_) - 1);
    auto sl = static_cast<unsigned>(std::bit_width(sl_bitmap_[fl]) - 1);
    s.largest_free_block = class_start({fl, sl});
  }
  return s;
}

bool TlsfHeap::validate() const noexcept {
  std::size_t pool_bytes = 0;
  std::size_t used = 0;
  std::size_t free_bytes = 0;
  std::size_t free_blocks = 0;
  std::size_t live = 0;
  for (Pool* pool = pools_; pool != nullptr; pool = pool->next) {
    pool_bytes += pool->bytes;
    auto* block = reinterpret_cast<Block*>(reinterpret_cast<std::byte*>(pool) + kPoolRecordBytes);
    if (block->prev_phys != nullptr) return false;
    Block* prev = nullptr;
    while (block->tag() != kTagSentinel) {
      if (block->prev_phys != prev) return false;
      if (block->tag() == kTagFree) {
        if (prev != nullptr && prev->tag() == kTagFree) return false;  // Should have merged.
        free_bytes += block->size();
        ++free_blocks;
      } else if (block->tag() == kTagUsed) {
        used += block->size();
        ++live;
      } else {
        return false;
      }
      if (block->size() < kMinPayload || block->size() % kGranule != 0) return false;
      prev = block;
      block = block->next_phys();
    }
    if (block->prev_phys != prev || block->size() != 0) return false;
    auto end = reinterpret_cast<std::byte*>(block) + kHeaderBytes;
    if (end != reinterpret_cast<std::byte*>(pool) + pool->bytes) return false;
  }

  std::size_t listed = 0;
  std::size_t listed_bytes = 0;
  for (unsigned fl = 0; fl < kFlCount; ++fl) {
    bool fl_bit = (fl_bitmap_ >> fl) & 1;
    if (fl_bit != (sl_bitmap_[fl] != 0)) return false;
    for (unsigned sl = 0; sl < kSlCount; ++sl) {
      FreeBlock* head = heads_[fl][sl];
      bool sl_bit = (sl_bitmap_[fl] >> sl) & 1;
      if (sl_bit != (head != nullptr)) return false;
      FreeBlock* prev = nullptr;
      for (FreeBlock* b = head; b != nullptr; b = b->next_free) {
        if (b->prev_free != prev || b->tag() != kTagFree) return false;
        if (class_of(b->size()) != TlsfClass{fl, sl}) return false;
        ++listed;
        listed_bytes += b->size();
        prev = b;
      }
    }
  }
  return pool_bytes == bytes_from_source_ && used == bytes_allocated_ &&
         live == live_allocations_ && free_bytes == bytes_free_ && listed == free_blocks &&
         listed_bytes == bytes_free_;
}

}  // namespace mos::mm
