#pragma once
/// FirstFitHeap: the classic address-ordered first-fit allocator with boundary tags.
///
/// One free list holds every free block in address order; allocate takes the lowest-addressed
/// block that fits (address order keeps long-lived blocks low and free space in large runs, the
/// best fragmentation of the simple policies), splits off what it does not need, and free
/// merges the block with free physical neighbours at once. allocate is O(free blocks); free is
/// O(1) when a neighbour is free and otherwise O(free blocks) to find the block's place in the
/// list.
///
/// Every block begins with a 16-byte header {physically previous block, size | state tag}; the
/// payload follows (16-byte aligned). A free block keeps its list links in its payload. Memory
/// comes from the PageSource in arenas of at least kMinGrowBytes; each arena is bracketed by two
/// fence posts, headers that are never free, so merging never crosses from one arena into
/// another even when the PageSource hands out adjacent memory. Arenas are never given back.
///
/// Misuse caught at free: a misaligned pointer or a header without the live tag ("heap: free of
/// a pointer the heap never returned"), a header with the free tag ("heap: double free"),
/// neighbours that disagree with the header ("heap: corrupted block header").
///
/// Not synchronised: the kernel's global heap wraps it in a SpinLock.

#include <mm/boundary_tag.hpp>
#include <mm/heap.hpp>

#include <k/intrusive_list.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::mm {

/// An address-ordered first-fit heap over a PageSource; see the file comment.
class FirstFitHeap {
 public:
  /// The smallest arena taken from the PageSource.
  static constexpr std::size_t kMinGrowBytes = 64 * 1024;
  /// Bytes of a block header (and the distance from a header to its payload).
  static constexpr std::size_t kHeaderBytes = 16;
  /// The smallest payload: a free block keeps its list links there.
  static constexpr std::size_t kMinPayload = 16;

  /// An empty heap; arenas are taken from `source` when needed.
  explicit FirstFitHeap(PageSource& source) noexcept : source_(source) {}
  FirstFitHeap(const FirstFitHeap&) = delete;
  FirstFitHeap& operator=(const FirstFitHeap&) = delete;

  /// See the Heap concept.
  Result<void*> allocate(std::size_t size, std::size_t alignment = 0) noexcept;
  /// See the Heap concept.
  void free(void* p) noexcept;
  /// The payload size of p's block.
  std::size_t usable_size(const void* p) const noexcept;
  /// See HeapStats. O(free blocks).
  HeapStats stats() const noexcept;

  /// Walks every arena and the free list and checks the invariants (fences, physical links,
  /// tags, no adjacent free blocks, address order, counters). O(blocks); for tests.
  bool validate() const noexcept;

 private:
  struct Arena;
  // The header at the start of every block.
  struct Block : BoundaryTag<Block> {};
  // A free block: its header, then its links in what would be the payload.
  struct FreeBlock {
    Block header;
    ListNode node;
  };
  using FreeList = IntrusiveList<FreeBlock, &FreeBlock::node>;

  static bool fits(Block* block, std::size_t payload, std::size_t align, std::byte*& out) noexcept;
  Block* carve(FreeBlock* free_block, std::byte* payload_at, std::size_t payload) noexcept;
  Result<FreeBlock*> add_arena(std::size_t payload, std::size_t align) noexcept;
  FreeBlock* make_free(Block* block) noexcept;
  void insert_ordered(FreeBlock* block) noexcept;
  Block* live_block(const void* p) const noexcept;

  PageSource& source_;
  FreeList free_list_;  // Every free block, in address order.
  Arena* arenas_ = nullptr;
  std::size_t bytes_from_source_ = 0;
  std::size_t bytes_allocated_ = 0;
  std::size_t live_allocations_ = 0;
  std::size_t peak_bytes_allocated_ = 0;
};

static_assert(Heap<FirstFitHeap>);

}  // namespace mos::mm
