// The hardware-entropy facet on x86_64: RDSEED, else RDRAND, as the CPU offers them (the retry
// logic is portable, in <x86_64/hardware_rng.hpp>).
#include "cpu.hpp"

#include <x86_64/hardware_rng.hpp>

#include <k/platform/entropy.hpp>

namespace mos::platform {
namespace {

// Each instruction once; CF=1 says the value is valid. [intel-sdm vol2] RDSEED, RDRAND
struct X86RngInstructions {
  bool rdseed(std::uint64_t& value) noexcept {
    bool ok;
    asm volatile("rdseed %0" : "=r"(value), "=@ccc"(ok));
    return ok;
  }
  bool rdrand(std::uint64_t& value) noexcept {
    bool ok;
    asm volatile("rdrand %0" : "=r"(value), "=@ccc"(ok));
    return ok;
  }
  void pause() noexcept { x86_64::cpu::pause(); }
};
static_assert(x86_64::RngInstructions<X86RngInstructions>);

struct X86Entropy {
  static std::size_t fill(std::span<std::uint64_t> out) noexcept {
    // Asked on every call rather than cached: CPUID is cheap next to seeding, and no cache means
    // no global that must be initialised before the first caller.
    x86_64::RngFeatures features = x86_64::decode_rng_features(
        x86_64::cpu::cpuid(0).eax, x86_64::cpu::cpuid(1).ecx, x86_64::cpu::cpuid(7, 0).ebx);
    X86RngInstructions cpu;
    return x86_64::fill_hardware_random(cpu, features, out);
  }
};
static_assert(HardwareEntropySource<X86Entropy>);

}  // namespace

std::size_t hardware_entropy(std::span<std::uint64_t> out) noexcept {
  return X86Entropy::fill(out);
}

}  // namespace mos::platform
