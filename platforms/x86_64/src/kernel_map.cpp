#include "kernel_map.hpp"

#include "cpu.hpp"
#include "stacks.hpp"

#include <k/platform/kernel_image.hpp>

extern "C" {
// From kernel.ld.
extern const std::byte __kernel_start[], __kernel_end[], __text_start[], __text_end[],
    __rodata_start[], __rodata_end[], __data_start[], __data_end[], __ksyms_start[];
// From entry.S: the page tables that map KERNEL_VMA + 2 MiB .. + 6 MiB, and the boot stack.
extern std::uint64_t boot_pml4[512];
extern std::uint64_t boot_pd_low[2048];
extern std::uint64_t boot_pt_kernel[1024];
extern const std::byte mos_boot_stack_guard[];
extern const std::byte __kernel_phys_start[], __kernel_phys_end[];
}

namespace mos::x86_64 {
namespace {

constexpr std::uint64_t kKernelVma = 0xffffffff80000000ULL;
constexpr std::uint64_t kTableBase = kKernelVma + 0x200000;  // First address boot_pt_kernel maps.
constexpr std::uint64_t kTableSpan = 0x400000;                // How much it maps.
// boot_pd_low entries 1 and 2 point at boot_pt_kernel (the kernel's alias in the direct map).
constexpr std::size_t kFirstKernelPde = 1;
constexpr std::size_t kLastKernelPde = 2;

constexpr std::uint64_t kPresent = 1ULL << 0;
constexpr std::uint64_t kWritable = 1ULL << 1;
constexpr std::uint64_t kNoExecute = 1ULL << 63;
constexpr std::uint64_t kEferMsr = 0xc0000080;
constexpr std::uint64_t kEferNxe = 1ULL << 11;

std::uint64_t addr(const std::byte* p) noexcept { return reinterpret_cast<std::uint64_t>(p); }

std::uint64_t* entry_for(std::uint64_t virt) noexcept {
  return &boot_pt_kernel[(virt - kTableBase) / kPageSize];
}

void set_range(std::uint64_t start, std::uint64_t end, std::uint64_t flags) noexcept {
  for (std::uint64_t v = start; v < end; v += kPageSize) {
    std::uint64_t* pte = entry_for(v);
    std::uint64_t frame = v - kKernelVma;
    *pte = frame | flags;
  }
}

constexpr std::size_t kMaxGuards = 8;
std::uint64_t g_guards[kMaxGuards];
std::size_t g_guard_count = 0;

bool is_guard(std::uint64_t page) noexcept {
  for (std::size_t i = 0; i < g_guard_count; ++i) {
    if (g_guards[i] == page) return true;
  }
  return false;
}

using platform::KernelSection;

// Filled by protect_kernel_image(): the sections as the boot tables map them now.
KernelSection g_sections[4];
VirtAddr g_guard_pages[kMaxGuards];
platform::KernelImage g_image;

}  // namespace

bool no_execute_enabled() noexcept { return (cpu::read_msr(kEferMsr) & kEferNxe) != 0; }

void protect_kernel_image() noexcept {
  std::uint64_t nx = no_execute_enabled() ? kNoExecute : 0;
  // The boot section (32-bit code, run at its physical address) is never executed up here.
  set_range(kTableBase, addr(__text_start), kPresent | nx);
  set_range(addr(__text_start), addr(__text_end), kPresent);
  set_range(addr(__rodata_start), addr(__rodata_end), kPresent | nx);
  set_range(addr(__data_start), addr(__data_end), kPresent | kWritable | nx);
  set_range(addr(__data_end), addr(__kernel_end), kPresent | nx);  // .ksyms
  // The rest of the 4 MiB the tables cover is ordinary RAM, reached through the direct map.
  set_range(addr(__kernel_end), kTableBase + kTableSpan, kPresent | kWritable | nx);

  g_guards[0] = addr(mos_boot_stack_guard);
  g_guard_count = 1 + static_stack_guards(g_guards + 1, kMaxGuards - 1);
  for (std::size_t i = 0; i < g_guard_count; ++i) *entry_for(g_guards[i]) = 0;
  cpu::flush_tlb();

  // The same layout, described for memory management (platform::kernel_image()).
  g_sections[0] = {"text", VirtAddr(addr(__text_start)), VirtAddr(addr(__text_end)),
                   KernelSection::Access::ReadExecute};
  g_sections[1] = {"rodata", VirtAddr(addr(__rodata_start)), VirtAddr(addr(__rodata_end)),
                   KernelSection::Access::ReadOnly};
  g_sections[2] = {"data", VirtAddr(addr(__data_start)), VirtAddr(addr(__data_end)),
                   KernelSection::Access::ReadWrite};
  g_sections[3] = {"ksyms", VirtAddr(addr(__data_end)), VirtAddr(addr(__kernel_end)),
                   KernelSection::Access::ReadOnly};
  for (std::size_t i = 0; i < g_guard_count; ++i) g_guard_pages[i] = VirtAddr(g_guards[i]);
  g_image.sections = g_sections;
  g_image.virt_minus_phys = kKernelVma;
  g_image.guard_pages = {g_guard_pages, g_guard_count};
  g_image.direct_map_base = VirtAddr(kEarlyDirectMapBase);
  g_image.early_direct_map_size = kEarlyDirectMapSize;
  g_image.no_execute = nx != 0;
  g_image.huge_pages = (cpu::cpuid(0x80000001).edx & (1u << 26)) != 0;  // Page1GB
  // Absolute linker symbols: their "addresses" are the physical bounds.
  g_image.phys_start = PhysAddr(addr(__kernel_phys_start));
  g_image.phys_end = PhysAddr(addr(__kernel_phys_end));
}

void remove_identity_map() noexcept {
  // Nothing runs at physical addresses any more: the boot GDT is replaced and the loader's data
  // is read through the direct map. Without this, a null pointer would be a valid address.
  boot_pml4[0] = 0;
  // Nothing runs from the direct map either: it becomes no-execute, except the kernel's own
  // alias, whose page tables already carry the image's W^X permissions.
  if (no_execute_enabled()) {
    for (std::size_t i = 0; i < 2048; ++i) {
      if (i < kFirstKernelPde || i > kLastKernelPde) boot_pd_low[i] |= kNoExecute;
    }
  }
  cpu::flush_tlb();
}

// The running thread's stack, when it is not one of the static ones (set by the context switch).
std::uint64_t g_thread_stack_base = 0;
std::uint64_t g_thread_stack_end = 0;

void set_current_thread_stack(const std::byte* base, std::size_t bytes) noexcept {
  g_thread_stack_base = addr(base);
  g_thread_stack_end = g_thread_stack_base + bytes;
}

bool near_stack_guard(std::uint64_t address) noexcept {
  std::uint64_t page = address & ~(kPageSize - 1);
  if (g_thread_stack_base != 0 && page + kPageSize >= g_thread_stack_base - kPageSize &&
      page < g_thread_stack_base + kPageSize) {
    return true;
  }
  return is_guard(page) || is_guard(page - kPageSize);
}

bool kernel_stack_readable(std::uint64_t address, std::size_t bytes) noexcept {
  std::uint64_t end = address + bytes;
  if (end < address) return false;
  if (address >= g_thread_stack_base && end <= g_thread_stack_end) return true;
  if (address < addr(__data_start) || end > addr(__data_end)) return false;
  for (std::uint64_t page = address & ~(kPageSize - 1); page < end; page += kPageSize) {
    if (is_guard(page)) return false;
  }
  return true;
}

}  // namespace mos::x86_64

namespace mos::platform {

namespace {
struct X86KernelImage {
  static const KernelImage& image() noexcept { return x86_64::g_image; }
  static void activate_page_table(PhysAddr root) noexcept {
    x86_64::cpu::write_cr3(root.value());
  }
};
static_assert(KernelImageControl<X86KernelImage>);
}  // namespace

const KernelImage& kernel_image() noexcept { return X86KernelImage::image(); }
void activate_page_table(PhysAddr root) noexcept { X86KernelImage::activate_page_table(root); }

}  // namespace mos::platform
