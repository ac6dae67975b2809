// gmtime_r, timegm, strftime and asctime_r against glibc (run with TZ=UTC so that glibc's local
// time is ours).
#include <doctest/doctest.h>

#include <posix/libc/calendar_time.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "random.hpp"

namespace libc = mos::posix::libc;

namespace {

void use_utc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

libc::CalendarTime from_tm(const std::tm& t) {
  libc::CalendarTime c;
  c.tm_sec = t.tm_sec;
  c.tm_min = t.tm_min;
  c.tm_hour = t.tm_hour;
  c.tm_mday = t.tm_mday;
  c.tm_mon = t.tm_mon;
  c.tm_year = t.tm_year;
  c.tm_wday = t.tm_wday;
  c.tm_yday = t.tm_yday;
  c.tm_isdst = t.tm_isdst;
  c.tm_gmtoff = t.tm_gmtoff;
  c.tm_zone = t.tm_zone;
  return c;
}

void check_same(const libc::CalendarTime& ours, const std::tm& theirs) {
  CHECK(ours.tm_sec == theirs.tm_sec);
  CHECK(ours.tm_min == theirs.tm_min);
  CHECK(ours.tm_hour == theirs.tm_hour);
  CHECK(ours.tm_mday == theirs.tm_mday);
  CHECK(ours.tm_mon == theirs.tm_mon);
  CHECK(ours.tm_year == theirs.tm_year);
  CHECK(ours.tm_wday == theirs.tm_wday);
  CHECK(ours.tm_yday == theirs.tm_yday);
  CHECK(ours.tm_isdst == theirs.tm_isdst);
  CHECK(ours.tm_gmtoff == theirs.tm_gmtoff);
  CHECK(std::string(ours.tm_zone) == theirs.tm_zone);
}

std::time_t random_time(std::mt19937_64& gen) {
  switch (absl::Uniform(gen, 0, 3)) {
    case 0:
      return absl::Uniform<std::time_t>(gen, -4000000000LL, 4000000000LL);
    case 1:
      return absl::Uniform<std::time_t>(gen, -70000000000000LL, 70000000000000LL);
    default:
      return absl::Uniform<std::time_t>(gen, -100000, 100000) * 86400;
  }
}

}  // namespace

TEST_CASE("gmtime_r and localtime_r agree with glibc's, before 1970 and far away too") {
  use_utc();
  auto gen = mos::test::make_bitgen(50);
  for (int round = 0; round < 20000; ++round) {
    std::time_t t = random_time(gen);
    CAPTURE(t);
    std::tm theirs{};
    libc::CalendarTime ours;
    REQUIRE(gmtime_r(&t, &theirs) != nullptr);
    REQUIRE(libc::gmtime_r(t, ours));
    check_same(ours, theirs);
    REQUIRE(localtime_r(&t, &theirs) != nullptr);
    REQUIRE(libc::localtime_r(t, ours));
    check_same(ours, theirs);
  }
  libc::CalendarTime out;
  CHECK_FALSE(libc::gmtime_r(std::numeric_limits<std::int64_t>::max(), out));
}

TEST_CASE("timegm and mktime normalise out-of-range fields like glibc") {
  use_utc();
  auto gen = mos::test::make_bitgen(51);
  for (int round = 0; round < 20000; ++round) {
    std::tm theirs{};
    theirs.tm_sec = absl::Uniform(gen, -100000, 100000);
    theirs.tm_min = absl::Uniform(gen, -3000, 3000);
    theirs.tm_hour = absl::Uniform(gen, -100, 100);
    theirs.tm_mday = absl::Uniform(gen, -400, 400);
    theirs.tm_mon = absl::Uniform(gen, -30, 30);
    theirs.tm_year = absl::Uniform(gen, -2000, 3000);
    libc::CalendarTime ours = from_tm(theirs);
    std::tm theirs_local = theirs;
    libc::CalendarTime ours_local = ours;
    CHECK(libc::timegm(ours) == timegm(&theirs));
    check_same(ours, theirs);
    CHECK(libc::mktime(ours_local) == mktime(&theirs_local));
    check_same(ours_local, theirs_local);
  }
}

TEST_CASE("strftime: every conversion against glibc") {
  use_utc();
  auto gen = mos::test::make_bitgen(52);
  const char* formats[] = {
      "%a %A %b %B %h",
      "%c",
      "%C %d %D %e",
      "%F",
      "%g %G %V",
      "%H %I %j %k %l",
      "%m %M %n %p",
      "%r %R %S %t %T",
      "%u %U %w %W",
      "%x %X %y %Y",
      "%z %Z %%",
      "%s",
      "%P",
      "%Ec %EY %Od %OH",
      "%-d %_m %0e %^a %^B %#p %#Z",
      "%10Y %5d %-j",
      "plain text",
      "%",
      "%q",
      "%F %T",
  };
  for (int round = 0; round < 3000; ++round) {
    std::time_t t = round % 2 == 0 ? absl::Uniform<std::time_t>(gen, -5000000000LL, 5000000000LL)
                                   : absl::Uniform<std::time_t>(gen, 0, 4000000000LL);
    std::tm theirs{};
    gmtime_r(&t, &theirs);
    libc::CalendarTime ours = from_tm(theirs);
    for (const char* format : formats) {
      CAPTURE(format);
      CAPTURE(t);
      char a[256];
      char b[256];
      std::size_t n_ours = libc::strftime(a, sizeof(a), format, ours);
      std::size_t n_theirs = std::strftime(b, sizeof(b), format, &theirs);
      CHECK(n_ours == n_theirs);
      CHECK(std::string(a, n_ours) == std::string(b, n_theirs));
    }
  }
}

TEST_CASE("strftime returns 0 when the result does not fit") {
  libc::CalendarTime tm;
  libc::gmtime_r(0, tm);
  char buffer[10];
  CHECK(libc::strftime(buffer, sizeof(buffer), "%Y-%m-%d", tm) == 0);
  CHECK(libc::strftime(buffer, sizeof(buffer), "%Y-%m-%", tm) == 9);  // "1970-01-%"
  CHECK(libc::strftime(buffer, 0, "", tm) == 0);
}

TEST_CASE("asctime_r and ctime_r match glibc") {
  use_utc();
  auto gen = mos::test::make_bitgen(53);
  for (int round = 0; round < 2000; ++round) {
    std::time_t t = absl::Uniform<std::time_t>(gen, -60000000000LL, 250000000000LL);
    char a[libc::kAsctimeBufferSize];
    char b[64];
    char* ours = libc::ctime_r(t, a);
    char* theirs = ctime_r(&t, b);
    REQUIRE((ours == nullptr) == (theirs == nullptr));
    if (ours != nullptr) CHECK(std::string(ours) == std::string(theirs));
  }
  CHECK(libc::difftime(10, 4) == 6.0);
}
