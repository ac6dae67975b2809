// VgaConsole<FakePortIo>: the hardware cursor through the CRTC registers and the blink bit, on
// a model of the CRTC (FakeVgaCrtc), and the exact port traffic of a cursor move.

#include <drv/vga_console.hpp>

#include <fake_port_io.hpp>
#include <fake_vga_buffer.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using mos::drv::VgaConsole;
using mos::drv::testing::FakeVgaBuffer;
using mos::drv::testing::FakeVgaCrtc;
using mos::testing::FakePortIo;
using mos::testing::FakePortSpace;

void put(VgaConsole<FakePortIo>& console, std::string_view text) {
  console.write({text.data(), text.size()});
}

struct Fixture {
  FakePortSpace ports;
  FakeVgaCrtc crtc{ports};
  FakeVgaBuffer buffer;
  VgaConsole<FakePortIo> console{buffer.cells(), FakePortIo(ports)};
};

}  // namespace

TEST_CASE("vga console: construction shows the cursor at 0 and turns blinking off") {
  Fixture f;
  CHECK(f.crtc.cursor_offset() == 0);
  CHECK(f.crtc.cursor_enabled());
  CHECK(f.crtc.crtc(0x0a) == 0xce);       // Reserved bits 7-6 kept (0xcd), start line 14.
  CHECK(f.crtc.crtc(0x0b) == 0xef);       // Reserved bits 7-5 kept (0xee), end line 15.
  CHECK(f.crtc.attribute(0x10) == 0x04);  // Bit 3 (blink) cleared, the rest kept.
  CHECK(f.console.size().columns == 80);
  CHECK(f.console.size().rows == 25);
  CHECK(f.buffer.cell(0, 0) == 0x0720);
}

TEST_CASE("vga console: the cursor register follows the text") {
  Fixture f;
  put(f.console, "ab\ncd");
  CHECK(f.crtc.cursor_offset() == 1 * 80 + 4);
  put(f.console, "\x1b[25;80H");
  CHECK(f.crtc.cursor_offset() == 1999);
  put(f.console, "\x1b[13;1H");
  CHECK(f.crtc.cursor_offset() == 960);  // 0x03c0: both bytes matter.
  CHECK(f.crtc.crtc(0x0e) == 0x03);
  CHECK(f.crtc.crtc(0x0f) == 0xc0);
}

TEST_CASE("vga console: one cursor update per write, low byte first, none without a move") {
  Fixture f;
  f.ports.clear_log();
  put(f.console, "hello");
  CHECK(f.ports.writes_to(0x3d4) == std::vector<std::uint32_t>{0x0f, 0x0e});
  CHECK(f.ports.writes_to(0x3d5) == std::vector<std::uint32_t>{5, 0});
  CHECK(f.ports.log().size() == 4);
  f.ports.clear_log();
  put(f.console, "\x1b[31m");
  put(f.console, "");
  CHECK(f.ports.log().empty());
}

TEST_CASE("vga console: CSI ?25 l / h hide and show the cursor") {
  Fixture f;
  put(f.console, "\x1b[?25l");
  CHECK_FALSE(f.crtc.cursor_enabled());
  CHECK(f.crtc.crtc(0x0a) == 0x20);
  put(f.console, "\x1b[?25h");
  CHECK(f.crtc.cursor_enabled());
  CHECK(f.crtc.crtc(0x0a) == 0x0e);
  CHECK(f.crtc.crtc(0x0b) == 0xef);
  f.ports.clear_log();
  put(f.console, "\x1b[?25h");  // No change, no port traffic.
  CHECK(f.ports.log().empty());
}
