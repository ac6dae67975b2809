// The escape-sequence parser (drv/ansi_parser.hpp) on its own: what it dispatches, with which
// parameters, and that malformed input is dropped whole.

#include <drv/ansi_parser.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using mos::drv::AnsiParser;
using Action = AnsiParser::Action;

/// What one dispatch looked like, as text: "P:a", "X:0a", "E:7", "C:?25h[25]", ...
std::vector<std::string> run(AnsiParser& p, std::string_view input) {
  std::vector<std::string> out;
  for (char c : input) {
    Action a = p.feed(c);
    switch (a) {
      case Action::None:
        break;
      case Action::Print:
        out.push_back(std::string("P:") + c);
        break;
      case Action::Execute:
        out.push_back("X:" + std::to_string(static_cast<int>(c)));
        break;
      case Action::EscDispatch: {
        std::string s = "E:";
        if (p.intermediate() != 0) s += p.intermediate();
        s += p.byte();
        out.push_back(s);
        break;
      }
      case Action::CsiDispatch: {
        std::string s = "C:";
        if (p.private_marker() != 0) s += p.private_marker();
        if (p.intermediate() != 0) s += p.intermediate();
        s += p.byte();
        s += "[";
        for (std::size_t i = 0; i < p.param_count(); ++i) {
          if (i > 0) s += ",";
          s += std::to_string(p.raw_param(i));
        }
        s += "]";
        out.push_back(s);
        break;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("ansi parser: dispatches") {
  struct Case {
    std::string_view input;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"ab", {"P:a", "P:b"}},
      {"\r\n\a", {"X:13", "X:10", "X:7"}},
      {"\x7f", {}},
      {"\xdb", {"P:\xdb"}},
      {"\x1b"
       "7",
       {"E:7"}},
      {"\x1b(B", {"E:(B"}},
      {"\x1b[m", {"C:m[]"}},
      {"\x1b[;m", {"C:m[0,0]"}},
      {"\x1b[5;m", {"C:m[5,0]"}},
      {"\x1b[;7H", {"C:H[0,7]"}},
      {"\x1b[12;34H", {"C:H[12,34]"}},
      {"\x1b[?25l", {"C:?l[25]"}},
      {"\x1b[>c", {"C:>c[]"}},
      {"\x1b[1 q", {"C: q[1]"}},
      {"\x1b[9999C", {"C:C[9999]"}},
      {"\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16m",
       {"C:m[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]"}},
      // A control inside a sequence runs and the sequence goes on.
      {"\x1b[3\n1m", {"X:10", "C:m[31]"}},
  };
  for (const Case& c : cases) {
    SUBCASE(std::string(c.input).c_str()) {
      AnsiParser p;
      CHECK(run(p, c.input) == c.expected);
    }
  }
}

TEST_CASE("ansi parser: malformed and overlong sequences are dropped whole") {
  struct Case {
    const char* name;
    std::string input;
  };
  const Case cases[] = {
      {"value overflow", "\x1b[" + std::string(100, '9') + "m"},
      {"value just over the limit", "\x1b[10000C"},
      {"17 parameters", "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17m"},
      {"sub-parameters", "\x1b[38:5:1m"},
      {"private marker in the middle", "\x1b[3?1m"},
      {"two intermediates", "\x1b[ !m"},
      {"parameter after intermediate", "\x1b[ 1m"},
      {"CAN aborts", "\x1b[31\x18"},
      {"SUB aborts", "\x1b[31\x1a"},
      {"high byte aborts", "\x1b[31\xc3"},
      {"OSC to BEL", "\x1b]0;a title\a"},
      {"OSC to ST", "\x1b]2;title\x1b\\"},
      {"lone ESC then CAN", "\x1b\x18"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      AnsiParser p;
      std::vector<std::string> out = run(p, c.input);
      // Nothing dispatched except the harmless ESC \ that ends an OSC string.
      for (const auto& s : out) CHECK(s == "E:\\");
      // And the parser is back in the ground state: the next sequence parses normally.
      CHECK(run(p, "x\x1b[2J") == std::vector<std::string>{"P:x", "C:J[2]"});
    }
  }
}

TEST_CASE("ansi parser: ESC inside a sequence starts a new one") {
  AnsiParser p;
  CHECK(run(p, "\x1b[31\x1b[2Ky") == std::vector<std::string>{"C:K[2]", "P:y"});
}

TEST_CASE("ansi parser: an overlong OSC string is abandoned") {
  AnsiParser p;
  std::string input = "\x1b]" + std::string(AnsiParser::kMaxStringLength + 1, 'a') + "b";
  CHECK(run(p, input) == std::vector<std::string>{"P:b"});
}

TEST_CASE("ansi parser: param() applies the default for 0 and missing") {
  AnsiParser p;
  run(p, "\x1b[0;7H");
  CHECK(p.param(0, 1) == 1);
  CHECK(p.param(1, 1) == 7);
  CHECK(p.param(2, 1) == 1);
  CHECK(p.raw_param(0) == 0);
  CHECK(p.raw_param(5) == 0);
}
