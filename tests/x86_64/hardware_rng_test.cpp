// The x86_64 hardware-entropy logic (<x86_64/hardware_rng.hpp>): CPUID decoding, and the
// RDSEED/RDRAND retry and fallback policy against a CPU that fails on demand.
#include <x86_64/hardware_rng.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using mos::x86_64::decode_rng_features;
using mos::x86_64::fill_hardware_random;
using mos::x86_64::kRdrandAttempts;
using mos::x86_64::kRdseedAttempts;
using mos::x86_64::RngFeatures;

constexpr std::uint32_t kRdrandBit = 1u << 30;  // CPUID.01H:ECX
constexpr std::uint32_t kRdseedBit = 1u << 18;  // CPUID.(07H,0):EBX

// Each instruction fails a scripted number of times before every success; a negative count
// means it never succeeds. Successes return distinct values so the test sees which one answered.
struct FakeCpu {
  int rdseed_failures = 0;
  int rdrand_failures = 0;
  int rdseed_calls = 0, rdrand_calls = 0, pauses = 0;
  int rdseed_pending = 0, rdrand_pending = 0;
  std::uint64_t next_seed = 0x5eed0000, next_rand = 0x4a4d0000;

  bool rdseed(std::uint64_t& value) noexcept {
    return step(rdseed_failures, rdseed_pending, rdseed_calls, next_seed, value);
  }
  bool rdrand(std::uint64_t& value) noexcept {
    return step(rdrand_failures, rdrand_pending, rdrand_calls, next_rand, value);
  }
  void pause() noexcept { ++pauses; }

 private:
  static bool step(int failures, int& pending, int& calls, std::uint64_t& next,
                   std::uint64_t& value) noexcept {
    ++calls;
    value = 0;  // As the hardware does on CF=0.
    if (failures < 0) return false;
    if (pending < failures) {
      ++pending;
      return false;
    }
    pending = 0;
    value = next++;
    return true;
  }
};
static_assert(mos::x86_64::RngInstructions<FakeCpu>);

}  // namespace

TEST_CASE("CPUID decoding finds RDSEED in leaf 7 and RDRAND in leaf 1") {
  struct Case {
    const char* name;
    std::uint32_t max_leaf, leaf1_ecx, leaf7_ebx;
    bool rdseed, rdrand;
  };
  const Case cases[] = {
      {"both", 0x16, kRdrandBit, kRdseedBit, true, true},
      {"RDRAND only", 0x16, kRdrandBit, 0, false, true},
      {"RDSEED only", 0x0d, 0, kRdseedBit, true, false},
      {"neither (QEMU's default TCG CPU)", 0x0d, ~kRdrandBit, ~kRdseedBit, false, false},
      {"leaf 7 absent: its EBX is another leaf's data", 6, kRdrandBit, kRdseedBit, false, true},
      {"only leaf 0", 0, kRdrandBit, kRdseedBit, false, false},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      RngFeatures f = decode_rng_features(c.max_leaf, c.leaf1_ecx, c.leaf7_ebx);
      CHECK(f.rdseed == c.rdseed);
      CHECK(f.rdrand == c.rdrand);
    }
  }
}

TEST_CASE("without either instruction nothing is filled and nothing is executed") {
  FakeCpu cpu;
  std::array<std::uint64_t, 4> out{};
  CHECK(fill_hardware_random(cpu, RngFeatures{}, out) == 0);
  CHECK(cpu.rdseed_calls + cpu.rdrand_calls + cpu.pauses == 0);
}

TEST_CASE("RDSEED is preferred and retried with pause") {
  FakeCpu cpu;
  cpu.rdseed_failures = kRdseedAttempts - 1;  // Succeeds on the last allowed attempt.
  std::array<std::uint64_t, 2> out{};
  CHECK(fill_hardware_random(cpu, RngFeatures{.rdseed = true, .rdrand = true}, out) == 2);
  CHECK(out == std::array<std::uint64_t, 2>{0x5eed0000, 0x5eed0001});
  CHECK(cpu.rdseed_calls == 2 * kRdseedAttempts);
  CHECK(cpu.pauses == 2 * (kRdseedAttempts - 1));
  CHECK(cpu.rdrand_calls == 0);
}

TEST_CASE("a word RDSEED does not deliver comes from RDRAND") {
  FakeCpu cpu;
  cpu.rdseed_failures = -1;
  cpu.rdrand_failures = kRdrandAttempts - 1;
  std::array<std::uint64_t, 3> out{};
  CHECK(fill_hardware_random(cpu, RngFeatures{.rdseed = true, .rdrand = true}, out) == 3);
  CHECK(out == std::array<std::uint64_t, 3>{0x4a4d0000, 0x4a4d0001, 0x4a4d0002});
  CHECK(cpu.rdseed_calls == 3 * kRdseedAttempts);
  CHECK(cpu.rdrand_calls == 3 * kRdrandAttempts);
}

TEST_CASE("RDRAND alone is tried 10 times per word, then the fill stops") {
  FakeCpu cpu;
  cpu.rdrand_failures = -1;
  std::array<std::uint64_t, 4> out{};
  CHECK(kRdrandAttempts == 10);
  CHECK(fill_hardware_random(cpu, RngFeatures{.rdseed = false, .rdrand = true}, out) == 0);
  CHECK(cpu.rdrand_calls == kRdrandAttempts);
  CHECK(cpu.rdseed_calls == 0);
}

TEST_CASE("a source that gives out mid-way reports the words it filled") {
  struct GivesOut : FakeCpu {
    int budget = 2;
    bool rdrand(std::uint64_t& value) noexcept {
      if (budget == 0) return false;
      --budget;
      return FakeCpu::rdrand(value);
    }
  };
  GivesOut cpu;
  std::vector<std::uint64_t> out(5);
  CHECK(fill_hardware_random(cpu, RngFeatures{.rdseed = false, .rdrand = true}, out) == 2);
  CHECK(out[0] == 0x4a4d0000);
  CHECK(out[1] == 0x4a4d0001);
}
