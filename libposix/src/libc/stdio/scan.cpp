// The scanf engine (see posix/libc/scan.hpp).

#include <posix/libc/scan.hpp>

#include <posix/libc/convert.hpp>

#include "length_modifier.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>

namespace mos::posix::libc {
namespace {

using detail::Length;
using detail::parse_length;
using detail::store_integer;

bool is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int digit_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// The source with a width limit and a count of consumed characters (for %n).
class Reader {
 public:
  explicit Reader(ScanSource& source) noexcept : source_(source) {}
  void set_limit(std::size_t limit) noexcept { limit_ = limit; }
  int get() noexcept {
    if (limit_ == 0) return -1;
    const int c = source_.get();
    if (c < 0) {
      saw_end_ = true;
      return -1;
    }
    --limit_;
    ++count_;
    return c;
  }
  void unget(int c) noexcept {
    if (c < 0) return;
    source_.unget(c);
    ++limit_;
    --count_;
  }
  std::size_t count() const noexcept { return count_; }
  bool saw_end() const noexcept { return saw_end_; }
  void skip_space() noexcept {
    const std::size_t saved = limit_;
    limit_ = static_cast<std::size_t>(-1);
    int c;
    while ((c = get()) >= 0 && is_space(c)) {
    }
    unget(c);
    limit_ = saved;
  }

 private:
  ScanSource& source_;
  std::size_t limit_ = static_cast<std::size_t>(-1);
  std::size_t count_ = 0;
  bool saw_end_ = false;
};

// Reads an integer in `base` (0: C's prefixes) into `value`; false if no digit matched.
bool read_integer(Reader& in, int base, bool is_signed, std::uintmax_t& value) {
  int c = in.get();
  bool negative = false;
  if (c == '+' || c == '-') {
    negative = c == '-';
    c = in.get();
  }
  bool any_digit = false;
  if ((base == 0 || base == 16) && c == '0') {
    any_digit = true;
    c = in.get();
    if (c == 'x' || c == 'X') {
      base = 16;
      c = in.get();
      // "0x" with no hex digit: the 0 was the number (the x is consumed, as glibc does).
    } else if (base == 0) {
      base = 8;
    }
  }
  if (base == 0) base = 10;
  std::uintmax_t magnitude = 0;
  bool overflow = false;
  for (; digit_value(c) < base; c = in.get()) {
    any_digit = true;
    const unsigned digit = static_cast<unsigned>(digit_value(c));
    if (magnitude > (UINTMAX_MAX - digit) / static_cast<unsigned>(base)) overflow = true;
    magnitude = magnitude * static_cast<unsigned>(base) + digit;
  }
  in.unget(c);
  if (!any_digit) return false;
  if (is_signed) {
    const std::uintmax_t limit = negative ? std::uintmax_t{1} << 63 : (std::uintmax_t{1} << 63) - 1;
    if (overflow || magnitude > limit) magnitude = limit;
  } else if (overflow) {
    magnitude = UINTMAX_MAX;
    negative = false;
  }
  value = negative ? 0 - magnitude : magnitude;
  return true;
}

// Appends c to the text of a floating number; false when the text is too long to be a number.
struct FloatText {
  char text[512];
  std::size_t length = 0;
  bool add(int c) {
    if (length + 1 >= sizeof(text)) return false;
    text[length++] = static_cast<char>(c);
    return true;
  }
};

bool matches_word(Reader& in, FloatText& text, int& c, const char* word) {
  for (const char* w = word; *w != '\0'; ++w) {
    if ((c | 32) != *w) return false;
    text.add(c);
    c = in.get();
  }
  return true;
}

// Reads the longest prefix of a floating number (C's strtod syntax) into `text`.
bool read_float(Reader& in, FloatText& text) {
  int c = in.get();
  if (c == '+' || c == '-') {
    text.add(c);
    c = in.get();
  }
  if ((c | 32) == 'i') {
    if (!matches_word(in, text, c, "inf")) {
      in.unget(c);
      return false;
    }
    const std::size_t inf_length = text.length;
    if ((c | 32) == 'i' && !matches_word(in, text, c, "inity")) {
      text.length = inf_length;  // "inf" matched; the partial "inity" is lost, as in glibc.
    }
    in.unget(c);
    return true;
  }
  if ((c | 32) == 'n') {
    if (!matches_word(in, text, c, "nan")) {
      in.unget(c);
      return false;
    }
    if (c == '(') {
      text.add(c);
      c = in.get();
      while (c == '_' || digit_value(c) < 36) {
        text.add(c);
        c = in.get();
      }
      if (c != ')') {
        in.unget(c);
        return false;
      }
      text.add(c);
      c = in.get();
    }
    in.unget(c);
    return true;
  }
  int base = 10;
  bool any_digit = false;
  if (c == '0') {
    any_digit = true;
    text.add(c);
    c = in.get();
    if (c == 'x' || c == 'X') {
      base = 16;
      text.add(c);
      c = in.get();
      any_digit = false;
    }
  }
  for (; digit_value(c) < base; c = in.get()) {
    any_digit = true;
    if (!text.add(c)) return false;
  }
  if (c == '.') {
    text.add(c);
    c = in.get();
    for (; digit_value(c) < base; c = in.get()) {
      any_digit = true;
      if (!text.add(c)) return false;
    }
  }
  if (!any_digit) {
    in.unget(c);
    return false;
  }
  if ((base == 10 && (c | 32) == 'e') || (base == 16 && (c | 32) == 'p')) {
    const std::size_t mantissa_length = text.length;
    text.add(c);
    c = in.get();
    if (c == '+' || c == '-') {
      text.add(c);
      c = in.get();
    }
    if (digit_value(c) >= 10) {
      // "1e" or "1e+": glibc consumes them and converts the mantissa.
      in.unget(c);
      text.length = mantissa_length;
      return true;
    }
    for (; digit_value(c) < 10; c = in.get()) {
      if (!text.add(c)) return false;
    }
  }
  in.unget(c);
  return true;
}

// A parsed %[...] set.
struct CharSet {
  bool member[256] = {};
};

// Parses the set after '[' (s points past it); returns the character after ']', or nullptr if
// the set is not closed.
const char* parse_set(const char* s, CharSet& set) {
  bool invert = false;
  if (*s == '^') {
    invert = true;
    ++s;
  }
  if (*s == ']') {
    set.member[static_cast<unsigned char>(']')] = true;
    ++s;
  }
  for (; *s != ']'; ++s) {
    if (*s == '\0') return nullptr;
    if (*s == '-' && s[1] != ']' && s[-1] != '[' && s[-1] != '^' &&
        static_cast<unsigned char>(s[-1]) <= static_cast<unsigned char>(s[1])) {
      for (unsigned c = static_cast<unsigned char>(s[-1]); c <= static_cast<unsigned char>(s[1]);
           ++c) {
        set.member[c] = true;
      }
      ++s;
      continue;
    }
    set.member[static_cast<unsigned char>(*s)] = true;
  }
  if (invert) {
    for (bool& m : set.member) m = !m;
  }
  return s + 1;
}

class StringSource final : public ScanSource {
 public:
  explicit StringSource(const char* text) noexcept : text_(text) {}
  int get() noexcept override {
    if (*text_ == '\0') return -1;
    return static_cast<unsigned char>(*text_++);
  }
  void unget(int) noexcept override { --text_; }

 private:
  const char* text_;
};

}  // namespace

int scan(ScanSource& source, const char* format, va_list args) noexcept {
  va_list ap;
  va_copy(ap, args);
  Reader in(source);
  int assigned = 0;
  bool converted_any = false;  // Whether some conversion (even suppressed) has matched.
  bool input_failure = false;
  for (const char* s = format; *s != '\0';) {
    if (is_space(static_cast<unsigned char>(*s))) {
      while (is_space(static_cast<unsigned char>(*s))) ++s;
      in.skip_space();
      continue;
    }
    if (*s != '%' || s[1] == '%') {
      if (*s == '%') {
        ++s;
        in.skip_space();
      }
      const int c = in.get();
      if (c != static_cast<unsigned char>(*s)) {
        in.unget(c);
        if (c < 0) input_failure = true;
        break;
      }
      ++s;
      continue;
    }
    ++s;
    bool suppress = false;
    if (*s == '*') {
      suppress = true;
      ++s;
    }
    std::size_t width = 0;
    for (; *s >= '0' && *s <= '9'; ++s) {
      width = width * 10 + static_cast<std::size_t>(*s - '0');
      if (width > 1u << 30) width = 1u << 30;
    }
    const Length length = parse_length(s);
    const char conversion = *s;
    if (conversion == '\0') break;
    ++s;
    if (conversion == 'n') {
      if (!suppress) store_integer(va_arg(ap, void*), length, in.count());
      continue;
    }
    if (conversion != 'c' && conversion != '[') in.skip_space();
    in.set_limit(width == 0 ? static_cast<std::size_t>(-1) : width);
    bool matched = true;
    switch (conversion) {
      case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': {
        const int base = conversion == 'd' || conversion == 'u' ? 10
                         : conversion == 'i' ? 0
                         : conversion == 'o' ? 8 : 16;
        std::uintmax_t value = 0;
        matched = read_integer(in, base, conversion == 'd' || conversion == 'i', value);
        if (matched && !suppress) {
          if (conversion == 'p') {
            *va_arg(ap, void**) = reinterpret_cast<void*>(static_cast<std::uintptr_t>(value));
          } else {
            store_integer(va_arg(ap, void*), length, value);
          }
        }
        break;
      }
      case 'a': case 'A': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
        FloatText text;
        matched = read_float(in, text);
        if (matched) {
          text.text[text.length] = '\0';
          if (!suppress) {
            if (length == Length::Long) {
              *va_arg(ap, double*) = strtod(text.text, nullptr);
            } else if (length == Length::LongDouble) {
              *va_arg(ap, long double*) = strtod(text.text, nullptr);
            } else {
              *va_arg(ap, float*) = strtof(text.text, nullptr);
            }
          }
        }
        break;
      }
      case 'c': {
        if (width == 0) in.set_limit(1);
        char* out = suppress ? nullptr : va_arg(ap, char*);
        std::size_t got = 0;
        for (int c; (c = in.get()) >= 0; ++got) {
          if (out != nullptr) out[got] = static_cast<char>(c);
        }
        matched = got > 0;
        break;
      }
      case 's': case '[': {
        CharSet set;
        if (conversion == '[') {
          s = parse_set(s, set);
          if (s == nullptr) {
            matched = false;
            break;
          }
        } else {
          for (unsigned c = 0; c < 256; ++c) set.member[c] = !is_space(static_cast<int>(c));
        }
        char* out = suppress ? nullptr : va_arg(ap, char*);
        std::size_t got = 0;
        int c;
        while ((c = in.get()) >= 0 && set.member[c]) {
          if (out != nullptr) out[got] = static_cast<char>(c);
          ++got;
        }
        in.unget(c);
        matched = got > 0;
        if (matched && out != nullptr) out[got] = '\0';
        break;
      }
      default:
        matched = false;
        break;
    }
    in.set_limit(static_cast<std::size_t>(-1));
    if (s == nullptr) break;
    if (!matched) {
      if (in.saw_end()) input_failure = true;
      break;
    }
    converted_any = true;
    if (!suppress) ++assigned;
  }
  va_end(ap);
  if (input_failure && !converted_any && assigned == 0) return -1;
  return assigned;
}

int scan_string(const char* input, const char* format, va_list args) noexcept {
  StringSource source(input);
  return scan(source, format, args);
}

}  // namespace mos::posix::libc
