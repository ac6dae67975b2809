#pragma once
/// The scanf engine: C17's conversions (%d %i %u %o %x %X %c %s %[...] %n %p %a %e %f %g and
/// capitals, %%), field widths, '*' assignment suppression and the length modifiers hh h l ll j
/// z t L (L stores a long double, converted from the double the text rounds to). Numbers parse
/// as strtol/strtoul/strtod do (out-of-range integers saturate to the long range and are then
/// narrowed, as glibc does). Input comes from a ScanSource that can push back one character, so,
/// as C describes, text like "1e+" is consumed and fails to match.

#include <cstdarg>

namespace mos::posix::libc {

/// Where scanf reads from.
class ScanSource {
 public:
  /// The next character as unsigned char, or -1 at end of input (or on an error).
  virtual int get() noexcept = 0;
  /// Gives back the character get() just returned (never -1).
  virtual void unget(int c) noexcept = 0;

 protected:
  ~ScanSource() = default;
};

/// vfscanf over `source`: the number of assigned conversions, or -1 when input ended (or failed)
/// before the first conversion.
int scan(ScanSource& source, const char* format, va_list args) noexcept;

/// vsscanf over the NUL-terminated `input`.
int scan_string(const char* input, const char* format, va_list args) noexcept;

}  // namespace mos::posix::libc
