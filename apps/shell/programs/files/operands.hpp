#pragma once
/// The operand loops that several file programs share: `SOURCE... TARGET` (cp, mv) and
/// `[FILE...]` with `==> NAME <==` headers (head, tail). Each program passes what it does with
/// one operand as a function and a context pointer.

namespace mos::programs::files {

/// What cp or mv does with one source: copy or move it to destination. Returns 0 or 1.
using SourceAction = int (*)(const char* source, const char* destination, void* context);

/// Runs `PROGRAM SOURCE... TARGET` with the operands argv[first..argc): reports a missing
/// operand (exit 2) and several sources with a TARGET that is not a directory (exit 1), then
/// applies action to each source with TARGET, or with TARGET/NAME when TARGET is a directory.
/// Returns the exit status.
int for_each_source(const char* program, int argc, char** argv, int first, SourceAction action,
                    void* context);

/// Whether for_each_input prints a `==> NAME <==` line before each input.
enum class InputHeaders { Omit, Print };

/// What head or tail does with one open input; `shown` names it in messages ("standard input"
/// for "-"). Returns 0 or 1.
using InputAction = int (*)(int fd, const char* shown, void* context);

/// Opens each file operand argv[first..argc) (none: standard input; "-" is standard input),
/// prints its header when asked, and applies action. A file that cannot be opened is reported
/// and skipped. Returns the exit status: 1 when any input failed.
int for_each_input(const char* program, int argc, char** argv, int first, InputHeaders headers,
                   InputAction action, void* context);

}  // namespace mos::programs::files
