#pragma once
/// SlabFront<H>: size-class caches in front of any Heap H, for the small allocations that make
/// up most kernel traffic.
///
/// Requests of at most kMaxSlabSize bytes with the default alignment are rounded up to one of
/// kSizeClasses and served from slabs: one page each, with a header and objects of one class
/// behind it. Each class keeps
/// - a magazine: a LIFO list of recently freed objects of the class, at most kMagazineBytes
///   worth (and at least kMinMagazine objects). Allocation takes from it first and free puts
///   there first, so the common case touches no slab header at all on allocation and only reads
///   one on free (Bonwick's magazine layer, as in Solaris and Linux's per-CPU caches);
/// - a list of its partial slabs, which have free objects. A slab threads its free objects on a
///   LIFO list through the objects themselves; objects never handed out are not threaded: a bump
///   index takes them in address order, so formatting a slab costs O(1).
/// A free into a full magazine goes to the object's slab, an allocation from an empty magazine
/// comes from the class's first partial slab (or a newly formatted one). Everything is O(1)
/// but the drain before a new run (below), which is O(1) amortised over the frees it drains;
/// object indices come from a multiplication by the class's reciprocal, not a division.
///
/// Misuse. Every free object (in a magazine or a slab) carries this front's key in its second
/// word, and allocation clears it. A free of an object whose second word holds the key is
/// confirmed by a search of the magazine and the slab's free list, and panics as a double free
/// when found there (a live object that happens to hold the key is freed normally). Pointers
/// that are not the start of an object handed out by a slab of this front panic as foreign.
///
/// Free finds a slab from the pointer alone: slabs are page-aligned with the header at the page
/// start, so p's slab header, if p is a slab object, is at p rounded down to a page. The header
/// carries its own address mixed with a cookie and the address of the owning SlabFront; p is
/// taken for a slab object when that checks out. Everything else came from H: larger sizes and
/// alignments go to H with a 32-byte header of our own in front of the payload (usable size, the
/// distance back to H's pointer, a live/freed magic), so that usable_size and double frees are
/// answered without asking H. A pointer within a header's size of its page start is never taken
/// for a slab object; so for a large payload taken for one, the page start lies before the
/// payload: in our own header, H's metadata, or memory of another block. A large block is thus
/// mistaken for a slab object only if those bytes are a copy of a live slab header of this very
/// front, placed exactly on a page boundary outside any slab; retired slab pages have their
/// headers wiped.
///
/// Slab pages come from H kPagesPerSlabRun at a time, as one allocation aligned to a page (the
/// run plus the alignment slack fits a power-of-two block of BuddyHeap). Empty slabs stay on a
/// cache of empty pages that any class can take, except a class's last partial slab, which the
/// class keeps; once more than kCachedEmptySlabs are cached, a run whose pages are all empty is
/// returned to H. Objects in magazines keep their slabs from emptying: before taking a new run
/// from H, the front drains the magazines (drain_magazines()), so memory freed is reused first.
///
/// Not synchronised: the kernel's global heap wraps it in a SpinLock.

#include <mm/heap.hpp>
#include <mm/page.hpp>

#include <k/address.hpp>
#include <k/intrusive_list.hpp>
#include <k/panic.hpp>
#include <k/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>

namespace mos::mm {

/// Size-class slabs over a Heap H; see the file comment.
template <Heap H>
class SlabFront {
 public:
  /// The object sizes slabs serve. Multiples of 16, so every object is 16-byte aligned.
  static constexpr std::array<std::uint16_t, 12> kSizeClasses = {16,  32,  48,  64,  96,  128,
                                                                 192, 256, 384, 512, 768, 1024};
  /// The largest request served from a slab.
  static constexpr std::size_t kMaxSlabSize = kSizeClasses.back();
  /// Bytes of a slab: one page.
  static constexpr std::size_t kSlabBytes = kPageSize;
  /// Slab pages taken from H per allocation.
  static constexpr std::size_t kPagesPerSlabRun = 7;
  /// Empty slab pages kept for reuse before whole empty runs go back to H.
  static constexpr std::size_t kCachedEmptySlabs = 2 * kPagesPerSlabRun;
  /// Bytes of free objects a class's magazine holds at most ...
  static constexpr std::size_t kMagazineBytes = 8192;
  /// ... but at least this many objects.
  static constexpr std::size_t kMinMagazine = 8;

  /// An empty front over an empty H built on `source`.
  explicit SlabFront(PageSource& source) noexcept : heap_(source) {}
  SlabFront(const SlabFront&) = delete;
  SlabFront& operator=(const SlabFront&) = delete;

  /// See the Heap concept.
  Result<void*> allocate(std::size_t size, std::size_t alignment = 0) noexcept {
    const std::size_t align = MOS_TRY(heap_request_alignment(size, alignment));
    if (size > kMaxSlabSize || align > kMinHeapAlignment) return allocate_large(size, align);
    const std::size_t ci = class_index(size);
    Magazine& magazine = magazines_[ci];
    FreeObject* object = magazine.head;
    if (object != nullptr) {
      magazine.head = object->next;
      --magazine.count;
    } else {
      object = MOS_TRY(allocate_from_slab(ci));
    }
    object->key = 0;
    const std::size_t object_size = kSizeClasses[ci];
    slab_bytes_ += object_size;
    free_object_bytes_ -= object_size;
    note_allocation();
    return static_cast<void*>(object);
  }

  /// See the Heap concept.
  void free(void* p) noexcept {
    if (p == nullptr) return;
    if (Slab* slab = slab_of(p); slab != nullptr) {
      free_small(slab, p);
    } else {
      free_large(p);
    }
  }

  /// The class size for a slab object, else what H gave less our header.
  std::size_t usable_size(const void* p) const noexcept {
    if (Slab* slab = slab_of(p); slab != nullptr) {
      check_live(slab, p);
      return kSizeClasses[slab->class_index];
    }
    return live_large(p)->usable;
  }

  /// See HeapStats: H's figures for memory, ours for allocations. bytes_free adds the free
  /// objects of partly used slabs and the payload of cached empty pages to H's free bytes.
  HeapStats stats() const noexcept {
    HeapStats h = heap_.stats();
    HeapStats s;
    s.bytes_from_source = h.bytes_from_source;
    s.bytes_allocated = slab_bytes_ + large_bytes_;
    s.live_allocations = live_allocations_;
    s.peak_bytes_allocated = peak_bytes_allocated_;
    s.bytes_free = h.bytes_free + free_object_bytes_ + empty_.size() * kPayloadBytes;
    // Requests above kMaxSlabSize go to H behind our header; smaller ones need a slab object,
    // which is there without growing if a class has one free (cached or in a slab) or an empty
    // page is cached.
    if (h.largest_free_block > kLargeHeaderBytes + kMaxSlabSize) {
      s.largest_free_block = h.largest_free_block - kLargeHeaderBytes;
    } else if (!empty_.empty()) {
      s.largest_free_block = kMaxSlabSize;
    } else {
      for (std::size_t ci = kSizeClasses.size(); ci-- > 0;) {
        if (!partial_[ci].empty() || magazines_[ci].head != nullptr) {
          s.largest_free_block = kSizeClasses[ci];
          break;
        }
      }
    }
    return s;
  }

  /// Returns every object in the magazines to its slab and every empty slab to the page cache
  /// (whole empty runs then go back to H). Called before a new run is taken from H, so that
  /// freed memory is reused before the heap grows; each freed object is drained at most once.
  void drain_magazines() noexcept {
    for (Magazine& magazine : magazines_) {
      while (FreeObject* object = magazine.head) {
        magazine.head = object->next;
        return_to_slab(slab_of(object), object, KeepLastSlab::No);
      }
      magazine.count = 0;
    }
  }

  /// The heap behind the slabs.
  H& backing() noexcept { return heap_; }
  /// The heap behind the slabs.
  const H& backing() const noexcept { return heap_; }
  /// Cached empty slab pages; for tests.
  std::size_t empty_slabs() const noexcept { return empty_.size(); }
  /// Slab runs currently held from H; for tests.
  std::size_t slab_runs() const noexcept { return runs_; }
  /// Objects in the magazine of the class of `size`; for tests.
  std::size_t magazine_objects(std::size_t size) const noexcept {
    return magazines_[class_index(size)].count;
  }

 private:
  // A free object: the free-list link, then the key that marks it free.
  struct FreeObject {
    FreeObject* next;
    std::uintptr_t key;
  };
  static_assert(sizeof(FreeObject) <= kSizeClasses.front());

  struct Magazine {
    FreeObject* head = nullptr;
    std::size_t count = 0;
  };

  // The header at the start of every slab page.
  struct Slab {
    std::uintptr_t check;      // This header's address XOR the owner's XOR kSlabCookie.
    FreeObject* free_objects;  // LIFO through the freed objects.
    std::uint16_t class_index;
    std::uint16_t in_use;    // Objects handed out and not back in this slab (magazines hold some).
    std::uint16_t capacity;
    std::uint16_t bumped;    // Objects [0, bumped) were handed out at least once.
    ListNode node;           // On its class's partial list, or on the empty-page cache.
    Slab* run;               // The run's first page, which counts the run's empty pages.
    std::uint16_t run_empty_pages;  // Meaningful in a run's first page only.
  };
  using SlabList = IntrusiveList<Slab, &Slab::node>;

  // In front of every payload that H holds for us. The first 16 bytes are spare: that is
  // where H keeps its free-list links once the block is freed, and the magic must survive that
  // to report a second free.
  struct LargeHeader {
    std::array<std::uint64_t, 2> spare;
    std::uint64_t usable;
    std::uint32_t offset;  // From H's pointer to the payload.
    std::uint32_t magic;
  };

  static constexpr std::uintptr_t kSlabCookie = 0x51ab'c0de'5eed'f00dULL;
  static constexpr std::uintptr_t kFreeKeyCookie = 0xf4ee'0b1e'c7ed'9a11ULL;
  static constexpr std::uint16_t kNoClass = 0xffff;
  static constexpr std::size_t kObjectsAt = align_up(sizeof(Slab), kMinHeapAlignment);
  static constexpr std::size_t kLargeHeaderBytes = sizeof(LargeHeader);
  static constexpr std::uint32_t kLargeLive = 0x1a76e0c5;
  static constexpr std::uint32_t kLargeFreed = 0xf7eed1a7;
  static_assert(kLargeHeaderBytes % kMinHeapAlignment == 0);
  // Bytes of a slab page behind the header, where objects go.
  static constexpr std::size_t kPayloadBytes = kSlabBytes - kObjectsAt;

  // The class of each size, by (size + 15) / 16.
  static constexpr std::array<std::uint8_t, kMaxSlabSize / 16 + 1> kClassOf = [] {
    std::array<std::uint8_t, kMaxSlabSize / 16 + 1> table{};
    std::uint8_t ci = 0;
    for (std::size_t i = 0; i < table.size(); ++i) {
      while (kSizeClasses[ci] < i * 16) ++ci;
      table[i] = ci;
    }
    return table;
  }();
  // ceil(2^32 / size) per class: (offset * it) >> 32 is offset / size for every offset within a
  // page (exact while offset * size < 2^32, as here).
  static constexpr std::array<std::uint64_t, kSizeClasses.size()> kReciprocals = [] {
    std::array<std::uint64_t, kSizeClasses.size()> r{};
    for (std::size_t ci = 0; ci < r.size(); ++ci) {
      r[ci] = ((std::uint64_t{1} << 32) + kSizeClasses[ci] - 1) / kSizeClasses[ci];
    }
    return r;
  }();
  static_assert(kSlabBytes * kMaxSlabSize < (std::uint64_t{1} << 32));
  // The most objects each class's magazine holds.
  static constexpr std::array<std::uint16_t, kSizeClasses.size()> kMagazineLimits = [] {
    std::array<std::uint16_t, kSizeClasses.size()> limits{};
    for (std::size_t ci = 0; ci < limits.size(); ++ci) {
      std::size_t n = kMagazineBytes / kSizeClasses[ci];
      limits[ci] = static_cast<std::uint16_t>(n < kMinMagazine ? kMinMagazine : n);
    }
    return limits;
  }();

  static constexpr std::size_t class_index(std::size_t size) noexcept {
    return kClassOf[(size + 15) / 16];
  }
  static std::byte* objects_of(Slab* slab) noexcept {
    return reinterpret_cast<std::byte*>(slab) + kObjectsAt;
  }
  std::uintptr_t check_for(const void* header) const noexcept {
    return reinterpret_cast<std::uintptr_t>(header) ^ reinterpret_cast<std::uintptr_t>(this) ^
           kSlabCookie;
  }
  // The word at `at`, read as bytes: memory whose type is unknown must not be read through a
  // type it may not have (the compiler would assume it cannot alias stores of other types).
  static std::uintptr_t load_word(const void* at) noexcept {
    std::uintptr_t word;
    __builtin_memcpy(&word, at, sizeof word);
    return word;
  }
  // What a free object of this front carries in its second word.
  std::uintptr_t free_key() const noexcept {
    return reinterpret_cast<std::uintptr_t>(this) ^ kFreeKeyCookie;
  }

  void note_allocation() noexcept {
    ++live_allocations_;
    std::size_t now = slab_bytes_ + large_bytes_;
    if (now > peak_bytes_allocated_) peak_bytes_allocated_ = now;
  }

  // The slab p belongs to, or nullptr when p did not come from a slab of this front.
  Slab* slab_of(const void* p) const noexcept {
    auto address = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t page = align_down(address, kSlabBytes);
    if (address < page + kObjectsAt) return nullptr;  // The header is there.
    // The page start holds anything when p is not a slab object (a heap header, a payload): read
    // it as bytes, which may alias any type, until the check proves it is a Slab.
    auto* slab = reinterpret_cast<Slab*>(page);
    return load_word(&slab->check) == check_for(slab) ? slab : nullptr;
  }

  // Panics unless p is a live object of `slab`.
  void check_live(Slab* slab, const void* p) const noexcept {
    // An empty page's objects are all free: p was freed already.
    if (slab->class_index == kNoClass) detail::heap_double_free(p);
    const auto offset = static_cast<std::size_t>(static_cast<const std::byte*>(p) -
                                                 objects_of(slab));
    const std::size_t index = (offset * kReciprocals[slab->class_index]) >> 32;
    // Objects at or above the bump index were never handed out.
    if (index >= slab->bumped || index * kSizeClasses[slab->class_index] != offset) {
      detail::heap_foreign_pointer(p);
    }
    // A live object's second word is its owner's data, of any type: read it as bytes.
    const auto* object = static_cast<const FreeObject*>(p);
    if (load_word(&object->key) == free_key() && is_free(slab, object)) {
      detail::heap_double_free(p);
    }
  }

  // Whether `object` is on its class's magazine or its slab's free list (a slow search, made
  // only for an object that carries the free key).
  bool is_free(Slab* slab, const FreeObject* object) const noexcept {
    for (const FreeObject* o = magazines_[slab->class_index].head; o != nullptr; o = o->next) {
      if (o == object) return true;
    }
    for (const FreeObject* o = slab->free_objects; o != nullptr; o = o->next) {
      if (o == object) return true;
    }
    return false;
  }

  void free_small(Slab* slab, void* p) noexcept {
    check_live(slab, p);
    auto* object = static_cast<FreeObject*>(p);
    const std::size_t ci = slab->class_index;
    slab_bytes_ -= kSizeClasses[ci];
    free_object_bytes_ += kSizeClasses[ci];
    --live_allocations_;
    Magazine& magazine = magazines_[ci];
    if (magazine.count < kMagazineLimits[ci]) {
      object->next = magazine.head;
      object->key = free_key();
      magazine.head = object;
      ++magazine.count;
      return;
    }
    return_to_slab(slab, object, KeepLastSlab::Yes);
  }

  // Takes an object of class ci from its first partial slab, formatting a new slab if there is
  // none.
  Result<FreeObject*> allocate_from_slab(std::size_t ci) noexcept {
    Slab* slab = partial_[ci].empty() ? MOS_TRY(new_slab(ci)) : &partial_[ci].front();
    FreeObject* object = slab->free_objects;
    if (object != nullptr) {
      slab->free_objects = object->next;
    } else {
      // in_use < capacity and the free list is empty: some object was never handed out.
      object = reinterpret_cast<FreeObject*>(objects_of(slab) + slab->bumped++ * kSizeClasses[ci]);
    }
    if (++slab->in_use == slab->capacity) partial_[ci].erase(*slab);
    return object;
  }

  // Whether a class keeps its last partial slab when it empties, so that a class freeing and
  // allocating one object does not format a slab each time.
  enum class KeepLastSlab : bool { No, Yes };

  // Puts a free object back on its slab's free list; an emptied slab goes to the page cache
  // (unless `keep` and it is its class's last partial slab).
  void return_to_slab(Slab* slab, FreeObject* object, KeepLastSlab keep) noexcept {
    object->next = slab->free_objects;
    object->key = free_key();
    slab->free_objects = object;
    const std::size_t ci = slab->class_index;
    if (slab->in_use-- == slab->capacity) partial_[ci].push_front(*slab);
    if (slab->in_use == 0 && (keep == KeepLastSlab::No || partial_[ci].size() > 1)) {
      partial_[ci].erase(*slab);
      release_slab(slab);
    }
  }

  // Formats a cached empty page (taking a new run from H if none is cached) for class ci and
  // puts it on the class's partial list.
  Result<Slab*> new_slab(std::size_t ci) noexcept {
    if (empty_.empty()) drain_magazines();
    if (empty_.empty()) MOS_TRY(add_run());
    Slab* slab = empty_.pop_front();
    --slab->run->run_empty_pages;
    const std::size_t size = kSizeClasses[ci];
    slab->class_index = static_cast<std::uint16_t>(ci);
    slab->in_use = 0;
    slab->capacity = static_cast<std::uint16_t>(kPayloadBytes / size);
    slab->free_objects = nullptr;  // Objects are taken by the bump index until freed.
    slab->bumped = 0;
    free_object_bytes_ += slab->capacity * size;
    partial_[ci].push_front(*slab);
    return slab;
  }

  // Takes kPagesPerSlabRun pages from H and caches them as empty slabs.
  Result<void> add_run() noexcept {
    void* memory = MOS_TRY(heap_.allocate(kPagesPerSlabRun * kSlabBytes, kSlabBytes));
    auto first = reinterpret_cast<std::uintptr_t>(memory);
    Slab* run = nullptr;
    for (std::size_t i = 0; i < kPagesPerSlabRun; ++i) {
      auto* slab = ::new (reinterpret_cast<void*>(first + i * kSlabBytes)) Slab{};
      slab->check = check_for(slab);
      if (run == nullptr) run = slab;
      slab->run = run;
      slab->class_index = kNoClass;
      empty_.push_back(*slab);
    }
    run->run_empty_pages = kPagesPerSlabRun;
    ++runs_;
    return {};
  }

  // Caches an emptied slab; gives its run back to H when the cache is large and the run empty.
  void release_slab(Slab* slab) noexcept {
    free_object_bytes_ -=
        slab->capacity * static_cast<std::size_t>(kSizeClasses[slab->class_index]);
    slab->class_index = kNoClass;
    slab->free_objects = nullptr;
    empty_.push_front(*slab);
    Slab* run = slab->run;
    if (++run->run_empty_pages < kPagesPerSlabRun || empty_.size() <= kCachedEmptySlabs) return;
    const auto first = reinterpret_cast<std::uintptr_t>(run);
    for (std::size_t i = 0; i < kPagesPerSlabRun; ++i) {
      auto* page = reinterpret_cast<Slab*>(first + i * kSlabBytes);
      empty_.erase(*page);
      // A stale header must never again pass for a slab.
      page->check = 0;
    }
    --runs_;
    heap_.free(reinterpret_cast<void*>(first));
  }

  Result<void*> allocate_large(std::size_t size, std::size_t align) noexcept {
    // Our header sits right in front of the payload, which is its size or one alignment into
    // H's block, whichever is larger, so that the payload keeps the alignment H gave.
    const std::size_t offset = align > kLargeHeaderBytes ? align : kLargeHeaderBytes;
    // size was checked against kMaxHeapAllocation; with our header it may pass it, and then no
    // memory can hold it.
    if (size + offset > kMaxHeapAllocation) return Error::NoMemory;
    void* memory = MOS_TRY(heap_.allocate(size + offset, align));
    auto* payload = static_cast<std::byte*>(memory) + offset;
    auto* header = ::new (payload - kLargeHeaderBytes) LargeHeader{
        {}, heap_.usable_size(memory) - offset, static_cast<std::uint32_t>(offset), kLargeLive};
    large_bytes_ += header->usable;
    note_allocation();
    return static_cast<void*>(payload);
  }

  LargeHeader* live_large(const void* p) const noexcept {
    auto address = reinterpret_cast<std::uintptr_t>(p);
    if (!is_aligned(address, kMinHeapAlignment)) detail::heap_foreign_pointer(p);
    auto* header = reinterpret_cast<LargeHeader*>(address - kLargeHeaderBytes);
    if (header->magic == kLargeFreed) detail::heap_double_free(p);
    if (header->magic != kLargeLive) detail::heap_foreign_pointer(p);
    return header;
  }

  void free_large(void* p) noexcept {
    LargeHeader* header = live_large(p);
    large_bytes_ -= header->usable;
    --live_allocations_;
    header->magic = kLargeFreed;
    heap_.free(static_cast<std::byte*>(p) - header->offset);
  }

  H heap_;
  std::array<Magazine, kSizeClasses.size()> magazines_;  // Recently freed objects, by class.
  std::array<SlabList, kSizeClasses.size()> partial_;    // Slabs with free objects, by class.
  SlabList empty_;                                       // Cached empty slab pages.
  std::size_t runs_ = 0;
  std::size_t slab_bytes_ = 0;
  std::size_t large_bytes_ = 0;
  std::size_t free_object_bytes_ = 0;    // Free objects of partial slabs and magazines.
  std::size_t live_allocations_ = 0;
  std::size_t peak_bytes_allocated_ = 0;
};

}  // namespace mos::mm
