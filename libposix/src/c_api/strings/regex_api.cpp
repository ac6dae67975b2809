// <regex.h> and <fnmatch.h>: the C names over mos::posix::libc.
#include <fnmatch.h>
#include <regex.h>

#include <posix/libc/fnmatch.hpp>
#include <posix/libc/regex.hpp>

namespace libc = mos::posix::libc;

static_assert(sizeof(regmatch_t) == sizeof(libc::RegexMatch));
static_assert(REG_ESPACE == libc::kRegESpace && REG_STARTEND == libc::kRegStartEnd);
static_assert(FNM_PERIOD == libc::kFnmPeriod && FNM_NOMATCH == libc::kFnmNoMatch);

extern "C" {

int regcomp(regex_t* regex, const char* pattern, int cflags) {
  libc::RegexProgram* program = nullptr;
  size_t groups = 0;
  int status = libc::regcomp(program, groups, pattern, cflags);
  regex->__mos_program = program;
  regex->re_nsub = groups;
  return status;
}

int regexec(const regex_t* regex, const char* subject, size_t count, regmatch_t* match,
            int eflags) {
  // regmatch_t and RegexMatch have the same layout (two longs), checked above.
  return libc::regexec(static_cast<const libc::RegexProgram*>(regex->__mos_program), subject, count,
                       reinterpret_cast<libc::RegexMatch*>(match), eflags);
}

size_t regerror(int code, const regex_t*, char* buffer, size_t size) {
  return libc::regerror(code, buffer, size);
}

void regfree(regex_t* regex) {
  libc::regfree(static_cast<libc::RegexProgram*>(regex->__mos_program));
  regex->__mos_program = nullptr;
}

int fnmatch(const char* pattern, const char* string, int flags) {
  return libc::fnmatch(pattern, string, flags);
}

}  // extern "C"
