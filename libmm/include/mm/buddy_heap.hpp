#pragma once
/// BuddyHeap: a binary buddy allocator for heap-sized blocks (Knowlton 1965; Knuth TAOCP vol. 1,
/// 2.5).
///
/// Blocks are powers of two from kMinBlockBytes (order kMinOrder) to kChunkBytes (order
/// kMaxOrder). A request takes the smallest order whose block holds a 16-byte header plus the
/// payload; a larger free block is halved until it has that order, the upper halves going onto
/// the per-order free lists. free merges a block with its buddy (the other half of the block
/// they were split from, found by flipping one bit of the offset) for as long as the buddy is
/// free and whole. Both are O(orders).
///
/// Each block's header records the base and order of the chunk it belongs to, its own order,
/// its state and a magic number, so free needs no lookup structure and can check what it is
/// given: the magic, the state (a free block is a double free), the order and that the block
/// sits at a multiple of its size inside its chunk. Chunks come from the PageSource, kChunkBytes
/// at a time; memory a grant has beyond whole chunks becomes smaller chunks of the largest
/// powers of two that fit (at least a page), so nothing is wasted. Merging stops at a chunk's
/// own order, so chunks never merge with each other.
///
/// Requests whose block would exceed kChunkBytes get a span of their own: whole pages from the
/// PageSource, with a header of order kLargeOrder recording the span's length. A freed span
/// goes onto a list of free spans (the PageSource never takes memory back); a later large
/// request reuses the smallest span that holds it (splitting off a tail of at least kChunkBytes
/// as another free span), and when the heap needs a new chunk it breaks a free span into chunks
/// before asking the PageSource.
///
/// An alignment above 16 places the payload `alignment` bytes into its block (a block of at
/// least that size is aligned to it, as chunks start on pages) and puts a forwarding header just
/// in front of the payload that gives the distance back to the block's real header.
///
/// Not synchronised: the kernel's global heap wraps it in a SpinLock.

#include <mm/heap.hpp>

#include <k/intrusive_list.hpp>
#include <k/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace mos::mm {

/// A binary buddy heap over a PageSource; see the file comment.
class BuddyHeap {
 public:
  /// The order of the smallest block: 32 bytes, a header and 16 bytes of payload.
  static constexpr unsigned kMinOrder = 5;
  /// The order of a chunk, the largest block.
  static constexpr unsigned kMaxOrder = 20;
  /// Bytes of the smallest block.
  static constexpr std::size_t kMinBlockBytes = std::size_t{1} << kMinOrder;
  /// Bytes of a chunk taken from the PageSource.
  static constexpr std::size_t kChunkBytes = std::size_t{1} << kMaxOrder;
  /// Bytes of a block header.
  static constexpr std::size_t kHeaderBytes = 16;

  /// An empty heap; chunks are taken from `source` when needed.
  explicit BuddyHeap(PageSource& source) noexcept : source_(source) {}
  BuddyHeap(const BuddyHeap&) = delete;
  BuddyHeap& operator=(const BuddyHeap&) = delete;

  /// See the Heap concept. O(orders), plus O(free spans) for a request above kChunkBytes.
  Result<void*> allocate(std::size_t size, std::size_t alignment = 0) noexcept;
  /// See the Heap concept. O(orders).
  void free(void* p) noexcept;
  /// The block (or span) size less the distance from its start to p.
  std::size_t usable_size(const void* p) const noexcept;
  /// See HeapStats. O(orders + free spans).
  HeapStats stats() const noexcept;

  /// The number of free blocks of `order` (kMinOrder..kMaxOrder); for tests.
  std::size_t free_blocks(unsigned order) const noexcept;
  /// The number of free large spans; for tests.
  std::size_t free_spans() const noexcept { return free_spans_.size(); }
  /// Checks every free list: headers, orders, placement, and that no free block has a free
  /// buddy of the same order (it should have merged). For tests.
  bool validate() const noexcept;

 private:
  // The header at the start of every block, span, and (for aligned payloads) in front of the
  // payload. `link` is the chunk's base for a block, the span's length for a span and the
  // distance from the real header for a forwarding header.
  struct Block {
    std::uintptr_t link;
    std::uint32_t magic;
    std::uint8_t order;
    std::uint8_t state;
    std::uint8_t chunk_order;
    std::uint8_t reserved;
  };
  struct FreeBlock {
    Block header;
    ListNode node;
  };
  using FreeList = IntrusiveList<FreeBlock, &FreeBlock::node>;
  static constexpr unsigned kOrderCount = kMaxOrder - kMinOrder + 1;

  Result<void> add_chunks() noexcept;
  void add_chunk_range(std::byte* start, std::size_t bytes) noexcept;
  Result<Block*> take_block(unsigned order) noexcept;
  Result<Block*> take_span(std::size_t bytes) noexcept;
  void push_free(Block* block) noexcept;
  Block* block_of(const void* p, std::size_t* offset) const noexcept;

  PageSource& source_;
  std::array<FreeList, kOrderCount> free_;  // Free blocks by order - kMinOrder.
  FreeList free_spans_;                     // Free large spans, in no order.
  std::size_t bytes_from_source_ = 0;
  std::size_t bytes_allocated_ = 0;
  std::size_t live_allocations_ = 0;
  std::size_t peak_bytes_allocated_ = 0;
};

static_assert(Heap<BuddyHeap>);

}  // namespace mos::mm
