#pragma once
// The GDT (with a TSS) and the IDT.

#include <cstdint>

namespace mos::x86_64 {

/// Segment selectors. The order kernel code, kernel data, user data, user code is what
/// SYSCALL/SYSRET expect. [intel-sdm vol2] SYSRET
inline constexpr std::uint16_t kKernelCode = 0x08;
inline constexpr std::uint16_t kKernelData = 0x10;
inline constexpr std::uint16_t kUserData = 0x18 | 3;
inline constexpr std::uint16_t kUserCode = 0x20 | 3;
inline constexpr std::uint16_t kTss = 0x28;

/// Interrupt stack table slots used by the IDT (1-based as in the TSS).
inline constexpr int kIstDoubleFault = 1;
inline constexpr int kIstNmi = 2;
inline constexpr int kIstMachineCheck = 3;

/// Loads the GDT and the TSS (with separate, guard-paged stacks for #DF, NMI and #MC) and
/// reloads the segment registers.
void load_gdt() noexcept;

/// Loads an IDT whose 32 exception vectors enter exceptions.cpp through interrupt_stubs.S.
void load_idt() noexcept;

}  // namespace mos::x86_64
