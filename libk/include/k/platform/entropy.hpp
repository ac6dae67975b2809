#pragma once
/// Platform contract: entropy from the machine's hardware random-number source, to seed libk's
/// Csprng (k/random.hpp, seed_from_platform). On x86_64: RDSEED, else RDRAND; on the host:
/// getrandom(2). A machine may have no such source (QEMU's default TCG CPU offers neither
/// instruction): callers also mix in timer jitter and must not rely on this alone.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::platform {

/// What each word hardware_entropy returns is worth: full entropy, 64 bits. RDSEED is specified
/// as a full-entropy source (an SP 800-90B/C enhanced NRBG); RDRAND is an SP 800-90A DRBG that
/// the hardware reseeds from it, whose output is trusted as the CPU's word on randomness, the
/// same trust Linux gives the CPU with random.trust_cpu. A platform returns only words it can
/// vouch for at this rate.
inline constexpr std::size_t kHardwareEntropyBitsPerWord = 64;

/// A platform's hardware-entropy facet.
template <class T>
concept HardwareEntropySource = requires(std::span<std::uint64_t> out) {
  { T::fill(out) } noexcept -> std::same_as<std::size_t>;
};

/// Fills the first words of `out` from the hardware random-number source and returns how many
/// it filled: out.size() normally, fewer if the source stopped delivering within a bounded
/// number of retries (so the call never hangs), 0 when the machine has no such source. Each
/// filled word is worth kHardwareEntropyBitsPerWord bits. Any context, interrupts included.
std::size_t hardware_entropy(std::span<std::uint64_t> out) noexcept;

}  // namespace mos::platform
