#pragma once
// The random source of randomised tests: a std::mt19937_64 engine (abseil's own generators salt
// their seeds with per-process entropy, so they cannot replay a run), used with abseil's
// distributions (absl::Uniform, absl::Bernoulli, ...). Seeded from MOS_TEST_SEED when set, to
// replay a failure, and otherwise from a fixed seed, so runs are repeatable.

#include <absl/random/random.h>

#include <cstdint>
#include <cstdlib>
#include <random>

namespace mos::test {

/// The seed for this run.
inline std::uint64_t test_seed() {
  const char* env = std::getenv("MOS_TEST_SEED");
  return env ? std::strtoull(env, nullptr, 0) : 0x6d6f73616963ULL;
}

/// A generator for one test, mixing the run's seed with a per-test salt.
inline std::mt19937_64 make_bitgen(std::uint64_t salt) {
  std::seed_seq seq{static_cast<std::uint32_t>(test_seed()),
                    static_cast<std::uint32_t>(test_seed() >> 32),
                    static_cast<std::uint32_t>(salt), static_cast<std::uint32_t>(salt >> 32)};
  return std::mt19937_64(seq);
}

}  // namespace mos::test
