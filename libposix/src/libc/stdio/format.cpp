// The printf engine (see posix/libc/format.hpp): parsing of conversion specifications, argument
// fetching (in order, or through a table for positional arguments) and the integer, character,
// string and pointer conversions. Floating conversions are in format_float.cpp.

#include <posix/libc/format.hpp>

#include <k/string.hpp>

#include "format_writer.hpp"
#include "length_modifier.hpp"

#include <climits>
#include <cstdint>

namespace mos::posix::libc {
namespace {

using detail::FormatWriter;
using detail::kAlternate;
using detail::kLeftAdjust;
using detail::kMarkPositive;
using detail::kPadPositive;
using detail::kZeroPad;
using detail::Length;
using detail::parse_length;

// How an argument is read from the va_list.
enum class ArgType : std::uint8_t {
  None,
  Int,
  Long,
  LongLong,
  IntMax,
  Size,
  PtrDiff,
  Double,
  LongDouble,
  Pointer
};

// One fetched argument.
union Arg {
  std::uintmax_t integer;
  double floating;
  void* pointer;
};

// The most positional arguments a format may use (glibc's NL_ARGMAX is 4096; formats in
// practice use a handful, and the table lives on the stack).
constexpr int kMaxPositional = 64;

// A parsed conversion specification. Positions are 1-based; 0 means "the next argument".
struct Spec {
  int position = 0;
  unsigned flags = 0;
  bool width_from_arg = false;
  int width_position = 0;
  std::size_t width = 0;
  bool precision_from_arg = false;
  int precision_position = 0;
  int precision = -1;
  Length length = Length::None;
  char conversion = 0;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Parses a decimal number; false if it exceeds INT_MAX.
bool parse_number(const char*& s, std::size_t& value) {
  value = 0;
  bool ok = true;
  for (; is_digit(*s); ++s) {
    value = value * 10 + static_cast<std::size_t>(*s - '0');
    if (value > INT_MAX) {
      ok = false;
      value = INT_MAX;
    }
  }
  return ok;
}

// Parses "digits$" at `s`, returning the position, or 0 (and leaves `s`) if not there.
int parse_position(const char*& s) {
  const char* p = s;
  std::size_t value = 0;
  if (!is_digit(*p) || !parse_number(p, value) || *p != '$' || value == 0) return 0;
  s = p + 1;
  return static_cast<int>(value);
}

// Parses the specification after '%'; `s` ends past the conversion character (or at the NUL).
// Returns false for a width or precision beyond INT_MAX.
bool parse_spec(const char*& s, Spec& spec) {
  spec.position = parse_position(s);
  for (;; ++s) {
    if (*s == '-')
      spec.flags |= kLeftAdjust;
    else if (*s == '+')
      spec.flags |= kMarkPositive;
    else if (*s == ' ')
      spec.flags |= kPadPositive;
    else if (*s == '#')
      spec.flags |= kAlternate;
    else if (*s == '0')
      spec.flags |= kZeroPad;
    else if (*s != '\'')
      break;  // Grouping: the C locale has no thousands separator.
  }
  bool ok = true;
  if (*s == '*') {
    ++s;
    spec.width_from_arg = true;
    spec.width_position = parse_position(s);
  } else if (!parse_number(s, spec.width)) {
    ok = false;
  }
  if (*s == '.') {
    ++s;
    if (*s == '*') {
      ++s;
      spec.precision_from_arg = true;
      spec.precision_position = parse_position(s);
    } else {
      std::size_t precision = 0;
      if (!parse_number(s, precision)) ok = false;
      spec.precision = static_cast<int>(precision);
    }
  }
  if (*s == 'Z') {  // glibc's old spelling of z, printf only
    ++s;
    spec.length = Length::Size;
  } else {
    spec.length = parse_length(s);
  }
  spec.conversion = *s;
  if (*s != '\0') ++s;
  return ok;
}

ArgType integer_arg_type(Length length) {
  switch (length) {
    case Length::Long:
      return ArgType::Long;
    case Length::LongLong:
    case Length::LongDouble:
      return ArgType::LongLong;
    case Length::IntMax:
      return ArgType::IntMax;
    case Length::Size:
      return ArgType::Size;
    case Length::PtrDiff:
      return ArgType::PtrDiff;
    default:
      return ArgType::Int;
  }
}

// What the conversion reads, None for %% and unknown conversions.
ArgType arg_type(const Spec& spec) {
  switch (spec.conversion) {
    case 'd':
    case 'i':
    case 'o':
    case 'u':
    case 'x':
    case 'X':
      return integer_arg_type(spec.length);
    case 'c':
    case 'C':
      return ArgType::Int;
    case 's':
    case 'S':
    case 'p':
    case 'n':
      return ArgType::Pointer;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
      return spec.length == Length::LongDouble ? ArgType::LongDouble : ArgType::Double;
    default:
      return ArgType::None;
  }
}

Arg fetch(ArgType type, va_list* args) {
  Arg arg{};
  switch (type) {
    case ArgType::None:
      break;
    case ArgType::Int:
      arg.integer = static_cast<std::uintmax_t>(va_arg(*args, int));
      break;
    case ArgType::Long:
      arg.integer = static_cast<std::uintmax_t>(va_arg(*args, long));
      break;
    case ArgType::LongLong:
      arg.integer = static_cast<std::uintmax_t>(va_arg(*args, long long));
      break;
    case ArgType::IntMax:
      arg.integer = static_cast<std::uintmax_t>(va_arg(*args, std::intmax_t));
      break;
    case ArgType::Size:
      arg.integer = va_arg(*args, std::size_t);
      break;
    case ArgType::PtrDiff:
      arg.integer = static_cast<std::uintmax_t>(va_arg(*args, std::ptrdiff_t));
      break;
    case ArgType::Double:
      arg.floating = va_arg(*args, double);
      break;
    case ArgType::LongDouble:
      arg.floating = static_cast<double>(va_arg(*args, long double));
      break;
    case ArgType::Pointer:
      arg.pointer = va_arg(*args, void*);
      break;
  }
  return arg;
}

// Where arguments come from: the va_list in order, or the table of positional arguments.
class ArgSource {
 public:
  ArgSource(va_list* args, const Arg* table, int count) noexcept
      : args_(args), table_(table), count_(count) {}

  bool positional() const noexcept { return table_ != nullptr; }

  // The argument at `position` (positional mode) or the next one; false if there is none.
  bool get(int position, ArgType type, Arg& out) noexcept {
    if (table_ == nullptr) {
      out = fetch(type, args_);
      return true;
    }
    if (position < 1 || position > count_) return false;
    out = table_[position - 1];
    return true;
  }

 private:
  va_list* args_;
  const Arg* table_;
  int count_;
};

// The value of a signed integer argument, as its length modifier truncates it.
std::intmax_t signed_value(std::uintmax_t raw, Length length) {
  switch (length) {
    case Length::Char:
      return static_cast<signed char>(raw);
    case Length::Short:
      return static_cast<short>(raw);
    case Length::None:
      return static_cast<int>(raw);
    case Length::Long:
      return static_cast<long>(raw);
    case Length::Size:
      return static_cast<long>(raw);
    case Length::PtrDiff:
      return static_cast<std::ptrdiff_t>(raw);
    default:
      return static_cast<std::intmax_t>(raw);
  }
}

std::uintmax_t unsigned_value(std::uintmax_t raw, Length length) {
  switch (length) {
    case Length::Char:
      return static_cast<unsigned char>(raw);
    case Length::Short:
      return static_cast<unsigned short>(raw);
    case Length::None:
      return static_cast<unsigned>(raw);
    case Length::Long:
    case Length::Size:
      return static_cast<unsigned long>(raw);
    default:
      return raw;
  }
}

// Writes `length` characters at `text` in a field of `width`, padded with spaces.
void put_padded(FormatWriter& out, const char* text, std::size_t length, std::size_t width,
                unsigned flags) {
  flags &= ~kZeroPad;
  out.pad(' ', width, length, flags);
  out.put(text, length);
  out.pad(' ', width, length, flags ^ kLeftAdjust);
}

void format_integer(FormatWriter& out, const Spec& spec, std::uintmax_t raw, std::size_t width,
                    int precision, unsigned flags) {
  const char conversion = spec.conversion;
  const bool is_signed = conversion == 'd' || conversion == 'i';
  bool negative = false;
  std::uintmax_t magnitude;
  if (is_signed) {
    const std::intmax_t value = signed_value(raw, spec.length);
    negative = value < 0;
    magnitude =
        negative ? 0 - static_cast<std::uintmax_t>(value) : static_cast<std::uintmax_t>(value);
  } else {
    magnitude = conversion == 'p' ? raw : unsigned_value(raw, spec.length);
  }
  const unsigned base = conversion == 'o'                                               ? 8
                        : (conversion == 'x' || conversion == 'X' || conversion == 'p') ? 16
                                                                                        : 10;
  const char* digit_chars = conversion == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  char buffer[3 * sizeof(std::uintmax_t) + 2];
  char* const end = buffer + sizeof(buffer);
  char* s = end;
  for (std::uintmax_t v = magnitude; v != 0; v /= base) *--s = digit_chars[v % base];

  std::size_t digits = static_cast<std::size_t>(end - s);
  if (precision >= 0) flags &= ~kZeroPad;
  if (magnitude == 0 && precision < 0) {
    *--s = '0';
    digits = 1;
  }
  std::size_t zero_count = precision > 0 && static_cast<std::size_t>(precision) > digits
                               ? static_cast<std::size_t>(precision) - digits
                               : 0;
  if (conversion == 'o' && (flags & kAlternate) != 0 && zero_count == 0 &&
      (digits == 0 || *s != '0')) {
    zero_count = 1;
  }
  const char* hex_prefix = nullptr;
  if ((conversion == 'x' || conversion == 'X' || conversion == 'p') && (flags & kAlternate) != 0 &&
      magnitude != 0) {
    hex_prefix = conversion == 'X' ? "0X" : "0x";
  }
  char prefix[1];
  std::size_t prefix_length = 0;
  if (is_signed || conversion == 'p') {
    if (negative)
      prefix[prefix_length++] = '-';
    else if ((flags & kMarkPositive) != 0)
      prefix[prefix_length++] = '+';
    else if ((flags & kPadPositive) != 0)
      prefix[prefix_length++] = ' ';
  }
  const std::size_t total = prefix_length + (hex_prefix != nullptr ? 2 : 0) + zero_count + digits;
  out.pad(' ', width, total, flags);
  out.put(prefix, prefix_length);
  if (hex_prefix != nullptr) out.put(hex_prefix, 2);
  out.pad('0', width, total, flags ^ kZeroPad);
  out.repeat('0', zero_count);
  out.put(s, digits);
  out.pad(' ', width, total, flags ^ kLeftAdjust);
}

// %s of a narrow string (precision: at most that many bytes).
void format_string(FormatWriter& out, const char* text, std::size_t width, int precision,
                   unsigned flags) {
  if (text == nullptr) text = (precision < 0 || precision >= 6) ? "(null)" : "";
  const std::size_t length = precision < 0
                                 ? string_length(text)
                                 : string_length_bounded(text, static_cast<std::size_t>(precision));
  put_padded(out, text, length, width, flags);
}

// %ls: wide characters, which the C locale can only convert when they are ASCII.
bool format_wide_string(FormatWriter& out, const wchar_t* text, std::size_t width, int precision,
                        unsigned flags) {
  if (text == nullptr) {
    format_string(out, nullptr, width, precision, flags);
    return true;
  }
  std::size_t length = 0;
  for (; text[length] != 0; ++length) {
    if (precision >= 0 && length >= static_cast<std::size_t>(precision)) break;
    if (text[length] < 0 || text[length] > 0x7f) return false;
  }
  out.pad(' ', width, length, flags & ~kZeroPad);
  for (std::size_t k = 0; k < length; ++k) {
    const char c = static_cast<char>(text[k]);
    out.put(&c, 1);
  }
  out.pad(' ', width, length, (flags & ~kZeroPad) ^ kLeftAdjust);
  return true;
}

void store_count(const Spec& spec, void* target, std::size_t count) {
  if (target == nullptr) return;
  detail::store_integer(target, spec.length, count);
}

// Records `type` for `position` in the positional table; false on a conflict or a bad position.
bool note_type(ArgType* types, int& highest, int position, ArgType type) {
  if (position < 1 || position > kMaxPositional) return false;
  ArgType& slot = types[position - 1];
  if (slot != ArgType::None && slot != type) return false;
  slot = type;
  if (position > highest) highest = position;
  return true;
}

// The first pass for positional formats: the type of every argument, then the arguments read
// from the va_list in order. Returns the number of arguments, or -1 for an invalid format.
int collect_positional(const char* format, va_list* args, Arg* table) {
  ArgType types[kMaxPositional] = {};
  int highest = 0;
  for (const char* s = format; *s != '\0';) {
    if (*s++ != '%') continue;
    if (*s == '%') {
      ++s;
      continue;
    }
    Spec spec;
    parse_spec(s, spec);
    const ArgType type = arg_type(spec);
    if (type != ArgType::None && !note_type(types, highest, spec.position, type)) return -1;
    if (spec.width_from_arg && !note_type(types, highest, spec.width_position, ArgType::Int)) {
      return -1;
    }
    if (spec.precision_from_arg &&
        !note_type(types, highest, spec.precision_position, ArgType::Int)) {
      return -1;
    }
  }
  for (int k = 0; k < highest; ++k) {
    if (types[k] == ArgType::None) return -1;  // A gap: its type cannot be known.
    table[k] = fetch(types[k], args);
  }
  return highest;
}

// Whether the format's first conversion uses a position (POSIX: then all of them must).
bool uses_positions(const char* format) {
  for (const char* s = format; *s != '\0'; ++s) {
    if (*s != '%') continue;
    if (s[1] == '%') {
      ++s;
      continue;
    }
    const char* p = s + 1;
    return parse_position(p) != 0;
  }
  return false;
}

Result<int> run(FormatWriter& out, const char* format, ArgSource& source) {
  const char* s = format;
  while (*s != '\0') {
    if (*s != '%') {
      const char* run_end = s;
      while (*run_end != '\0' && *run_end != '%') ++run_end;
      out.put(s, static_cast<std::size_t>(run_end - s));
      s = run_end;
      continue;
    }
    if (s[1] == '%') {
      out.put("%", 1);
      s += 2;
      continue;
    }
    const char* spec_start = s;
    ++s;
    Spec spec;
    if (!parse_spec(s, spec)) return Error::Overflow;
    if (source.positional() != (spec.position != 0) && arg_type(spec) != ArgType::None) {
      return Error::InvalidArgument;
    }
    std::size_t width = spec.width;
    unsigned flags = spec.flags;
    int precision = spec.precision;
    Arg arg{};
    if (spec.width_from_arg) {
      if (!source.get(spec.width_position, ArgType::Int, arg)) return Error::InvalidArgument;
      const int value = static_cast<int>(arg.integer);
      if (value < 0) {
        flags |= kLeftAdjust;
        width = value == INT_MIN ? static_cast<std::size_t>(INT_MAX) + 1
                                 : static_cast<std::size_t>(-value);
      } else {
        width = static_cast<std::size_t>(value);
      }
      if (width > INT_MAX) return Error::Overflow;
    }
    if (spec.precision_from_arg) {
      if (!source.get(spec.precision_position, ArgType::Int, arg)) return Error::InvalidArgument;
      const int value = static_cast<int>(arg.integer);
      precision = value < 0 ? -1 : value;
    }
    if ((flags & kLeftAdjust) != 0) flags &= ~kZeroPad;
    const ArgType type = arg_type(spec);
    if (type != ArgType::None && !source.get(spec.position, type, arg)) {
      return Error::InvalidArgument;
    }
    switch (spec.conversion) {
      case 'd':
      case 'i':
      case 'o':
      case 'u':
      case 'x':
      case 'X':
        format_integer(out, spec, arg.integer, width, precision, flags);
        break;
      case 'p':
        if (arg.pointer == nullptr) {
          put_padded(out, "(nil)", 5, width, flags);
        } else {
          format_integer(out, spec, reinterpret_cast<std::uintptr_t>(arg.pointer), width, -1,
                         flags | kAlternate);
        }
        break;
      case 'c':
      case 'C': {
        const unsigned value = static_cast<unsigned>(arg.integer);
        if ((spec.length == Length::Long || spec.conversion == 'C') && value > 0x7f) {
          return Error::IllegalSequence;
        }
        const char c = static_cast<char>(value);
        put_padded(out, &c, 1, width, flags);
        break;
      }
      case 's':
      case 'S':
        if (spec.length == Length::Long || spec.conversion == 'S') {
          if (!format_wide_string(out, static_cast<const wchar_t*>(arg.pointer), width, precision,
                                  flags)) {
            return Error::IllegalSequence;
          }
        } else {
          format_string(out, static_cast<const char*>(arg.pointer), width, precision, flags);
        }
        break;
      case 'n':
        store_count(spec, arg.pointer, out.count());
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
      case 'a':
      case 'A':
        if (!detail::format_double(out, arg.floating, width, precision, flags, spec.conversion)) {
          return Error::Overflow;
        }
        break;
      case '%':
        out.put("%", 1);
        break;
      case '\0':
        return Error::InvalidArgument;  // A '%' that ends the format, as glibc reports it.
      default:
        // Unknown conversion: printed as written, as glibc does.
        out.put(spec_start, static_cast<std::size_t>(s - spec_start));
        break;
    }
  }
  if (out.count() > INT_MAX) return Error::Overflow;
  return static_cast<int>(out.count());
}

// A sink over a caller's buffer that keeps room for the NUL and counts everything.
class TruncatingSink final : public OutputSink {
 public:
  TruncatingSink(char* buffer, std::size_t capacity) noexcept
      : buffer_(buffer), capacity_(capacity) {}
  void write(std::string_view text) noexcept override {
    if (used_ < capacity_) {
      const std::size_t room = capacity_ - used_;
      const std::size_t n = text.size() < room ? text.size() : room;
      memory_copy(buffer_ + used_, text.data(), n);
      used_ += n;
    }
  }
  std::size_t used() const noexcept { return used_; }

 private:
  char* buffer_;
  std::size_t capacity_;
  std::size_t used_ = 0;
};

}  // namespace

Result<int> format(OutputSink& sink, const char* format_string, va_list args) noexcept {
  FormatWriter out(sink);
  va_list ap;
  va_copy(ap, args);
  Result<int> result = Error::InvalidArgument;
  if (uses_positions(format_string)) {
    Arg table[kMaxPositional];
    const int count = collect_positional(format_string, &ap, table);
    if (count >= 0) {
      ArgSource source(&ap, table, count);
      result = run(out, format_string, source);
    }
  } else {
    ArgSource source(&ap, nullptr, 0);
    result = run(out, format_string, source);
  }
  va_end(ap);
  return result;
}

Result<int> format_to_buffer(char* buffer, std::size_t size, const char* format_string,
                             va_list args) noexcept {
  TruncatingSink sink(buffer, size == 0 ? 0 : size - 1);
  Result<int> result = format(sink, format_string, args);
  if (size != 0) buffer[sink.used()] = '\0';
  return result;
}

}  // namespace mos::posix::libc
