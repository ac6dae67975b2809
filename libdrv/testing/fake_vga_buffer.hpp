#pragma once
/// Host fakes for the VGA console: a text buffer to inspect cell by cell, and a model of the
/// CRT controller's and attribute controller's indexed registers on a FakePortSpace.

#include <drv/vga_screen.hpp>

#include <fake_port_io.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace mos::drv::testing {

/// An 80x25 text buffer, initially full of a marker cell so that untouched cells show.
class FakeVgaBuffer {
 public:
  /// A cell no console writes by itself: '?' white on magenta.
  static constexpr std::uint16_t kMarker = 0x5f3f;

  FakeVgaBuffer() { cells_.fill(kMarker); }

  /// The view a console takes.
  std::span<volatile std::uint16_t, kVgaCells> cells() {
    return std::span<volatile std::uint16_t, kVgaCells>(cells_.data(), kVgaCells);
  }
  /// The cell at (row, column).
  std::uint16_t cell(std::size_t row, std::size_t column) const {
    return cells_.at(row * kVgaColumns + column);
  }
  /// The character at (row, column).
  char char_at(std::size_t row, std::size_t column) const {
    return static_cast<char>(cell(row, column) & 0xff);
  }
  /// The attribute at (row, column).
  std::uint8_t attribute_at(std::size_t row, std::size_t column) const {
    return static_cast<std::uint8_t>(cell(row, column) >> 8);
  }
  /// The 80 characters of a row.
  std::string row(std::size_t row) const {
    std::string out;
    for (std::size_t c = 0; c < kVgaColumns; ++c) out += char_at(row, c);
    return out;
  }
  /// A row without its trailing spaces.
  std::string line(std::size_t r) const {
    std::string out = row(r);
    out.erase(out.find_last_not_of(' ') + 1);
    return out;
  }
  /// Sets every cell (to put known content under an erase).
  void fill(std::uint16_t cell) { cells_.fill(cell); }

 private:
  std::array<volatile std::uint16_t, kVgaCells> cells_;
};

/// The CRTC (index 0x3d4, data 0x3d5) and attribute controller (0x3c0/0x3c1, flip-flop reset
/// by reading 0x3da) as register files, so tests assert register contents, not only writes.
class FakeVgaCrtc {
 public:
  /// Installs the model's hooks on `space`. Registers start as a BIOS leaves mode 3: cursor
  /// scan lines 13-14 and blinking enabled in the attribute mode control register (0x0c).
  explicit FakeVgaCrtc(mos::testing::FakePortSpace& space) {
    crtc_.fill(0);
    crtc_[0x0a] = 0xcd;  // Reserved high bits set, to check they are preserved.
    crtc_[0x0b] = 0xee;
    attribute_.fill(0);
    attribute_[0x10] = 0x0c;
    space.on_write(0x3d4, [this](std::uint32_t v) { index_ = v & 0xff; });
    space.on_write(0x3d5, [this](std::uint32_t v) { crtc_[index_] = v & 0xff; });
    space.on_read(0x3d5, [this] { return std::uint32_t{crtc_[index_]}; });
    space.on_read(0x3da, [this] {
      attribute_data_next_ = false;
      return std::uint32_t{0};
    });
    space.on_write(0x3c0, [this](std::uint32_t v) {
      if (attribute_data_next_) {
        attribute_[attribute_index_] = v & 0xff;
      } else {
        attribute_index_ = v & 0x1f;
      }
      attribute_data_next_ = !attribute_data_next_;
    });
    space.on_read(0x3c1, [this] { return std::uint32_t{attribute_[attribute_index_]}; });
  }

  /// CRTC register `index`.
  std::uint8_t crtc(std::uint8_t index) const { return crtc_[index]; }
  /// The cursor location (registers 0x0e:0x0f).
  std::uint16_t cursor_offset() const {
    return static_cast<std::uint16_t>(crtc_[0x0e] << 8 | crtc_[0x0f]);
  }
  /// Whether the cursor is enabled (register 0x0a bit 5 clear).
  bool cursor_enabled() const { return (crtc_[0x0a] & 0x20) == 0; }
  /// Attribute controller register `index`.
  std::uint8_t attribute(std::uint8_t index) const { return attribute_[index]; }

 private:
  std::array<std::uint8_t, 256> crtc_{};
  std::array<std::uint8_t, 32> attribute_{};
  std::uint8_t index_ = 0;
  std::uint8_t attribute_index_ = 0;
  bool attribute_data_next_ = false;
};

}  // namespace mos::drv::testing
