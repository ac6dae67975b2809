#pragma once
/// The register state that the exception entry stubs (src/interrupt_stubs.S) save.

#include <cstdint>

namespace mos::x86_64 {

/// Saved by the stub (general registers, vector, error code) and by the CPU (the rest), lowest
/// address first. The layout is shared with interrupt_stubs.S.
struct TrapFrame {
  std::uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  std::uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  std::uint64_t vector;
  std::uint64_t error_code;  ///< 0 for vectors without one.
  std::uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);

/// Control registers captured with a trap frame for the report.
struct FaultContext {
  std::uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;
};

}  // namespace mos::x86_64
