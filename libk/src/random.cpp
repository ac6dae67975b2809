// The Csprng and its seeding helpers (k/random.hpp).
//
// Why the construction is sound:
// - generate: ChaCha20 is a PRF of its key, so a key used for one request yields output
//   indistinguishable from random. Replacing the key with the first 32 bytes of that same
//   keystream before returning ("fast key erasure", Bernstein 2017) means that whoever later
//   reads the state learns only the next key, which the returned bytes do not determine and
//   which does not determine them: past output stays secret. A fresh key per request also makes
//   the fixed zero nonce safe, since no (key, nonce, counter) is ever used twice. Capping a key at
//   kRekeyInterval bytes bounds what one key produces even inside a long request.
// - add_entropy: K' = BLAKE2s-256 keyed with K over the input. If K is unknown to an attacker,
//   keyed BLAKE2s (its MAC mode, RFC 7693) is designed as a PRF, so K' is unpredictable whatever
//   the input, even one the attacker chose: adding input never weakens the state. If K is known
//   (at boot, or after a compromise), K' is a hash of the input under a public key; with BLAKE2s
//   modelled as a random oracle, the usual assumption for hash-based extractors (Linux's input
//   pool is a BLAKE2s hash too), K' is close to uniform once the input holds enough
//   min-entropy, which is what crediting tracks. BLAKE2s is one-way, so K' does not reveal K.
#include <k/blake2s.hpp>
#include <k/chacha20.hpp>
#include <k/panic.hpp>
#include <k/platform/cycle_counter.hpp>
#include <k/platform/entropy.hpp>
#include <k/random.hpp>
#include <k/string.hpp>

#include "wipe.hpp"

namespace mos {
namespace {

// Every key produces one request (at most kRekeyInterval bytes), so one nonce is enough.
constexpr std::array<std::byte, kChaCha20NonceSize> kNonce{};

// Iterations of one jitter sample's busy loop: long enough to span a few cache and pipeline
// events, short enough that hundreds of samples take well under a millisecond.
constexpr int kJitterLoopIterations = 64;
// Samples seed_from_platform takes: twice what can be credited in one batch, for margin.
constexpr std::size_t kSeedJitterSamples = 2 * Csprng::kSeededBits;

// The stuck test of jitter_credit, one delta at a time.
class StuckTest {
 public:
  // Whether `delta` counts for one bit of entropy.
  bool passes(std::uint64_t delta) noexcept {
    std::uint64_t d2 = delta - last_;
    std::uint64_t d3 = d2 - last_d2_;
    bool counts = seen_ >= 2 && delta != 0 && d2 != 0 && d3 != 0;
    last_ = delta;
    last_d2_ = d2;
    if (seen_ < 2) ++seen_;
    return counts;
  }

 private:
  std::uint64_t last_ = 0;
  std::uint64_t last_d2_ = 0;
  int seen_ = 0;  // Deltas seen, up to 2: the third difference needs two before.
};

// Duration of a busy loop whose volatile accumulator forces a load and a store per iteration.
std::uint64_t timed_busy_loop() noexcept {
  volatile std::uint32_t accumulator = 0;
  std::uint64_t start = platform::cycle_counter();
  for (int i = 0; i < kJitterLoopIterations; ++i) {
    accumulator = accumulator * 33 + static_cast<std::uint32_t>(i);
  }
  return platform::cycle_counter() - start;
}

}  // namespace

Csprng::~Csprng() {
  detail::wipe_object(key_);
}

void Csprng::add_entropy(std::span<const std::byte> input, std::size_t credited_bits) noexcept {
  MOS_ASSERT(credited_bits <= input.size() * 8);
  Blake2s hash(kKeySize, key_);  // Copies the key into its own (wiped) state.
  hash.update(input);
  hash.finish(key_);
  std::size_t room = static_cast<std::size_t>(-1) - credited_bits_;
  credited_bits_ += credited_bits < room ? credited_bits : room;
}

void Csprng::generate(std::span<std::byte> out) noexcept {
  while (!out.empty()) {
    std::size_t n = out.size() < kRekeyInterval ? out.size() : kRekeyInterval;
    std::span<std::byte> chunk = out.first(n);
    std::array<std::byte, kKeySize> key = key_;
    std::array<std::byte, kChaCha20BlockSize> first;
    chacha20_block(key, 0, kNonce, first);
    // Fast key erasure: the next key is set before any output is produced.
    memory_copy(key_.data(), first.data(), kKeySize);
    std::size_t from_first = n < kChaCha20BlockSize - kKeySize ? n : kChaCha20BlockSize - kKeySize;
    memory_copy(chunk.data(), first.data() + kKeySize, from_first);
    chacha20_keystream(key, 1, kNonce, chunk.subspan(from_first));
    detail::wipe_object(key);
    detail::wipe_object(first);
    out = out.subspan(n);
  }
}

std::uint64_t Csprng::next_u64() noexcept {
  std::array<std::byte, 8> bytes;
  generate(bytes);
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    value |= std::to_integer<std::uint64_t>(bytes[i]) << (8 * i);
  }
  return value;
}

std::uint64_t Csprng::uniform(std::uint64_t bound) noexcept {
  MOS_ASSERT(bound != 0);
  // Plain `x % bound` favours the 2^64 mod bound smallest results. Rejecting x below that count
  // leaves 2^64 - (2^64 mod bound) values, an exact multiple of bound. At most half the values
  // are rejected, so the loop ends after two draws on average.
  std::uint64_t rejected_below = (0 - bound) % bound;  // 2^64 mod bound
  for (;;) {
    std::uint64_t x = next_u64();
    if (x >= rejected_below) return x % bound;
  }
}

std::size_t jitter_credit(std::span<const std::uint64_t> deltas) noexcept {
  StuckTest test;
  std::size_t credit = 0;
  for (std::uint64_t delta : deltas) credit += test.passes(delta) ? 1 : 0;
  return credit;
}

std::size_t collect_jitter(Csprng& rng, std::size_t samples) noexcept {
  // All samples go into one digest and one add_entropy call: one batch, as add_entropy asks.
  Blake2s hash;
  StuckTest test;
  std::size_t credit = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    std::uint64_t delta = timed_busy_loop();
    // The absolute time as well as the delta: uncredited, but it differs between boots.
    std::uint64_t words[2] = {platform::cycle_counter(), delta};
    hash.update(std::as_bytes(std::span(words)));
    credit += test.passes(delta) ? 1 : 0;
  }
  std::array<std::byte, Blake2s::kMaxDigestSize> digest;
  hash.finish(digest);
  std::size_t most = digest.size() * 8;
  if (credit > most) credit = most;
  rng.add_entropy(digest, credit);
  detail::wipe_object(digest);
  return credit;
}

std::size_t seed_from_platform(Csprng& rng) noexcept {
  std::array<std::uint64_t, Csprng::kSeededBits / platform::kHardwareEntropyBitsPerWord> words;
  std::size_t filled = platform::hardware_entropy(words);
  MOS_ASSERT(filled <= words.size());
  std::size_t credit = filled * platform::kHardwareEntropyBitsPerWord;
  if (filled > 0) rng.add_entropy(std::as_bytes(std::span(words).first(filled)), credit);
  detail::wipe_object(words);
  return credit + collect_jitter(rng, kSeedJitterSamples);
}

}  // namespace mos
