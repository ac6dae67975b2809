// The line discipline in canonical mode: line editing, end of file, echo forms, input and
// output mapping, signals. Expected echo strings are what Linux's n_tty sends for the same
// settings and input.
#include "tty_test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mos::drv;
using namespace mos::drv::test;
using mos::Error;

namespace {

using Fixture = TtyFixture;

}  // namespace

TEST_CASE("tty: a line is readable once it ends, with its newline; echo maps NL to CR NL") {
  Fixture f;
  type(f.t(), "hello");
  CHECK(read_text(f.t()).error() == Error::TryAgain);  // No complete line yet.
  CHECK(f.t().readable_bytes() == 0);
  type(f.t(), "\r");  // ICRNL: CR ends the line as NL.
  CHECK(f.t().readable_bytes() == 6);
  CHECK(read_text(f.t()).value() == "hello\n");
  CHECK(f.out.take() == "hello\r\n");
  CHECK(read_text(f.t()).error() == Error::TryAgain);
}

TEST_CASE("tty: one read returns at most one line; a short buffer leaves the rest") {
  Fixture f;
  type(f.t(), "one\ntwo\n");
  CHECK(read_text(f.t()).value() == "one\n");
  CHECK(read_text(f.t(), 2).value() == "tw");
  CHECK(read_text(f.t()).value() == "o\n");
}

TEST_CASE("tty: ERASE, ^H, KILL and WERASE edit the line, with Linux's echo") {
  Fixture f;
  SUBCASE("ERASE (^?) with ECHOE rubs out") {
    type(f.t(), "ab\177c\n");
    CHECK(read_text(f.t()).value() == "ac\n");
    CHECK(f.out.take() == "ab\b \bc\r\n");
  }
  SUBCASE("^H erases too") {
    type(f.t(), "ab\b\bx\n");
    CHECK(read_text(f.t()).value() == "x\n");
  }
  SUBCASE("ERASE on an empty line does nothing") {
    type(f.t(), "\x7f\x7fz\n");
    CHECK(read_text(f.t()).value() == "z\n");
    CHECK(f.out.take() == "z\r\n");
  }
  SUBCASE("ERASE of a control character shown as ^X rubs out two cells") {
    type(f.t(), "a\x01\x7f\n");
    CHECK(read_text(f.t()).value() == "a\n");
    CHECK(f.out.take() == "a^A\b \b\b \b\r\n");
  }
  SUBCASE("ERASE of a tab moves back to where the tab started") {
    type(f.t(), "ab\t\x7f\n");
    CHECK(read_text(f.t()).value() == "ab\n");
    CHECK(f.out.take() == "ab\t\b\b\b\b\b\b\r\n");
  }
  SUBCASE("ERASE without ECHOE echoes the erase character") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kEchoe; });
    type(f.t(), "ab\x7f\n");
    CHECK(read_text(f.t()).value() == "a\n");
    CHECK(f.out.take() == "ab^?\r\n");
  }
  SUBCASE("KILL with ECHOKE rubs out the whole line") {
    type(f.t(), "abc\025d\n");
    CHECK(read_text(f.t()).value() == "d\n");
    CHECK(f.out.take() == "abc\b \b\b \b\b \bd\r\n");
  }
  SUBCASE("KILL without ECHOKE echoes ^U and, with ECHOK, a newline") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kEchoke; });
    type(f.t(), "abc\025d\n");
    CHECK(read_text(f.t()).value() == "d\n");
    CHECK(f.out.take() == "abc^U\r\nd\r\n");
  }
  SUBCASE("WERASE removes the last word and the separators after it") {
    type(f.t(), "echo foo bar\x17\n");
    CHECK(read_text(f.t()).value() == "echo foo \n");
    type(f.t(), "echo foo  \x17\n");
    CHECK(read_text(f.t()).value() == "echo \n");
  }
  SUBCASE("WERASE needs IEXTEN") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kIexten; });
    type(f.t(), "ab\x17\n");
    CHECK(read_text(f.t()).value() == "ab\x17\n");
  }
  SUBCASE("LNEXT makes the next character literal") {
    type(f.t(), "a\x16\x7f\n");
    CHECK(read_text(f.t()).value() == "a\x7f\n");
    CHECK(f.out.take() == "a^\b^?\r\n");
  }
  SUBCASE("IUTF8: ERASE removes a whole UTF-8 character") {
    change_termios(f.t(), [](Termios& t) { t.c_iflag |= iflag::kIutf8; });
    type(f.t(), "a\xc3\xa9\x7f\n");
    CHECK(read_text(f.t()).value() == "a\n");
    CHECK(f.out.take() == "a\xc3\xa9\b \b\r\n");
  }
  SUBCASE("REPRINT echoes the line again") {
    type(f.t(), "ab\x12");
    CHECK(f.out.take() == "ab^R\r\nab");
  }
}

TEST_CASE("tty: EOF (^D) is end of file at a line start, else pushes the partial line") {
  Fixture f;
  SUBCASE("at the start of a line: read returns 0") {
    type(f.t(), "\x04");
    CHECK(read_text(f.t()).value().empty());
    CHECK(read_text(f.t()).error() == Error::TryAgain);  // Used up.
    CHECK(f.out.take().empty());                         // ^D is not echoed.
  }
  SUBCASE("after text: the text, without a delimiter; then end of file") {
    type(f.t(), "ab\x04");
    CHECK(f.t().readable_bytes() == 2);
    CHECK(read_text(f.t()).value() == "ab");
    type(f.t(), "\x04");
    CHECK(read_text(f.t()).value().empty());
  }
  SUBCASE("a buffer the pushed line fills exactly takes the mark along") {
    type(f.t(), "abc\x04");
    CHECK(read_text(f.t(), 3).value() == "abc");
    CHECK(read_text(f.t()).error() == Error::TryAgain);  // Not a false end of file.
  }
  SUBCASE("EOL ends a line and is part of it") {
    change_termios(f.t(), [](Termios& t) { t.c_cc[cc::kVeol] = ';'; });
    type(f.t(), "ls;");
    CHECK(read_text(f.t()).value() == "ls;");
  }
}

TEST_CASE("tty: echo settings") {
  Fixture f;
  SUBCASE("ECHOCTL shows control characters as ^X") {
    type(f.t(), "\x01\x1b");
    CHECK(f.out.take() == "^A^[");
  }
  SUBCASE("without ECHOCTL they are echoed as they are") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kEchoctl; });
    type(f.t(), "\x01");
    CHECK(f.out.take() == "\x01");
  }
  SUBCASE("no ECHO: nothing") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kEcho; });
    type(f.t(), "secret\n");
    CHECK(f.out.take().empty());
    CHECK(read_text(f.t()).value() == "secret\n");
  }
  SUBCASE("ECHONL without ECHO: only the newline") {
    change_termios(f.t(),
                   [](Termios& t) { t.c_lflag = (t.c_lflag & ~lflag::kEcho) | lflag::kEchonl; });
    type(f.t(), "pw\n");
    CHECK(f.out.take() == "\r\n");
  }
  SUBCASE("echo the output cannot take is dropped and counted, never waited for") {
    f.out.room = 2;
    type(f.t(), "abcd");
    CHECK(f.out.take() == "ab");
    CHECK(f.t().stats().echo_dropped == 2);
  }
}

TEST_CASE("tty: input mapping (ICRNL, IGNCR, INLCR, ISTRIP)") {
  Fixture f;
  SUBCASE("IGNCR drops CR") {
    change_termios(f.t(), [](Termios& t) { t.c_iflag |= iflag::kIgncr; });
    type(f.t(), "a\rb\n");
    CHECK(read_text(f.t()).value() == "ab\n");
  }
  SUBCASE("without ICRNL, CR is an ordinary character") {
    change_termios(f.t(), [](Termios& t) { t.c_iflag &= ~iflag::kIcrnl; });
    type(f.t(), "a\r");
    CHECK(read_text(f.t()).error() == Error::TryAgain);
    type(f.t(), "\n");
    CHECK(read_text(f.t()).value() == "a\r\n");
  }
  SUBCASE("INLCR turns NL into CR") {
    change_termios(f.t(), [](Termios& t) {
      t = make_raw(t);
      t.c_iflag |= iflag::kInlcr;
      t.c_cc[cc::kVmin] = 0;
    });
    type(f.t(), "a\n");
    CHECK(read_text(f.t()).value() == "a\r");
  }
  SUBCASE("ISTRIP clears the eighth bit") {
    change_termios(f.t(), [](Termios& t) { t.c_iflag |= iflag::kIstrip; });
    type(f.t(), "\xc1\n");
    CHECK(read_text(f.t()).value() == "A\n");
  }
}

TEST_CASE("tty: output processing (OPOST, ONLCR, OCRNL, ONOCR, TAB3)") {
  Fixture f;
  SUBCASE("ONLCR") {
    CHECK(write_text(f.t(), "a\nb\n").value() == 4);
    CHECK(f.out.take() == "a\r\nb\r\n");
  }
  SUBCASE("without OPOST bytes pass unchanged") {
    change_termios(f.t(), [](Termios& t) { t.c_oflag &= ~oflag::kOpost; });
    CHECK(write_text(f.t(), "a\nb\t").value() == 4);
    CHECK(f.out.take() == "a\nb\t");
  }
  SUBCASE("OCRNL") {
    change_termios(f.t(), [](Termios& t) { t.c_oflag |= oflag::kOcrnl; });
    CHECK(write_text(f.t(), "x\r").value() == 2);
    CHECK(f.out.take() == "x\n");
  }
  SUBCASE("ONOCR") {
    change_termios(f.t(), [](Termios& t) { t.c_oflag |= oflag::kOnocr; });
    CHECK(write_text(f.t(), "\r\rab\r").value() == 5);
    CHECK(f.out.take() == "ab\r");  // The CRs at column 0 are not sent.
  }
  SUBCASE("TAB3 expands tabs to the next multiple of 8") {
    change_termios(f.t(), [](Termios& t) { t.c_oflag |= oflag::kTab3; });
    CHECK(write_text(f.t(), "ab\tc").value() == 4);
    CHECK(f.out.take() == "ab      c");
  }
  SUBCASE("a full output: non-blocking writes take whole characters, then TryAgain") {
    f.out.room = 3;
    CHECK(write_text(f.t(), "a\nb", kNonBlocking).value() == 2);  // "a" "\r\n" fit, "b" not.
    CHECK(f.out.take() == "a\r\n");
    CHECK(write_text(f.t(), "b", kNonBlocking).error() == Error::TryAgain);
  }
}

TEST_CASE("tty: INTR, QUIT and SUSP signal the foreground group and flush") {
  Fixture f;
  RecordingSignals signals;
  f.t().set_signal_target(&signals);
  std::int32_t group = 42;
  REQUIRE(
      f.t().control(tty_ioctl::kTiocspgrp, reinterpret_cast<std::uintptr_t>(&group)).has_value());

  SUBCASE("^C: SIGINT, input flushed (the queued line too), ^C echoed") {
    type(f.t(), "queued\npartial");
    type(f.t(), "\x03");
    REQUIRE(signals.raised.size() == 1);
    CHECK(signals.raised[0] == std::pair<int, std::int32_t>{tty_signal::kSigint, 42});
    CHECK(read_text(f.t()).error() == Error::TryAgain);
    CHECK(f.out.discards == 1);
    CHECK(f.out.take() == "queued\r\npartial^C");
    type(f.t(), "next\n");  // Input after the signal is processed normally.
    CHECK(read_text(f.t()).value() == "next\n");
  }
  SUBCASE("echo not yet sent when the signal comes is discarded with the output (as Linux)") {
    type(f.t(), "abc\x03");
    CHECK(f.out.take() == "^C");
  }
  SUBCASE("^\\ is SIGQUIT and ^Z SIGTSTP") {
    type(f.t(), "\x1c\x1a");
    REQUIRE(signals.raised.size() == 2);
    CHECK(signals.raised[0].first == tty_signal::kSigquit);
    CHECK(signals.raised[1].first == tty_signal::kSigtstp);
    CHECK(f.t().stats().signals == 2);
  }
  SUBCASE("NOFLSH keeps the input") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag |= lflag::kNoflsh; });
    type(f.t(), "keep\n\x03");
    CHECK(signals.raised.size() == 1);
    CHECK(read_text(f.t()).value() == "keep\n");
    CHECK(f.out.discards == 0);
  }
  SUBCASE("without ISIG, ^C is a character") {
    change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kIsig; });
    type(f.t(), "\x03\n");
    CHECK(signals.raised.empty());
    CHECK(read_text(f.t()).value() == "\x03\n");
  }
  SUBCASE("a disabled control character (0) never matches NUL") {
    change_termios(f.t(), [](Termios& t) { t.c_cc[cc::kVintr] = kDisabledChar; });
    type(f.t(), std::string_view("\0\x03\n", 3));
    CHECK(signals.raised.empty());
    CHECK(read_text(f.t()).value() == std::string("\0\x03\n", 3));
  }
}

TEST_CASE("tty: a full input queue drops and counts, but a line can still be ended") {
  Fixture f;
  change_termios(f.t(), [](Termios& t) { t.c_lflag &= ~lflag::kEcho; });
  type(f.t(), std::string(5000, 'x'));
  type(f.t(), "\n");
  auto line = read_text(f.t(), 8192);
  REQUIRE(line.has_value());
  CHECK(line->size() == Tty::kInputCapacity);
  CHECK(line->back() == '\n');
  CHECK(f.t().stats().input_dropped == 5000 - (Tty::kInputCapacity - 1));
}
