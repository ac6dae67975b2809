#include "descriptors.hpp"

#include "stacks.hpp"

#include <cstdint>

extern "C" {
// Entry stubs, from interrupt_stubs.S: a table of those for vectors 0..31, and the stubs for
// vectors 32..255 themselves, 16 bytes apart.
extern const std::uint64_t mos_exception_stubs[32];
extern const char mos_interrupt_stubs[];
}

namespace mos::x86_64 {
namespace {

// [intel-sdm vol3] 8.7, figure 8-11: the 64-bit task-state segment.
struct [[gnu::packed]] TaskStateSegment {
  std::uint32_t reserved0;
  std::uint64_t rsp[3];
  std::uint64_t reserved1;
  std::uint64_t ist[7];
  std::uint64_t reserved2;
  std::uint16_t reserved3;
  std::uint16_t io_map_base;
};
static_assert(sizeof(TaskStateSegment) == 104);

struct [[gnu::packed]] DescriptorTablePointer {
  std::uint16_t limit;
  std::uint64_t base;
};

// [intel-sdm vol3] 6.14.1, figure 6-8: a 64-bit interrupt gate.
struct InterruptGate {
  std::uint16_t offset_low;
  std::uint16_t selector;
  std::uint8_t ist;
  std::uint8_t type_attributes;
  std::uint16_t offset_middle;
  std::uint32_t offset_high;
  std::uint32_t reserved;
};
static_assert(sizeof(InterruptGate) == 16);

constexpr std::uint8_t kPresentInterruptGate = 0x8e;  // P=1, DPL=0, type 0xE.

GuardedStack<16 * 1024> g_double_fault_stack;
GuardedStack<8 * 1024> g_nmi_stack;
GuardedStack<8 * 1024> g_machine_check_stack;

TaskStateSegment g_tss;

// Null, kernel code, kernel data, user data, user code, then the TSS (two slots).
alignas(16) std::uint64_t g_gdt[7] = {
    0,
    0x00af9a000000ffff,  // Kernel code: long mode, DPL 0.
    0x00cf92000000ffff,  // Kernel data.
    0x00cff2000000ffff,  // User data: DPL 3.
    0x00affa000000ffff,  // User code: long mode, DPL 3.
    0,
    0,
};

alignas(16) InterruptGate g_idt[256];

void set_tss_descriptor() noexcept {
  // [intel-sdm vol3] 8.2.3, figure 8-4: a 16-byte system descriptor, type 9 (available TSS).
  auto base = reinterpret_cast<std::uint64_t>(&g_tss);
  std::uint64_t limit = sizeof(TaskStateSegment) - 1;
  g_gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  g_gdt[6] = base >> 32;
}

}  // namespace

std::size_t static_stack_guards(std::uint64_t* out, std::size_t capacity) noexcept {
  const std::uint64_t guards[] = {g_double_fault_stack.guard_address(),
                                  g_nmi_stack.guard_address(),
                                  g_machine_check_stack.guard_address()};
  std::size_t n = 0;
  for (std::uint64_t g : guards) {
    if (n < capacity) out[n++] = g;
  }
  return n;
}

void load_gdt() noexcept {
  g_tss.ist[kIstDoubleFault - 1] = g_double_fault_stack.top();
  g_tss.ist[kIstNmi - 1] = g_nmi_stack.top();
  g_tss.ist[kIstMachineCheck - 1] = g_machine_check_stack.top();
  g_tss.io_map_base = sizeof(TaskStateSegment);  // No I/O permission bitmap.
  set_tss_descriptor();

  DescriptorTablePointer pointer{sizeof(g_gdt) - 1, reinterpret_cast<std::uint64_t>(g_gdt)};
  // Reload CS with a far return, then the data segments and the task register.
  asm volatile(
      "lgdt %0\n"
      "pushq %1\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "movw %w2, %%ds\n"
      "movw %w2, %%es\n"
      "movw %w2, %%ss\n"
      "ltr %w3\n"
      :
      : "m"(pointer), "i"(kKernelCode), "r"(kKernelData), "r"(kTss)
      : "rax", "memory");
}

void load_idt() noexcept {
  for (int vector = 0; vector < 256; ++vector) {
    std::uint64_t handler =
        vector < 32 ? mos_exception_stubs[vector]
                    : reinterpret_cast<std::uint64_t>(mos_interrupt_stubs) + 16 * (vector - 32);
    InterruptGate& gate = g_idt[vector];
    gate.offset_low = handler & 0xffff;
    gate.selector = kKernelCode;
    gate.ist = 0;
    gate.type_attributes = kPresentInterruptGate;
    gate.offset_middle = (handler >> 16) & 0xffff;
    gate.offset_high = static_cast<std::uint32_t>(handler >> 32);
    gate.reserved = 0;
  }
  // Exceptions that can arrive on a broken stack get stacks of their own.
  g_idt[8].ist = kIstDoubleFault;
  g_idt[2].ist = kIstNmi;
  g_idt[18].ist = kIstMachineCheck;

  DescriptorTablePointer pointer{sizeof(g_idt) - 1, reinterpret_cast<std::uint64_t>(g_idt)};
  asm volatile("lidt %0" : : "m"(pointer) : "memory");
}

}  // namespace mos::x86_64
