#pragma once
/// TlsfHeap: Two-Level Segregated Fit (Masmano, Ripoll, Crespo, Real: "TLSF: a New Dynamic
/// Memory Allocator for Real-Time Systems", ECRTS 2004). allocate and free take a bounded number
/// of steps whatever the heap holds: no loop visits blocks or lists, only bit scans of two
/// levels of bitmaps.
///
/// Free blocks sit on segregated lists indexed by (fl, sl): the first level is the power of two
/// below the size, the second level splits that power of two into kSlCount equal classes (sizes
/// below kSmallBlock are split linearly into 16-byte classes instead). A bitmap per level says
/// which lists are non-empty, so "the first non-empty list at or above a class" is two
/// find-first-set operations. allocate rounds the request up to the next class start before
/// searching (good fit): every block on the list it finds is then large enough, and the head is
/// taken without looking further. Only when that finds nothing does it also try the head of the
/// request's own class (which may hold a block large enough) before growing.
///
/// Every block begins with a 16-byte header {physically previous block, size | state tag}; the
/// payload follows, so payloads are 16-byte aligned and blocks are found from their neighbours
/// in both directions (boundary tags). A free block keeps its free-list links in its payload.
/// free merges a block with free physical neighbours at once, so no two free blocks touch.
/// Pools come from the PageSource on demand (at least kMinPoolBytes); each begins with a small
/// pool record and ends with a sentinel header that is never free, so merging stops at pool
/// edges. Pools are never given back (the PageSource contract).
///
/// Misuse caught at free: a pointer that is not 16-byte aligned or whose header tag is not the
/// live tag (panic "heap: free of a pointer the heap never returned"), a block whose tag is the
/// free tag (panic "heap: double free"), and neighbours whose links disagree with the block
/// (panic "heap: corrupted block header").
///
/// Not synchronised: the kernel's global heap wraps it in a SpinLock.

#include <mm/heap.hpp>

#include <k/result.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace mos::mm {

/// A segregated free list of TLSF: first-level and second-level index.
struct TlsfClass {
  unsigned fl = 0;  ///< First level: 0 for sizes below kSmallBlock, else log2(size) - 8.
  unsigned sl = 0;  ///< Second level: which of the kSlCount slices of the first level.

  friend constexpr bool operator==(TlsfClass, TlsfClass) noexcept = default;
};

/// A TLSF heap over a PageSource; see the file comment.
class TlsfHeap {
 public:
  /// log2 of the number of second-level classes per first level.
  static constexpr unsigned kSlLog2 = 5;
  /// Second-level classes per first level.
  static constexpr unsigned kSlCount = 1u << kSlLog2;
  /// The size granule and payload alignment.
  static constexpr std::size_t kGranule = kMinHeapAlignment;
  /// Sizes below this share first level 0, split into kSlCount classes of kGranule bytes.
  static constexpr std::size_t kSmallBlock = kGranule * kSlCount;
  /// First-level classes: 0 for small sizes, then one per power of two up to 2^47 (the sizes a
  /// search can ask for are below 2^48 because requests are at most kMaxHeapAllocation).
  static constexpr unsigned kFlCount = 48 - std::countr_zero(kSmallBlock) + 1;
  /// The smallest pool taken from the PageSource.
  static constexpr std::size_t kMinPoolBytes = 64 * 1024;
  /// Bytes of a block header (and the distance from a header to its payload).
  static constexpr std::size_t kHeaderBytes = 16;
  /// The smallest payload: a free block keeps two list links there.
  static constexpr std::size_t kMinPayload = 16;

  /// The list a free block of payload `size` (a multiple of kGranule) belongs on (TLSF's
  /// mapping_insert).
  static constexpr TlsfClass class_of(std::size_t size) noexcept {
    if (size < kSmallBlock) return {0, static_cast<unsigned>(size / kGranule)};
    unsigned f = static_cast<unsigned>(std::bit_width(size)) - 1;
    return {f - kFlShift + 1, static_cast<unsigned>(size >> (f - kSlLog2)) ^ kSlCount};
  }
  /// The smallest size of class `c`.
  static constexpr std::size_t class_start(TlsfClass c) noexcept {
    if (c.fl == 0) return c.sl * kGranule;
    unsigned f = c.fl + kFlShift - 1;
    return (std::size_t{1} << f) + (std::size_t{c.sl} << (f - kSlLog2));
  }
  /// The smallest class start at or above `size`: every block in that class (or above) holds
  /// `size` bytes (the rounding of TLSF's mapping_search).
  static constexpr std::size_t round_up_to_class(std::size_t size) noexcept {
    if (size < kSmallBlock) return (size + kGranule - 1) & ~(kGranule - 1);
    std::size_t step = std::size_t{1} << (std::bit_width(size) - 1 - kSlLog2);
    return (size + step - 1) & ~(step - 1);
  }
  /// The first list a request for `size` payload bytes searches (TLSF's mapping_search).
  static constexpr TlsfClass search_class(std::size_t size) noexcept {
    return class_of(round_up_to_class(size));
  }

  /// An empty heap; pools are taken from `source` when needed.
  explicit TlsfHeap(PageSource& source) noexcept : source_(source) {}
  TlsfHeap(const TlsfHeap&) = delete;
  TlsfHeap& operator=(const TlsfHeap&) = delete;

  /// See the Heap concept. O(1): two bitmap searches, at most two splits.
  Result<void*> allocate(std::size_t size, std::size_t alignment = 0) noexcept;
  /// See the Heap concept. O(1): at most two merges.
  void free(void* p) noexcept;
  /// The payload size of p's block (the request rounded up to 16, or a little more when the
  /// remainder was too small to split off).
  std::size_t usable_size(const void* p) const noexcept;
  /// See HeapStats. largest_free_block is the start of the highest non-empty class: the
  /// largest request that is sure to be met without growing (larger ones round up past every
  /// list, and only the head of their own class may still happen to hold them).
  HeapStats stats() const noexcept;

  /// Walks every pool and list and checks the invariants (physical links, tags, no adjacent
  /// free blocks, list membership, bitmaps, counters). O(blocks); for tests.
  bool validate() const noexcept;

 private:
  struct Block;
  struct FreeBlock;
  struct Pool;

  // log2(kSmallBlock): the first power of two with a first level of its own.
  static constexpr unsigned kFlShift = std::countr_zero(kSmallBlock);

  FreeBlock* find_free(std::size_t size) const noexcept;
  void insert_free(Block* block) noexcept;
  void remove_free(Block* block) noexcept;
  Result<void> add_pool(std::size_t search_size) noexcept;
  Block* live_block(const void* p) const noexcept;

  PageSource& source_;
  std::uint64_t fl_bitmap_ = 0;
  std::array<std::uint32_t, kFlCount> sl_bitmap_ = {};
  std::array<std::array<FreeBlock*, kSlCount>, kFlCount> heads_ = {};
  Pool* pools_ = nullptr;
  std::size_t bytes_from_source_ = 0;
  std::size_t bytes_allocated_ = 0;
  std::size_t bytes_free_ = 0;
  std::size_t live_allocations_ = 0;
  std::size_t peak_bytes_allocated_ = 0;
};

static_assert(Heap<TlsfHeap>);

}  // namespace mos::mm
