#include <k/format.hpp>

namespace mos {
namespace {

using detail::FormatArg;

constexpr std::string_view kInvalidField = "{?}";

void write_fill(OutputSink& sink, char fill, std::size_t count) noexcept {
  char chunk[32];
  for (char& c : chunk) c = fill;
  while (count > 0) {
    std::size_t n = count < sizeof chunk ? count : sizeof chunk;
    sink.write({chunk, n});
    count -= n;
  }
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_align(char c) noexcept { return c == '<' || c == '>' || c == '^'; }

FormatSpec::Align to_align(char c) noexcept {
  switch (c) {
    case '<': return FormatSpec::Align::Left;
    case '>': return FormatSpec::Align::Right;
    default: return FormatSpec::Align::Center;
  }
}

// Parses the text between ':' and '}'. Returns false on anything it does not understand.
bool parse_spec(std::string_view text, FormatSpec& spec) noexcept {
  std::size_t i = 0;
  if (text.size() >= 2 && is_align(text[1])) {
    spec.fill = text[0];
    spec.align = to_align(text[1]);
    i = 2;
  } else if (!text.empty() && is_align(text[0])) {
    spec.align = to_align(text[0]);
    i = 1;
  }
  if (i < text.size() && (text[i] == '+' || text[i] == '-' || text[i] == ' ')) {
    spec.sign = text[i] == '+'   ? FormatSpec::Sign::Plus
                : text[i] == ' ' ? FormatSpec::Sign::Space
                                 : FormatSpec::Sign::Minus;
    ++i;
  }
  if (i < text.size() && text[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < text.size() && text[i] == '0') {
    spec.zero_pad = true;
    ++i;
  }
  std::uint32_t width = 0;
  while (i < text.size() && is_digit(text[i])) {
    width = width * 10 + static_cast<std::uint32_t>(text[i] - '0');
    if (width > 4096) return false;  // A width this large is a mistake, not a layout.
    ++i;
  }
  spec.width = width;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (i >= text.size() || !is_digit(text[i])) return false;
    std::int32_t precision = 0;
    while (i < text.size() && is_digit(text[i])) {
      precision = precision * 10 + (text[i] - '0');
      if (precision > 4096) return false;
      ++i;
    }
    spec.precision = precision;
  }
  if (i < text.size()) {
    spec.type = text[i];
    ++i;
  }
  return i == text.size();
}

void format_unsigned(OutputSink& sink, unsigned long long magnitude, bool negative,
                     const FormatSpec& spec) noexcept {
  unsigned base = 10;
  std::string_view digits = "0123456789abcdef";
  std::string_view prefix;
  switch (spec.type) {
    case 0:
    case 'd': break;
    case 'x': base = 16; prefix = "0x"; break;
    case 'X': base = 16; prefix = "0X"; digits = "0123456789ABCDEF"; break;
    case 'b': base = 2; prefix = "0b"; break;
    case 'B': base = 2; prefix = "0B"; break;
    case 'o': base = 8; prefix = "0"; break;
    default: sink.write(kInvalidField); return;
  }
  char buffer[64];
  std::size_t pos = sizeof buffer;
  do {
    buffer[--pos] = digits[magnitude % base];
    magnitude /= base;
  } while (magnitude != 0);
  std::string_view body(buffer + pos, sizeof buffer - pos);
  if (base == 8 && body == "0") prefix = {};  // Octal zero carries its own prefix.

  char sign_char = 0;
  if (negative) {
    sign_char = '-';
  } else if (spec.sign == FormatSpec::Sign::Plus) {
    sign_char = '+';
  } else if (spec.sign == FormatSpec::Sign::Space) {
    sign_char = ' ';
  }
  if (!spec.alternate) prefix = {};

  std::size_t length = body.size() + prefix.size() + (sign_char ? 1 : 0);
  std::size_t pad = spec.width > length ? spec.width - length : 0;
  bool zero_pad = spec.zero_pad && spec.align == FormatSpec::Align::Default;
  std::size_t before = 0;
  std::size_t after = 0;
  if (!zero_pad) {
    switch (spec.align) {
      case FormatSpec::Align::Left: after = pad; break;
      case FormatSpec::Align::Center: before = pad / 2; after = pad - before; break;
      default: before = pad; break;  // Numbers align right by default.
    }
  }
  write_fill(sink, spec.fill, before);
  if (sign_char) sink.write({&sign_char, 1});
  sink.write(prefix);
  if (zero_pad) write_fill(sink, '0', pad);
  sink.write(body);
  write_fill(sink, spec.fill, after);
}

void format_signed(OutputSink& sink, long long value, const FormatSpec& spec) noexcept {
  // Negate in unsigned arithmetic so that the most negative value is handled.
  unsigned long long magnitude = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                           : static_cast<unsigned long long>(value);
  format_unsigned(sink, magnitude, value < 0, spec);
}

void format_char(OutputSink& sink, char c, const FormatSpec& spec) noexcept {
  if (spec.type == 0 || spec.type == 'c') {
    format_padded(sink, {&c, 1}, spec);
  } else {
    format_signed(sink, c, spec);
  }
}

void format_arg(OutputSink& sink, const FormatArg& arg, const FormatSpec& spec) noexcept {
  switch (arg.kind) {
    case FormatArg::Kind::Bool:
      if (spec.type == 0 || spec.type == 's') {
        format_padded(sink, arg.b ? "true" : "false", spec);
      } else {
        format_unsigned(sink, arg.b ? 1 : 0, false, spec);
      }
      return;
    case FormatArg::Kind::Char:
      format_char(sink, arg.c, spec);
      return;
    case FormatArg::Kind::Signed:
      if (spec.type == 'c') {
        char c = static_cast<char>(arg.i);
        format_padded(sink, {&c, 1}, spec);
      } else {
        format_signed(sink, arg.i, spec);
      }
      return;
    case FormatArg::Kind::Unsigned:
      if (spec.type == 'c') {
        char c = static_cast<char>(arg.u);
        format_padded(sink, {&c, 1}, spec);
      } else {
        format_unsigned(sink, arg.u, false, spec);
      }
      return;
    case FormatArg::Kind::String: {
      if (spec.type != 0 && spec.type != 's') {
        sink.write(kInvalidField);
        return;
      }
      std::string_view s(arg.s.data, arg.s.size);
      if (spec.precision >= 0 && static_cast<std::size_t>(spec.precision) < s.size()) {
        s = s.substr(0, static_cast<std::size_t>(spec.precision));
      }
      format_padded(sink, s, spec);
      return;
    }
    case FormatArg::Kind::Pointer: {
      if (spec.type != 0 && spec.type != 'p') {
        sink.write(kInvalidField);
        return;
      }
      FormatSpec hex = spec;
      hex.type = 'x';
      hex.alternate = true;
      format_unsigned(sink, reinterpret_cast<std::uintptr_t>(arg.p), false, hex);
      return;
    }
    case FormatArg::Kind::Custom:
      arg.custom.fn(sink, arg.custom.object, spec);
      return;
  }
}

}  // namespace

void format_padded(OutputSink& sink, std::string_view text, const FormatSpec& spec) noexcept {
  std::size_t pad = spec.width > text.size() ? spec.width - text.size() : 0;
  std::size_t before = 0;
  switch (spec.align) {
    case FormatSpec::Align::Right: before = pad; break;
    case FormatSpec::Align::Center: before = pad / 2; break;
    default: break;
  }
  write_fill(sink, spec.fill, before);
  sink.write(text);
  write_fill(sink, spec.fill, pad - before);
}

namespace detail {

void vformat(OutputSink& sink, std::string_view fmt, std::span<const FormatArg> args) noexcept {
  std::size_t next_arg = 0;
  std::size_t literal_start = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '{' && c != '}') continue;
    sink.write(fmt.substr(literal_start, i - literal_start));
    if (i + 1 < fmt.size() && fmt[i + 1] == c) {  // "{{" or "}}"
      sink.write({&c, 1});
      ++i;
      literal_start = i + 1;
      continue;
    }
    std::size_t close = fmt.find('}', i);
    if (c == '}' || close == std::string_view::npos) {  // Checked at compile time; be safe.
      sink.write(kInvalidField);
      literal_start = i + 1;
      continue;
    }
    std::string_view field = fmt.substr(i + 1, close - i - 1);
    FormatSpec spec;
    bool valid = next_arg < args.size();
    if (valid && !field.empty()) {
      valid = field[0] == ':' && parse_spec(field.substr(1), spec);
    }
    if (valid) {
      format_arg(sink, args[next_arg], spec);
    } else {
      sink.write(kInvalidField);
    }
    ++next_arg;
    i = close;
    literal_start = close + 1;
  }
  sink.write(fmt.substr(literal_start));
}

}  // namespace detail
}  // namespace mos
