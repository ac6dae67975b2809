// The line editor as a state machine: keys in, line/cursor/terminal bytes out.
#include <doctest/doctest.h>

#include <string_view>

#include "line_editor.hpp"

namespace mos::sh {
namespace {

using R = LineEditor::Result;

// Feeds `keys`; returns the last result.
R feed(LineEditor& e, std::string_view keys) {
  R r = R::More;
  for (char c : keys) r = e.feed(static_cast<unsigned char>(c));
  return r;
}

std::string_view line(const LineEditor& e) {
  return {e.line().c_str(), e.line().size()};
}

TEST_CASE("line editor: typing, enter, echo") {
  LineEditor e(nullptr);
  e.begin("$ ");
  CHECK(std::string_view(e.output().c_str()) == "$ ");
  e.output().clear();
  CHECK(feed(e, "ls -l") == R::More);
  CHECK(std::string_view(e.output().c_str()) == "ls -l");  // Plain echo at the end.
  CHECK(feed(e, "\r") == R::Line);
  CHECK(line(e) == "ls -l");
}

TEST_CASE("line editor: cursor movement and editing") {
  LineEditor e(nullptr);
  e.begin("> ");
  feed(e, "abcd");
  feed(e, "\x1b[D\x1b[D");  // Left twice.
  CHECK(e.cursor() == 2);
  e.output().clear();
  feed(e, "X");
  CHECK(line(e) == "abXcd");
  CHECK(e.cursor() == 3);
  // Mid-line insert redraws: CR, prompt, text, clear, cursor back 2.
  CHECK(std::string_view(e.output().c_str()) == "\r> abXcd\x1b[K\x1b[2D");
  feed(e, "\x7f");  // Backspace.
  CHECK(line(e) == "abcd");
  feed(e, "\x1b[3~");  // Delete under the cursor.
  CHECK(line(e) == "abd");
  feed(e, "\x01");  // ^A
  CHECK(e.cursor() == 0);
  feed(e, "\x05");  // ^E
  CHECK(e.cursor() == 3);
  feed(e, "\x1b[H");
  CHECK(e.cursor() == 0);
  feed(e, "\x1b[F");
  CHECK(e.cursor() == 3);
  feed(e, "\x1b[1~");
  CHECK(e.cursor() == 0);
  feed(e, "\x1b[4~");
  CHECK(e.cursor() == 3);
  feed(e, "\x1bOH");
  CHECK(e.cursor() == 0);
  feed(e, "\x1b[C");
  feed(e, "\x0b");  // ^K
  CHECK(line(e) == "a");
  feed(e, "bc def");
  feed(e, "\x17");  // ^W
  CHECK(line(e) == "abc ");
  feed(e, "\x15");  // ^U
  CHECK(line(e) == "");
  feed(e, "\x08");  // ^H at the start: nothing.
  CHECK(line(e) == "");
}

TEST_CASE("line editor: ^C cancels, ^D exits only on an empty line") {
  LineEditor e(nullptr);
  e.begin("$ ");
  feed(e, "partial");
  CHECK(feed(e, "\x03") == R::Cancel);
  e.begin("$ ");
  feed(e, "ab\x01");
  CHECK(feed(e, "\x04") == R::More);  // Deletes 'a'.
  CHECK(line(e) == "b");
  e.begin("$ ");
  CHECK(feed(e, "\x04") == R::Eof);
}

TEST_CASE("line editor: ^L clears and redraws") {
  LineEditor e(nullptr);
  e.begin("$ ");
  feed(e, "x");
  e.output().clear();
  feed(e, "\x0c");
  CHECK(std::string_view(e.output().c_str()) == "\x1b[H\x1b[2J\r$ x\x1b[K");
}

TEST_CASE("line editor: history browsing keeps the line being typed") {
  History h;
  h.add("first\n");
  h.add("second");
  h.add("second");  // Repeats are not kept.
  h.add("\n");      // Nor empty lines.
  CHECK(h.size() == 2);
  LineEditor e(&h);
  e.begin("$ ");
  feed(e, "draft");
  feed(e, "\x1b[A");
  CHECK(line(e) == "second");
  feed(e, "\x1b[A");
  CHECK(line(e) == "first");
  feed(e, "\x1b[A");  // Oldest: stays.
  CHECK(line(e) == "first");
  feed(e, "\x1b[B\x1b[B");
  CHECK(line(e) == "draft");
  feed(e, "\x10");  // ^P
  CHECK(line(e) == "second");
  CHECK(e.cursor() == 6);
  CHECK(feed(e, "\n") == R::Line);
}

TEST_CASE("line editor: unknown escapes and control keys are ignored") {
  LineEditor e(nullptr);
  e.begin("");
  feed(e, "a\x1b[5~\x1b[1;5Cb\x07\x1b");
  feed(e, "xc");  // ESC x: an unknown two-byte sequence.
  CHECK(line(e) == "abc");
}

TEST_CASE("history: numbering survives dropping old entries") {
  History h;
  for (int i = 0; i < 600; ++i) {
    char buf[16];
    buf[0] = 'c';
    int n = i;
    int k = 1;
    char digits[8];
    int d = 0;
    do {
      digits[d++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n);
    while (d) buf[k++] = digits[--d];
    buf[k] = '\0';
    h.add(buf);
  }
  CHECK(h.size() == 500);
  CHECK(h.first_number() == 101);
  CHECK(std::string_view(h.at(0)) == "c100");
}

}  // namespace
}  // namespace mos::sh
