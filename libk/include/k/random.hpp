#pragma once
/// The kernel's cryptographically secure random-number generator: a ChaCha20 DRBG with fast key
/// erasure, reseeded through BLAKE2s, and the helpers that seed it from the machine (hardware
/// source and timer jitter). It backs /dev/random and /dev/urandom, stack canaries and ASLR.
///
/// Construction (the reasoning is in src/random.cpp):
/// - state: one 256-bit ChaCha20 key K (all zero until entropy arrives) and a count of credited
///   entropy bits;
/// - add_entropy(x): K = BLAKE2s-256(key = K, message = x);
/// - generate(n): per chunk of at most kRekeyInterval bytes, take the ChaCha20 keystream under K
///   (zero nonce, counter from 0); its first 32 bytes become the new K before anything is
///   returned, the bytes after them are the output. The key that produced an output is gone
///   when generate returns.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos {

/// A ChaCha20-based DRBG. Not thread-safe: the owner serialises calls (one instance per CPU, or
/// a SpinLock around a shared one). No allocation; the state is 40 bytes inline.
class Csprng {
 public:
  static constexpr std::size_t kKeySize = 32;
  /// Credited entropy at which the generator counts as seeded.
  static constexpr std::size_t kSeededBits = 256;
  /// Most output bytes produced under one key, even within one generate() call.
  static constexpr std::size_t kRekeyInterval = std::size_t{1} << 20;

  /// An unseeded generator. Its output is deterministic (a fixed all-zero key) until entropy is
  /// added, and seeded() says so.
  constexpr Csprng() noexcept = default;
  /// Copying would make two generators return the same bytes.
  Csprng(const Csprng&) = delete;
  Csprng& operator=(const Csprng&) = delete;
  ~Csprng();

  /// Mixes `input` into the key, crediting it with `credited_bits` bits of entropy (at most 8
  /// per byte of input; more is a programmer error). Input with no credited entropy (a MAC
  /// address, a boot time) still helps and never hurts. Once seeded, add entropy in batches of
  /// at least 128 bits: after a state compromise, small inputs with output observed between them
  /// could be guessed one at a time.
  void add_entropy(std::span<const std::byte> input, std::size_t credited_bits) noexcept;

  /// Whether at least kSeededBits bits were credited in total. Stays true once reached.
  bool seeded() const noexcept { return credited_bits_ >= kSeededBits; }

  /// The entropy credited so far (saturating).
  std::size_t credited_bits() const noexcept { return credited_bits_; }

  /// Fills `out` with random bytes, seeded or not (a caller like /dev/random waits for seeded()
  /// first). Any length, 0 included.
  void generate(std::span<std::byte> out) noexcept;

  /// A uniformly distributed 64-bit value.
  std::uint64_t next_u64() noexcept;

  /// A uniformly distributed value in [0, bound), without modulo bias; bound 0 is a programmer
  /// error.
  std::uint64_t uniform(std::uint64_t bound) noexcept;

 private:
  std::array<std::byte, kKeySize> key_{};
  std::size_t credited_bits_ = 0;
};

/// What collect_jitter credits for a sequence of timing deltas: one bit per delta that passes a
/// stuck test (the delta, its change from the previous delta and the change of that change are
/// all non-zero, so the first two deltas never count), none for the rest. Exposed so that tests
/// can check the estimate on chosen deltas.
std::size_t jitter_credit(std::span<const std::uint64_t> deltas) noexcept;

/// Times `samples` short busy loops with platform::cycle_counter(), hashes every timestamp and
/// delta into one 256-bit digest, adds it to `rng` in one add_entropy call and credits
/// jitter_credit(deltas), at most 256 bits. Returns the bits credited.
///
/// One bit per sample is deliberately low: the low bits of a loop's duration vary with caches,
/// pipelines and interrupts, but how much is unknowable in general, and the stuck test only
/// rules out the obviously constant. Under QEMU with -icount the cycle counter counts
/// instructions, so the deltas are the same on every run: the mixed-in bytes are then no real
/// entropy, the output stays reproducible (which the deterministic image tests rely on), and the
/// stuck test credits little or nothing. Real hardware, or QEMU with `-cpu max`, gets its
/// entropy from platform::hardware_entropy instead.
std::size_t collect_jitter(Csprng& rng, std::size_t samples) noexcept;

/// Seeds `rng` from the machine: platform::hardware_entropy (kSeededBits worth, when the
/// machine has a source) and collect_jitter, each added as one batch. Returns the bits credited;
/// rng.seeded() tells whether that was enough.
std::size_t seed_from_platform(Csprng& rng) noexcept;

}  // namespace mos
