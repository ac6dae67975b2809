// Key events to terminal bytes: the US layout, control characters ([ecma-48] 8.2 C0 set: Ctrl
// clears bits 6 and 5 of the character) and xterm's key sequences (ctlseqs, "PC-Style Function
// Keys").

#include <drv/key_translator.hpp>

#include <array>
#include <string_view>

namespace mos::drv {

namespace {

using enum KeyCode;

/// A non-letter character key: its character without and with shift.
struct Printable {
  KeyCode key;
  char normal;
  char shifted;
};

constexpr std::array<Printable, 22> kUsSymbols = {{
    {Digit1, '1', '!'},      {Digit2, '2', '@'},       {Digit3, '3', '#'},
    {Digit4, '4', '$'},      {Digit5, '5', '%'},       {Digit6, '6', '^'},
    {Digit7, '7', '&'},      {Digit8, '8', '*'},       {Digit9, '9', '('},
    {Digit0, '0', ')'},      {Minus, '-', '_'},        {Equal, '=', '+'},
    {LeftBracket, '[', '{'}, {RightBracket, ']', '}'}, {Semicolon, ';', ':'},
    {Apostrophe, '\'', '"'}, {Grave, '`', '~'},        {Backslash, '\\', '|'},
    {Comma, ',', '<'},       {Period, '.', '>'},       {Slash, '/', '?'},
    {Space, ' ', ' '},
}};

constexpr bool is_letter(KeyCode k) {
  return k >= A && k <= Z;
}

/// The escape sequence of a cursor, editing or function key, or empty.
constexpr std::string_view key_sequence(KeyCode k) noexcept {
  switch (k) {
    case Up:
      return "\x1b[A";
    case Down:
      return "\x1b[B";
    case Right:
      return "\x1b[C";
    case Left:
      return "\x1b[D";
    case Home:
      return "\x1b[H";
    case End:
      return "\x1b[F";
    case Insert:
      return "\x1b[2~";
    case Delete:
      return "\x1b[3~";
    case PageUp:
      return "\x1b[5~";
    case PageDown:
      return "\x1b[6~";
    case F1:
      return "\x1bOP";
    case F2:
      return "\x1bOQ";
    case F3:
      return "\x1bOR";
    case F4:
      return "\x1bOS";
    case F5:
      return "\x1b[15~";
    case F6:
      return "\x1b[17~";
    case F7:
      return "\x1b[18~";
    case F8:
      return "\x1b[19~";
    case F9:
      return "\x1b[20~";
    case F10:
      return "\x1b[21~";
    case F11:
      return "\x1b[23~";
    case F12:
      return "\x1b[24~";
    default:
      return {};
  }
}

/// A keypad key with num lock off acts as the navigation key printed under its digit.
constexpr KeyCode keypad_navigation(KeyCode k) noexcept {
  switch (k) {
    case Keypad0:
      return Insert;
    case Keypad1:
      return End;
    case Keypad2:
      return Down;
    case Keypad3:
      return PageDown;
    case Keypad4:
      return Left;
    case Keypad6:
      return Right;
    case Keypad7:
      return Home;
    case Keypad8:
      return Up;
    case Keypad9:
      return PageUp;
    case KeypadPeriod:
      return Delete;
    default:
      return None;  // Keypad 5 has no navigation meaning.
  }
}

/// The control character Ctrl+`c` gives, or `c` itself when Ctrl does not change it.
constexpr char control_character(char c) noexcept {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 1);
  if (c >= '@' && c <= '_') return static_cast<char>(c & 0x1f);  // @ A-Z [ \ ] ^ _
  if (c == '/') return 0x1f;
  if (c == '?') return 0x7f;
  return c;
}

std::size_t emit(std::span<char, kMaxKeyBytes> out, bool meta, std::string_view bytes) noexcept {
  std::size_t n = 0;
  if (meta) out[n++] = '\x1b';  // Alt sends ESC first (xterm's metaSendsEscape, Linux's default).
  for (char c : bytes) out[n++] = c;
  return n;
}

}  // namespace

char us_layout_character(KeyCode key, Modifiers modifiers) noexcept {
  if (is_letter(key)) {
    // Caps lock inverts shift for letters only: Caps+Shift+A is 'a'.
    bool upper = modifiers.shift() != modifiers.caps_lock();
    return static_cast<char>((upper ? 'A' : 'a') + (static_cast<int>(key) - static_cast<int>(A)));
  }
  for (const Printable& p : kUsSymbols) {
    if (p.key == key) return modifiers.shift() ? p.shifted : p.normal;
  }
  if (key == NonUsBackslash) return modifiers.shift() ? '>' : '<';
  return 0;
}

std::size_t translate_key(const KeyEvent& event, std::span<char, kMaxKeyBytes> out) noexcept {
  if (event.action == KeyAction::Release) return 0;
  const Modifiers& m = event.modifiers;
  bool meta = m.alt();
  KeyCode k = event.key;

  if (k >= Keypad0 && k <= KeypadPeriod) {  // Digits and the period; + - * / never change.
    if (m.num_lock() == m.shift()) {
      k = keypad_navigation(k);
      if (k == None) return 0;
    } else {
      char digit = k == KeypadPeriod
                       ? '.'
                       : static_cast<char>('0' + (static_cast<int>(k) - static_cast<int>(Keypad0)));
      return emit(out, meta, {&digit, 1});
    }
  }
  if (std::string_view seq = key_sequence(k); !seq.empty()) return emit(out, meta, seq);

  switch (k) {
    case Enter:
    case KeypadEnter:
      return emit(out, meta, "\r");
    case Backspace:
      return emit(out, meta, "\x7f");
    case Tab:
      return m.shift() ? emit(out, false, "\x1b[Z") : emit(out, meta, "\t");
    case Escape:
      return emit(out, meta, "\x1b");
    case KeypadPlus:
      return emit(out, meta, "+");
    case KeypadMinus:
      return emit(out, meta, "-");
    case KeypadMultiply:
      return emit(out, meta, "*");
    case KeypadDivide:
      return emit(out, meta, "/");
    default:
      break;
  }

  if (k == Space && m.ctrl()) return emit(out, meta, {"\0", 1});  // Ctrl+Space is NUL.
  char c = us_layout_character(k, m);
  if (c == 0) return 0;  // Modifiers, locks, PrintScreen, Pause, Meta, Menu.
  if (m.ctrl()) c = control_character(c);
  return emit(out, meta, {&c, 1});
}

}  // namespace mos::drv
