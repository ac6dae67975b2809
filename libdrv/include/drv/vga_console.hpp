#pragma once
/// The VGA text console: a VgaScreen (cells and escape sequences) plus the CRT controller's
/// cursor, reached through a PortIo provider. The kernel maps the text buffer (physical
/// kVgaTextPhysical) and passes a virtual view of its 2000 cells:
///
///     drv::VgaConsole<X86PortIo> console(
///         std::span<volatile std::uint16_t, drv::kVgaCells>(vga_cells_virtual, drv::kVgaCells),
///         X86PortIo{}, &tty_reply_sink);
///     console.write(std::span<const char>(text));

#include <drv/vga_screen.hpp>

#include <k/platform/io.hpp>

#include <cstdint>
#include <span>

namespace mos::drv {

/// The VGA CRT controller's cursor registers and the attribute controller's blink bit, through
/// port I/O in the colour register range (0x3d4/0x3d5).
template <platform::PortIo Io>
class VgaCrtc final : public VgaCursorControl {
 public:
  /// CRTC index port (colour mode).
  static constexpr std::uint16_t kIndexPort = 0x3d4;
  /// CRTC data port.
  static constexpr std::uint16_t kDataPort = 0x3d5;
  /// Input status 1; reading it resets the attribute controller's index/data flip-flop.
  static constexpr std::uint16_t kInputStatusPort = 0x3da;
  /// Attribute controller index and data-write port.
  static constexpr std::uint16_t kAttributePort = 0x3c0;
  /// Attribute controller data-read port.
  static constexpr std::uint16_t kAttributeReadPort = 0x3c1;
  /// [vga] CRTC 0x0a: cursor start scan line; bit 5 disables the cursor.
  static constexpr std::uint8_t kCursorStart = 0x0a;
  /// [vga] CRTC 0x0b: cursor end scan line.
  static constexpr std::uint8_t kCursorEnd = 0x0b;
  /// [vga] CRTC 0x0e: cursor location, high byte.
  static constexpr std::uint8_t kCursorHigh = 0x0e;
  /// [vga] CRTC 0x0f: cursor location, low byte.
  static constexpr std::uint8_t kCursorLow = 0x0f;
  /// The cursor shape when shown: an underline on scan lines 14-15 of the 16-line cell.
  static constexpr std::uint8_t kShapeStart = 14;
  /// Last scan line of the cursor shape.
  static constexpr std::uint8_t kShapeEnd = 15;

  /// A CRTC reached through `io`.
  explicit VgaCrtc(Io io) noexcept : io_(io) {}

  /// Writes the cursor location, low byte first.
  void move_cursor(std::uint16_t offset) noexcept override {
    io_.write8(kIndexPort, kCursorLow);
    io_.write8(kDataPort, static_cast<std::uint8_t>(offset & 0xff));
    io_.write8(kIndexPort, kCursorHigh);
    io_.write8(kDataPort, static_cast<std::uint8_t>(offset >> 8));
  }

  /// Enables the cursor with the underline shape, or disables it. The reserved high bits of
  /// the shape registers are preserved ([vga] CRTC 0x0a bits 7-6, 0x0b bits 7-5).
  void set_cursor_visibility(CursorVisibility visibility) noexcept override {
    io_.write8(kIndexPort, kCursorStart);
    if (visibility == CursorVisibility::Hidden) {
      io_.write8(kDataPort, 0x20);
      return;
    }
    io_.write8(kDataPort, static_cast<std::uint8_t>((io_.read8(kDataPort) & 0xc0) | kShapeStart));
    io_.write8(kIndexPort, kCursorEnd);
    io_.write8(kDataPort, static_cast<std::uint8_t>((io_.read8(kDataPort) & 0xe0) | kShapeEnd));
  }

  /// Makes attribute bit 7 select a bright background instead of blinking, so that all 16
  /// background colours (SGR 100-107) can be shown. [vga] attribute controller register 0x10
  /// (mode control) bit 3; index written with bit 5 set to keep the display enabled.
  void use_bright_backgrounds() noexcept {
    static_cast<void>(io_.read8(kInputStatusPort));  // Flip-flop to "index".
    io_.write8(kAttributePort, 0x10 | 0x20);
    std::uint8_t mode = io_.read8(kAttributeReadPort);
    io_.write8(kAttributePort, static_cast<std::uint8_t>(mode & ~0x08));
  }

 private:
  Io io_;
};

/// The console a kernel uses: VgaScreen's terminal with the hardware cursor following it.
/// Construction clears the screen, shows the cursor at the top left and switches the blink bit
/// to bright backgrounds. write() is callable from any context (see VgaScreen).
template <platform::PortIo Io>
class VgaConsole {
 public:
  /// A console on the text buffer `cells` (a mapping of physical 0xb8000), the CRTC through
  /// `io`, and query replies (DSR) going to `replies` (may be null).
  VgaConsole(std::span<volatile std::uint16_t, kVgaCells> cells, Io io,
             VgaReplySink* replies = nullptr) noexcept
      : crtc_(io), screen_(cells, &crtc_, replies) {
    crtc_.use_bright_backgrounds();
  }
  VgaConsole(const VgaConsole&) = delete;
  VgaConsole& operator=(const VgaConsole&) = delete;

  /// Interprets and displays `text` (see VgaScreen::write).
  void write(std::span<const char> text) noexcept { screen_.write(text); }
  /// 80 columns, 25 rows.
  ConsoleSize size() const noexcept { return screen_.size(); }
  /// Sets where query replies go (the tty's input side).
  void set_reply_sink(VgaReplySink* replies) noexcept { screen_.set_reply_sink(replies); }
  /// The terminal itself (cursor position, attribute, reset).
  VgaScreen& screen() noexcept { return screen_; }

 private:
  VgaCrtc<Io> crtc_;
  VgaScreen screen_;
};

}  // namespace mos::drv
