#pragma once
/// The VGA text screen as a terminal: 80x25 cells of (character, attribute) written through a
/// caller-provided view of the text buffer, with VT100/ECMA-48 escape sequences. This is the
/// hardware-independent part of the console; the CRTC cursor is reached through the small
/// VgaCursorControl interface (VgaCrtc in drv/vga_console.hpp implements it with port I/O).

#include <drv/ansi_parser.hpp>

#include <k/spin_lock.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::drv {

/// The 16 colours of the VGA text palette, in the hardware's order ([vga] attribute byte).
enum class VgaColor : std::uint8_t {
  Black,
  Blue,
  Green,
  Cyan,
  Red,
  Magenta,
  Brown,
  LightGray,
  DarkGray,
  LightBlue,
  LightGreen,
  LightCyan,
  LightRed,
  LightMagenta,
  Yellow,
  White,
};

/// Columns of the text mode (mode 3).
inline constexpr std::size_t kVgaColumns = 80;
/// Rows of the text mode.
inline constexpr std::size_t kVgaRows = 25;
/// Cells of the text buffer.
inline constexpr std::size_t kVgaCells = kVgaColumns * kVgaRows;
/// Where the colour text buffer lies in physical memory; the caller maps it and hands the
/// console a virtual view of it.
inline constexpr std::uintptr_t kVgaTextPhysical = 0xb8000;

/// The attribute byte of a foreground and background colour: bg << 4 | fg ([vga] 3.2).
constexpr std::uint8_t vga_attribute(VgaColor fg, VgaColor bg) noexcept {
  return static_cast<std::uint8_t>(static_cast<unsigned>(bg) << 4 | static_cast<unsigned>(fg));
}
/// A cell of the text buffer: the attribute in the high byte, the CP437 character in the low.
constexpr std::uint16_t vga_cell(char c, std::uint8_t attribute) noexcept {
  return static_cast<std::uint16_t>(attribute << 8 | static_cast<unsigned char>(c));
}

/// The console's size in character cells (what a tty reports as its window size).
struct ConsoleSize {
  std::uint16_t columns;  ///< Characters per line.
  std::uint16_t rows;     ///< Lines.
};

/// Whether the text cursor is drawn.
enum class CursorVisibility : std::uint8_t { Hidden, Shown };

/// Moves and shows the hardware text cursor. Called with the console's lock held, so an
/// implementation must not call back into the console.
class VgaCursorControl {
 public:
  /// Puts the cursor on cell `offset` (row * 80 + column).
  virtual void move_cursor(std::uint16_t offset) noexcept = 0;
  /// Shows or hides the cursor.
  virtual void set_cursor_visibility(CursorVisibility visibility) noexcept = 0;

 protected:
  ~VgaCursorControl() = default;
};

/// Receives the terminal's answers to queries (DSR: "ESC [ row ; col R"), which belong on the
/// terminal's input side: a tty feeds them to its line discipline as if typed. Called after the
/// console's lock is released, from whatever context called write().
class VgaReplySink {
 public:
  /// Delivers the bytes of one or more replies.
  virtual void reply(std::span<const char> bytes) noexcept = 0;

 protected:
  ~VgaReplySink() = default;
};

/// A VT100-like terminal on the VGA text buffer. write() may be called from any context,
/// interrupt handlers included (it takes a SpinLock); the cells are touched only through the
/// span handed in, the cursor only through the VgaCursorControl.
class VgaScreen {
 public:
  /// The attribute after a reset: light grey on black.
  static constexpr std::uint8_t kDefaultAttribute =
      vga_attribute(VgaColor::LightGray, VgaColor::Black);

  /// A terminal on `cells` (the 80x25 text buffer, row-major). `cursor` and `replies` may be
  /// null (no hardware cursor; queries unanswered). Resets the terminal, which clears the
  /// screen.
  VgaScreen(std::span<volatile std::uint16_t, kVgaCells> cells, VgaCursorControl* cursor,
            VgaReplySink* replies) noexcept;
  VgaScreen(const VgaScreen&) = delete;
  VgaScreen& operator=(const VgaScreen&) = delete;

  /// Interprets `text`: prints characters, runs controls and escape sequences, moves the
  /// hardware cursor once at the end, then delivers any replies.
  void write(std::span<const char> text) noexcept;
  /// The size in cells: 80 columns, 25 rows.
  ConsoleSize size() const noexcept {
    return {static_cast<std::uint16_t>(kVgaColumns), static_cast<std::uint16_t>(kVgaRows)};
  }
  /// Sets the receiver of query replies (null: replies are dropped).
  void set_reply_sink(VgaReplySink* replies) noexcept;
  /// Full reset (RIS): default attribute, cursor home and shown, screen cleared, saved cursor
  /// and parser state forgotten.
  void reset() noexcept;

  /// The cursor row, 0-based (for tests and the kernel's panic path).
  std::size_t cursor_row() const noexcept { return row_; }
  /// The cursor column, 0-based; 79 while a wrap is pending.
  std::size_t cursor_column() const noexcept { return column_; }
  /// The attribute new characters get (colours after bold and reverse are applied).
  std::uint8_t attribute() const noexcept;

 private:
  /// Replies collected under the lock and delivered after it (a tty may echo into write()).
  struct Replies {
    std::array<char, 64> bytes{};
    std::size_t size = 0;
    void append(std::span<const char> text) noexcept;
  };
  /// What ESC 7 / CSI s remember.
  struct Saved {
    std::size_t row = 0, column = 0;
    std::uint8_t fg = 7, bg = 0;
    bool bold = false, reverse = false;
  };

  void consume(char c, Replies& replies) noexcept;
  void print(char c) noexcept;
  void execute(char c) noexcept;
  void esc_dispatch(char final) noexcept;
  void csi_dispatch(Replies& replies) noexcept;
  void sgr() noexcept;
  std::size_t sgr_extended_colour(std::size_t i, bool foreground) noexcept;
  void set_mode(bool enable) noexcept;
  void report(std::uint16_t query, Replies& replies) noexcept;
  void reset_locked() noexcept;

  void line_feed() noexcept;
  void reverse_line_feed() noexcept;
  void move_to(std::size_t row, std::size_t column) noexcept;
  void move_by(long rows, long columns) noexcept;
  void scroll_up() noexcept;
  void scroll_down() noexcept;
  void fill(std::size_t from, std::size_t to) noexcept;
  void erase_display(std::uint16_t mode) noexcept;
  void erase_line(std::uint16_t mode) noexcept;
  void save_cursor() noexcept;
  void restore_cursor() noexcept;
  void sync_cursor() noexcept;
  std::uint16_t blank() const noexcept;

  SpinLock lock_;
  std::span<volatile std::uint16_t, kVgaCells> cells_;
  VgaCursorControl* cursor_;
  VgaReplySink* replies_;
  AnsiParser parser_;
  std::size_t row_ = 0;
  std::size_t column_ = 0;
  bool wrap_pending_ = false;  // [vt100] the last column was written; wrap before the next.
  std::uint8_t fg_ = 7;        // 0..15, bright when set by SGR 90..97.
  std::uint8_t bg_ = 0;        // 0..15.
  bool bold_ = false;          // Shown as the bright foreground.
  bool reverse_ = false;
  Saved saved_;
  CursorVisibility visibility_ = CursorVisibility::Shown;
  // What the hardware cursor shows; kUnknown forces the first update.
  static constexpr std::uint16_t kUnknown = 0xffff;
  std::uint16_t hw_offset_ = kUnknown;
  bool hw_visibility_known_ = false;
  CursorVisibility hw_visibility_ = CursorVisibility::Shown;
};

}  // namespace mos::drv
