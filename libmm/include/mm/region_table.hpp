#pragma once
/// The regions of a user address space (what Linux calls VMAs) and the sorted table that holds
/// them. The table lives in frames taken from a FrameSource, so that an AddressSpace stays small
/// enough to live on a kernel stack and to move cheaply.

#include <mm/frame_source.hpp>
#include <mm/memory_object.hpp>
#include <mm/page.hpp>

#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

namespace mos::mm {

/// What a region allows (PROT_READ, PROT_WRITE, PROT_EXEC). x86-64 cannot express write or
/// execute without read, so Write and Execute imply Read once mapped, as on Linux.
enum class Protection : std::uint8_t {
  None = 0,
  Read = 1u << 0,
  Write = 1u << 1,
  Execute = 1u << 2,
};
/// Every valid protection bit.
inline constexpr std::uint8_t kProtectionMask = 0x7;
constexpr Protection operator|(Protection a, Protection b) noexcept {
  return static_cast<Protection>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr Protection operator&(Protection a, Protection b) noexcept {
  return static_cast<Protection>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
/// Whether all of `wanted` is in `protection`.
constexpr bool has(Protection protection, Protection wanted) noexcept {
  return (protection & wanted) == wanted;
}

/// What backs a region.
enum class RegionKind : std::uint8_t {
  /// Private anonymous memory: demand-zero pages in frames the address space owns (shared
  /// copy-on-write with clones, counted in FrameRefCounts).
  Anonymous,
  /// A fixed physical range (device memory, a framebuffer), mapped eagerly. The frames are not
  /// owned: never freed, never counted, shared as they are by clones.
  Physical,
  /// Pages of a MemoryObject (shared memory), mapped as they are touched and shared with every
  /// other mapping of the object, clones included: writes are seen by all, never copied. The
  /// region holds a mapping reference on the object; the frames are the object's.
  Shared,
};

/// How the CPU caches a physical region.
enum class CachePolicy : std::uint8_t {
  WriteBack,     ///< Ordinary RAM.
  WriteThrough,  ///< PWT: writes go straight to memory.
  Uncached,      ///< PCD|PWT: strong uncacheable, for MMIO registers.
};

/// A page-aligned range [start, end) of an address space with one protection and one backing.
struct Region {
  VirtAddr start;
  VirtAddr end;
  /// Physical regions: the physical address `start` leads to. Unused for anonymous regions.
  PhysAddr phys;
  Protection protection = Protection::None;
  RegionKind kind = RegionKind::Anonymous;
  /// Physical regions only; anonymous memory is always write-back.
  CachePolicy cache = CachePolicy::WriteBack;
  /// Shared regions: the object whose pages it maps, and the byte offset in it that `start`
  /// maps (page aligned).
  MemoryObject* object = nullptr;
  std::uint64_t object_offset = 0;
  /// False while no page of the region can be resident (nothing touched it since it was
  /// mapped), which lets whole-region walks (clone, protect, unmap) skip lazily mapped regions
  /// that were never used, such as large PROT_NONE reservations. A hint: true may be stale.
  bool populated = false;

  /// The size in bytes.
  constexpr std::uint64_t size() const noexcept { return end - start; }
  /// Whether `addr` lies inside.
  constexpr bool contains(VirtAddr addr) const noexcept { return addr >= start && addr < end; }
  /// The physical address that `addr` (inside a physical region) leads to.
  constexpr PhysAddr phys_of(VirtAddr addr) const noexcept { return phys + (addr - start); }
  /// The page of the object that `addr` (inside a shared region) maps.
  constexpr std::uint64_t object_page_of(VirtAddr addr) const noexcept {
    return (object_offset + (addr - start)) / kPageSize;
  }
  /// Moves the start up to `at` (inside), keeping what every remaining page maps.
  constexpr void advance_start(VirtAddr at) noexcept {
    phys = phys_of(at);
    object_offset += at - start;
    start = at;
  }
};
static_assert(std::is_trivially_copyable_v<Region>);

/// Regions sorted by address, not overlapping, stored in a block of 2^order frames that grows
/// (by copying into a larger block) up to 16 KiB. The table keeps the mapping references of
/// shared regions: inserting, splitting or copying one takes a reference on its object,
/// erasing or releasing one drops it. Lookups are binary searches, O(log n);
/// insertions and removals shift the tail, O(n) with n <= kMaxRegions. Not synchronised: the
/// owning AddressSpace's caller serialises.
class RegionTable {
 public:
  /// The largest block, in frames as a power of two.
  static constexpr unsigned kMaxOrder = 2;
  /// Room kept beyond the count an operation ends with, for the regions it holds for a moment
  /// before merging them (a cut, then an insertion, then two merges).
  static constexpr std::size_t kSlack = 2;
  /// The most regions an address space can have (Linux's max_map_count, which defaults to
  /// 65530; ours is bounded by the 16 KiB block). Operations that would end with more fail with
  /// Error::NoMemory, as on Linux.
  static constexpr std::size_t kMaxRegions = (kPageSize << kMaxOrder) / sizeof(Region) - kSlack;

  /// Whether `a` and `b` would be one region: `a` ends where `b` starts and nothing tells them
  /// apart (anonymous regions carry no state beyond their protection; physical ones must also
  /// be physically contiguous with the same cache policy). Shared regions never merge (each
  /// holds its own mapping reference).
  static bool mergeable(const Region& a, const Region& b) noexcept;

  /// A table with no storage, which cannot grow; only a moved-from or destroyed state.
  constexpr RegionTable() noexcept = default;
  /// An empty table taking its storage from `frames` (reached through `phys_map`) on demand.
  RegionTable(FrameSource& frames, PhysMap phys_map) noexcept
      : frames_(&frames), phys_map_(phys_map) {}
  RegionTable(RegionTable&& other) noexcept;
  RegionTable& operator=(RegionTable&& other) noexcept;
  RegionTable(const RegionTable&) = delete;
  RegionTable& operator=(const RegionTable&) = delete;
  /// Returns the storage.
  ~RegionTable() { release(); }

  /// The number of regions.
  std::size_t size() const noexcept { return size_; }
  /// How many regions fit without growing.
  std::size_t capacity() const noexcept { return capacity_; }
  /// The regions, in address order.
  std::span<Region> regions() noexcept { return {data(), size_}; }
  std::span<const Region> regions() const noexcept { return {data(), size_}; }
  Region& operator[](std::size_t index) noexcept;
  const Region& operator[](std::size_t index) const noexcept;

  /// The index of the first region that ends above `addr` (size() if none): the region that
  /// contains `addr`, or else the first one after it.
  std::size_t lower_bound(VirtAddr addr) const noexcept;
  /// The region that contains `addr`, or nullptr.
  const Region* find(VirtAddr addr) const noexcept;
  /// Whether any region overlaps [start, end).
  bool overlaps(VirtAddr start, VirtAddr end) const noexcept;

  /// Makes room for an operation that ends with `count` regions (plus kSlack on the way),
  /// growing the block. Error::NoMemory beyond kMaxRegions or when no block can be had (the
  /// table is unchanged then).
  Result<void> reserve(std::size_t count) noexcept;
  /// Inserts `region` at `index`, keeping the order; capacity must have been reserved.
  void insert(std::size_t index, const Region& region) noexcept;
  /// Removes the regions at [first, last).
  void erase(std::size_t first, std::size_t last) noexcept;
  /// Cuts the region at `index` in two at `at` (strictly inside it); capacity must have been
  /// reserved. Both halves keep every attribute (a physical half its own physical start).
  void split(std::size_t index, VirtAddr at) noexcept;
  /// Merges the region at `index` with the next one when they touch and agree in every
  /// attribute (a physical region also in physical contiguity). Returns whether it merged.
  bool merge_with_next(std::size_t index) noexcept;
  /// Merges the region at `index` with its neighbours where possible; returns its new index.
  std::size_t merge_around(std::size_t index) noexcept;
  /// Replaces the contents with a copy of `other`'s. Error::NoMemory when no block can be had
  /// (the table is unchanged then).
  Result<void> assign(const RegionTable& other) noexcept;
  /// Empties the table and returns its block to the FrameSource.
  void release() noexcept;

 private:
  Region* data() const noexcept;

  FrameSource* frames_ = nullptr;
  PhysMap phys_map_;
  PhysAddr block_;
  unsigned order_ = 0;
  std::size_t capacity_ = 0;  ///< 0: no block.
  std::size_t size_ = 0;
};

}  // namespace mos::mm
