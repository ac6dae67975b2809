// The [:name:] lookup shared by regex and fnmatch.
#include <posix/libc/ctype.hpp>

#include <k/string.hpp>

namespace mos::posix::libc {

bool char_class_from_name(const char* name, unsigned long length, CharClass& out) noexcept {
  struct Entry {
    const char* name;
    CharClass cls;
  };
  static constexpr Entry kClasses[] = {
      {"alnum", CharClass::Alnum}, {"alpha", CharClass::Alpha}, {"blank", CharClass::Blank},
      {"cntrl", CharClass::Cntrl}, {"digit", CharClass::Digit}, {"graph", CharClass::Graph},
      {"lower", CharClass::Lower}, {"print", CharClass::Print}, {"punct", CharClass::Punct},
      {"space", CharClass::Space}, {"upper", CharClass::Upper}, {"xdigit", CharClass::Xdigit},
  };
  for (const Entry& e : kClasses) {
    if (string_length(e.name) == length && memory_compare(e.name, name, length) == 0) {
      out = e.cls;
      return true;
    }
  }
  return false;
}

}  // namespace mos::posix::libc
