// Unit tests of the shell's parser, expansions and arithmetic (apps/shell/sh).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <new>
#include <string_view>

#include "ast.hpp"
#include "expand.hpp"
#include "input.hpp"
#include "parser.hpp"
#include "shell.hpp"

namespace mos::sh {
namespace {

// Parses every command of `text` and prints them back, one per line.
struct ParseResult {
  bool ok = true;
  StrBuf printed;
  StrBuf error;
};

ParseResult parse(const char* text) {
  ParseResult r;
  Input in;
  in.push_string(text, nullptr);
  Parser p(in, nullptr, nullptr);
  for (;;) {
    Node* n = nullptr;
    const Parser::Status st = p.parse_command(&n);
    if (st == Parser::Status::Eof) break;
    if (st == Parser::Status::Error) {
      r.ok = false;
      r.error.append(p.error());
      break;
    }
    if (n) {
      format_node(n, r.printed);
      r.printed.push('\n');
      // A deep copy prints the same.
      Node* c = copy_node(n);
      StrBuf again;
      format_node(c, again);
      StrBuf first;
      format_node(n, first);
      CHECK(strcmp(again.c_str(), first.c_str()) == 0);
      free_node(c);
      free_node(n);
    }
  }
  return r;
}

std::string_view printed(const ParseResult& r) {
  return {r.printed.c_str(), r.printed.size()};
}

TEST_CASE("parser: commands print back as canonical source") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"echo a  b", "echo a b\n"},
      {"a=1 b=2 cmd x >out 2>&1 <in", "a=1 b=2 cmd x >out 2>&1 <in\n"},
      {"a | b | c", "a | b | c\n"},
      {"! a | b", "! a | b\n"},
      {"a && b || c", "a && b || c\n"},
      {"a & b; c", "a & b; c\n"},
      {"(a; b) >f", "(a; b) >f\n"},
      {"{ a; b; }", "{ a; b; }\n"},
      {"if a; then b; elif c; then d; else e; fi",
       "if a; then b; else if c; then d; else e; fi; fi\n"},
      {"while a; do b; done", "while a; do b; done\n"},
      {"until a\ndo\nb\ndone", "until a; do b; done\n"},
      {"for x in 1 2; do echo $x; done", "for x in 1 2; do echo $x; done\n"},
      {"for x; do :; done", "for x; do :; done\n"},
      {"case $x in a|b) one;; (c) two;; esac", "case $x in a|b) one ;; c) two ;; esac\n"},
      {"f() { echo hi; }", "f() { echo hi; }\n"},
      {"echo 'a b' \"c $d\" e\\ f", "echo 'a b' \"c $d\" e\\ f\n"},
      {"echo $(echo \"a)b\") ${x:-'}'} $((1+(2)))", "echo $(echo \"a)b\") ${x:-'}'} $((1+(2)))\n"},
      {"echo $(case a in a) echo x;; esac)", "echo $(case a in a) echo x;; esac)\n"},
      {"a # comment\nb", "a\nb\n"},
      {"echo a\\\nb", "echo ab\n"},
      {"a |\n b", "a | b\n"},
      {"echo if then", "echo if then\n"},
      {"2>&- 3<>f cmd", "cmd 2>&- 3<>f\n"},
      // A command of redirections only, after other text (job listings print pipelines).
      {">f", ">f\n"},
      {"a | >f", "a | >f\n"},
      {"a && 2>f <in", "a && 2>f <in\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const ParseResult r = parse(c.in);
    CHECK(r.ok);
    CHECK(printed(r) == c.out);
  }
}

TEST_CASE("parser: here-documents") {
  Input in;
  in.push_string("cat <<EOF <<-'X'\nline $a\nEOF\n\tquoted $b\n\tX\nnext\n", nullptr);
  Parser p(in, nullptr, nullptr);
  Node* n = nullptr;
  REQUIRE(p.parse_command(&n) == Parser::Status::Ok);
  REQUIRE(n != nullptr);
  REQUIRE(n->redirs.size() == 2);
  CHECK(std::string_view(n->redirs[0].here_body) == "line $a\n");
  CHECK_FALSE(n->redirs[0].here_quoted);
  CHECK(std::string_view(n->redirs[1].here_body) == "quoted $b\n");
  CHECK(n->redirs[1].here_quoted);
  free_node(n);
  REQUIRE(p.parse_command(&n) == Parser::Status::Ok);
  REQUIRE(n != nullptr);
  CHECK(std::string_view(n->words[0]) == "next");
  free_node(n);
}

TEST_CASE("parser: syntax errors are reported, not crashes") {
  const char* bad[] = {
      "if then fi",    "a |",         "(a",          "a )", "case x in", "for 1 in x; do :; done",
      "echo 'open",    "echo \"open", "echo $(open", "{ a", "a && ",     "f() echo",
      "while a; done", ";;",          "echo ${x"};
  for (const char* b : bad) {
    CAPTURE(b);
    const ParseResult r = parse(b);
    CHECK_FALSE(r.ok);
    CHECK(strncmp(r.error.c_str(), "syntax error", 12) == 0);
  }
}

TEST_CASE("parser: nesting is capped") {
  StrBuf deep;
  for (int i = 0; i < 200; ++i) deep.append("( ");
  deep.append("a");
  for (int i = 0; i < 200; ++i) deep.append(" )");
  const ParseResult r = parse(deep.c_str());
  CHECK_FALSE(r.ok);
  StrBuf ok;
  for (int i = 0; i < 50; ++i) ok.append("{ ");
  ok.append("a;");
  for (int i = 0; i < 50; ++i) ok.append(" }");
  CHECK(parse(ok.c_str()).ok);
}

// A shell for expansion tests, with a few variables.
struct TestShell {
  Shell* sh;
  TestShell() {
    sh = new (must_alloc(sizeof(Shell))) Shell();
    char env0[] = "HOME=/home/me";
    char env1[] = "PATH=/usr/bin:/bin";
    char* envp[] = {env0, env1, nullptr};
    init_shell(*sh, envp);
    set_var(*sh, "x", "hello");
    set_var(*sh, "sp", " a  b ");
    set_var(*sh, "empty", "");
    sh->params.push(dup_str("p 1"));
    sh->params.push(dup_str(""));
    sh->params.push(dup_str("p3"));
  }
  ~TestShell() {
    destroy_shell(*sh);
    sh->~Shell();
    free(sh);
  }
  // Fields of `word`, joined as [a][b].
  StrBuf fields(const char* word) {
    Vec<char*> out;
    StrBuf joined;
    if (!expand_fields(*sh, word, out)) joined.append("ERROR");
    for (char* f : out) {
      joined.push('[');
      joined.append(f);
      joined.push(']');
    }
    free_strings(out);
    return joined;
  }
};

TEST_CASE("expansion: fields, quoting and $@") {
  TestShell t;
  struct Case {
    const char* word;
    const char* fields;
  };
  const Case cases[] = {
      {"$x", "[hello]"},
      {"'$x'", "[$x]"},
      {"\"$x\"", "[hello]"},
      {"\\$x", "[$x]"},
      {"$sp", "[a][b]"},
      {"\"$sp\"", "[ a  b ]"},
      {"$empty", ""},
      {"\"$empty\"", "[]"},
      {"''", "[]"},
      {"a\"\"b", "[ab]"},
      {"\"$@\"", "[p 1][][p3]"},
      {"$@", "[p][1][p3]"},
      {"\"$*\"", "[p 1  p3]"},
      {"\"x$@y\"", "[xp 1][][p3y]"},
      {"$#", "[3]"},
      {"${#x}", "[5]"},
      {"${x%l*}", "[hel]"},
      {"${x%%l*}", "[he]"},
      {"${x#*l}", "[lo]"},
      {"${x##*l}", "[o]"},
      {"${nope:-a b}", "[a][b]"},
      {"\"${nope:-a b}\"", "[a b]"},
      {"${x:+set}", "[set]"},
      {"${nope+set}", ""},
      {"~", "[/home/me]"},
      {"~/d", "[/home/me/d]"},
      {"\"~\"", "[~]"},
      {"$((1 + 2 * 3))", "[7]"},
      {"$(echo a b)", "[a][b]"},
      {"\"$(echo a b)\"", "[a b]"},
      {"`echo q`", "[q]"},
      {"$", "[$]"},
      {"a$", "[a$]"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.word);
    CHECK(std::string_view(t.fields(c.word).c_str()) == c.fields);
  }
}

TEST_CASE("expansion: assignment ${x:=w} and errors") {
  TestShell t;
  CHECK(std::string_view(t.fields("${newvar:=val}").c_str()) == "[val]");
  CHECK(std::string_view(get_var(*t.sh, "newvar")) == "val");
  // ${x:?} fails (a non-interactive shell then exits).
  int saved = dup(2);
  int null_fd = open("/dev/null", 1);
  dup2(null_fd, 2);
  Vec<char*> out;
  CHECK_FALSE(expand_fields(*t.sh, "${nope:?msg}", out));
  t.sh->opts.nounset = true;
  CHECK_FALSE(expand_fields(*t.sh, "$nope", out));
  CHECK(expand_fields(*t.sh, "\"$@\"", out));
  dup2(saved, 2);
  close(saved);
  close(null_fd);
  free_strings(out);
}

TEST_CASE("expansion: IFS splitting rules") {
  TestShell t;
  set_var(*t.sh, "IFS", ":");
  set_var(*t.sh, "v", "a::b:");
  CHECK(std::string_view(t.fields("$v").c_str()) == "[a][][b]");
  set_var(*t.sh, "IFS", " :");
  set_var(*t.sh, "v", " : a : b ");
  CHECK(std::string_view(t.fields("$v").c_str()) == "[][a][b]");
  set_var(*t.sh, "IFS", "");
  set_var(*t.sh, "v", "a b");
  CHECK(std::string_view(t.fields("$v").c_str()) == "[a b]");
}

TEST_CASE("expansion: patterns and trimming") {
  TestShell t;
  StrBuf pat;
  REQUIRE(expand_pattern(*t.sh, "a\\*'?'\"[\"*", pat));
  CHECK(std::string_view(pat.c_str()) == "a\\*\\?\\[*");
  StrBuf out;
  trim_pattern("/a/b/c", "*/", "##", out);
  CHECK(std::string_view(out.c_str()) == "c");
  out.clear();
  trim_pattern("file.tar.gz", ".*", "%", out);
  CHECK(std::string_view(out.c_str()) == "file.tar");
  out.clear();
  trim_pattern("abc", "x", "#", out);
  CHECK(std::string_view(out.c_str()) == "abc");
}

TEST_CASE("arithmetic: operators, precedence, assignment, errors") {
  TestShell t;
  struct Case {
    const char* expr;
    long value;
  };
  const Case cases[] = {
      {"1 + 2 * 3", 7},
      {"(1 + 2) * 3", 9},
      {"7 / 2", 3},
      {"-7 / 2", -3},
      {"7 % 3", 1},
      {"1 << 4", 16},
      {"-16 >> 2", -4},
      {"5 & 3", 1},
      {"5 | 3", 7},
      {"5 ^ 3", 6},
      {"!0", 1},
      {"!5", 0},
      {"~0", -1},
      {"2 < 3", 1},
      {"3 <= 2", 0},
      {"3 > 2", 1},
      {"2 >= 3", 0},
      {"2 == 2", 1},
      {"2 != 2", 0},
      {"1 && 0", 0},
      {"0 || 3", 1},
      {"1 ? 10 : 20", 10},
      {"0 ? 10 : 20", 20},
      {"0x10 + 010", 24},
      {"- - 3", 3},
      {"1 - 2 - 3", -4},
      {"2 * 3 % 4", 2},
      {"", 0},
      {"9223372036854775807 + 1", -9223372036854775807L - 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    long v = 99;
    REQUIRE(arith_eval(*t.sh, c.expr, &v));
    CHECK(v == c.value);
  }
  long v = 0;
  REQUIRE(arith_eval(*t.sh, "n = 5", &v));
  CHECK(std::string_view(get_var(*t.sh, "n")) == "5");
  REQUIRE(arith_eval(*t.sh, "n += 2", &v));
  CHECK(v == 7);
  REQUIRE(arith_eval(*t.sh, "n <<= 1", &v));
  CHECK(v == 14);
  REQUIRE(arith_eval(*t.sh, "0 && (m = 1)", &v));
  CHECK(get_var(*t.sh, "m") == nullptr);
  REQUIRE(arith_eval(*t.sh, "unset_name + 1", &v));
  CHECK(v == 1);
  int saved = dup(2);
  int null_fd = open("/dev/null", 1);
  dup2(null_fd, 2);
  CHECK_FALSE(arith_eval(*t.sh, "n = 5, 0", &v));  // No comma operator.
  CHECK_FALSE(arith_eval(*t.sh, "1 / 0", &v));
  CHECK_FALSE(arith_eval(*t.sh, "1 +", &v));
  CHECK_FALSE(arith_eval(*t.sh, "(1", &v));
  set_var(*t.sh, "bad", "abc");
  CHECK_FALSE(arith_eval(*t.sh, "bad + 1", &v));
  StrBuf deep;
  for (int i = 0; i < 500; ++i) deep.push('(');
  CHECK_FALSE(arith_eval(*t.sh, deep.c_str(), &v));
  dup2(saved, 2);
  close(saved);
  close(null_fd);
}

TEST_CASE("variables: clone is deep and independent") {
  TestShell t;
  Shell* c = clone_shell(*t.sh);
  set_var(*c, "x", "changed");
  CHECK(std::string_view(get_var(*t.sh, "x")) == "hello");
  CHECK(c->params.size() == 3);
  CHECK(c->is_subshell);
  destroy_shell(*c);
  c->~Shell();
  free(c);
}

}  // namespace
}  // namespace mos::sh
