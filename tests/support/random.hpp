#pragma once
// The random source of randomised tests: abseil's generator, seeded from MOS_TEST_SEED when set
// (to replay a failure) and otherwise from a fixed seed, so runs are repeatable. The seed in use
// is printed by a failing check through doctest's INFO.

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
inline absl::BitGen make_bitgen(std::uint64_t salt) {
  std::seed_seq seq{static_cast<std::uint32_t>(test_seed()),
                    static_cast<std::uint32_t>(test_seed() >> 32),
                    static_cast<std::uint32_t>(salt), static_cast<std::uint32_t>(salt >> 32)};
  return absl::BitGen(seq);
}

}  // namespace mos::test
