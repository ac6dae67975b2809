// memory: the image test of libmm on a real (emulated) machine. It checks that the frame
// allocator manages exactly the usable RAM of the memory map less the reserved ranges, drives
// the kernel heap through operator new, malloc and friends until it runs out and recovers,
// maps, protects and unmaps pages in the kernel page table, and resolves demand-zero and
// copy-on-write faults through an AddressSpace: real page faults, taken by the kernel's own
// accesses to user memory. `mm.leak` leaks one allocation on purpose (a heap_debug image then
// reports it at shutdown). With `mm.crash=...` on the command line it instead proves the
// protections of the kernel page table that libmm built:
//   mm.crash=write-text      a write into .text            (#PF, protection violation write)
//   mm.crash=write-alias     a write into .text through its alias in the direct map (#PF)
//   mm.crash=exec-heap       a jump into heap memory       (#PF, instruction fetch)
//   mm.crash=stack-overflow  unbounded recursion           (#DF at the stack guard page)
//   mm.crash=null            a read of address 0           (#PF, not present: no identity map)
#include <mm/address_space.hpp>
#include <mm/c_allocation.hpp>
#include <mm/kernel_memory.hpp>

#include <k/app.hpp>
#include <k/log.hpp>
#include <k/panic.hpp>
#include <k/platform/kernel_image.hpp>
#include <k/platform/page_fault.hpp>
#include <k/string.hpp>

#include <cstdint>
#include <new>
#include <optional>

namespace {

using mos::PhysAddr;
using mos::VirtAddr;
namespace mm = mos::mm;

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    ++g_failures;
    mos::log::error("memory: FAILED: {}", what);
  }
}

// Frames of usable RAM that lie outside every reserved range: what the allocator must manage.
std::uint64_t expected_managed_frames(const mos::BootInfo& boot) {
  std::uint64_t frames = 0;
  for (const mos::MemoryRegion& r : boot.memory_map) {
    if (r.kind != mos::MemoryRegion::Kind::Usable) continue;
    for (PhysAddr p = r.base.align_up(mm::kPageSize); p + mm::kPageSize <= r.end();
         p += mm::kPageSize) {
      bool reserved = false;
      for (const mm::PhysRange& range : mm::kernel_reserved_ranges()) {
        reserved = reserved || range.overlaps({p, p + mm::kPageSize});
      }
      frames += reserved ? 0 : 1;
    }
  }
  return frames;
}

void check_frames(const mos::BootInfo& boot) {
  mm::FrameStats stats = mm::kernel_frame_stats();
  std::uint64_t expected = expected_managed_frames(boot);
  std::uint64_t metadata_frames = (stats.metadata_bytes + mm::kPageSize - 1) / mm::kPageSize;
  mos::log::info("memory: map has {} KiB usable; {} frames outside reserved ranges; allocator: "
                 "{} managed + {} metadata, {} free",
                 boot.usable_bytes() / 1024, expected, stats.total_frames, metadata_frames,
                 stats.free_frames);
  // The allocator keeps its own metadata in the memory it manages and does not count it.
  check(stats.total_frames + metadata_frames == expected,
        "managed + metadata frames == usable frames outside reserved ranges");
  check(stats.free_frames <= stats.total_frames, "free frames <= managed frames");
  check(stats.free_frames + stats.metadata_bytes / mm::kPageSize + 1024 >= stats.total_frames,
        "almost every managed frame is free after boot");
  mos::log::info("memory: frames match the map ({} managed of {} usable)", stats.total_frames,
                 boot.usable_bytes() / mm::kPageSize);

  // Blocks of every order up to 4 MiB are aligned and really distinct memory.
  PhysAddr blocks[11];
  for (unsigned order = 0; order <= 10; ++order) {
    auto block = mm::kernel_frames().allocate_frames(order);
    check(block.has_value(), "allocate a block of every order up to 10");
    if (!block) return;
    blocks[order] = *block;
    check(block->is_aligned(mm::kPageSize << order), "blocks are aligned to their size");
    mos::memory_set(mm::kernel_phys_map().at<void>(*block), static_cast<int>(order),
                    mm::kPageSize << order);
  }
  for (unsigned order = 0; order <= 10; ++order) {
    auto* bytes = mm::kernel_phys_map().at<unsigned char>(blocks[order]);
    check(bytes[0] == order && bytes[(mm::kPageSize << order) - 1] == order,
          "block contents survive other allocations");
    mm::kernel_frames().free_frames(blocks[order], order);
  }
  check(mm::kernel_frame_stats().free_frames == stats.free_frames, "freeing restores the count");
}

struct Node {
  Node* next;
  std::uint64_t value;
  char payload[40];
};

void check_heap() {
  // operator new/delete, many small objects in a list.
  Node* head = nullptr;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    Node* n = new Node{head, i * 7, {}};
    n->payload[39] = static_cast<char>(i);
    head = n;
  }
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  while (head != nullptr) {
    Node* next = head->next;
    sum += head->value;
    check(head->payload[39] == static_cast<char>(head->value / 7), "object contents kept");
    delete head;
    head = next;
    ++count;
  }
  check(count == 20000 && sum == 7ULL * 20000 * 19999 / 2, "20000 objects allocated and freed");

  // malloc, calloc, realloc, aligned_alloc.
  auto* zeros = static_cast<unsigned char*>(calloc(1000, 8));
  bool all_zero = zeros != nullptr;
  for (int i = 0; zeros && i < 8000; ++i) all_zero = all_zero && zeros[i] == 0;
  check(all_zero, "calloc returns zeroed memory");
  auto* grown = static_cast<unsigned char*>(realloc(zeros, 100000));
  check(grown != nullptr && grown[7999] == 0, "realloc keeps contents");
  free(grown);
  void* aligned = aligned_alloc(4096, 100);
  check(aligned != nullptr && VirtAddr::of(aligned).is_aligned(4096), "aligned_alloc(4096)");
  free(aligned);
  check(malloc(std::size_t{1} << 62) == nullptr, "an impossible malloc returns null");

  // Exhaustion: take 1 MiB blocks until the heap says no, then give them back and go again.
  constexpr std::size_t kChunk = 1 << 20;
  void** chunks = static_cast<void**>(malloc(sizeof(void*) * 8192));
  std::size_t taken = 0;
  while (taken < 8192) {
    void* p = malloc(kChunk);
    if (p == nullptr) break;
    static_cast<char*>(p)[kChunk - 1] = 1;
    chunks[taken++] = p;
  }
  mm::HeapStats full = mm::kernel_heap_stats();
  mm::FrameStats frames_full = mm::kernel_frame_stats();
  mos::log::info("memory: heap ran out after {} MiB ({} KiB from frames, {} frames left)", taken,
                 full.bytes_from_source / 1024, frames_full.free_frames);
  check(taken > 0 && taken < 8192, "the heap runs out of memory and says so");
  for (std::size_t i = 0; i < taken; ++i) free(chunks[i]);
  void* again = malloc(kChunk);
  check(again != nullptr, "the heap recovers after memory is freed");
  free(again);
  free(chunks);
  mm::HeapStats after = mm::kernel_heap_stats();
  mos::log::info("memory: heap ok: {} live allocations, {} KiB from frames, peak {} KiB",
                 after.live_allocations, after.bytes_from_source / 1024,
                 after.peak_bytes_allocated / 1024);
}

void check_page_tables() {
  mm::PageTable& table = mm::kernel_page_table();
  const VirtAddr scratch(0xffffc00000000000ULL);
  auto frame = mm::kernel_frames().allocate_frames(0);
  check(frame.has_value(), "a frame for the scratch mapping");
  if (!frame) return;
  check(table.map(scratch, *frame, mm::PageSize::Size4K,
                  mm::PageFlags::Writable | mm::PageFlags::Global).has_value(),
        "map a scratch page");
  *scratch.as_ptr<std::uint64_t>() = 0x6d6f73616963;
  check(*mm::kernel_phys_map().at<std::uint64_t>(*frame) == 0x6d6f73616963,
        "a write through the new mapping reaches the frame");
  auto translation = table.query(scratch + 8);
  check(translation && translation->phys == *frame + 8, "query finds the frame");
  check(table.protect(scratch, mm::kPageSize, mm::PageFlags::Global).has_value(),
        "protect the scratch page read-only");
  check(!has(table.query(scratch)->flags, mm::PageFlags::Writable), "the page is read-only now");
  check(table.unmap(scratch, mm::kPageSize).has_value() && !table.query(scratch),
        "unmap the scratch page");
  mm::kernel_frames().free_frames(*frame, 0);

  // The direct map covers RAM; nothing is mapped at low addresses any more.
  check(!table.query(VirtAddr(0)) && !table.query(VirtAddr(0x100000)), "no identity map");
  mos::log::info("memory: page tables ok ({} table frames in the kernel table)",
                 table.table_frames());
}

// The address space whose faults the page-fault handler resolves (the one in CR3).
mm::AddressSpace* g_current_space = nullptr;
std::uint64_t g_faults_resolved = 0;

bool resolve_fault(const mos::platform::PageFault& fault) noexcept {
  if (g_current_space == nullptr) return false;
  auto resolved = g_current_space->handle_fault(fault.address, mm::FaultAccess::of(fault));
  if (!resolved) {
    mos::log::error("memory: fault not resolved: {}", resolved.error());
    return false;
  }
  ++g_faults_resolved;
  return true;
}

void switch_to(mm::AddressSpace* space) {
  g_current_space = space;
  mos::platform::activate_page_table(space != nullptr ? space->page_table().root()
                                                      : mm::kernel_page_table().root());
}

// Reads and writes user memory of the current space through plain pointers: the page faults
// they take are what the address space resolves.
volatile std::uint64_t* user_word(VirtAddr page, std::size_t index = 0) {
  return page.as_ptr<volatile std::uint64_t>() + index;
}

void check_address_space() {
  const std::uint64_t frames_before = mm::kernel_frame_stats().free_frames;
  mos::platform::set_page_fault_handler(&resolve_fault);
  {
    auto created = mm::AddressSpace::create(mm::kernel_frames(), mm::kernel_phys_map(),
                                            mm::kernel_frame_ref_counts(),
                                            &mm::kernel_page_table());
    check(created.has_value(), "create an address space");
    if (!created) return;
    mm::AddressSpace parent = std::move(created).value();
    constexpr std::uint64_t kPages = 16;
    const VirtAddr base(0x400000);
    auto mapped = parent.map_anonymous(base, kPages * mm::kPageSize,
                                       mm::Protection::Read | mm::Protection::Write,
                                       mm::MapPlacement::Fixed);
    check(mapped.has_value() && *mapped == base, "map 16 anonymous pages");
    check(parent.resident_pages() == 0, "anonymous memory is lazy");

    switch_to(&parent);
    // Demand zero: the first touch of each page maps a zeroed frame.
    bool zeroed = true;
    for (std::uint64_t i = 0; i < kPages; ++i) {
      VirtAddr page = base + i * mm::kPageSize;
      zeroed = zeroed && *user_word(page, 511) == 0;
      *user_word(page) = 0x1000 + i;
    }
    check(zeroed, "demand-zero pages read as zero");
    check(parent.resident_pages() == kPages, "every touched page is resident");
    check(g_faults_resolved >= kPages, "first touches were page faults");

    // Copy-on-write: after clone both see the same data; each write gets a private copy.
    auto cloned = parent.clone();
    check(cloned.has_value(), "clone the address space");
    if (cloned) {
      mm::AddressSpace child = std::move(cloned).value();
      const std::uint64_t faults_before_writes = g_faults_resolved;
      *user_word(base) = 0xaaaa;  // Parent writes page 0: its copy.
      switch_to(&child);
      check(*user_word(base) == 0x1000, "the child still sees the old value of page 0");
      check(*user_word(base + mm::kPageSize) == 0x1001, "the child shares page 1");
      *user_word(base + mm::kPageSize) = 0xbbbb;  // Child writes page 1: its copy.
      switch_to(&parent);
      check(*user_word(base) == 0xaaaa, "the parent keeps its write to page 0");
      check(*user_word(base + mm::kPageSize) == 0x1001, "the parent does not see the child's write");
      check(g_faults_resolved - faults_before_writes == 2, "each shared-page write is one fault");
      switch_to(nullptr);
    }
    // A fault the space must refuse: outside every region. (Checked without touching it.)
    auto refused = parent.handle_fault(VirtAddr(0x10000000), {.write = true});
    check(!refused && refused.error().reason == mm::FaultReason::NoMapping,
          "an access outside every region is refused");
    mos::log::info("memory: address spaces ok ({} faults resolved, demand-zero and copy-on-write)",
                   g_faults_resolved);
    switch_to(nullptr);
  }
  mos::platform::set_page_fault_handler(nullptr);
  check(mm::kernel_frame_stats().free_frames == frames_before,
        "destroying the address spaces returns every frame");
}

// --- Deliberate faults, to prove the protections of the kernel page table. ---

[[gnu::noinline]] void crash_write_text() {
  auto* code = reinterpret_cast<volatile std::uint8_t*>(&mos::app_main);
  *code = 0xc3;
}

[[gnu::noinline]] void crash_write_alias() {
  auto text = VirtAddr(reinterpret_cast<std::uintptr_t>(&mos::app_main));
  PhysAddr phys(text.value() - mos::platform::kernel_image().virt_minus_phys);
  *mm::kernel_phys_map().at<volatile std::uint8_t>(phys) = 0xc3;
}

[[gnu::noinline]] void crash_exec_heap() {
  auto* code = static_cast<std::uint8_t*>(malloc(64));
  code[0] = 0xc3;  // ret
  reinterpret_cast<void (*)()>(code)();
}

[[gnu::noinline]] std::uint64_t crash_stack_overflow(std::uint64_t depth, std::uint64_t limit) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  if (depth == limit) return pad[0];
  return crash_stack_overflow(depth + 1, limit) + pad[0];
}

[[gnu::noinline]] void crash_null() {
  std::uintptr_t address = 0;
  asm volatile("" : "+r"(address));
  (void)*reinterpret_cast<volatile std::uint64_t*>(address);
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  if (auto crash = boot.options().option("mm.crash")) {
    log::info("memory: crash {}", *crash);
    if (*crash == "write-text") crash_write_text();
    if (*crash == "write-alias") crash_write_alias();
    if (*crash == "exec-heap") crash_exec_heap();
    if (*crash == "stack-overflow") (void)crash_stack_overflow(0, ~std::uint64_t{0});
    if (*crash == "null") crash_null();
    log::error("memory: nothing crashed");
    return platform::kExitFailure;
  }
  check_frames(boot);
  check_heap();
  check_page_tables();
  check_address_space();
  if (boot.options().has_flag("mm.leak")) {
    void* leaked = malloc(100);
    log::info("memory: leaking 100 bytes at {:#x} on purpose", reinterpret_cast<std::uintptr_t>(leaked));
  }
  if (g_failures != 0) {
    log::error("memory: {} checks failed", g_failures);
    return platform::kExitFailure;
  }
  log::info("memory: all checks passed");
  return platform::kExitSuccess;
}
