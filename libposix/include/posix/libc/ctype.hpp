#pragma once
/// The character classes of <ctype.h> in the C locale. Every function takes an int that is EOF
/// (-1) or an unsigned char value, as C requires; any other value is classified as nothing
/// (never an out-of-bounds table read), so callers that pass a plain negative `char` get false.

namespace mos::posix::libc {

/// The value <stdio.h> calls EOF, which every classifier accepts and rejects.
inline constexpr int kEof = -1;

/// 'A'..'Z'.
constexpr bool is_upper(int c) noexcept {
  return c >= 'A' && c <= 'Z';
}
/// 'a'..'z'.
constexpr bool is_lower(int c) noexcept {
  return c >= 'a' && c <= 'z';
}
/// A letter.
constexpr bool is_alpha(int c) noexcept {
  return is_upper(c) || is_lower(c);
}
/// '0'..'9'.
constexpr bool is_digit(int c) noexcept {
  return c >= '0' && c <= '9';
}
/// A letter or digit.
constexpr bool is_alnum(int c) noexcept {
  return is_alpha(c) || is_digit(c);
}
/// Space or tab.
constexpr bool is_blank(int c) noexcept {
  return c == ' ' || c == '\t';
}
/// 0..31 and 127.
constexpr bool is_cntrl(int c) noexcept {
  return (c >= 0 && c < 32) || c == 127;
}
/// Printable and not space: '!'..'~'.
constexpr bool is_graph(int c) noexcept {
  return c > ' ' && c < 127;
}
/// Printable, space included: ' '..'~'.
constexpr bool is_print(int c) noexcept {
  return c >= ' ' && c < 127;
}
/// Printable, not a letter, digit or space.
constexpr bool is_punct(int c) noexcept {
  return is_graph(c) && !is_alnum(c);
}
/// Space, \t, \n, \v, \f, \r.
constexpr bool is_space(int c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
/// A hexadecimal digit.
constexpr bool is_xdigit(int c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/// 0..127.
constexpr bool is_ascii(int c) noexcept {
  return c >= 0 && c < 128;
}
/// The lower-case letter for an upper-case one; any other value unchanged.
constexpr int to_lower(int c) noexcept {
  return is_upper(c) ? c + ('a' - 'A') : c;
}
/// The upper-case letter for a lower-case one; any other value unchanged.
constexpr int to_upper(int c) noexcept {
  return is_lower(c) ? c - ('a' - 'A') : c;
}

/// The classes a bracket expression may name as [:name:] (regex and fnmatch share them).
enum class CharClass {
  Alnum,
  Alpha,
  Blank,
  Cntrl,
  Digit,
  Graph,
  Lower,
  Print,
  Punct,
  Space,
  Upper,
  Xdigit
};

/// Whether `c` belongs to `cls`.
constexpr bool in_class(CharClass cls, int c) noexcept {
  switch (cls) {
    case CharClass::Alnum:
      return is_alnum(c);
    case CharClass::Alpha:
      return is_alpha(c);
    case CharClass::Blank:
      return is_blank(c);
    case CharClass::Cntrl:
      return is_cntrl(c);
    case CharClass::Digit:
      return is_digit(c);
    case CharClass::Graph:
      return is_graph(c);
    case CharClass::Lower:
      return is_lower(c);
    case CharClass::Print:
      return is_print(c);
    case CharClass::Punct:
      return is_punct(c);
    case CharClass::Space:
      return is_space(c);
    case CharClass::Upper:
      return is_upper(c);
    case CharClass::Xdigit:
      return is_xdigit(c);
  }
  return false;
}

/// The class named by the `length` bytes at `name` ("alpha", ...); false if none is.
bool char_class_from_name(const char* name, unsigned long length, CharClass& out) noexcept;

}  // namespace mos::posix::libc
