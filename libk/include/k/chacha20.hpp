#pragma once
/// The ChaCha20 stream cipher of RFC 8439 (20 rounds, 256-bit key, 96-bit nonce, 32-bit block
/// counter): the keystream generator under libk's Csprng (k/random.hpp). No authentication: this
/// is the raw cipher, not the ChaCha20-Poly1305 AEAD.

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos {

/// Key, nonce and block sizes in bytes (RFC 8439, 2.3).
inline constexpr std::size_t kChaCha20KeySize = 32;
inline constexpr std::size_t kChaCha20NonceSize = 12;
inline constexpr std::size_t kChaCha20BlockSize = 64;

using ChaCha20Key = std::span<const std::byte, kChaCha20KeySize>;
using ChaCha20Nonce = std::span<const std::byte, kChaCha20NonceSize>;

/// The block function (RFC 8439, 2.3): the 64 keystream bytes of block `counter`.
void chacha20_block(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce,
                    std::span<std::byte, kChaCha20BlockSize> out) noexcept;

/// Fills `out` with keystream starting at block `counter`. The counter must not wrap within
/// `out` (at most 64 * (2^32 - counter) bytes); doing so is a programmer error.
void chacha20_keystream(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce,
                        std::span<std::byte> out) noexcept;

/// Encryption and decryption (RFC 8439, 2.4): out = in XOR keystream from block `counter`.
/// `in` and `out` have the same size and may be the same buffer; the counter limit of
/// chacha20_keystream applies.
void chacha20_xor(ChaCha20Key key, std::uint32_t counter, ChaCha20Nonce nonce,
                  std::span<const std::byte> in, std::span<std::byte> out) noexcept;

}  // namespace mos
