// The VGA terminal (drv/vga_screen.hpp) against a fake text buffer: placement, wrapping,
// scrolling, every escape sequence, colours, erasing, malformed input and DSR replies.

#include <drv/vga_screen.hpp>

#include <fake_vga_buffer.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace {

using mos::drv::ConsoleSize;
using mos::drv::kVgaCells;
using mos::drv::kVgaColumns;
using mos::drv::kVgaRows;
using mos::drv::VgaReplySink;
using mos::drv::VgaScreen;
using mos::drv::testing::FakeVgaBuffer;

void put(VgaScreen& screen, std::string_view text) {
  screen.write({text.data(), text.size()});
}

std::pair<std::size_t, std::size_t> cursor(const VgaScreen& s) {
  return {s.cursor_row(), s.cursor_column()};
}

/// Collects replies.
class ReplyRecorder final : public VgaReplySink {
 public:
  void reply(std::span<const char> bytes) noexcept override {
    text.append(bytes.begin(), bytes.end());
  }
  std::string text;
};

struct Fixture {
  FakeVgaBuffer buffer;
  VgaScreen screen{buffer.cells(), nullptr, nullptr};
};

}  // namespace

TEST_CASE("vga: construction clears the screen with the default attribute") {
  Fixture f;
  for (std::size_t r = 0; r < kVgaRows; ++r) {
    for (std::size_t c = 0; c < kVgaColumns; ++c) REQUIRE(f.buffer.cell(r, c) == 0x0720);
  }
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{0, 0});
  ConsoleSize size = f.screen.size();
  CHECK(size.columns == 80);
  CHECK(size.rows == 25);
}

TEST_CASE("vga: text goes to consecutive cells with the current attribute") {
  Fixture f;
  put(f.screen, "Hi!");
  CHECK(f.buffer.cell(0, 0) == 0x0748);
  CHECK(f.buffer.cell(0, 1) == 0x0769);
  CHECK(f.buffer.cell(0, 2) == 0x0721);
  CHECK(f.buffer.cell(0, 3) == 0x0720);
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{0, 3});
  put(f.screen, "\xdb");  // CP437 full block: bytes above 0x7f are glyphs.
  CHECK(f.buffer.cell(0, 3) == 0x07db);
}

TEST_CASE("vga: wrapping at column 80 is deferred to the next character") {
  Fixture f;
  put(f.screen, std::string(80, 'a'));
  CHECK(f.buffer.line(0) == std::string(80, 'a'));
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{0, 79});
  CHECK(f.buffer.line(1).empty());
  put(f.screen, "b");
  CHECK(f.buffer.char_at(1, 0) == 'b');
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{1, 1});

  SUBCASE("CR LF after a full line makes no empty line") {
    put(f.screen, "\r\n" + std::string(80, 'c') + "\r\nd");
    CHECK(f.buffer.line(2) == std::string(80, 'c'));
    CHECK(f.buffer.line(3) == "d");
  }
}

TEST_CASE("vga: LF at the last line scrolls; line 0 is lost, the new line is blank") {
  Fixture f;
  for (int i = 0; i < 25; ++i) put(f.screen, "line " + std::to_string(i) + (i < 24 ? "\r\n" : ""));
  CHECK(f.buffer.line(0) == "line 0");
  CHECK(f.buffer.line(24) == "line 24");
  put(f.screen, "\x1b[44m\r\n");  // Blue background: the new line takes the current attribute.
  CHECK(f.buffer.line(0) == "line 1");
  CHECK(f.buffer.line(23) == "line 24");
  for (std::size_t c = 0; c < kVgaColumns; ++c) REQUIRE(f.buffer.cell(24, c) == 0x1720);
  CHECK(f.buffer.attribute_at(23, 0) == 0x07);
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{24, 0});

  SUBCASE("wrapping past the last cell scrolls too") {
    put(f.screen, "\x1b[m\x1b[25;1H" + std::string(81, 'z'));
    CHECK(f.buffer.line(23) == std::string(80, 'z'));
    CHECK(f.buffer.line(24) == "z");
    CHECK(f.buffer.line(22) == "line 24");
  }
}

TEST_CASE("vga: LF keeps the column, CR returns to column 0") {
  Fixture f;
  put(f.screen, "ab\ncd\rX");
  CHECK(f.buffer.line(0) == "ab");
  CHECK(f.buffer.line(1) == "X cd");
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{1, 1});
}

TEST_CASE("vga: cursor movement, controls and ESC sequences") {
  struct Case {
    std::string_view sequence;
    std::size_t row, column;
  };
  // Every case starts at row 9, column 19 (0-based), i.e. CUP 10;20.
  const Case cases[] = {
      {"\x1b[A", 8, 19},
      {"\x1b[3A", 6, 19},
      {"\x1b[0A", 8, 19},
      {"\x1b[99A", 0, 19},
      {"\x1b[B", 10, 19},
      {"\x1b[4B", 13, 19},
      {"\x1b[99B", 24, 19},
      {"\x1b[C", 9, 20},
      {"\x1b[5C", 9, 24},
      {"\x1b[100C", 9, 79},
      {"\x1b[D", 9, 18},
      {"\x1b[99D", 9, 0},
      {"\x1b[H", 0, 0},
      {"\x1b[5;7H", 4, 6},
      {"\x1b[5;7f", 4, 6},
      {"\x1b[;7H", 0, 6},
      {"\x1b[5H", 4, 0},
      {"\x1b[99;99H", 24, 79},
      {"\x1b[0;0H", 0, 0},
      {"\x1b[G", 9, 0},
      {"\x1b[33G", 9, 32},
      {"\x1b[200G", 9, 79},
      {"\x1b[d", 0, 19},
      {"\x1b[12d", 11, 19},
      {"\x1b[2E", 11, 0},
      {"\x1b[2F", 7, 0},
      {"\x1b"
       "7\x1b[1;1H\x1b"
       "8",
       9, 19},
      {"\x1b[s\x1b[H\x1b[u", 9, 19},
      {"\x1bM", 8, 19},
      {"\x1b"
       "D",
       10, 19},
      {"\x1b"
       "E",
       10, 0},
      {"\r", 9, 0},
      {"\n", 10, 19},
      {"\v", 10, 19},
      {"\f", 10, 19},
      {"\b", 9, 18},
      {"\t", 9, 24},
      {"\t\t", 9, 32},
      {"\a", 9, 19},
      {"\x7f", 9, 19},
      {"\x1b[5x", 9, 19},
  };
  for (const Case& c : cases) {
    SUBCASE(std::string(c.sequence).c_str()) {
      Fixture f;
      put(f.screen, "\x1b[10;20H");
      REQUIRE(cursor(f.screen) == std::pair<std::size_t, std::size_t>{9, 19});
      put(f.screen, c.sequence);
      CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{c.row, c.column});
      // None of them prints anything.
      for (std::size_t i = 0; i < kVgaCells; ++i) {
        REQUIRE(f.buffer.cell(i / kVgaColumns, i % kVgaColumns) == 0x0720);
      }
    }
  }
}

TEST_CASE("vga: tabs, backspace and their edges") {
  Fixture f;
  put(f.screen, "abc\tX");
  CHECK(f.buffer.char_at(0, 8) == 'X');
  put(f.screen, "\x1b[1;76H\t");
  CHECK(f.screen.cursor_column() == 79);
  put(f.screen, "\r\b");
  CHECK(f.screen.cursor_column() == 0);
  put(f.screen, "\x1b[2;1H" + std::string(80, 'w') + "\b");  // BS with a wrap pending.
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{1, 78});
  put(f.screen, "V");
  CHECK(f.buffer.char_at(1, 78) == 'V');
  CHECK(f.buffer.line(2).empty());
}

TEST_CASE("vga: RI at the top scrolls the screen down") {
  Fixture f;
  put(f.screen, "top\x1b[25;1Hbottom\x1b[1;1H\x1bM");
  CHECK(f.buffer.line(0).empty());
  CHECK(f.buffer.line(1) == "top");
  CHECK(f.buffer.line(24).empty());  // "bottom" went off the end.
}

TEST_CASE("vga: SGR colours, bright, reverse") {
  struct Case {
    std::string_view sgr;
    std::uint8_t attribute;
  };
  const Case cases[] = {
      {"", 0x07},
      {"\x1b[30m", 0x00},
      {"\x1b[31m", 0x04},
      {"\x1b[32m", 0x02},
      {"\x1b[33m", 0x06},
      {"\x1b[34m", 0x01},
      {"\x1b[35m", 0x05},
      {"\x1b[36m", 0x03},
      {"\x1b[37m", 0x07},
      {"\x1b[40m", 0x07},
      {"\x1b[41m", 0x47},
      {"\x1b[44m", 0x17},
      {"\x1b[47m", 0x77},
      {"\x1b[41;33m", 0x46},
      {"\x1b[1m", 0x0f},
      {"\x1b[1;31m", 0x0c},
      {"\x1b[1;31;22m", 0x04},
      {"\x1b[91m", 0x0c},
      {"\x1b[90m", 0x08},
      {"\x1b[97m", 0x0f},
      {"\x1b[101m", 0xc7},
      {"\x1b[97;104m", 0x9f},
      {"\x1b[7m", 0x70},
      {"\x1b[31;44;7m", 0x41},
      {"\x1b[7;27m", 0x07},
      {"\x1b[1;7m", 0xf0},
      {"\x1b[31;39m", 0x07},
      {"\x1b[44;49m", 0x07},
      {"\x1b[31m\x1b[0m", 0x07},
      {"\x1b[31m\x1b[m", 0x07},
      {"\x1b[31;44;1;7;0m", 0x07},
      {"\x1b[38;5;1m", 0x04},
      {"\x1b[38;5;9m", 0x0c},
      {"\x1b[38;5;200m", 0x07},
      {"\x1b[38;2;1;2;3m", 0x07},
      {"\x1b[48;5;4m", 0x17},
      {"\x1b[4;5;3m", 0x07},
  };
  for (const Case& c : cases) {
    SUBCASE(std::string(c.sgr).c_str()) {
      Fixture f;
      put(f.screen, c.sgr);
      put(f.screen, "Q");
      CHECK(f.buffer.char_at(0, 0) == 'Q');
      CHECK(f.buffer.attribute_at(0, 0) == c.attribute);
      CHECK(f.screen.attribute() == c.attribute);
    }
  }
}

TEST_CASE("vga: ED and EL erase their ranges with the current attribute") {
  struct Case {
    std::string_view sequence;
    std::size_t from, to;  // Cells [from, to) are erased; the cursor is at cell 410 (5, 10).
  };
  const Case cases[] = {
      {"\x1b[J", 410, 2000}, {"\x1b[0J", 410, 2000}, {"\x1b[1J", 0, 411},   {"\x1b[2J", 0, 2000},
      {"\x1b[3J", 0, 2000},  {"\x1b[K", 410, 480},   {"\x1b[0K", 410, 480}, {"\x1b[1K", 400, 411},
      {"\x1b[2K", 400, 480}, {"\x1b[4J", 0, 0},      {"\x1b[9K", 0, 0},
  };
  for (const Case& c : cases) {
    SUBCASE(std::string(c.sequence).c_str()) {
      Fixture f;
      put(f.screen, "\x1b[41m\x1b[6;11H");
      f.buffer.fill(0x0778);  // 'x' everywhere.
      put(f.screen, c.sequence);
      for (std::size_t i = 0; i < kVgaCells; ++i) {
        bool erased = i >= c.from && i < c.to;
        INFO("cell " << i);
        REQUIRE(f.buffer.cell(i / kVgaColumns, i % kVgaColumns) == (erased ? 0x4720 : 0x0778));
      }
      CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{5, 10});
    }
  }
}

TEST_CASE("vga: malformed sequences are dropped without corrupting state") {
  struct Case {
    const char* name;
    std::string input;
    std::string line;  // What row 0 shows afterwards ("X" comes right after the input).
  };
  const Case cases[] = {
      {"overflowing value", "\x1b[" + std::string(100, '9') + "mX", "X"},
      {"17 parameters", "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;31mX", "X"},
      {"sub-parameters", "\x1b[31:2mX", "X"},
      {"marker in the middle", "\x1b[3?1mX", "X"},
      {"CAN", "\x1b[31\x18X", "X"},
      {"SUB", "\x1b[31\x1aX", "X"},
      {"ESC restarts", "\x1b[31\x1b[mX", "X"},
      {"two intermediates", "\x1b[ !mX", "X"},
      {"unsupported intermediate", "\x1b[1 mX", "X"},
      {"OSC to BEL", "\x1b]0;title\aX", "X"},
      {"OSC to ST", "\x1b]0;title\x1b\\X", "X"},
      {"charset designation", "\x1b(BX", "X"},
      {"secondary DA", "\x1b[>cX", "X"},
      {"unknown private mode", "\x1b[?1049hX", "X"},
      {"high byte ends the sequence, later text prints", "\x1b[31\xc3mX", "mX"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      Fixture f;
      ReplyRecorder replies;
      f.screen.set_reply_sink(&replies);
      put(f.screen, c.input);
      CHECK(f.buffer.line(0) == c.line);
      CHECK(f.buffer.attribute_at(0, 0) == 0x07);
      CHECK(replies.text.empty());
      put(f.screen, "\x1b[32mY");  // The next sequence works.
      CHECK(f.buffer.char_at(0, c.line.size()) == 'Y');
      CHECK(f.buffer.attribute_at(0, c.line.size()) == 0x02);
      CHECK(f.buffer.line(1).empty());
    }
  }
}

TEST_CASE("vga: DSR replies go to the reply sink") {
  struct Case {
    std::string_view input;
    std::string_view reply;
  };
  const Case cases[] = {
      {"\x1b[6n", "\x1b[1;1R"},
      {"\x1b[5;10H\x1b[6n", "\x1b[5;10R"},
      {"\x1b[25;80H\x1b[6n", "\x1b[25;80R"},
      {"\x1b[1;80Ha\x1b[6n", "\x1b[1;80R"},
      {"\x1b[5n", "\x1b[0n"},
      {"\x1b[6n\x1b[2;3H\x1b[6n", "\x1b[1;1R\x1b[2;3R"},
      {"\x1b[7n", ""},
      {"\x1b[?6n", ""},
  };
  for (const Case& c : cases) {
    SUBCASE(std::string(c.input).c_str()) {
      Fixture f;
      ReplyRecorder replies;
      f.screen.set_reply_sink(&replies);
      put(f.screen, c.input);
      CHECK(replies.text == c.reply);
    }
  }
}

TEST_CASE("vga: a reply sink may write to the screen (replies come after the lock)") {
  FakeVgaBuffer buffer;
  struct Echo final : VgaReplySink {
    VgaScreen* screen = nullptr;
    void reply(std::span<const char> bytes) noexcept override {
      std::string shown = "<" + std::string(bytes.begin() + 1, bytes.end()) + ">";
      screen->write({shown.data(), shown.size()});
    }
  } echo;
  VgaScreen screen(buffer.cells(), nullptr, &echo);
  echo.screen = &screen;
  put(screen, "\x1b[3;4H\x1b[6n");
  CHECK(buffer.line(2) == "   <[3;4R>");
}

TEST_CASE("vga: no reply sink, no reply, no harm") {
  Fixture f;
  put(f.screen, "\x1b[6nok");
  CHECK(f.buffer.line(0) == "ok");
}

TEST_CASE("vga: DECSC/DECRC save and restore the attribute too; RIS resets everything") {
  Fixture f;
  put(f.screen,
      "\x1b[31m\x1b[2;2H\x1b"
      "7\x1b[m\x1b[5;5H\x1b"
      "8r");
  CHECK(f.buffer.cell(1, 1) == 0x0472);
  put(f.screen,
      "\x1b[44m\x1b"
      "c");
  CHECK(f.buffer.cell(1, 1) == 0x0720);
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{0, 0});
  CHECK(f.screen.attribute() == 0x07);
  put(f.screen,
      "\x1b"
      "8");  // The saved cursor was forgotten: home.
  CHECK(cursor(f.screen) == std::pair<std::size_t, std::size_t>{0, 0});
}
