// Threads of execution inside a Linux process: stack switching (context_switch.S), FPU/SSE
// state per thread with FXSAVE, the CPU-local pointer, and the annotations AddressSanitizer
// needs to follow a program that switches stacks.
#include <k/platform/context.hpp>
#include <k/platform/cpu_local.hpp>
#include <k/platform/fault.hpp>

#include <pthread.h>

#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" {
void mos_host_switch_stacks(std::uintptr_t* save_sp, std::uintptr_t load_sp);
void mos_host_context_start();
void mos_host_context_entry(mos::platform::ThreadContext* context,
                            mos::platform::ContextEntry entry, void* arg);
}

namespace mos::platform {
namespace {

// A clean FPU/SSE state in FXSAVE form: x87 control word 0x037f and MXCSR 0x1f80 (every
// exception masked, round to nearest), all else zero. [intel-sdm vol1] 10.5.1
void write_clean_fpu_state(std::byte* area) noexcept {
  for (std::size_t i = 0; i < kFpuStateBytes; ++i) area[i] = std::byte{0};
  area[0] = std::byte{0x7f};
  area[1] = std::byte{0x03};
  area[24] = std::byte{0x80};
  area[25] = std::byte{0x1f};
}

// AddressSanitizer keeps shadow state per stack: it must hear of every switch (the target's
// bounds) and of its completion, or it reports false errors on the new stack.
void* begin_switch(void** fake_stack, const ThreadContext& to) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake_stack, to.stack_base, to.stack_bytes);
#else
  (void)to;
#endif
  return fake_stack;
}
void end_switch(void* fake_stack) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#else
  (void)fake_stack;
#endif
}

struct HostContexts {
  static void init(ThreadContext& context, std::span<std::byte> stack, ContextEntry entry,
                   void* arg) noexcept {
    context.stack_base = stack.data();
    context.stack_bytes = stack.size();
    write_clean_fpu_state(context.fpu_state);
    auto top = reinterpret_cast<std::uintptr_t>(stack.data() + stack.size()) & ~std::uintptr_t{15};
    // mos_host_switch_stacks pops r15, r14, r13, r12, rbx, rbp, then returns; 16 bytes stay
    // above so that the start routine runs with rsp 16-byte aligned.
    auto* frame = reinterpret_cast<std::uintptr_t*>(top - 16) - 7;
    frame[0] = 0;                                              // r15
    frame[1] = reinterpret_cast<std::uintptr_t>(arg);          // r14
    frame[2] = reinterpret_cast<std::uintptr_t>(entry);        // r13
    frame[3] = reinterpret_cast<std::uintptr_t>(&context);     // r12
    frame[4] = 0;                                              // rbx
    frame[5] = 0;                                              // rbp
    frame[6] = reinterpret_cast<std::uintptr_t>(&mos_host_context_start);
    context.stack_pointer = reinterpret_cast<std::uintptr_t>(frame);
  }
  static void adopt_current(ThreadContext& context) noexcept {
    pthread_attr_t attributes;
    void* base = nullptr;
    std::size_t size = 0;
    if (::pthread_getattr_np(::pthread_self(), &attributes) == 0) {
      ::pthread_attr_getstack(&attributes, &base, &size);
      ::pthread_attr_destroy(&attributes);
    }
    context.stack_base = static_cast<std::byte*>(base);
    context.stack_bytes = size;
  }
  static void switch_to(ThreadContext& from, ThreadContext& to) noexcept {
    __builtin_ia32_fxsave64(from.fpu_state);
    void* fake_stack = nullptr;
    begin_switch(&fake_stack, to);
    mos_host_switch_stacks(&from.stack_pointer, to.stack_pointer);
    // Resumed: `from` is this thread's own context again.
    end_switch(fake_stack);
    __builtin_ia32_fxrstor64(from.fpu_state);
  }
  [[noreturn]] static void abandon(ThreadContext& from, ThreadContext& to) noexcept {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(nullptr, to.stack_base, to.stack_bytes);  // `from` is gone.
#endif
    mos_host_switch_stacks(&from.stack_pointer, to.stack_pointer);
    __builtin_unreachable();
  }
};
static_assert(ContextSwitcher<HostContexts>);

// One "CPU": the OS thread the tests run on.
void* g_cpu_local = nullptr;

struct HostCpuLocal {
  static void set(void* data) noexcept { g_cpu_local = data; }
  static void* get() noexcept { return g_cpu_local; }
};
static_assert(CpuLocalStorage<HostCpuLocal>);

// A process has no kernel-mode exceptions to survive: a fault in a test is the test's end.
struct HostFatalFaults {
  static inline FatalFaultHandler handler_ = nullptr;
  static void set_handler(FatalFaultHandler handler) noexcept { handler_ = handler; }
};
static_assert(FatalFaultControl<HostFatalFaults>);

}  // namespace

void context_init(ThreadContext& context, std::span<std::byte> stack, ContextEntry entry,
                  void* arg) noexcept {
  HostContexts::init(context, stack, entry, arg);
}
void context_adopt_current(ThreadContext& context) noexcept { HostContexts::adopt_current(context); }
void context_switch(ThreadContext& from, ThreadContext& to) noexcept {
  HostContexts::switch_to(from, to);
}
void context_abandon(ThreadContext& from, ThreadContext& to) noexcept {
  HostContexts::abandon(from, to);
}
void cpu_local_set(void* data) noexcept { HostCpuLocal::set(data); }
void* cpu_local() noexcept { return HostCpuLocal::get(); }
void set_fatal_fault_handler(FatalFaultHandler handler) noexcept {
  HostFatalFaults::set_handler(handler);
}

}  // namespace mos::platform

extern "C" void mos_host_context_entry(mos::platform::ThreadContext* context,
                                       mos::platform::ContextEntry entry, void* arg) {
  mos::platform::end_switch(nullptr);
  __builtin_ia32_fxrstor64(context->fpu_state);
  entry(arg);
  __builtin_trap();  // Entries never return.
}
