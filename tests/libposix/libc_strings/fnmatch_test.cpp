// fnmatch against glibc's, on a table and on random patterns and names.
#include <doctest/doctest.h>

#include <posix/libc/fnmatch.hpp>

#include <fnmatch.h>

#include <string>

#include "random.hpp"

namespace libc = mos::posix::libc;

namespace {

void compare(const std::string& pattern, const std::string& name, int flags) {
  CAPTURE(pattern);
  CAPTURE(name);
  CAPTURE(flags);
  int theirs = ::fnmatch(pattern.c_str(), name.c_str(), flags);
  int ours = libc::fnmatch(pattern.c_str(), name.c_str(), flags);
  CHECK(ours == (theirs == 0 ? 0 : libc::kFnmNoMatch));
}

constexpr int kFlagSets[] = {0,
                             FNM_PATHNAME,
                             FNM_PERIOD,
                             FNM_PATHNAME | FNM_PERIOD,
                             FNM_NOESCAPE,
                             FNM_CASEFOLD,
                             FNM_LEADING_DIR,
                             FNM_PATHNAME | FNM_LEADING_DIR | FNM_PERIOD};

}  // namespace

TEST_CASE("flags have glibc's values") {
  CHECK(libc::kFnmPathname == FNM_PATHNAME);
  CHECK(libc::kFnmNoEscape == FNM_NOESCAPE);
  CHECK(libc::kFnmPeriod == FNM_PERIOD);
  CHECK(libc::kFnmLeadingDir == FNM_LEADING_DIR);
  CHECK(libc::kFnmCaseFold == FNM_CASEFOLD);
  CHECK(libc::kFnmNoMatch == FNM_NOMATCH);
}

TEST_CASE("a table of patterns") {
  const char* patterns[] = {
      "",
      "*",
      "?",
      "a",
      "a*",
      "*a",
      "*.c",
      "a?c",
      "[abc]",
      "[!abc]",
      "[^abc]",
      "[a-c]x",
      "[]]",
      "[]a]",
      "[!]]",
      "[a-]",
      "[-a]",
      "[[:alpha:]]*",
      "[[:digit:][:upper:]]",
      "[[:space:]]",
      "[[:punct:]]",
      "\\*",
      "\\",
      "a\\",
      "[\\]]",
      "[a\\-z]",
      "*/*",
      "a/*/c",
      "*c",
      ".*",
      "*.*",
      "a[/]b",
      "a?b",
      "[",
      "[a",
      "a[",
      "[!",
      "**",
      "*a*b*c*",
      "[[.a.]]",
      "[[=b=]]",
      "[z-a]",
      "[[:nope:]]",
      "A*",
      "[A-Z]*",
      "*[!.]",
      "?*/?*",
  };
  const char* names[] = {"",      "a",      "b",      "abc", "a.c",   ".c",      ".hidden", "x/y",
                         "a/b/c", "a/.b/c", "]",      "-",   "*",     "\\",      "[",       "a[",
                         "A",     "ABC",    "aXbYc",  "a/b", "a.b/c", "a\\",     "x.",      " ",
                         "9",     "a/x/c",  "abcabc", "/",   "dir/",  "dir/file"};
  for (const char* p : patterns) {
    for (const char* n : names) {
      for (int flags : kFlagSets) compare(p, n, flags);
    }
  }
}

TEST_CASE("random patterns and names") {
  auto gen = mos::test::make_bitgen(30);
  const char* pattern_parts[] = {"a",     "b",   ".",   "/",           "*",  "?",   "[ab]", "[!a]",
                                 "[a-c]", "\\*", "\\a", "[[:alpha:]]", "**", "[/]", "A"};
  const char* name_chars = "ab./cA*";
  for (int round = 0; round < 20000; ++round) {
    std::string pattern;
    int parts = absl::Uniform(gen, 0, 7);
    for (int i = 0; i < parts; ++i) pattern += pattern_parts[absl::Uniform(gen, 0, 15)];
    std::string name;
    int len = absl::Uniform(gen, 0, 9);
    for (int i = 0; i < len; ++i) name += name_chars[absl::Uniform(gen, 0, 7)];
    compare(pattern, name, kFlagSets[absl::Uniform(gen, 0, 8)]);
  }
}

TEST_CASE("many stars do not take exponential time") {
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "*a";
  pattern += "b";
  std::string name(200, 'a');
  CHECK(libc::fnmatch(pattern.c_str(), name.c_str(), 0) == libc::kFnmNoMatch);
  CHECK(libc::fnmatch(pattern.c_str(), (name + "b").c_str(), 0) == 0);
}
