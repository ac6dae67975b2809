// ChaCha20, written from RFC 8439, section 2; checked against its test vectors in
// tests/libk/chacha20_test.cpp.
#include <k/chacha20.hpp>
#include <k/panic.hpp>

#include "wipe.hpp"

#include <array>
#include <bit>

namespace mos {
namespace {

using State = std::array<std::uint32_t, 16>;

// "expand 32-byte k" as four little-endian words (RFC 8439, 2.3).
constexpr std::array<std::uint32_t, 4> kConstants = {0x61707865, 0x3320646e, 0x79622d32,
                                                     0x6b206574};

// Byte order is spelled out so that the result does not depend on the machine's.
std::uint32_t load_le32(const std::byte* p) noexcept {
  return std::to_integer<std::uint32_t>(p[0]) | std::to_integer<std::uint32_t>(p[1]) << 8 |
         std::to_integer<std::uint32_t>(p[2]) << 16 | std::to_integer<std::uint32_t>(p[3]) << 24;
}

void store_le32(std::byte* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}

void quarter_round(State& s, int a, int b, int c, int d) noexcept {
  s[a] += s[b];
  s[d] = std::rotl(s[d] ^ s[a], 16);
  s[c] += s[d];
  s[b] = std::rotl(s[b] ^ s[c], 12);
  s[a] += s[b];
  s[d] = std::rotl(s[d] ^ s[a], 8);
  s[c] += s[d];
  s[b] = std::rotl(s[b] ^ s[c], 7);
}

State initial_state(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce) noexcept {
  State s;
  for (int i = 0; i < 4; ++i) s[i] = kConstants[i];
  for (int i = 0; i < 8; ++i) s[4 + i] = load_le32(key.data() + 4 * i);
  s[12] = counter;
  for (int i = 0; i < 3; ++i) s[13 + i] = load_le32(nonce.data() + 4 * i);
  return s;
}

// 20 rounds as 10 double rounds, then the input added back (RFC 8439, 2.3.1).
void block_from_state(const State& input, std::span<std::byte, kChaCha20BlockSize> out) noexcept {
  State s = input;
  for (int i = 0; i < 10; ++i) {
    quarter_round(s, 0, 4, 8, 12);
    quarter_round(s, 1, 5, 9, 13);
    quarter_round(s, 2, 6, 10, 14);
    quarter_round(s, 3, 7, 11, 15);
    quarter_round(s, 0, 5, 10, 15);
    quarter_round(s, 1, 6, 11, 12);
    quarter_round(s, 2, 7, 8, 13);
    quarter_round(s, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) store_le32(out.data() + 4 * i, s[i] + input[i]);
  detail::wipe_object(s);
}

// Runs the counter over `size` bytes and hands each block of keystream, with its offset and
// length, to `use`. Shared by keystream and xor so that the counter logic exists once.
template <class Use>
void for_each_block(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce, std::size_t size,
                    Use use) noexcept {
  // The counter is 32 bits; reusing a (key, nonce, counter) would repeat keystream.
  MOS_ASSERT((size + kChaCha20BlockSize - 1) / kChaCha20BlockSize <=
             (std::uint64_t{1} << 32) - counter);
  State state = initial_state(key, counter, nonce);
  std::array<std::byte, kChaCha20BlockSize> block;
  for (std::size_t offset = 0; offset < size; offset += kChaCha20BlockSize) {
    block_from_state(state, block);
    std::size_t n = size - offset < kChaCha20BlockSize ? size - offset : kChaCha20BlockSize;
    use(offset, std::span<const std::byte>(block.data(), n));
    ++state[12];
  }
  detail::wipe_object(state);
  detail::wipe_object(block);
}

}  // namespace

void chacha20_block(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce,
                    std::span<std::byte, kChaCha20BlockSize> out) noexcept {
  State state = initial_state(key, counter, nonce);
  block_from_state(state, out);
  detail::wipe_object(state);
}

void chacha20_keystream(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce,
                        std::span<std::byte> out) noexcept {
  for_each_block(key, counter, nonce, out.size(),
                 [&](std::size_t offset, std::span<const std::byte> keystream) {
                   memory_copy(out.data() + offset, keystream.data(), keystream.size());
                 });
}

void chacha20_xor(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce,
                  std::span<const std::byte> in, std::span<std::byte> out) noexcept {
  MOS_ASSERT(in.size() == out.size());
  for_each_block(key, counter, nonce, in.size(),
                 [&](std::size_t offset, std::span<const std::byte> keystream) {
                   for (std::size_t i = 0; i < keystream.size(); ++i) {
                     out[offset + i] = in[offset + i] ^ keystream[i];
                   }
                 });
}

}  // namespace mos
