// Threads of execution on the machine: kernel stack switching (context_switch.S), FPU/SSE state
// per thread with FXSAVE, and the CPU-local pointer in the GS base.
#include <k/platform/context.hpp>
#include <k/platform/cpu_local.hpp>

#include <x86_64/fpu_state.hpp>

#include "cpu.hpp"
#include "kernel_map.hpp"

#include <cstdint>

extern "C" {
void mos_x86_64_switch_stacks(std::uintptr_t* save_sp, std::uintptr_t load_sp);
void mos_x86_64_context_start();
void mos_x86_64_context_entry(mos::platform::ThreadContext* context,
                              mos::platform::ContextEntry entry, void* arg);
// The boot stack (entry.S), above its guard page: the boot thread's.
extern const std::byte mos_boot_stack_guard[], mos_boot_stack_top[];
}

namespace mos::platform {
namespace {

constexpr std::uint32_t kGsBaseMsr = 0xc0000101;

void fxsave(std::byte* area) noexcept { asm volatile("fxsave64 %0" : "=m"(*area) : : "memory"); }
void fxrstor(const std::byte* area) noexcept {
  asm volatile("fxrstor64 %0" : : "m"(*area) : "memory");
}

struct X86Contexts {
  static void init(ThreadContext& context, std::span<std::byte> stack, ContextEntry entry,
                   void* arg) noexcept {
    context.stack_base = stack.data();
    context.stack_bytes = stack.size();
    x86_64::write_clean_fxsave_area(context.fpu_state);
    auto top = reinterpret_cast<std::uintptr_t>(stack.data() + stack.size()) & ~std::uintptr_t{15};
    // The switch pops r15, r14, r13, r12, rbx, rbp and returns; 16 bytes stay above so that
    // the start routine runs with rsp 16-byte aligned.
    auto* frame = reinterpret_cast<std::uintptr_t*>(top - 16) - 7;
    frame[0] = 0;                                           // r15
    frame[1] = reinterpret_cast<std::uintptr_t>(arg);       // r14
    frame[2] = reinterpret_cast<std::uintptr_t>(entry);     // r13
    frame[3] = reinterpret_cast<std::uintptr_t>(&context);  // r12
    frame[4] = 0;                                           // rbx
    frame[5] = 0;                                           // rbp
    frame[6] = reinterpret_cast<std::uintptr_t>(&mos_x86_64_context_start);
    context.stack_pointer = reinterpret_cast<std::uintptr_t>(frame);
  }
  static void adopt_current(ThreadContext& context) noexcept {
    std::byte* bottom = const_cast<std::byte*>(mos_boot_stack_guard) + 4096;
    context.stack_base = bottom;
    context.stack_bytes = static_cast<std::size_t>(mos_boot_stack_top - bottom);
  }
  static void switch_to(ThreadContext& from, ThreadContext& to) noexcept {
    fxsave(from.fpu_state);
    x86_64::set_current_thread_stack(to.stack_base, to.stack_bytes);
    mos_x86_64_switch_stacks(&from.stack_pointer, to.stack_pointer);
    fxrstor(from.fpu_state);  // Resumed: `from` is this thread's own context again.
  }
  [[noreturn]] static void abandon(ThreadContext& from, ThreadContext& to) noexcept {
    x86_64::set_current_thread_stack(to.stack_base, to.stack_bytes);
    mos_x86_64_switch_stacks(&from.stack_pointer, to.stack_pointer);
    __builtin_unreachable();
  }
};
static_assert(ContextSwitcher<X86Contexts>);

// What the GS base points at: the CPU-local pointer, read with one %gs-relative load.
struct CpuSlot {
  void* data = nullptr;
};
CpuSlot g_cpu_slot;

struct X86CpuLocal {
  static void set(void* data) noexcept {
    g_cpu_slot.data = data;
    x86_64::cpu::write_msr(kGsBaseMsr, reinterpret_cast<std::uint64_t>(&g_cpu_slot));
  }
  static void* get() noexcept {
    // Before set(), GS base is 0 and %gs:0 would read address 0 (unmapped): read the slot
    // directly until it has been set.
    if (g_cpu_slot.data == nullptr) return nullptr;
    void* data;
    asm volatile("movq %%gs:0, %0" : "=r"(data));
    return data;
  }
};
static_assert(CpuLocalStorage<X86CpuLocal>);

}  // namespace

void context_init(ThreadContext& context, std::span<std::byte> stack, ContextEntry entry,
                  void* arg) noexcept {
  X86Contexts::init(context, stack, entry, arg);
}
void context_adopt_current(ThreadContext& context) noexcept { X86Contexts::adopt_current(context); }
void context_switch(ThreadContext& from, ThreadContext& to) noexcept {
  X86Contexts::switch_to(from, to);
}
void context_abandon(ThreadContext& from, ThreadContext& to) noexcept {
  X86Contexts::abandon(from, to);
}
void cpu_local_set(void* data) noexcept { X86CpuLocal::set(data); }
void* cpu_local() noexcept { return X86CpuLocal::get(); }

}  // namespace mos::platform

extern "C" void mos_x86_64_context_entry(mos::platform::ThreadContext* context,
                                         mos::platform::ContextEntry entry, void* arg) {
  mos::platform::fxrstor(context->fpu_state);
  entry(arg);
  __builtin_trap();  // Entries never return.
}
