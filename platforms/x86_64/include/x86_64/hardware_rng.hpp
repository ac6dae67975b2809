#pragma once
// The logic of platform::hardware_entropy on x86_64, apart from the instructions: which of
// RDSEED and RDRAND the CPU has, and how they are retried. Portable (a template over the
// instructions), so host tests drive it with a fake that fails on demand.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::x86_64 {

/// The hardware random-number instructions a CPU offers.
struct RngFeatures {
  bool rdseed = false;
  bool rdrand = false;
};

/// Decodes CPUID: `max_leaf` is leaf 0's EAX, `leaf1_ecx` leaf 1's ECX, `leaf7_ebx` the EBX of
/// leaf 7 subleaf 0 (ignored when max_leaf < 7, since then that leaf does not exist and CPUID
/// answers with another leaf's data).
// [intel-sdm vol2] CPUID: CPUID.01H:ECX.RDRAND[bit 30], CPUID.(EAX=07H,ECX=0H):EBX.RDSEED[bit 18]
constexpr RngFeatures decode_rng_features(std::uint32_t max_leaf, std::uint32_t leaf1_ecx,
                                          std::uint32_t leaf7_ebx) noexcept {
  return {.rdseed = max_leaf >= 7 && (leaf7_ebx & (1u << 18)) != 0,
          .rdrand = max_leaf >= 1 && (leaf1_ecx & (1u << 30)) != 0};
}

/// Attempts per word. RDSEED fails (CF=0) while the entropy source refills, which is normal under
/// load, so it is retried with `pause` in between. RDRAND fails only when the hardware is broken
/// or starved; Intel's guidance is to give up after 10 attempts.
// [intel-sdm vol1] 7.3.17 Random Number Generator Instructions
inline constexpr int kRdseedAttempts = 64;
inline constexpr int kRdrandAttempts = 10;

/// What fill_hardware_random needs from the CPU: each instruction once (true and a value when
/// CF=1), and `pause`.
template <class T>
concept RngInstructions = requires(T& cpu, std::uint64_t& value) {
  { cpu.rdseed(value) } noexcept -> std::same_as<bool>;
  { cpu.rdrand(value) } noexcept -> std::same_as<bool>;
  { cpu.pause() } noexcept -> std::same_as<void>;
};

/// Fills `out` word by word: RDSEED when present, RDRAND for a word RDSEED did not deliver.
/// Stops at the first word neither delivered and returns the number filled.
template <RngInstructions Cpu>
std::size_t fill_hardware_random(Cpu& cpu, RngFeatures features,
                                 std::span<std::uint64_t> out) noexcept {
  std::size_t filled = 0;
  for (std::uint64_t& word : out) {
    bool ok = false;
    for (int i = 0; features.rdseed && !ok && i < kRdseedAttempts; ++i) {
      ok = cpu.rdseed(word);
      if (!ok) cpu.pause();
    }
    for (int i = 0; features.rdrand && !ok && i < kRdrandAttempts; ++i) ok = cpu.rdrand(word);
    if (!ok) break;
    ++filled;
  }
  return filled;
}

}  // namespace mos::x86_64
