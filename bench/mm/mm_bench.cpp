/// mm_bench: the Mosaic heaps and glibc malloc on the heap workloads (workloads.hpp), and the
/// frame allocators over simulated RAM. jemalloc and mimalloc run the same heap workloads in
/// their own executables (see meson.build for why); tools/bench_report.py puts them side by side.

#include "workloads.hpp"

#include <simulated_ram.hpp>

#include <mm/bitmap_frame_allocator.hpp>
#include <mm/buddy_frame_allocator.hpp>
#include <mm/buddy_heap.hpp>
#include <mm/first_fit_heap.hpp>
#include <mm/frame_allocator.hpp>
#include <mm/heap.hpp>
#include <mm/page.hpp>
#include <mm/slab_front.hpp>
#include <mm/tlsf_heap.hpp>

#include <k/boot_info.hpp>
#include <k/error.hpp>
#include <k/result.hpp>

#include <dlfcn.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace mos::bench {
namespace {

/// Address space of the Mosaic heaps' arena: far more than any workload uses, so a heap never
/// meets the limit. Pages are committed when first touched.
constexpr std::size_t kArenaBytes = std::size_t{1} << 32;

/// The PageSource of the Mosaic heaps: page-aligned spans carved upwards from one large mmap'd
/// reservation, made once per process. One heap uses it at a time, and each new heap starts again
/// at its base: pages that earlier runs touched are reused without page faults, as glibc, jemalloc
/// and mimalloc reuse theirs, and as the kernel's PageSource hands out frames that the direct map
/// already maps. (libmm/testing's ArenaPageSource, made for tests, maps and fills fresh memory
/// for every heap instead: its page faults and fill would be timed as part of growing.)
///
/// A heap's leftovers are wiped when it is gone: the next heap must not find stale metadata of
/// its own kind in memory it is given (a SlabFront at the same address would take an old slab
/// header for one of its own).
class BenchArena final : public mm::PageSource {
 public:
  BenchArena() {
    if (in_use_) die("two Mosaic heaps share the arena");
    in_use_ = true;
  }
  ~BenchArena() {
    std::memset(base(), 0xa5, used_);
    in_use_ = false;
  }
  BenchArena(const BenchArena&) = delete;
  BenchArena& operator=(const BenchArena&) = delete;

  Result<std::span<std::byte>> grow(std::size_t min_bytes) noexcept override {
    if (min_bytes > kArenaBytes - used_) return Error::NoMemory;
    std::span<std::byte> span(base() + used_, min_bytes);
    used_ += min_bytes;
    return span;
  }

 private:
  static std::byte* base() {
    static std::byte* const reservation = [] {
      void* p = ::mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) die("cannot reserve the heap arena");
      // The kernel heap lives in the direct map, mapped with large pages: so should this
      // (bench/README.md). Without transparent huge pages this asks for nothing.
      ::madvise(p, kArenaBytes, MADV_HUGEPAGE);
      return static_cast<std::byte*>(p);
    }();
    return reservation;
  }

  static inline bool in_use_ = false;
  std::size_t used_ = 0;
};

/// A Mosaic heap H over the BenchArena.
template <mm::Heap H>
class MosaicHeap {
 public:
  void* allocate(std::size_t size) {
    Result<void*> p = heap_.allocate(size);
    if (!p) die("a Mosaic heap failed to allocate");
    return *p;
  }
  void free(void* p) { heap_.free(p); }

 private:
  BenchArena arena_;
  H heap_{arena_};
};

/// The process's malloc, which this executable keeps glibc's.
struct GlibcMalloc {
  void* allocate(std::size_t size) {
    void* p = std::malloc(size);
    if (p == nullptr) die("malloc failed");
    return p;
  }
  void free(void* p) { std::free(p); }
};

/// Simulated RAM the frame allocators manage; untouched frames cost nothing (SimulatedRam
/// commits pages on first touch).
constexpr std::size_t kRamBytes = std::size_t{1} << 30;
/// The first MiB is not in the memory map, as on a PC.
constexpr std::uint64_t kFirstUsable = std::uint64_t{1} << 20;
/// Blocks kept allocated by frame_churn: kLiveBytes worth, at most kMaxLiveBlocks (both powers of
/// two, so the count is one too).
constexpr std::uint64_t kLiveBytes = std::uint64_t{256} << 20;
constexpr std::size_t kMaxLiveBlocks = 4096;
/// The orders frame_churn runs: 2^0 .. 2^10 frames (4 KiB .. 4 MiB).
constexpr unsigned kMaxBenchOrder = mm::kMinMaxOrder;

template <mm::FrameAllocator F>
PhysAddr allocate_block(F& frames, unsigned order) {
  Result<PhysAddr> block = frames.allocate(order);
  if (!block) die("a frame allocator failed to allocate");
  return *block;
}

/// Steady-state frame churn over kRamBytes of simulated RAM: the live blocks of 2^order frames
/// (kLiveBytes of them, at most kMaxLiveBlocks) were allocated first; each step frees a random
/// one and allocates a new block of the same order. 2 calls per iteration. Frames are not
/// touched: this measures the allocator's bookkeeping, not zeroing.
template <mm::FrameAllocator F>
void frame_churn(benchmark::State& state, unsigned order) {
  mm::testing::SimulatedRam ram(PhysAddr(0), kRamBytes);
  const MemoryRegion map[] = {
      {PhysAddr(kFirstUsable), kRamBytes - kFirstUsable, MemoryRegion::Kind::Usable}};
  const mm::FrameAllocatorConfig config{map, {}, ram.phys_map()};
  Result<F> created = F::create(config);
  if (!created) die("a frame allocator could not be created");
  F& frames = *created;

  const std::size_t live_count =
      std::min<std::size_t>(kMaxLiveBlocks, kLiveBytes >> (mm::kPageShift + order));
  std::vector<PhysAddr> live(live_count);
  for (PhysAddr& block : live) block = allocate_block(frames, order);
  const Trace& t = trace(Sizes::Small);  // Only its victims.
  std::size_t step = 0;
  for (auto _ : state) {
    const std::size_t slot = t.victims[step & (kTraceSteps - 1)] & (live_count - 1);
    if (!frames.free(live[slot], order)) die("a frame allocator refused a valid free");
    live[slot] = allocate_block(frames, order);
    ++step;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(2 * state.iterations()));
}

/// Registers frame_churn for allocator F under frames/NAME/order:N.
template <mm::FrameAllocator F>
void register_frame_benchmarks(const std::string& name) {
  for (unsigned order = 0; order <= kMaxBenchOrder; ++order) {
    benchmark::RegisterBenchmark(("frames/" + name + "/order:" + std::to_string(order)).c_str(),
                                 [order](benchmark::State& s) { frame_churn<F>(s, order); })
        ->MinTime(kMinTime);
  }
}

/// Whether the process's malloc is glibc's: the comparison is meaningless if a replacement
/// malloc (Debian's jemalloc and mimalloc both are) got linked in.
bool malloc_is_glibc() {
  void* malloc_address = dlsym(RTLD_DEFAULT, "malloc");
  Dl_info info{};
  return malloc_address != nullptr && dladdr(malloc_address, &info) != 0 &&
         info.dli_fname != nullptr && std::strstr(info.dli_fname, "libc.so") != nullptr;
}

}  // namespace
}  // namespace mos::bench

int main(int argc, char** argv) {
  using namespace mos::bench;
  using namespace mos::mm;
  if (!malloc_is_glibc()) die("malloc is not glibc's: was a replacement malloc linked in?");
  register_heap_benchmarks<MosaicHeap<FirstFitHeap>>("first_fit");
  register_heap_benchmarks<MosaicHeap<BuddyHeap>>("buddy");
  register_heap_benchmarks<MosaicHeap<TlsfHeap>>("tlsf");
  register_heap_benchmarks<MosaicHeap<SlabFront<TlsfHeap>>>("slab+tlsf");
  register_heap_benchmarks<MosaicHeap<SlabFront<FirstFitHeap>>>("slab+first_fit");
  register_heap_benchmarks<GlibcMalloc>("glibc");
  register_frame_benchmarks<BitmapFrameAllocator>("bitmap");
  register_frame_benchmarks<BuddyFrameAllocator>("buddy");
  return run_benchmarks(argc, argv);
}
