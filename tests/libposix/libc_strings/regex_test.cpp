// regcomp/regexec against glibc's: compile status, whether there is a match, and the offsets of
// the whole match, on a table of patterns and subjects and on random ones. Submatch offsets are
// compared on patterns where POSIX's subexpression rules and NFA priority agree (see regex.hpp).
#include <doctest/doctest.h>

#include <posix/libc/regex.hpp>

#include <regex.h>

#include <chrono>
#include <string>
#include <vector>

#include "random.hpp"

namespace libc = mos::posix::libc;

namespace {

enum class Submatches { Compare, Ignore };

struct Compiled {
  regex_t theirs{};
  libc::RegexProgram* ours = nullptr;
  int their_status = 0;
  int our_status = 0;
  std::size_t our_groups = 0;
  ~Compiled() {
    if (their_status == 0) regfree(&theirs);
    libc::regfree(ours);
  }
};

// Compiles with both; checks that both accept or both reject (and with which code).
bool compile_both(Compiled& c, const std::string& pattern, int cflags) {
  c.their_status = ::regcomp(&c.theirs, pattern.c_str(), cflags);
  c.our_status = libc::regcomp(c.ours, c.our_groups, pattern.c_str(), cflags);
  CHECK(c.our_status == c.their_status);
  if (c.our_status != 0 || c.their_status != 0) return false;
  CHECK(c.our_groups == c.theirs.re_nsub);
  return true;
}

void compare_exec(Compiled& c, const std::string& subject, int eflags, Submatches sub) {
  CAPTURE(subject);
  CAPTURE(eflags);
  constexpr std::size_t kSlots = 10;
  regmatch_t theirs[kSlots];
  libc::RegexMatch ours[kSlots];
  int their_result = ::regexec(&c.theirs, subject.c_str(), kSlots, theirs, eflags);
  int our_result = libc::regexec(c.ours, subject.c_str(), kSlots, ours, eflags);
  REQUIRE(our_result == (their_result == 0 ? libc::kRegOk : libc::kRegNoMatch));
  if (our_result != 0) return;
  CHECK(ours[0].rm_so == theirs[0].rm_so);
  CHECK(ours[0].rm_eo == theirs[0].rm_eo);
  if (sub == Submatches::Ignore) return;
  for (std::size_t i = 1; i <= c.our_groups && i < kSlots; ++i) {
    CAPTURE(i);
    CHECK(ours[i].rm_so == theirs[i].rm_so);
    CHECK(ours[i].rm_eo == theirs[i].rm_eo);
  }
}

void compare(const std::string& pattern, int cflags, const std::vector<std::string>& subjects,
             Submatches sub = Submatches::Compare) {
  CAPTURE(pattern);
  CAPTURE(cflags);
  Compiled c;
  if (!compile_both(c, pattern, cflags)) return;
  for (const std::string& s : subjects) {
    for (int eflags : {0, REG_NOTBOL, REG_NOTEOL}) compare_exec(c, s, eflags, sub);
  }
}

const std::vector<std::string> kSubjects = {
    "",
    "a",
    "b",
    "ab",
    "abc",
    "aaa",
    "abab",
    "xabcx",
    "aab",
    "abb",
    "ba",
    "cab",
    "hello world",
    "foo.bar",
    "a\nb",
    "line1\nline2\n",
    "AbC",
    "x+y",
    "a{2}",
    "(a)",
    "a|b",
    "123-456",
    "tab\there",
    "under_score word",
    "aaaaaaaaaaaaaaaaaaaa",
    "abcabcabc",
    "$^",
    "a.b.c",
    "[x]",
    "\\",
    "mississippi",
    "the cat sat",
    "ab\nab",
    "xyz",
};

}  // namespace

TEST_CASE("codes and flags have glibc's values") {
  CHECK(libc::kRegExtended == REG_EXTENDED);
  CHECK(libc::kRegICase == REG_ICASE);
  CHECK(libc::kRegNewline == REG_NEWLINE);
  CHECK(libc::kRegNoSub == REG_NOSUB);
  CHECK(libc::kRegNotBol == REG_NOTBOL);
  CHECK(libc::kRegNotEol == REG_NOTEOL);
  CHECK(libc::kRegStartEnd == REG_STARTEND);
  CHECK(libc::kRegNoMatch == REG_NOMATCH);
  CHECK(libc::kRegBadRpt == REG_BADRPT);
  CHECK(libc::kRegESpace == REG_ESPACE);
}

TEST_CASE("extended syntax: a table against glibc") {
  const char* patterns[] = {
      "a",
      "abc",
      "a*",
      "a+",
      "a?",
      "a{2}",
      "a{1,2}",
      "a{2,}",
      "a{,2}",
      "(a)",
      "(a|b)",
      "a|b|c",
      "(ab)+",
      "(a*)(b*)",
      "^a",
      "a$",
      "^$",
      "^a.*c$",
      ".",
      "..",
      "[abc]",
      "[^abc]",
      "[a-c]+",
      "[[:alpha:]]+",
      "[[:digit:]]+",
      "[[:space:]]",
      "[[:upper:]]",
      "[[:punct:]]+",
      "[]a]",
      "[^]a]",
      "[a-]",
      "x\\+y",
      "\\.",
      "a\\|b",
      "\\(a\\)",
      "(^a)",
      "(a$)",
      "a|",
      "|a",
      "()",
      "(|a)",
      "\\bworld",
      "\\Bor",
      "\\<w",
      "d\\>",
      "\\w+",
      "\\W",
      "\\s",
      "\\S+",
      "ab|abc",
      "(a|ab)(c|bcd)",
      "s+i",
      "(ss)+",
      "is+",
      "m(is)*",
      "(a.)*c",
      "x*",
      "[.]",
      "[\\]",
      "a**",
      "a+?",
      "(a)|b",
      "a{0}",
      "(){2}",
      "[[.a.]]",
      "[[=a=]]b",
      "line2$",
      "^line",
      // errors
      "*a",
      "a(",
      "a)",
      "(a",
      "[a",
      "[[:nope:]]",
      "a{2,1}",
      "a{1",
      "a{x}",
      "\\",
      "+",
      "?",
      "{1}",
      "a|*b",
      "(*a)",
      "[z-a]",
      "[[.ab.]]",
      "^*",
      "a{99999}",
      "(+a)",
      "a{,}",
  };
  for (const char* p : patterns) {
    compare(p, REG_EXTENDED, kSubjects);
    compare(p, REG_EXTENDED | REG_ICASE, kSubjects);
    compare(p, REG_EXTENDED | REG_NEWLINE, kSubjects);
    compare(p, REG_EXTENDED | REG_NOSUB, kSubjects);
  }
}

TEST_CASE("basic syntax: a table against glibc") {
  const char* patterns[] = {
      "a",
      "a*",
      "*a",
      "^*",
      "\\(*a\\)",
      "a\\{2\\}",
      "a\\{1,\\}",
      "\\(a\\)\\1",
      "\\(a*\\)\\1",
      "\\(ab\\)*",
      "^a",
      "a^",
      "a$b",
      "$a",
      "a$",
      "^$",
      "\\(^a\\)",
      "\\(a$\\)",
      "a\\|b",
      "a\\+",
      "a\\?",
      "[[:alpha:]]*",
      ".*",
      "a.c",
      "\\.",
      "x\\{0,1\\}y",
      "(a)",
      "a|b",
      "a+",
      "a{2}",
      "\\(a\\)\\(b\\)\\2\\1",
      "\\(.\\)\\1",
      "\\([a-z]*\\) \\1",
      "\\{1\\}",
      // errors
      "\\(a",
      "a\\)",
      "a\\{1",
      "a\\{1,0\\}",
      "\\1",
      "\\(a\\1\\)",
      "[",
      "\\",
  };
  for (const char* p : patterns) {
    compare(p, 0, kSubjects);
    compare(p, REG_ICASE, kSubjects);
    compare(p, REG_NEWLINE, kSubjects);
  }
}

TEST_CASE("back-references") {
  compare("(a+)b\\1", REG_EXTENDED, {"aabaa", "abaa", "aaba", "xaabaax"});
  compare("\\([a-z]*\\)-\\1", 0, {"abc-abc", "abc-ab", "x-y", "aa-aa-aa", "-"});
  compare("(.)\\1", REG_EXTENDED | REG_ICASE, {"aA", "ab", "xyzzy"});
  compare("^(.*)\\1$", REG_EXTENDED, {"abcabc", "abcab", "", "aa"});
}

TEST_CASE("REG_STARTEND searches a range and reports absolute offsets") {
  libc::RegexProgram* program = nullptr;
  std::size_t groups = 0;
  REQUIRE(libc::regcomp(program, groups, "^b+", libc::kRegExtended) == libc::kRegOk);
  const char* text = "aabbbcc";
  libc::RegexMatch m[1] = {{2, 4}};
  REQUIRE(libc::regexec(program, text, 1, m, libc::kRegStartEnd) == libc::kRegOk);
  CHECK(m[0].rm_so == 2);
  CHECK(m[0].rm_eo == 4);
  libc::regfree(program);
}

TEST_CASE("regerror has glibc's messages") {
  for (int code = 0; code <= 16; ++code) {
    char ours[128];
    char theirs[128];
    std::size_t ours_len = libc::regerror(code, ours, sizeof(ours));
    std::size_t theirs_len = ::regerror(code, nullptr, theirs, sizeof(theirs));
    CHECK(std::string(ours) == std::string(theirs));
    CHECK(ours_len == theirs_len);
  }
  char tiny[4];
  CHECK(libc::regerror(libc::kRegNoMatch, tiny, sizeof(tiny)) == 9);
  CHECK(std::string(tiny) == "No ");
}

TEST_CASE("random patterns: compile status and whole-match offsets agree with glibc") {
  auto gen = mos::test::make_bitgen(40);
  const char* ere_parts[] = {"a",    "b",    "c", ".", "*",     "+",   "?",  "|",     "(",  ")",
                             "[ab]", "[^a]", "^", "$", "{1,2}", "{2}", "a*", "(a|b)", "\\b"};
  const char* bre_parts[] = {"a",    "b", "c", ".",         "*",  "\\(", "\\)", "[ab]",
                             "[^a]", "^", "$", "\\{1,2\\}", "a*", "\\|", "\\+", "\\?"};
  for (int round = 0; round < 6000; ++round) {
    bool ere = round % 2 == 0;
    std::string pattern;
    int parts = absl::Uniform(gen, 1, 7);
    for (int i = 0; i < parts; ++i) {
      pattern += ere ? ere_parts[absl::Uniform(gen, 0, 19)] : bre_parts[absl::Uniform(gen, 0, 16)];
    }
    std::vector<std::string> subjects;
    for (int k = 0; k < 6; ++k) {
      std::string s;
      int len = absl::Uniform(gen, 0, 10);
      for (int i = 0; i < len; ++i) s += "abc "[absl::Uniform(gen, 0, 4)];
      subjects.push_back(s);
    }
    compare(pattern, ere ? REG_EXTENDED : 0, subjects, Submatches::Ignore);
  }
}

TEST_CASE("pathological patterns run in linear time") {
  // (a?){n}a{n} against a^n: exponential for backtrackers.
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a?";
  for (int i = 0; i < 30; ++i) pattern += "a";
  libc::RegexProgram* program = nullptr;
  std::size_t groups = 0;
  REQUIRE(libc::regcomp(program, groups, pattern.c_str(), libc::kRegExtended) == libc::kRegOk);
  auto start = std::chrono::steady_clock::now();
  libc::RegexMatch m[1];
  CHECK(libc::regexec(program, std::string(30, 'a').c_str(), 1, m, 0) == libc::kRegOk);
  CHECK(m[0].rm_eo == 30);
  std::string long_subject(20000, 'a');
  CHECK(libc::regexec(program, long_subject.c_str(), 1, m, 0) == libc::kRegOk);
  libc::regfree(program);
  REQUIRE(libc::regcomp(program, groups, "(x+x+)+y", libc::kRegExtended) == libc::kRegOk);
  CHECK(libc::regexec(program, std::string(5000, 'x').c_str(), 1, m, 0) == libc::kRegNoMatch);
  libc::regfree(program);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("back-reference search is bounded, not endless") {
  libc::RegexProgram* program = nullptr;
  std::size_t groups = 0;
  REQUIRE(libc::regcomp(program, groups, "^(a*)*(a*)*(a*)*\\1b", libc::kRegExtended) ==
          libc::kRegOk);
  libc::RegexMatch m[1];
  int result = libc::regexec(program, std::string(40, 'a').c_str(), 1, m, 0);
  CHECK((result == libc::kRegNoMatch || result == libc::kRegESpace));
  libc::regfree(program);
}

TEST_CASE("huge repetitions are refused with REG_ESPACE instead of exhausting memory") {
  libc::RegexProgram* program = nullptr;
  std::size_t groups = 0;
  CHECK(libc::regcomp(program, groups, "((a{1000}){1000}){1000}", libc::kRegExtended) ==
        libc::kRegESpace);
  CHECK(program == nullptr);
  std::string deep(5000, '(');
  CHECK(libc::regcomp(program, groups, deep.c_str(), libc::kRegExtended) != libc::kRegOk);
}
