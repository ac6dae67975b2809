#pragma once
// The kernel image's mapping as the boot code left it, refined: W^X per section and unmapped
// guard pages under the static stacks. libmm takes over the address space later.

#include <cstddef>
#include <cstdint>

namespace mos::x86_64 {

/// Where the boot code maps all of the first 4 GiB of physical memory.
inline constexpr std::uint64_t kEarlyDirectMapBase = 0xffff800000000000ULL;
inline constexpr std::uint64_t kEarlyDirectMapSize = 4ULL << 30;

/// Gives each kernel section its permissions (text RX, rodata R+NX, data/bss RW+NX) and unmaps
/// the stack guard pages, then flushes the TLB.
void protect_kernel_image() noexcept;

/// Unmaps the boot code's identity map of low memory, so that null and other low addresses fault.
void remove_identity_map() noexcept;

/// Whether [address, address + bytes) lies in the kernel's writable data (where the static
/// stacks are) and is mapped, or in the running thread's stack; used to walk stacks without
/// faulting.
bool kernel_stack_readable(std::uint64_t address, std::size_t bytes) noexcept;

/// Whether `address` lies in a stack guard page or in the page above it (where a stack overflow
/// is caught: the CPU could not push the #PF frame there either, so it raised #DF), the guard
/// below the running thread's stack included.
bool near_stack_guard(std::uint64_t address) noexcept;

/// Records the bounds of the stack that runs from now on (the context switch calls it).
void set_current_thread_stack(const std::byte* base, std::size_t bytes) noexcept;

/// Whether the CPU enforces no-execute (EFER.NXE is set).
bool no_execute_enabled() noexcept;

}  // namespace mos::x86_64
