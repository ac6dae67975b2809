// <ctype.h>: the C names over mos::posix::libc's C-locale classifiers.
#include <ctype.h>

#include <posix/libc/ctype.hpp>

namespace libc = mos::posix::libc;

extern "C" {

int isalnum(int c) {
  return libc::is_alnum(c);
}
int isalpha(int c) {
  return libc::is_alpha(c);
}
int isblank(int c) {
  return libc::is_blank(c);
}
int iscntrl(int c) {
  return libc::is_cntrl(c);
}
int isdigit(int c) {
  return libc::is_digit(c);
}
int isgraph(int c) {
  return libc::is_graph(c);
}
int islower(int c) {
  return libc::is_lower(c);
}
int isprint(int c) {
  return libc::is_print(c);
}
int ispunct(int c) {
  return libc::is_punct(c);
}
int isspace(int c) {
  return libc::is_space(c);
}
int isupper(int c) {
  return libc::is_upper(c);
}
int isxdigit(int c) {
  return libc::is_xdigit(c);
}
int isascii(int c) {
  return libc::is_ascii(c);
}
int tolower(int c) {
  return libc::to_lower(c);
}
int toupper(int c) {
  return libc::to_upper(c);
}

}  // extern "C"
