#pragma once
// The output side of the printf engine: counts what it writes and pads the way C's printf does.
// Shared by the integer/string conversions (format.cpp) and the floating ones (format_float.cpp).

#include <k/output_sink.hpp>

#include <cstddef>
#include <string_view>

namespace mos::posix::libc::detail {

// The flags of a conversion specification, as bits.
inline constexpr unsigned kLeftAdjust = 1u << 0;  // '-'
inline constexpr unsigned kMarkPositive = 1u << 1;  // '+'
inline constexpr unsigned kPadPositive = 1u << 2;  // ' '
inline constexpr unsigned kAlternate = 1u << 3;  // '#'
inline constexpr unsigned kZeroPad = 1u << 4;  // '0'

// Writes to a sink and counts the characters written (the count printf returns and %n stores).
class FormatWriter {
 public:
  explicit FormatWriter(OutputSink& sink) noexcept : sink_(sink) {}

  void put(const char* text, std::size_t n) noexcept {
    if (n == 0) return;
    sink_.write(std::string_view(text, n));
    count_ += n;
  }
  void put(std::string_view text) noexcept { put(text.data(), text.size()); }

  // Writes `n` copies of `c`.
  void repeat(char c, std::size_t n) noexcept {
    char chunk[64];
    for (char& slot : chunk) slot = c;
    while (n > 0) {
      std::size_t step = n < sizeof(chunk) ? n : sizeof(chunk);
      put(chunk, step);
      n -= step;
    }
  }

  // musl's pad(): fills a field of `width` that holds `length` characters with `c`, unless a
  // flag in `flags` says the padding goes elsewhere (left adjustment, zero padding).
  void pad(char c, std::size_t width, std::size_t length, unsigned flags) noexcept {
    if ((flags & (kLeftAdjust | kZeroPad)) != 0 || length >= width) return;
    repeat(c, width - length);
  }

  std::size_t count() const noexcept { return count_; }

 private:
  OutputSink& sink_;
  std::size_t count_ = 0;
};

// Formats one floating-point conversion (e E f F g G a A) of `value` with width and precision
// (-1: none) into `out`. Returns false when the field would exceed INT_MAX characters.
bool format_double(FormatWriter& out, double value, std::size_t width, int precision,
                   unsigned flags, char conversion) noexcept;

}  // namespace mos::posix::libc::detail
