#pragma once
/// BLAKE2s (RFC 7693): a hash on 32-bit words with digests of 1 to 32 bytes and an optional key
/// of up to 32 bytes, which makes it a MAC and a pseudorandom function. libk's Csprng uses it to
/// condense entropy input into its key (k/random.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos {

/// An incremental BLAKE2s computation: construct, update() any number of times, finish() once.
/// The state is wiped when finished or destroyed, since it may hold a key or secret input.
class Blake2s {
 public:
  static constexpr std::size_t kMaxDigestSize = 32;
  static constexpr std::size_t kMaxKeySize = 32;
  static constexpr std::size_t kBlockSize = 64;

  /// Starts a hash with a `digest_size`-byte result (1 to 32), keyed with `key` (0 to 32 bytes;
  /// empty means unkeyed). Other sizes are programmer errors.
  explicit Blake2s(std::size_t digest_size = kMaxDigestSize,
                   std::span<const std::byte> key = {}) noexcept;
  Blake2s(const Blake2s&) = delete;
  Blake2s& operator=(const Blake2s&) = delete;
  ~Blake2s();

  /// Feeds `data` into the hash.
  void update(std::span<const std::byte> data) noexcept;

  /// Writes the digest; `digest.size()` must equal the digest size given at construction. The
  /// object takes no further input afterwards.
  void finish(std::span<std::byte> digest) noexcept;

 private:
  void compress(bool last) noexcept;

  std::array<std::uint32_t, 8> h_{};
  std::array<std::byte, kBlockSize> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // Bytes compressed so far: the counter t of RFC 7693.
  std::size_t digest_size_;
  bool finished_ = false;
};

/// One-shot BLAKE2s of `data` keyed with `key` (may be empty); the digest size is
/// `digest.size()` (1 to 32).
void blake2s(std::span<std::byte> digest, std::span<const std::byte> key,
             std::span<const std::byte> data) noexcept;

}  // namespace mos
