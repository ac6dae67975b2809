#pragma once
// The length modifiers of printf and scanf conversions (hh h l ll q j z t L), parsed the same way
// by both engines (format.cpp, scan.cpp), and the store into an argument of that size (%n, scanf).

#include <cstddef>
#include <cstdint>

namespace mos::posix::libc::detail {

/// The size of a conversion's argument, as its length modifier gives it.
enum class Length : std::uint8_t {
  None,
  Char,
  Short,
  Long,
  LongLong,
  IntMax,
  Size,
  PtrDiff,
  LongDouble
};

/// Reads the length modifier at `s`, if any, and moves `s` past it. glibc's `q` is `ll`;
/// printf's `Z` is the caller's to handle (scanf does not know it).
inline Length parse_length(const char*& s) noexcept {
  // A doubled letter (hh, ll) is the second modifier of its pair.
  auto single_or_double = [&s](Length single, Length doubled) {
    const char letter = *s++;
    if (*s != letter) return single;
    ++s;
    return doubled;
  };
  switch (*s) {
    case 'h':
      return single_or_double(Length::Short, Length::Char);
    case 'l':
      return single_or_double(Length::Long, Length::LongLong);
    case 'q':
      ++s;
      return Length::LongLong;
    case 'j':
      ++s;
      return Length::IntMax;
    case 'z':
      ++s;
      return Length::Size;
    case 't':
      ++s;
      return Length::PtrDiff;
    case 'L':
      ++s;
      return Length::LongDouble;
    default:
      return Length::None;
  }
}

/// Stores `value`, narrowed to the size `length` gives (int without one), into `*target`.
inline void store_integer(void* target, Length length, std::uintmax_t value) noexcept {
  switch (length) {
    case Length::Char:
      *static_cast<signed char*>(target) = static_cast<signed char>(value);
      break;
    case Length::Short:
      *static_cast<short*>(target) = static_cast<short>(value);
      break;
    case Length::Long:
      *static_cast<long*>(target) = static_cast<long>(value);
      break;
    case Length::LongLong:
    case Length::LongDouble:
      *static_cast<long long*>(target) = static_cast<long long>(value);
      break;
    case Length::IntMax:
      *static_cast<std::intmax_t*>(target) = static_cast<std::intmax_t>(value);
      break;
    case Length::Size:
      *static_cast<std::size_t*>(target) = value;
      break;
    case Length::PtrDiff:
      *static_cast<std::ptrdiff_t*>(target) = static_cast<std::ptrdiff_t>(value);
      break;
    default:
      *static_cast<int*>(target) = static_cast<int>(value);
      break;
  }
}

}  // namespace mos::posix::libc::detail
