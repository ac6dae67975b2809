#pragma once
/// Word expansion (POSIX XCU 2.6): tilde, parameters, command substitution, arithmetic, field
/// splitting, pathname expansion and quote removal, on the raw words the parser keeps.

#include "buffer.hpp"
#include "shell.hpp"

namespace mos::sh {

/// Expands `word` into fields (split by IFS, globbed unless `set -f`) appended to `out`. Returns
/// false after an expansion error (already reported).
bool expand_fields(Shell& sh, const char* word, Vec<char*>& out);
/// Expands `word` to one string without splitting or globbing (assignment values with
/// `assignment` true, which also expands `~` after ':'; redirection targets; case subjects).
bool expand_string(Shell& sh, const char* word, StrBuf& out, bool assignment = false);
/// Expands `word` to an fnmatch(3) pattern: quoted characters are escaped with '\'.
bool expand_pattern(Shell& sh, const char* word, StrBuf& out);
/// Expands an unquoted here-document body: $, ` and \ only.
bool expand_heredoc(Shell& sh, const char* body, StrBuf& out);

/// Evaluates the arithmetic expression `expr` (already expanded). False on error (reported).
bool arith_eval(Shell& sh, const char* expr, long* result);

/// Pathname expansion of `pattern` (fnmatch syntax): appends the sorted matches to `out` and
/// returns their count (0: no match, nothing appended).
size_t glob_expand(const char* pattern, Vec<char*>& out);

/// Runs `text` as a command substitution and appends its output, trailing newlines removed.
/// Sets sh.subst_status. (Implemented by the executor.)
bool command_subst(Shell& sh, const char* text, StrBuf& out);

/// Removes a shortest/longest prefix or suffix matching `pattern` from `value`, per the
/// ${x#p} ${x##p} ${x%p} ${x%%p} operators; op is one of "#", "##", "%", "%%".
void trim_pattern(const char* value, const char* pattern, const char* op, StrBuf& out);

}  // namespace mos::sh
