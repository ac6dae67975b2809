// The fatal path for CPU exceptions: every exception that reaches it is reported and ends the
// machine with the panic status. (Recoverable ones — page faults of address spaces — get handlers
// of their own when libmm arrives.)
#include "console.hpp"
#include "cpu.hpp"
#include "kernel_map.hpp"
#include "symbols.hpp"

#include <x86_64/backtrace.hpp>
#include <x86_64/exception_report.hpp>

#include <k/platform/fault.hpp>
#include <k/platform/machine.hpp>
#include <k/platform/page_fault.hpp>

#include <atomic>

namespace mos::x86_64 {
namespace {

// `push %rbp` (1 byte) and `mov %rsp, %rbp` (3 bytes): before their end, rbp is the caller's.
constexpr std::uint64_t kFramePrologueBytes = 4;
constexpr std::uint64_t kDoubleFault = 8;

// push %rbp; mov %rsp, %rbp
constexpr std::uint8_t kFramePrologue[kFramePrologueBytes] = {0x55, 0x48, 0x89, 0xe5};

// Whether the function at `address` (in .text, which is always readable) sets up a frame.
bool starts_with_frame_prologue(std::uint64_t address) noexcept {
  const auto* code = reinterpret_cast<const std::uint8_t*>(address);
  for (std::uint64_t i = 0; i < kFramePrologueBytes; ++i) {
    if (code[i] != kFramePrologue[i]) return false;
  }
  return true;
}

constexpr std::uint64_t kPageFault = 14;

int g_depth = 0;  // Exceptions being reported; a second one means the report itself faulted.

std::atomic<platform::PageFaultHandler> g_page_fault_handler{nullptr};
std::atomic<platform::FatalFaultHandler> g_fatal_fault_handler{nullptr};

// Offers a page fault to memory management; true if it was resolved. [intel-sdm vol3] 4.7
bool resolve_page_fault(const TrapFrame& frame) noexcept {
  platform::PageFaultHandler handler = g_page_fault_handler.load(std::memory_order_acquire);
  if (handler == nullptr) return false;
  platform::PageFault fault;
  fault.address = VirtAddr(cpu::read_cr2());
  fault.instruction = VirtAddr(frame.rip);
  fault.present = (frame.error_code & 1) != 0;
  fault.write = (frame.error_code & 2) != 0;
  fault.user = (frame.error_code & 4) != 0;
  fault.execute = (frame.error_code & 0x10) != 0;
  return handler(fault);
}

struct X86PageFaults {
  static void set_handler(platform::PageFaultHandler handler) noexcept {
    g_page_fault_handler.store(handler, std::memory_order_release);
  }
};
static_assert(platform::PageFaultControl<X86PageFaults>);

struct X86FatalFaults {
  static void set_handler(platform::FatalFaultHandler handler) noexcept {
    g_fatal_fault_handler.store(handler, std::memory_order_release);
  }
};
static_assert(platform::FatalFaultControl<X86FatalFaults>);

}  // namespace

extern "C" void mos_x86_64_exception(TrapFrame* frame) {
  if (frame->vector == kPageFault && g_depth == 0 && resolve_page_fault(*frame)) return;
  if (++g_depth > 1) {
    format_to(console_sink(), "\n=== CPU EXCEPTION {} while reporting an exception (RIP {:#x}) ===\n",
              exception_name(frame->vector), frame->rip);
    platform::shutdown(platform::kExitPanic);
  }
  FaultContext context{cpu::read_cr0(), cpu::read_cr2(), cpu::read_cr3(), cpu::read_cr4()};
  std::uint64_t frames[32];
  std::size_t count = 0;
  // The frame-pointer chain starts with the caller of the function that set up the newest
  // frame. The faulting function's own return address is on top of the stack instead when it
  // has no frame yet: the fault hit its first instructions, it is a leaf that GCC 12 compiles
  // without a frame, or it was called at a bad address. Take it from there when it points
  // into the kernel's code.
  auto symbol = kernel_symbols().lookup(frame->rip);
  bool frameless = !symbol || frame->rip - symbol->address < kFramePrologueBytes ||
                   !starts_with_frame_prologue(symbol->address);
  if (frameless && kernel_stack_readable(frame->rsp, 8)) {
    std::uint64_t top = *reinterpret_cast<const std::uint64_t*>(frame->rsp);
    if (kernel_symbols().lookup(top - 1)) frames[count++] = top;
  }
  count += walk_frame_pointers(frame->rbp, std::span(frames).subspan(count), kernel_stack_readable);
  write_exception_report(console_sink(), *frame, context, kernel_symbols(), {frames, count});
  if (frame->vector == kDoubleFault && near_stack_guard(frame->rsp)) {
    console_sink().write("likely cause: kernel stack overflow (RSP is at a stack guard page)\n");
  }
  // The scheduler may end just the faulting thread; it does not return then, so this report is
  // over as far as the nesting count goes.
  if (auto handler = g_fatal_fault_handler.load(std::memory_order_acquire); handler != nullptr) {
    --g_depth;
    handler();
    ++g_depth;
  }
  platform::shutdown(platform::kExitPanic);
}

}  // namespace mos::x86_64

void mos::platform::set_page_fault_handler(PageFaultHandler handler) noexcept {
  x86_64::X86PageFaults::set_handler(handler);
}

void mos::platform::set_fatal_fault_handler(FatalFaultHandler handler) noexcept {
  x86_64::X86FatalFaults::set_handler(handler);
}
