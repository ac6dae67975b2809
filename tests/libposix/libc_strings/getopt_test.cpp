// getopt against glibc's (in POSIX mode: a '+' optstring, so no permutation).
#include <doctest/doctest.h>

#include <posix/libc/getopt.hpp>

#include <unistd.h>

#include <string>
#include <vector>

namespace libc = mos::posix::libc;

namespace {

struct Step {
  int result;
  std::string optarg;  // "(null)" when null
  int optind;
  int optopt;
};

std::vector<char*> make_argv(std::vector<std::string>& storage) {
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return argv;
}

std::vector<Step> run_glibc(std::vector<std::string> args, const std::string& optstring) {
  auto argv = make_argv(args);
  std::vector<Step> steps;
  optind = 0;  // glibc: full reinitialisation
  opterr = 0;
  std::string posix_optstring = "+" + optstring;
  for (;;) {
    int r = ::getopt(static_cast<int>(args.size()), argv.data(), posix_optstring.c_str());
    steps.push_back({r, optarg ? optarg : "(null)", optind, r == '?' || r == ':' ? optopt : 0});
    if (r == -1) break;
  }
  return steps;
}

std::vector<Step> run_ours(std::vector<std::string> args, const std::string& optstring,
                           std::vector<std::string>* messages = nullptr) {
  auto argv = make_argv(args);
  std::vector<Step> steps;
  libc::GetoptState state;
  state.report_errors = messages != nullptr ? 1 : 0;
  auto collect = [](void* context, const char* message) {
    static_cast<std::vector<std::string>*>(context)->push_back(message);
  };
  for (;;) {
    int r = libc::getopt(state, static_cast<int>(args.size()), argv.data(), optstring.c_str(),
                         collect, messages);
    steps.push_back({r, state.argument ? state.argument : "(null)", state.index,
                     r == '?' || r == ':' ? state.option : 0});
    if (r == -1) break;
  }
  return steps;
}

}  // namespace

TEST_CASE("getopt follows glibc's POSIX behaviour") {
  struct Case {
    std::vector<std::string> args;
    std::string optstring;
  };
  std::vector<Case> cases = {
      {{"prog"}, "ab"},
      {{"prog", "-a", "-b"}, "ab"},
      {{"prog", "-ab", "file"}, "ab"},
      {{"prog", "-a", "file", "-b"}, "ab"},  // no permutation: stops at "file"
      {{"prog", "-o", "out", "-v"}, "o:v"},
      {{"prog", "-oout", "-v"}, "o:v"},
      {{"prog", "-vofile"}, "o:v"},
      {{"prog", "-o"}, "o:v"},
      {{"prog", "-o"}, ":o:v"},
      {{"prog", "-x", "-v"}, "o:v"},
      {{"prog", "-x", "-v"}, ":o:v"},
      {{"prog", "--", "-v"}, "v"},
      {{"prog", "-", "-v"}, "v"},
      {{"prog", "-v", "--"}, "v"},
      {{"prog", "-vx"}, "v"},
      {{"prog", "-:"}, "v:"},
      {{"prog", "-o", "--"}, "o:"},
      {{"prog", "-cfoo", "-c", "bar"}, "c::"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.optstring);
    CAPTURE(c.args.size());
    auto theirs = run_glibc(c.args, c.optstring);
    auto ours = run_ours(c.args, c.optstring);
    REQUIRE(ours.size() == theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
      CAPTURE(i);
      CHECK(ours[i].result == theirs[i].result);
      CHECK(ours[i].optarg == theirs[i].optarg);
      CHECK(ours[i].optind == theirs[i].optind);
      CHECK(ours[i].optopt == theirs[i].optopt);
    }
  }
}

TEST_CASE("getopt's diagnostics use glibc's wording and respect ':' and opterr") {
  std::vector<std::string> messages;
  run_ours({"prog", "-x", "-o"}, "o:", &messages);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] == "prog: invalid option -- 'x'");
  CHECK(messages[1] == "prog: option requires an argument -- 'o'");
  messages.clear();
  run_ours({"prog", "-x", "-o"}, ":o:", &messages);
  CHECK(messages.empty());
}

TEST_CASE("optind = 0 restarts scanning") {
  std::vector<std::string> args = {"prog", "-ab"};
  auto argv = make_argv(args);
  libc::GetoptState state;
  CHECK(libc::getopt(state, 2, argv.data(), "ab") == 'a');
  state.index = 0;
  CHECK(libc::getopt(state, 2, argv.data(), "ab") == 'a');
  CHECK(libc::getopt(state, 2, argv.data(), "ab") == 'b');
  CHECK(libc::getopt(state, 2, argv.data(), "ab") == -1);
}
