#pragma once
/// A bitmap over caller-provided 64-bit words: the bookkeeping behind frame allocators and ID
/// allocators. It owns no memory, so it can describe memory before any allocator exists. Every
/// operation works a word at a time; searches skip whole words that cannot contain an answer.

#include <k/panic.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mos {

/// A view of `size()` bits stored in a span of words, bit i in word i / 64 at position i % 64.
/// Copies share the words. Bits of the last word beyond size() are never read as bits and never
/// written. An index or range outside the bitmap is a programmer error and panics. Not
/// synchronised: the owner names the lock that protects it.
class Bitmap {
 public:
  /// Bits per storage word.
  static constexpr std::size_t kBitsPerWord = 64;

  /// The number of words needed to hold `bits` bits.
  static constexpr std::size_t words_for(std::size_t bits) noexcept {
    return bits / kBitsPerWord + (bits % kBitsPerWord != 0 ? 1 : 0);
  }

  /// An empty bitmap of no bits.
  constexpr Bitmap() noexcept = default;
  /// Views the first `size` bits of `words`, which must be long enough. The bits keep whatever
  /// values the words hold: callers start from set_range or clear_range over the whole map.
  constexpr Bitmap(std::span<std::uint64_t> words, std::size_t size) noexcept
      : words_(words), size_(size) {
    MOS_ASSERT(words_for(size) <= words.size());
  }

  /// The number of bits.
  constexpr std::size_t size() const noexcept { return size_; }
  /// The words that hold the bits.
  constexpr std::span<std::uint64_t> words() const noexcept { return words_; }

  /// Whether bit `index` is set.
  constexpr bool test(std::size_t index) const noexcept {
    MOS_ASSERT(index < size_);
    return (words_[index / kBitsPerWord] >> (index % kBitsPerWord) & 1) != 0;
  }
  /// Sets bit `index`.
  constexpr void set(std::size_t index) noexcept {
    MOS_ASSERT(index < size_);
    words_[index / kBitsPerWord] |= std::uint64_t{1} << (index % kBitsPerWord);
  }
  /// Clears bit `index`.
  constexpr void clear(std::size_t index) noexcept {
    MOS_ASSERT(index < size_);
    words_[index / kBitsPerWord] &= ~(std::uint64_t{1} << (index % kBitsPerWord));
  }

  /// Sets the `count` bits starting at `first`.
  constexpr void set_range(std::size_t first, std::size_t count) noexcept {
    for_each_word(first, count, [](std::uint64_t& word, std::uint64_t mask) { word |= mask; });
  }
  /// Clears the `count` bits starting at `first`.
  constexpr void clear_range(std::size_t first, std::size_t count) noexcept {
    for_each_word(first, count, [](std::uint64_t& word, std::uint64_t mask) { word &= ~mask; });
  }

  /// The number of set bits.
  constexpr std::size_t count_set() const noexcept {
    std::size_t full_words = size_ / kBitsPerWord;
    std::size_t count = 0;
    for (std::size_t w = 0; w < full_words; ++w) {
      count += static_cast<std::size_t>(std::popcount(words_[w]));
    }
    if (std::size_t tail = size_ % kBitsPerWord; tail != 0) {
      count += static_cast<std::size_t>(std::popcount(words_[full_words] & low_mask(tail)));
    }
    return count;
  }

  /// The first set bit at or after `from` (which may equal size()), if there is one.
  constexpr std::optional<std::size_t> find_first_set(std::size_t from = 0) const noexcept {
    MOS_ASSERT(from <= size_);
    return find(from, size_, 0);
  }
  /// The first clear bit at or after `from` (which may equal size()), if there is one.
  constexpr std::optional<std::size_t> find_first_clear(std::size_t from = 0) const noexcept {
    MOS_ASSERT(from <= size_);
    return find(from, size_, ~std::uint64_t{0});
  }

  /// The lowest index that is a multiple of `alignment` (a power of two) and starts `length`
  /// (at least 1) clear bits, searching from `from`; nothing if there is no such run. Full words
  /// are skipped a word at a time, and each failed candidate resumes after the set bit that
  /// broke it, so the cost is about one pass over the words.
  constexpr std::optional<std::size_t> find_clear_run(std::size_t length, std::size_t alignment = 1,
                                                      std::size_t from = 0) const noexcept {
    MOS_ASSERT(length > 0);
    MOS_ASSERT(std::has_single_bit(alignment));
    MOS_ASSERT(from <= size_);
    std::size_t pos = from;
    while (length <= size_ && pos <= size_ - length) {
      std::optional<std::size_t> clear = find(pos, size_ - length + 1, ~std::uint64_t{0});
      if (!clear) return std::nullopt;
      // Round up to the alignment, comparing the gap against the room left rather than adding
      // first, so that a huge alignment cannot wrap the index around.
      std::size_t misalignment = *clear & (alignment - 1);
      std::size_t gap = misalignment == 0 ? 0 : alignment - misalignment;
      if (gap > size_ - length - *clear) return std::nullopt;
      std::size_t start = *clear + gap;
      std::optional<std::size_t> blocker = find(start, start + length, 0);
      if (!blocker) return start;
      pos = *blocker + 1;
    }
    return std::nullopt;
  }

 private:
  // Bits [0, n) of a word, for 0 < n <= 64.
  static constexpr std::uint64_t low_mask(std::size_t n) noexcept {
    return n == kBitsPerWord ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  }

  // The first index in [from, end) whose bit, XORed with `flip`, is 1: flip = 0 looks for set
  // bits, flip = ~0 for clear bits. end <= size_, so bits past size() never answer.
  constexpr std::optional<std::size_t> find(std::size_t from, std::size_t end,
                                            std::uint64_t flip) const noexcept {
    if (from >= end) return std::nullopt;
    std::size_t w = from / kBitsPerWord;
    std::uint64_t word = (words_[w] ^ flip) & ~low_mask_below(from % kBitsPerWord);
    std::size_t last_word = (end - 1) / kBitsPerWord;
    for (;;) {
      if (word != 0) {
        std::size_t index = w * kBitsPerWord + static_cast<std::size_t>(std::countr_zero(word));
        if (index < end) return index;
        return std::nullopt;
      }
      if (w == last_word) return std::nullopt;
      word = words_[++w] ^ flip;
    }
  }
  // Bits [0, n) of a word, for 0 <= n < 64.
  static constexpr std::uint64_t low_mask_below(std::size_t n) noexcept {
    return (std::uint64_t{1} << n) - 1;
  }

  // Calls op(word, mask) for each word overlapping [first, first + count), with mask selecting
  // the range's bits in that word.
  template <class Op>
  constexpr void for_each_word(std::size_t first, std::size_t count, Op op) noexcept {
    MOS_ASSERT(first <= size_ && count <= size_ - first);
    if (count == 0) return;
    std::size_t end = first + count;
    std::size_t w = first / kBitsPerWord;
    std::size_t last_word = (end - 1) / kBitsPerWord;
    std::uint64_t first_mask = ~low_mask_below(first % kBitsPerWord);
    std::uint64_t last_mask = low_mask(end - last_word * kBitsPerWord);
    if (w == last_word) {
      op(words_[w], first_mask & last_mask);
      return;
    }
    op(words_[w], first_mask);
    while (++w < last_word) op(words_[w], ~std::uint64_t{0});
    op(words_[last_word], last_mask);
  }

  std::span<std::uint64_t> words_;
  std::size_t size_ = 0;
};

}  // namespace mos
