#pragma once
/// POSIX regular expressions (regcomp/regexec): basic (BRE) and extended (ERE) syntax with GNU's
/// common extensions (\| \+ \? in BREs, \w \W \s \S \b \B \< \> \` \'), bracket expressions with
/// ranges, negation and [:classes:], and back-references. Matching is leftmost-longest for the
/// whole match. Patterns without back-references run on a Pike VM (a Thompson NFA with capture
/// slots): time O(pattern * subject), never exponential; submatches follow the NFA's priority
/// (greedy, first alternative first), which agrees with POSIX's rules in ordinary cases. Patterns
/// with back-references use a backtracking matcher bounded by kRegexBacktrackLimit steps, past
/// which regexec reports kRegESpace instead of running on. Flags and codes have glibc's values.

#include <cstddef>

namespace mos::posix::libc {

/// regcomp flags.
inline constexpr int kRegExtended = 1;  ///< extended syntax (ERE)
inline constexpr int kRegICase = 2;     ///< ignore case
inline constexpr int kRegNewline = 4;   ///< '\n' ends lines: . and [^...] skip it, ^ $ match at it
inline constexpr int kRegNoSub = 8;     ///< report only whether there is a match

/// regexec flags.
inline constexpr int kRegNotBol = 1;    ///< the subject does not start a line (^ fails there)
inline constexpr int kRegNotEol = 2;    ///< the subject does not end a line ($ fails there)
inline constexpr int kRegStartEnd = 4;  ///< match[0] gives the subject's range (GNU, BSD)

/// regcomp/regexec results (glibc's numbering).
enum RegexStatus : int {
  kRegOk = 0,
  kRegNoMatch = 1,   ///< regexec found no match
  kRegBadPat = 2,    ///< invalid pattern
  kRegECollate = 3,  ///< invalid collating element
  kRegECtype = 4,    ///< unknown character class name
  kRegEEscape = 5,   ///< trailing backslash
  kRegESubReg = 6,   ///< back-reference to a group that does not exist (yet)
  kRegEBrack = 7,    ///< unmatched [
  kRegEParen = 8,    ///< unmatched ( or )
  kRegEBrace = 9,    ///< unmatched {
  kRegBadBr = 10,    ///< invalid contents of {}
  kRegERange = 11,   ///< invalid range end
  kRegESpace = 12,   ///< out of memory, or the back-tracking budget is spent
  kRegBadRpt = 13,   ///< repetition operator with nothing to repeat
  kRegEEnd = 14,     ///< premature end (glibc's numbering; not returned)
  kRegESize = 15,    ///< a repetition count above RE_DUP_MAX (32767)
};

/// The backtracking matcher's budget per regexec call (patterns with back-references only).
inline constexpr long kRegexBacktrackLimit = 20'000'000;

/// A match or submatch: byte offsets [rm_so, rm_eo), both -1 when the group did not take part.
struct RegexMatch {
  long rm_so;
  long rm_eo;
};

/// A compiled pattern (opaque; owned by the caller through regcomp/regfree).
struct RegexProgram;

/// Compiles `pattern` under `cflags`. On kRegOk, `out` owns a program (release it with regfree)
/// and `groups` is the number of parenthesised subexpressions; otherwise `out` is null.
int regcomp(RegexProgram*& out, std::size_t& groups, const char* pattern, int cflags) noexcept;
/// Searches `subject` (NUL-terminated, or the range match[0] with kRegStartEnd). On kRegOk fills
/// `match[0..count)` (unless compiled with kRegNoSub); kRegNoMatch otherwise.
int regexec(const RegexProgram* program, const char* subject, std::size_t count, RegexMatch* match,
            int eflags) noexcept;
/// Frees a compiled program (null is ignored).
void regfree(RegexProgram* program) noexcept;
/// The message for `status` copied into `buffer` (`size` bytes, truncated and NUL-terminated);
/// returns the size the whole message needs, NUL included.
std::size_t regerror(int status, char* buffer, std::size_t size) noexcept;

}  // namespace mos::posix::libc
