// The fatal path for CPU exceptions: every exception that reaches it is reported and ends the
// machine with the panic status. (Recoverable ones — page faults of address spaces — get handlers
// of their own when libmm arrives.)
#include "console.hpp"
#include "cpu.hpp"
#include "kernel_map.hpp"
#include "symbols.hpp"

#include <x86_64/backtrace.hpp>
#include <x86_64/exception_report.hpp>

#include <k/platform/machine.hpp>

namespace mos::x86_64 {
namespace {

// `push %rbp` (1 byte) and `mov %rsp, %rbp` (3 bytes): before their end, rbp is the caller's.
constexpr std::uint64_t kFramePrologueBytes = 4;
constexpr std::uint64_t kDoubleFault = 8;

int g_depth = 0;  // Exceptions being reported; a second one means the report itself faulted.

}  // namespace

extern "C" void mos_x86_64_exception(TrapFrame* frame) {
  if (++g_depth > 1) {
    format_to(console_sink(), "\n=== CPU EXCEPTION {} while reporting an exception (RIP {:#x}) ===\n",
              exception_name(frame->vector), frame->rip);
    platform::shutdown(platform::kExitPanic);
  }
  FaultContext context{cpu::read_cr0(), cpu::read_cr2(), cpu::read_cr3(), cpu::read_cr4()};
  std::uint64_t frames[32];
  std::size_t count = 0;
  // A fault before the function's `push %rbp; mov %rsp, %rbp`, in a function without a frame, or
  // on a call to a bad address leaves the return address on top of the stack, outside the
  // frame-pointer chain.
  auto symbol = kernel_symbols().lookup(frame->rip);
  bool no_frame_yet = !symbol || frame->rip - symbol->address < kFramePrologueBytes;
  if (no_frame_yet && kernel_stack_readable(frame->rsp, 8)) {
    frames[count++] = *reinterpret_cast<const std::uint64_t*>(frame->rsp);
  }
  count += walk_frame_pointers(frame->rbp, std::span(frames).subspan(count), kernel_stack_readable);
  write_exception_report(console_sink(), *frame, context, kernel_symbols(), {frames, count});
  if (frame->vector == kDoubleFault && near_stack_guard(frame->rsp)) {
    console_sink().write("likely cause: kernel stack overflow (RSP is at a stack guard page)\n");
  }
  platform::shutdown(platform::kExitPanic);
}

}  // namespace mos::x86_64
