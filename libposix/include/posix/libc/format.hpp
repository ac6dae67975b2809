#pragma once
/// The printf engine: C17's conversions, flags, widths, precisions and length modifiers, plus
/// POSIX's positional arguments (%1$d), writing to an OutputSink. Floating-point conversions are
/// exact, as glibc's are: the binary value is expanded in full with big integers (musl's fmt_fp
/// method) and rounded to nearest, ties to even. `long double` arguments (L) are read as long
/// double and formatted as the nearest double. %lc and %ls convert ASCII code points only (the C
/// locale); another wide character is an encoding error (EILSEQ). glibc's %m is not supported
/// (layer 1 has no errno); an unknown conversion is printed as written, as glibc does.

#include <k/output_sink.hpp>
#include <k/result.hpp>

#include <cstdarg>
#include <cstddef>

namespace mos::posix::libc {

/// Formats `format` with the arguments in `args` into `sink`. Returns the number of characters
/// written, or InvalidArgument for a malformed positional specification, Overflow when the count
/// exceeds INT_MAX, IllegalSequence for a wide character that is not ASCII. `args` is consumed as
/// by vprintf (the caller va_copy's it if it needs it again).
Result<int> format(OutputSink& sink, const char* format, va_list args) noexcept;

/// vsnprintf: writes at most `size` - 1 characters and a NUL into `buffer` (nothing when `size`
/// is 0) and returns how many characters the whole output has, or an error as format() does.
Result<int> format_to_buffer(char* buffer, std::size_t size, const char* format,
                             va_list args) noexcept;

}  // namespace mos::posix::libc
