#pragma once
// Thin wrappers around privileged x86_64 instructions, for this platform's own use.

#include <cstdint>

namespace mos::x86_64::cpu {

inline std::uint64_t read_rflags() noexcept {
  std::uint64_t v;
  asm volatile("pushfq; popq %0" : "=r"(v));
  return v;
}
inline void disable_interrupts() noexcept { asm volatile("cli" ::: "memory"); }
inline void enable_interrupts() noexcept { asm volatile("sti" ::: "memory"); }
inline void halt() noexcept { asm volatile("hlt" ::: "memory"); }
inline void pause() noexcept { asm volatile("pause"); }

inline std::uint64_t read_cr0() noexcept {
  std::uint64_t v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline std::uint64_t read_cr2() noexcept {
  std::uint64_t v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline std::uint64_t read_cr3() noexcept {
  std::uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
inline void write_cr3(std::uint64_t v) noexcept { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
inline std::uint64_t read_cr4() noexcept {
  std::uint64_t v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}
inline std::uint64_t read_rbp() noexcept {
  std::uint64_t v;
  asm volatile("mov %%rbp, %0" : "=r"(v));
  return v;
}
inline std::uint64_t rdtsc() noexcept {
  std::uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}
inline std::uint64_t read_msr(std::uint32_t msr) noexcept {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

inline void write_msr(std::uint32_t msr, std::uint64_t value) noexcept {
  asm volatile("wrmsr"
               :
               : "c"(msr), "a"(static_cast<std::uint32_t>(value)),
                 "d"(static_cast<std::uint32_t>(value >> 32))
               : "memory");
}

struct CpuidResult {
  std::uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(std::uint32_t leaf, std::uint32_t subleaf = 0) noexcept {
  CpuidResult r;
  asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
  return r;
}

/// Invalidates every non-global TLB entry by reloading CR3.
inline void flush_tlb() noexcept { write_cr3(read_cr3()); }

}  // namespace mos::x86_64::cpu
