#pragma once
/// DebugHeap<H>: a checking wrapper around any Heap, for images built to find memory bugs.
///
/// Every allocation is laid out inside a block of H as
///
///     [slack][Header][front red zone][payload: size bytes][back red zone ...]
///     ^ H's pointer                  ^ returned pointer
///
/// The header records the requested size, the distance back to H's pointer and a magic number,
/// and links the allocation into a list of live allocations. The red zones (kRedZoneBytes in
/// front; behind, everything from the end of the payload to the end of H's block, at least
/// kRedZoneBytes) are filled with kRedZoneByte and checked at free, which panics with
/// "heap: red zone overrun after 0x... (size N)" (or "underrun before"). Fresh payloads are
/// filled with kFreshByte, so code that relies on zeroed memory fails; freed blocks are filled
/// with kFreedByte, so a use after free reads obvious garbage. A freed header keeps a "freed"
/// magic, so a second free panics with "heap: double free of 0x..." while the memory is not
/// reused, and a pointer without the live magic panics as one the heap never returned.
///
/// usable_size is exactly the size asked for: using more is what the red zone reports.
/// report_leaks lists what is still live. Chosen for an image with the Meson option heap_debug.
///
/// Not synchronised: the kernel's global heap wraps it in a SpinLock.

#include <mm/heap.hpp>

#include <k/address.hpp>
#include <k/format.hpp>
#include <k/intrusive_list.hpp>
#include <k/output_sink.hpp>
#include <k/panic.hpp>
#include <k/result.hpp>
#include <k/string.hpp>

#include <cstddef>
#include <cstdint>
#include <new>

namespace mos::mm {

/// A Heap H with red zones, poisoning, double-free detection and a leak report; see the file
/// comment.
template <Heap H>
class DebugHeap {
 public:
  /// Bytes of the red zone in front of every payload (the one behind is at least this long).
  static constexpr std::size_t kRedZoneBytes = 16;
  /// What red zones hold.
  static constexpr std::uint8_t kRedZoneByte = 0xfd;
  /// What a fresh payload holds.
  static constexpr std::uint8_t kFreshByte = 0xa5;
  /// What a freed block holds.
  static constexpr std::uint8_t kFreedByte = 0xde;

  /// An empty wrapper around an empty H built on `source`.
  explicit DebugHeap(PageSource& source) noexcept : heap_(source) {}
  DebugHeap(const DebugHeap&) = delete;
  DebugHeap& operator=(const DebugHeap&) = delete;

  /// See the Heap concept.
  Result<void*> allocate(std::size_t size, std::size_t alignment = 0) noexcept {
    const std::size_t align = MOS_TRY(heap_request_alignment(size, alignment));
    const std::size_t front = align_up(kFrontBytes, align);
    // size passed the limit; with our overhead it may not, and then no memory can hold it.
    if (size + front + kRedZoneBytes > kMaxHeapAllocation) return Error::NoMemory;
    void* memory = MOS_TRY(heap_.allocate(front + size + kRedZoneBytes, align));
    auto* block = static_cast<std::byte*>(memory);
    auto* payload = block + front;
    auto* header = ::new (payload - kFrontBytes) Header{};
    header->size = size;
    header->front = static_cast<std::uint32_t>(front);
    header->magic = kLiveMagic;
    live_.push_back(*header);

    std::byte* end = block + heap_.usable_size(memory);
    memory_set(block, kRedZoneByte, static_cast<std::size_t>(payload - kFrontBytes - block));
    memory_set(payload - kRedZoneBytes, kRedZoneByte, kRedZoneBytes);
    memory_set(payload, kFreshByte, size);
    memory_set(payload + size, kRedZoneByte, static_cast<std::size_t>(end - payload - size));

    bytes_allocated_ += size;
    ++live_allocations_;
    if (bytes_allocated_ > peak_bytes_allocated_) peak_bytes_allocated_ = bytes_allocated_;
    return static_cast<void*>(payload);
  }

  /// See the Heap concept; checks the red zones first.
  void free(void* p) noexcept {
    if (p == nullptr) return;
    Header* header = live_header(p);
    auto* payload = static_cast<std::byte*>(p);
    std::byte* block = payload - header->front;
    const std::size_t size = header->size;
    if (!all_equal(payload - kRedZoneBytes, kRedZoneBytes, kRedZoneByte)) {
      MOS_PANIC("heap: red zone underrun before {:#x} (size {})",
                reinterpret_cast<std::uintptr_t>(p), size);
    }
    std::byte* end = block + heap_.usable_size(block);
    if (!all_equal(payload + size, static_cast<std::size_t>(end - payload - size), kRedZoneByte)) {
      MOS_PANIC("heap: red zone overrun after {:#x} (size {})", reinterpret_cast<std::uintptr_t>(p),
                size);
    }
    live_.erase(*header);
    bytes_allocated_ -= size;
    --live_allocations_;
    memory_set(block, kFreedByte, static_cast<std::size_t>(end - block));
    // Written after the poison: this is what reports a second free of p.
    auto* freed = ::new (payload - kFrontBytes) Header{};
    freed->size = size;
    freed->front = static_cast<std::uint32_t>(payload - block);
    freed->magic = kFreedMagic;
    heap_.free(block);
  }

  /// The size that was asked for.
  std::size_t usable_size(const void* p) const noexcept { return live_header(p)->size; }

  /// See HeapStats: H's figures for memory, the requested sizes for allocations.
  HeapStats stats() const noexcept {
    HeapStats s = heap_.stats();
    s.bytes_allocated = bytes_allocated_;
    s.live_allocations = live_allocations_;
    s.peak_bytes_allocated = peak_bytes_allocated_;
    std::size_t overhead = kFrontBytes + kRedZoneBytes;
    s.largest_free_block = s.largest_free_block > overhead ? s.largest_free_block - overhead : 0;
    return s;
  }

  /// Writes one line per live allocation, oldest first ("heap: leak of N bytes at 0x..."), and
  /// returns how many there are.
  std::size_t report_leaks(OutputSink& out) const noexcept {
    for (const Header& header : live_) {
      auto payload = reinterpret_cast<std::uintptr_t>(&header) + kFrontBytes;
      format_to(out, "heap: leak of {} bytes at {:#x}\n", header.size, payload);
    }
    return live_.size();
  }

  /// The heap underneath.
  H& backing() noexcept { return heap_; }
  /// The heap underneath.
  const H& backing() const noexcept { return heap_; }

 private:
  struct Header {
    ListNode node;  // On live_ while the allocation is live.
    std::size_t size;
    std::uint32_t front;  // From H's pointer to the payload.
    // Last, farthest from the links that H (or a slab) writes at the start of a freed block.
    std::uint32_t magic;
  };
  static constexpr std::size_t kFrontBytes = sizeof(Header) + kRedZoneBytes;
  static constexpr std::uint32_t kLiveMagic = 0xdeb6a110;
  static constexpr std::uint32_t kFreedMagic = 0xdeb6f7ee;
  static_assert(kFrontBytes % kMinHeapAlignment == 0);

  static bool all_equal(const std::byte* p, std::size_t n, std::uint8_t value) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] != std::byte{value}) return false;
    }
    return true;
  }

  Header* live_header(const void* p) const noexcept {
    auto address = reinterpret_cast<std::uintptr_t>(p);
    if (!is_aligned(address, kMinHeapAlignment)) detail::heap_foreign_pointer(p);
    auto* header = reinterpret_cast<Header*>(address - kFrontBytes);
    if (header->magic == kFreedMagic) detail::heap_double_free(p);
    if (header->magic != kLiveMagic) detail::heap_foreign_pointer(p);
    return header;
  }

  H heap_;
  IntrusiveList<Header, &Header::node> live_;  // Live allocations, oldest first.
  std::size_t bytes_allocated_ = 0;
  std::size_t live_allocations_ = 0;
  std::size_t peak_bytes_allocated_ = 0;
};

}  // namespace mos::mm
