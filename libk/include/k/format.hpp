#pragma once
/// A type-safe formatter with `{}` placeholders, in the spirit of std::format, that needs no
/// allocation and no exceptions.
///
/// Replacement fields: `{}` or `{:spec}` with spec = [[fill]align][sign][#][0][width][.precision]
/// [type]. align is `<`, `>` or `^`; sign `+`, `-` or space; `#` adds 0x/0b/0 prefixes; `0` pads
/// numbers with zeros after sign and prefix. Integer types: d x X b B o c; pointer: p; string: s
/// (precision truncates); bool prints true/false, or 1/0 with an integer type. `{{` and `}}` are
/// literal braces. The number of fields is checked against the arguments at compile time; an
/// invalid spec prints `{?}` in place of the field.
///
/// User types: specialise mos::Formatter<T> with
///   static void format(OutputSink&, const T&, const FormatSpec&) noexcept;

#include <k/error.hpp>
#include <k/output_sink.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace mos {

/// A parsed replacement-field specification.
struct FormatSpec {
  enum class Align : std::uint8_t { Default, Left, Right, Center };
  enum class Sign : std::uint8_t { Minus, Plus, Space };

  char fill = ' ';
  Align align = Align::Default;
  Sign sign = Sign::Minus;
  bool alternate = false;
  bool zero_pad = false;
  std::uint32_t width = 0;
  std::int32_t precision = -1;  ///< -1: none given.
  char type = 0;                ///< 0: the type's default presentation.
};

/// Specialise to make a type formattable; see the file comment.
template <class T>
struct Formatter;

/// Writes `text` padded to spec.width with spec.fill and spec.align (left by default).
void format_padded(OutputSink& sink, std::string_view text, const FormatSpec& spec) noexcept;

namespace detail {

struct FormatArg {
  enum class Kind : std::uint8_t { Bool, Char, Signed, Unsigned, String, Pointer, Custom };
  using CustomFn = void (*)(OutputSink&, const void*, const FormatSpec&) noexcept;

  Kind kind;
  union {
    bool b;
    char c;
    long long i;
    unsigned long long u;
    struct {
      const char* data;
      std::size_t size;
    } s;
    const void* p;
    struct {
      const void* object;
      CustomFn fn;
    } custom;
  };
};

template <class T>
concept HasFormatter = requires(OutputSink& sink, const T& v, const FormatSpec& spec) {
  Formatter<T>::format(sink, v, spec);
};

template <class T>
FormatArg make_arg(const T& v) noexcept {
  FormatArg a{};
  using U = std::remove_cvref_t<T>;
  if constexpr (HasFormatter<U>) {
    a.kind = FormatArg::Kind::Custom;
    a.custom.object = &v;
    a.custom.fn = [](OutputSink& sink, const void* obj, const FormatSpec& spec) noexcept {
      Formatter<U>::format(sink, *static_cast<const U*>(obj), spec);
    };
  } else if constexpr (std::is_same_v<U, bool>) {
    a.kind = FormatArg::Kind::Bool;
    a.b = v;
  } else if constexpr (std::is_same_v<U, char>) {
    a.kind = FormatArg::Kind::Char;
    a.c = v;
  } else if constexpr (std::is_enum_v<U>) {
    return make_arg(static_cast<std::underlying_type_t<U>>(v));
  } else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
    a.kind = FormatArg::Kind::Signed;
    a.i = v;
  } else if constexpr (std::is_integral_v<U>) {
    a.kind = FormatArg::Kind::Unsigned;
    a.u = v;
  } else if constexpr (std::is_null_pointer_v<U>) {
    a.kind = FormatArg::Kind::Pointer;
    a.p = nullptr;
  } else if constexpr (std::is_same_v<U, const char*> || std::is_same_v<U, char*>) {
    std::string_view sv = v ? std::string_view(v) : std::string_view("(null)");
    a.kind = FormatArg::Kind::String;
    a.s.data = sv.data();
    a.s.size = sv.size();
  } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    std::string_view sv = v;
    a.kind = FormatArg::Kind::String;
    a.s.data = sv.data();
    a.s.size = sv.size();
  } else if constexpr (std::is_pointer_v<U>) {
    a.kind = FormatArg::Kind::Pointer;
    a.p = reinterpret_cast<const void*>(v);
  } else {
    static_assert(sizeof(U) == 0, "no mos::Formatter for this type");
  }
  return a;
}

void format_string_error(const char*);  // Not constexpr: calling it at compile time is the error.

/// Counts replacement fields, rejecting unbalanced braces.
consteval std::size_t count_fields(std::string_view fmt) {
  std::size_t fields = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '{') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
        ++i;
        continue;
      }
      std::size_t close = fmt.find('}', i);
      if (close == std::string_view::npos) format_string_error("unclosed '{' in format string");
      ++fields;
      i = close;
    } else if (fmt[i] == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        ++i;
        continue;
      }
      format_string_error("unmatched '}' in format string");
    }
  }
  return fields;
}

void vformat(OutputSink& sink, std::string_view fmt, std::span<const FormatArg> args) noexcept;

}  // namespace detail

/// A format string whose fields were counted against Args at compile time.
template <class... Args>
class BasicFormatString {
 public:
  template <class S>
    requires std::convertible_to<const S&, std::string_view>
  consteval BasicFormatString(const S& s) : text_(s) {  // NOLINT: implicit like std::format_string
    if (detail::count_fields(text_) != sizeof...(Args)) {
      detail::format_string_error("format string fields do not match the argument count");
    }
  }
  constexpr std::string_view get() const noexcept { return text_; }

 private:
  std::string_view text_;
};

/// The format string type for arguments Args (not deduced from the string).
template <class... Args>
using FormatString = BasicFormatString<std::type_identity_t<Args>...>;

/// Formats `args` into `sink` following `fmt`.
template <class... Args>
void format_to(OutputSink& sink, FormatString<Args...> fmt, const Args&... args) noexcept {
  if constexpr (sizeof...(Args) == 0) {
    detail::vformat(sink, fmt.get(), {});
  } else {
    const detail::FormatArg packed[] = {detail::make_arg(args)...};
    detail::vformat(sink, fmt.get(), packed);
  }
}

/// Formats into `buffer` (truncating) and returns how many characters the full text has.
template <class... Args>
std::size_t format_to_buffer(std::span<char> buffer, FormatString<Args...> fmt,
                             const Args&... args) noexcept {
  BufferSink sink(buffer);
  format_to(sink, fmt, args...);
  return sink.offered();
}

/// Formats an error as its errno name, e.g. ENOENT.
template <>
struct Formatter<Error> {
  static void format(OutputSink& sink, Error e, const FormatSpec& spec) noexcept {
    format_padded(sink, error_name(e), spec);
  }
};

}  // namespace mos
