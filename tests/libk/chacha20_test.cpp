// ChaCha20 against the test vectors of RFC 8439 (sections 2.3.2, 2.4.2 and Appendix A).
#include <k/chacha20.hpp>

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

// The key 00:01:02:...:1f of sections 2.3.2 and 2.4.2.
std::vector<std::byte> counting_key() {
  std::vector<std::byte> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::byte>(i);
  return key;
}

mos::ChaCha20Key key_of(const std::vector<std::byte>& key) {
  REQUIRE(key.size() == mos::kChaCha20KeySize);
  return mos::ChaCha20Key(key.data(), mos::kChaCha20KeySize);
}

mos::ChaCha20Nonce nonce_of(const std::vector<std::byte>& nonce) {
  REQUIRE(nonce.size() == mos::kChaCha20NonceSize);
  return mos::ChaCha20Nonce(nonce.data(), mos::kChaCha20NonceSize);
}

// RFC 8439, 2.4.2: "Ladies and Gentlemen of the class of '99: ..." and its ciphertext.
const char* const kSunscreenPlaintext =
    "4c 61 64 69 65 73 20 61 6e 64 20 47 65 6e 74 6c"
    "65 6d 65 6e 20 6f 66 20 74 68 65 20 63 6c 61 73"
    "73 20 6f 66 20 27 39 39 3a 20 49 66 20 49 20 63"
    "6f 75 6c 64 20 6f 66 66 65 72 20 79 6f 75 20 6f"
    "6e 6c 79 20 6f 6e 65 20 74 69 70 20 66 6f 72 20"
    "74 68 65 20 66 75 74 75 72 65 2c 20 73 75 6e 73"
    "63 72 65 65 6e 20 77 6f 75 6c 64 20 62 65 20 69"
    "74 2e";
const char* const kSunscreenCiphertext =
    "6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81"
    "e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
    "f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57"
    "16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
    "07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e"
    "52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
    "5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42"
    "87 4d";

}  // namespace

TEST_CASE("the block function matches RFC 8439, 2.3.2") {
  auto key = counting_key();
  auto nonce = hex("00:00:00:09:00:00:00:4a:00:00:00:00");
  std::array<std::byte, 64> block{};
  mos::chacha20_block(key_of(key), 1, nonce_of(nonce), block);
  auto expected =
      hex("10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4"
          "c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e"
          "d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2"
          "b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e");
  CHECK(std::vector<std::byte>(block.begin(), block.end()) == expected);
}

TEST_CASE("the block function matches RFC 8439, A.1, test vectors 1 and 5") {
  std::vector<std::byte> zero_key(32);
  struct Case {
    const char* name;
    std::uint32_t counter;
    const char* nonce;
    const char* keystream;
  };
  const Case cases[] = {
      {"#1: zero key, nonce and counter", 0, "00 00 00 00 00 00 00 00 00 00 00 00",
       "76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28"
       "bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
       "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37"
       "6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86"},
      {"#5: nonce ...02", 0, "00 00 00 00 00 00 00 00 00 00 00 02",
       "c2 c6 4d 37 8c d5 36 37 4a e2 04 b9 ef 93 3f cd"
       "1a 8b 22 88 b3 df a4 96 72 ab 76 5b 54 ee 27 c7"
       "8a 97 0e 0e 95 5c 14 f3 a8 8e 74 1b 97 c2 86 f7"
       "5f 8f c2 99 e8 14 83 62 fa 19 8a 39 53 1b ed 6d"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto nonce = hex(c.nonce);
      std::array<std::byte, 64> block{};
      mos::chacha20_block(key_of(zero_key), c.counter, nonce_of(nonce), block);
      CHECK(std::vector<std::byte>(block.begin(), block.end()) == hex(c.keystream));
    }
  }
}

TEST_CASE("encryption matches RFC 8439, 2.4.2, and decryption undoes it in place") {
  auto key = counting_key();
  auto nonce = hex("00:00:00:00:00:00:00:4a:00:00:00:00");
  auto plaintext = hex(kSunscreenPlaintext);
  REQUIRE(plaintext.size() == 114);
  std::vector<std::byte> text(plaintext.size());
  mos::chacha20_xor(key_of(key), 1, nonce_of(nonce), plaintext, text);
  CHECK(text == hex(kSunscreenCiphertext));
  mos::chacha20_xor(key_of(key), 1, nonce_of(nonce), text, text);
  CHECK(text == plaintext);
}

TEST_CASE("encryption with a partial last block matches RFC 8439, A.2, test vector 3") {
  auto key =
      hex("1c 92 40 a5 eb 55 d3 8a f3 33 88 86 04 f6 b5 f0"
          "47 39 17 c1 40 2b 80 09 9d ca 5c bc 20 70 75 c0");
  auto nonce = hex("00 00 00 00 00 00 00 00 00 00 00 02");
  auto plaintext =
      hex("27 54 77 61 73 20 62 72 69 6c 6c 69 67 2c 20 61"
          "6e 64 20 74 68 65 20 73 6c 69 74 68 79 20 74 6f"
          "76 65 73 0a 44 69 64 20 67 79 72 65 20 61 6e 64"
          "20 67 69 6d 62 6c 65 20 69 6e 20 74 68 65 20 77"
          "61 62 65 3a 0a 41 6c 6c 20 6d 69 6d 73 79 20 77"
          "65 72 65 20 74 68 65 20 62 6f 72 6f 67 6f 76 65"
          "73 2c 0a 41 6e 64 20 74 68 65 20 6d 6f 6d 65 20"
          "72 61 74 68 73 20 6f 75 74 67 72 61 62 65 2e");
  REQUIRE(plaintext.size() == 127);
  std::vector<std::byte> ciphertext(plaintext.size());
  mos::chacha20_xor(key_of(key), 42, nonce_of(nonce), plaintext, ciphertext);
  CHECK(ciphertext == hex("62 e6 34 7f 95 ed 87 a4 5f fa e7 42 6f 27 a1 df"
                          "5f b6 91 10 04 4c 0d 73 11 8e ff a9 5b 01 e5 cf"
                          "16 6d 3d f2 d7 21 ca f9 b2 1e 5f b1 4c 61 68 71"
                          "fd 84 c5 4f 9d 65 b2 83 19 6c 7f e4 f6 05 53 eb"
                          "f3 9c 64 02 c4 22 34 e3 2a 35 6b 3e 76 43 12 a6"
                          "1a 55 32 05 57 16 ea d6 96 25 68 f8 7d 3f 3f 77"
                          "04 c6 a8 d1 bc d1 bf 4d 50 d6 15 4b 6d a7 31 b1"
                          "87 b5 8d fd 72 8a fa 36 75 7a 79 7a c1 88 d1"));
}

TEST_CASE("the keystream is the concatenated blocks, cut to any length") {
  auto key = counting_key();
  auto nonce = hex("00:00:00:09:00:00:00:4a:00:00:00:00");
  std::vector<std::byte> blocks;
  for (std::uint32_t counter = 7; counter < 11; ++counter) {
    std::array<std::byte, 64> block{};
    mos::chacha20_block(key_of(key), counter, nonce_of(nonce), block);
    blocks.insert(blocks.end(), block.begin(), block.end());
  }
  for (std::size_t length : {0, 1, 63, 64, 65, 200, 256}) {
    CAPTURE(length);
    // A sentinel after the requested length shows that nothing beyond it is written.
    std::vector<std::byte> out(length + 1, std::byte{0xa5});
    mos::chacha20_keystream(key_of(key), 7, nonce_of(nonce), std::span(out).first(length));
    CHECK(std::vector<std::byte>(out.begin(), out.begin() + length) ==
          std::vector<std::byte>(blocks.begin(), blocks.begin() + length));
    CHECK(out[length] == std::byte{0xa5});
  }
}

TEST_CASE("a keystream that would wrap the 32-bit counter is a programmer error") {
  std::vector<std::byte> key(32), nonce(12);
  auto last_block = mos::host::run_in_child([&] {
    std::array<std::byte, 64> out{};
    mos::chacha20_keystream(key_of(key), 0xffffffff, nonce_of(nonce), out);
  });
  CHECK(last_block.exit_status == 0);
  auto past_it = mos::host::run_in_child([&] {
    std::array<std::byte, 65> out{};
    mos::chacha20_keystream(key_of(key), 0xffffffff, nonce_of(nonce), out);
  });
  CHECK(past_it.exit_status == 101);
  CHECK(past_it.output.find("assertion failed") != std::string::npos);
}
