// BLAKE2s, written from RFC 7693 (sections 2 and 3); checked against its Appendix B example and
// Appendix E self-test in tests/libk/blake2s_test.cpp.
#include <k/blake2s.hpp>
#include <k/panic.hpp>
#include <k/string.hpp>

#include "wipe.hpp"

#include <bit>

namespace mos {
namespace {

// The SHA-256 initial values (RFC 7693, 2.6).
constexpr std::array<std::uint32_t, 8> kIv = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                              0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

// The message word schedule of each of the 10 rounds (RFC 7693, 2.7).
constexpr std::uint8_t kSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

std::uint32_t load_le32(const std::byte* p) noexcept {
  return std::to_integer<std::uint32_t>(p[0]) | std::to_integer<std::uint32_t>(p[1]) << 8 |
         std::to_integer<std::uint32_t>(p[2]) << 16 | std::to_integer<std::uint32_t>(p[3]) << 24;
}

// The mixing function G with BLAKE2s's rotations 16, 12, 8, 7 (RFC 7693, 3.1).
void mix(std::uint32_t* v, int a, int b, int c, int d, std::uint32_t x, std::uint32_t y) noexcept {
  v[a] = v[a] + v[b] + x;
  v[d] = std::rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 12);
  v[a] = v[a] + v[b] + y;
  v[d] = std::rotr(v[d] ^ v[a], 8);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 7);
}

}  // namespace

Blake2s::Blake2s(std::size_t digest_size, std::span<const std::byte> key) noexcept
    : digest_size_(digest_size) {
  MOS_ASSERT(digest_size >= 1 && digest_size <= kMaxDigestSize);
  MOS_ASSERT(key.size() <= kMaxKeySize);
  h_ = kIv;
  // Parameter block word 0: digest length, key length, fanout 1, depth 1 (RFC 7693, 3.3).
  h_[0] ^= 0x01010000 ^ static_cast<std::uint32_t>(key.size() << 8) ^
           static_cast<std::uint32_t>(digest_size);
  if (!key.empty()) {
    // The key, zero-padded, is the first block of the message.
    memory_copy(buffer_.data(), key.data(), key.size());
    buffered_ = kBlockSize;
  }
}

Blake2s::~Blake2s() {
  detail::wipe_object(h_);
  detail::wipe_object(buffer_);
}

void Blake2s::compress(bool last) noexcept {
  std::uint32_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = load_le32(buffer_.data() + 4 * i);
  std::uint32_t v[16];
  for (int i = 0; i < 8; ++i) {
    v[i] = h_[i];
    v[i + 8] = kIv[i];
  }
  v[12] ^= static_cast<std::uint32_t>(length_);
  v[13] ^= static_cast<std::uint32_t>(length_ >> 32);
  if (last) v[14] = ~v[14];
  for (const auto& s : kSigma) {
    mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
  detail::wipe_object(m);
  detail::wipe_object(v);
}

void Blake2s::update(std::span<const std::byte> data) noexcept {
  MOS_ASSERT(!finished_);
  while (!data.empty()) {
    // A full buffer is compressed only when more input follows: the last block, full or not,
    // must be compressed by finish() with the final-block flag.
    if (buffered_ == kBlockSize) {
      length_ += kBlockSize;
      compress(false);
      buffered_ = 0;
    }
    std::size_t n = kBlockSize - buffered_;
    if (n > data.size()) n = data.size();
    memory_copy(buffer_.data() + buffered_, data.data(), n);
    buffered_ += n;
    data = data.subspan(n);
  }
}

void Blake2s::finish(std::span<std::byte> digest) noexcept {
  MOS_ASSERT(!finished_);
  MOS_ASSERT(digest.size() == digest_size_);
  length_ += buffered_;
  memory_set(buffer_.data() + buffered_, 0, kBlockSize - buffered_);
  compress(true);
  // The digest is h in little-endian order, truncated.
  for (std::size_t i = 0; i < digest_size_; ++i) {
    digest[i] = static_cast<std::byte>(h_[i / 4] >> (8 * (i % 4)));
  }
  finished_ = true;
  detail::wipe_object(h_);
  detail::wipe_object(buffer_);
}

void blake2s(std::span<std::byte> digest, std::span<const std::byte> key,
             std::span<const std::byte> data) noexcept {
  Blake2s hash(digest.size(), key);
  hash.update(data);
  hash.finish(digest);
}

}  // namespace mos
