// <string.h>, <strings.h>, <ctype.h> and the message functions, against glibc.
#include <doctest/doctest.h>

#include <posix/libc/ctype.hpp>
#include <posix/libc/error_strings.hpp>
#include <posix/libc/strings.hpp>

#include <strings.h>
#include <cctype>
#include <cstring>
#include <string>

#include "random.hpp"

namespace libc = mos::posix::libc;

namespace {

// A random string over a small alphabet, so that searches hit and miss.
std::string random_string(std::mt19937_64& gen, int max_len, const char* alphabet = "abcAB-. ") {
  int len = absl::Uniform(gen, 0, max_len + 1);
  std::string s;
  std::size_t n = std::strlen(alphabet);
  for (int i = 0; i < len; ++i) s += alphabet[absl::Uniform<std::size_t>(gen, 0, n)];
  return s;
}

int sign(int v) {
  return (v > 0) - (v < 0);
}

}  // namespace

TEST_CASE("ctype agrees with glibc's C locale for EOF and every byte") {
  for (int c = -1; c < 256; ++c) {
    CAPTURE(c);
    CHECK(libc::is_alnum(c) == (std::isalnum(c) != 0));
    CHECK(libc::is_alpha(c) == (std::isalpha(c) != 0));
    CHECK(libc::is_blank(c) == (std::isblank(c) != 0));
    CHECK(libc::is_cntrl(c) == (std::iscntrl(c) != 0));
    CHECK(libc::is_digit(c) == (std::isdigit(c) != 0));
    CHECK(libc::is_graph(c) == (std::isgraph(c) != 0));
    CHECK(libc::is_lower(c) == (std::islower(c) != 0));
    CHECK(libc::is_print(c) == (std::isprint(c) != 0));
    CHECK(libc::is_punct(c) == (std::ispunct(c) != 0));
    CHECK(libc::is_space(c) == (std::isspace(c) != 0));
    CHECK(libc::is_upper(c) == (std::isupper(c) != 0));
    CHECK(libc::is_xdigit(c) == (std::isxdigit(c) != 0));
    CHECK(libc::is_ascii(c) == (isascii(c) != 0));
    CHECK(libc::to_lower(c) == std::tolower(c));
    CHECK(libc::to_upper(c) == std::toupper(c));
  }
  // Values outside EOF and unsigned char are rejected instead of indexing a table.
  CHECK_FALSE(libc::is_alpha(-200));
  CHECK_FALSE(libc::is_space(1000));
}

TEST_CASE("copying and concatenation match glibc, padding and return values included") {
  auto gen = mos::test::make_bitgen(1);
  for (int round = 0; round < 2000; ++round) {
    std::string src = random_string(gen, 20);
    std::string prefix = random_string(gen, 10);
    std::size_t n = absl::Uniform<std::size_t>(gen, 0, 30);
    char a[96];
    char b[96];
    std::memset(a, 'x', sizeof(a));
    std::memset(b, 'x', sizeof(b));
    CHECK(libc::strncpy(a, src.c_str(), n) == a);
    std::strncpy(b, src.c_str(), n);
    CHECK(std::memcmp(a, b, sizeof(a)) == 0);
    CHECK(libc::stpncpy(a, src.c_str(), n) - a == stpncpy(b, src.c_str(), n) - b);
    CHECK(std::memcmp(a, b, sizeof(a)) == 0);
    CHECK(libc::stpcpy(a, src.c_str()) - a == stpcpy(b, src.c_str()) - b);
    CHECK(std::strcmp(libc::strcpy(a, prefix.c_str()), prefix.c_str()) == 0);
    std::strcpy(b, prefix.c_str());
    libc::strcat(a, src.c_str());
    std::strcat(b, src.c_str());
    CHECK(std::strcmp(a, b) == 0);
    libc::strncat(a, src.c_str(), n);
    std::strncat(b, src.c_str(), n);
    CHECK(std::strcmp(a, b) == 0);
    CHECK(static_cast<char*>(libc::mempcpy(a, src.data(), src.size())) == a + src.size());
  }
}

TEST_CASE("searching matches glibc on random strings") {
  auto gen = mos::test::make_bitgen(2);
  for (int round = 0; round < 5000; ++round) {
    std::string hay = random_string(gen, 24);
    std::string needle = random_string(gen, 3);
    std::string set = random_string(gen, 3);
    const char* h = hay.c_str();
    int c = "abcAB-. \0"[absl::Uniform(gen, 0, 9)];
    CAPTURE(hay);
    CAPTURE(needle);
    CHECK(libc::strchr(h, c) == std::strchr(h, c));
    CHECK(libc::strrchr(h, c) == std::strrchr(h, c));
    CHECK(libc::strchrnul(h, c) == strchrnul(h, c));
    CHECK(libc::memrchr(h, c, hay.size()) == memrchr(h, c, hay.size()));
    CHECK(libc::strstr(h, needle.c_str()) == std::strstr(h, needle.c_str()));
    CHECK(libc::strcasestr(h, needle.c_str()) == strcasestr(h, needle.c_str()));
    CHECK(libc::memmem(h, hay.size(), needle.data(), needle.size()) ==
          memmem(h, hay.size(), needle.data(), needle.size()));
    CHECK(libc::strspn(h, set.c_str()) == std::strspn(h, set.c_str()));
    CHECK(libc::strcspn(h, set.c_str()) == std::strcspn(h, set.c_str()));
    CHECK(libc::strpbrk(h, set.c_str()) == std::strpbrk(h, set.c_str()));
  }
}

TEST_CASE("comparisons have glibc's sign") {
  auto gen = mos::test::make_bitgen(3);
  for (int round = 0; round < 5000; ++round) {
    std::string a = random_string(gen, 8, "aAbB0129z");
    std::string b = random_string(gen, 8, "aAbB0129z");
    std::size_t n = absl::Uniform<std::size_t>(gen, 0, 10);
    CAPTURE(a);
    CAPTURE(b);
    CHECK(sign(libc::strcasecmp(a.c_str(), b.c_str())) == sign(strcasecmp(a.c_str(), b.c_str())));
    CHECK(sign(libc::strncasecmp(a.c_str(), b.c_str(), n)) ==
          sign(strncasecmp(a.c_str(), b.c_str(), n)));
    CHECK(sign(libc::strcoll(a.c_str(), b.c_str())) == sign(std::strcmp(a.c_str(), b.c_str())));
    CHECK(sign(libc::strverscmp(a.c_str(), b.c_str())) == sign(strverscmp(a.c_str(), b.c_str())));
  }
  CHECK(libc::strverscmp("file9", "file10") < 0);
  CHECK(libc::strverscmp("000", "00") < 0);
  CHECK(libc::strverscmp("1.01", "1.001") > 0);
}

TEST_CASE("strxfrm is the identity in the C locale and reports the length") {
  char out[8];
  CHECK(libc::strxfrm(out, "abc", sizeof(out)) == 3);
  CHECK(std::string(out) == "abc");
  CHECK(libc::strxfrm(out, "longer than eight", sizeof(out)) == 17);
}

TEST_CASE("strtok_r splits like glibc's and keeps no hidden state") {
  const char* inputs[] = {"a,b,,c", ",,lead", "trail,,", "", ",,,", "one", " a b  c "};
  for (const char* input : inputs) {
    CAPTURE(input);
    std::string ours_text = input;
    std::string theirs_text = input;
    char* ours_save = nullptr;
    char* theirs_save = nullptr;
    char* ours = libc::strtok_r(ours_text.data(), ", ", &ours_save);
    char* theirs = strtok_r(theirs_text.data(), ", ", &theirs_save);
    for (;;) {
      REQUIRE((ours == nullptr) == (theirs == nullptr));
      if (ours == nullptr) break;
      CHECK(std::string(ours) == theirs);
      CHECK(ours - ours_text.data() == theirs - theirs_text.data());
      ours = libc::strtok_r(nullptr, ", ", &ours_save);
      theirs = strtok_r(nullptr, ", ", &theirs_save);
    }
  }
}

TEST_CASE("ffs") {
  for (int v : {0, 1, 2, 3, 8, 0x100, -1, static_cast<int>(0x80000000u), 0x7ffff000}) {
    CHECK(libc::ffs(v) == ffs(v));
  }
}

TEST_CASE("strerror says what glibc says for every errno and numbers unknown values") {
  char buffer[libc::kErrorMessageBufferSize];
  for (int number = 0; number < 134; ++number) {
    CHECK(std::string(libc::strerror(number, buffer)) == std::string(strerror(number)));
  }
  CHECK(std::string(libc::strerror(9999, buffer)) == std::string(strerror(9999)));
  CHECK(std::string(libc::strerror(-5, buffer)) == std::string(strerror(-5)));

  char small[8];
  CHECK(libc::strerror_r(2, small, sizeof(small)) == ERANGE);
  CHECK(std::string(small) == "No such");
  char big[128];
  CHECK(libc::strerror_r(2, big, sizeof(big)) == 0);
  CHECK(libc::strerror_r(9999, big, sizeof(big)) == EINVAL);
  CHECK(std::string(big) == "Unknown error 9999");
}

TEST_CASE("strsignal uses glibc's words for every signal") {
  char buffer[libc::kErrorMessageBufferSize];
  for (int sig = -1; sig <= 70; ++sig) {
    CAPTURE(sig);
    CHECK(std::string(libc::strsignal(sig, buffer)) == std::string(strsignal(sig)));
  }
}
