// BLAKE2s against RFC 7693: the Appendix B example and the Appendix E self-test, which covers
// digest sizes 16/20/28/32, keyed and unkeyed, and inputs of 0, 3, 64, 65, 255 and 1024 bytes.
#include <k/blake2s.hpp>

#include "child_process.hpp"
#include "test_bytes.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace {

using mos::test::hex;

// The deterministic sequence of RFC 7693, Appendix E (selftest_seq).
std::vector<std::byte> selftest_seq(std::size_t length, std::uint32_t seed) {
  std::vector<std::byte> out(length);
  std::uint32_t a = 0xDEAD4BAD * seed;
  std::uint32_t b = 1;
  for (std::byte& byte : out) {
    std::uint32_t t = a + b;
    a = b;
    b = t;
    byte = static_cast<std::byte>(t >> 24);
  }
  return out;
}

std::vector<std::byte> digest_of(std::size_t size, std::span<const std::byte> key,
                                 std::span<const std::byte> data) {
  std::vector<std::byte> digest(size);
  mos::blake2s(digest, key, data);
  return digest;
}

}  // namespace

TEST_CASE("BLAKE2s-256(\"abc\") matches RFC 7693, Appendix B") {
  auto digest = digest_of(32, {}, mos::test::bytes_of("abc"));
  CHECK(digest == hex("50 8C 5E 8C 32 7C 14 E2 E1 A7 2B A3 4E EB 45 2F"
                      "37 45 8B 20 9E D6 3A 29 4D 99 9B 4C 86 67 59 82"));
}

TEST_CASE("the RFC 7693, Appendix E self-test gives its grand hash") {
  mos::Blake2s grand(32);
  for (std::size_t outlen : {16, 20, 28, 32}) {
    for (std::size_t inlen : {0, 3, 64, 65, 255, 1024}) {
      auto in = selftest_seq(inlen, static_cast<std::uint32_t>(inlen));
      grand.update(digest_of(outlen, {}, in));
      auto key = selftest_seq(outlen, static_cast<std::uint32_t>(outlen));
      grand.update(digest_of(outlen, key, in));
    }
  }
  std::array<std::byte, 32> result{};
  grand.finish(result);
  CHECK(std::vector<std::byte>(result.begin(), result.end()) ==
        hex("6A 41 1F 08 CE 25 AD CD FB 02 AB A6 41 45 1C EC"
            "53 C5 98 B2 4F 4F C7 87 FB DC 88 79 7F 4C 1D FE"));
}

TEST_CASE("input split at any point hashes like the whole") {
  auto data = selftest_seq(200, 200);
  auto key = selftest_seq(32, 32);
  auto whole = digest_of(32, key, data);
  for (std::size_t split : {0, 1, 63, 64, 65, 127, 128, 129, 199, 200}) {
    CAPTURE(split);
    mos::Blake2s hash(32, key);
    hash.update(std::span(data).first(split));
    hash.update({});
    hash.update(std::span(data).subspan(split));
    std::vector<std::byte> digest(32);
    hash.finish(digest);
    CHECK(digest == whole);
  }
}

TEST_CASE("the key and the digest size change the digest") {
  auto data = mos::test::bytes_of("abc");
  auto unkeyed = digest_of(32, {}, data);
  auto zero_key = std::vector<std::byte>(32);
  CHECK(digest_of(32, zero_key, data) != unkeyed);  // A zero key is still a key.
  // The digest size is a parameter of the hash, not a truncation.
  auto short_digest = digest_of(16, {}, data);
  CHECK(short_digest != std::vector<std::byte>(unkeyed.begin(), unkeyed.begin() + 16));
}

TEST_CASE("sizes outside the RFC's ranges are programmer errors") {
  struct Case {
    const char* name;
    void (*body)();
  };
  const Case cases[] = {
      {"an empty digest", [] { mos::Blake2s hash(0); }},
      {"a 33-byte digest", [] { mos::Blake2s hash(33); }},
      {"a 33-byte key",
       [] {
         std::array<std::byte, 33> key{};
         mos::Blake2s hash(32, key);
       }},
      {"a digest buffer of the wrong size",
       [] {
         mos::Blake2s hash(32);
         std::array<std::byte, 16> digest{};
         hash.finish(digest);
       }},
      {"input after finish",
       [] {
         mos::Blake2s hash(32);
         std::array<std::byte, 32> digest{};
         hash.finish(digest);
         hash.update(digest);
       }},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto outcome = mos::host::run_in_child([&] { c.body(); });
      CHECK(outcome.exit_status == 101);
      CHECK(outcome.output.find("assertion failed") != std::string::npos);
    }
  }
}
