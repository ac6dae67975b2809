// Flow control between an input driver and the line discipline: offered input beyond a full
// queue is held back (not dropped) while a reader can make room, and the driver is called back
// once a read, a flush or a mode change has made it; a canonical line that fills the queue
// alone is still let in and dropped, as Linux's n_tty does.
#include "tty_test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace mos::drv;
using namespace mos::drv::test;
using mos::Error;

namespace {

// An input driver that counts the calls back.
struct CountingSource final : InputSource {
  int resumes = 0;
  void resume_input() noexcept override { ++resumes; }
};

std::size_t offer(Tty& tty, std::string_view text, InputSource& source) {
  return tty.offer(std::span<const char>(text.data(), text.size()), source);
}

// `count` lines of 99 characters and a newline, each starting with its number.
std::string numbered_lines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    std::string line = std::to_string(i);
    line.resize(99, 'x');
    text += line + "\n";
  }
  return text;
}

struct Fixture : TtyFixture {
  Fixture() {
    change_termios(t(), [](Termios& s) { s.c_lflag &= ~lflag::kEcho; });
  }
};

}  // namespace

TEST_CASE("tty flow: input beyond a full queue is held back while lines wait, then resumed") {
  Fixture f;
  CountingSource source;
  const std::string text = numbered_lines(60);  // 6000 bytes.
  std::size_t taken = offer(f.t(), text, source);
  CHECK(taken == Tty::kInputCapacity - 1);
  CHECK(f.t().stats().input_dropped == 0);
  CHECK(source.resumes == 0);

  // One line read is not yet room enough to call the driver back; three are.
  std::string got = read_text(f.t(), 200).value();
  CHECK(source.resumes == 0);
  got += read_text(f.t(), 200).value();
  got += read_text(f.t(), 200).value();
  CHECK(source.resumes == 1);
  // The driver offers the rest as it is called back; everything arrives, in order.
  for (int round = 0; round < 100 && got.size() < text.size(); ++round) {
    if (source.resumes > 0) {
      source.resumes = 0;
      taken += offer(f.t(), std::string_view(text).substr(taken), source);
    }
    auto line = read_text(f.t(), 200);
    if (line) got += *line;
  }
  CHECK(got == text);
  CHECK(taken == text.size());
  CHECK(f.t().stats().input_dropped == 0);
}

TEST_CASE("tty flow: a canonical line that fills the queue alone is taken, and dropped") {
  Fixture f;
  CountingSource source;
  // Its reader waits for the line's end, so holding it back would wait for ever.
  CHECK(offer(f.t(), std::string(5000, 'x'), source) == 5000);
  CHECK(f.t().stats().input_dropped == 5000 - (Tty::kInputCapacity - 1));
  CHECK(offer(f.t(), "\n", source) == 1);
  CHECK(read_text(f.t(), 8192).value().size() == Tty::kInputCapacity);
  CHECK(source.resumes == 0);
}

TEST_CASE("tty flow: receive() never holds back; what does not fit is dropped") {
  Fixture f;
  const std::string text = numbered_lines(50);
  type(f.t(), text);
  // The queue fills up to its last place, which the line that was being typed ends in.
  CHECK(f.t().stats().input_dropped == text.size() - Tty::kInputCapacity);
}

TEST_CASE("tty flow: non-canonical input is held back at a full queue; a read resumes it") {
  Fixture f;
  f.raw(1, 0);
  CountingSource source;
  const std::string text(6000, 'r');
  const std::size_t taken = offer(f.t(), text, source);
  CHECK(taken == Tty::kInputCapacity - 1);
  CHECK(read_text(f.t(), 100).value().size() == 100);
  CHECK(source.resumes == 0);
  CHECK(read_text(f.t(), 4096).value().size() == Tty::kInputCapacity - 101);
  CHECK(source.resumes == 1);
  CHECK(offer(f.t(), std::string_view(text).substr(taken), source) == text.size() - taken);
  CHECK(f.t().stats().input_dropped == 0);
}

TEST_CASE("tty flow: a flush of the input, or a switch that leaves nothing to read, resumes") {
  Fixture f;
  CountingSource source;
  const std::string text = numbered_lines(50);
  const std::size_t taken = offer(f.t(), text, source);
  REQUIRE(taken < text.size());
  SUBCASE("TCIFLSH") {
    f.t().flush(Tty::Queue::Input);
    CHECK(source.resumes == 1);
    CHECK(offer(f.t(), std::string_view(text).substr(taken), source) == text.size() - taken);
  }
  SUBCASE("an output flush leaves the input held") {
    f.t().flush(Tty::Queue::Output);
    CHECK(source.resumes == 0);
  }
  SUBCASE("TCSETSF discards the input") {
    Termios t = f.t().termios();
    REQUIRE(f.t().set_termios(t, Tty::When::DrainFlush).has_value());
    CHECK(source.resumes == 1);
  }
}
