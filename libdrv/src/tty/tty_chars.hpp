#pragma once
// Character classes the line discipline needs (the kernel's ctype, without locales).

#include <drv/termios.hpp>

#include <cstdint>

namespace mos::drv {

// Whether `c` is the control character at `index` of c_cc (a 0 entry is disabled).
inline bool is_char(const Termios& t, std::size_t index, std::uint8_t c) noexcept {
  return t.c_cc[index] != kDisabledChar && t.c_cc[index] == c;
}

// ASCII control characters: what ECHOCTL shows as ^X (DEL as ^?).
inline bool is_control(std::uint8_t c) noexcept {
  return c < 0x20 || c == 0x7f;
}

// A UTF-8 continuation byte (10xxxxxx).
inline bool is_continuation(std::uint8_t c) noexcept {
  return (c & 0xc0) == 0x80;
}

// What WERASE treats as part of a word: letters, digits and '_'.
inline bool is_word_char(std::uint8_t c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace mos::drv
