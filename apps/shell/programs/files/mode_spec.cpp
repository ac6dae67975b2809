#include "mode_spec.hpp"

#include <sys/stat.h>

namespace mos::programs::files {

namespace {

constexpr mode_t kAllBits = 07777;

bool is_octal(const char* spec) {
  if (*spec == '\0') return false;
  for (const char* p = spec; *p != '\0'; ++p) {
    if (*p < '0' || *p > '7') return false;
  }
  return true;
}

/// The who mask of letters u, g, o, a (0 when there are none).
mode_t who_bit(char c) {
  switch (c) {
    case 'u':
      return S_ISUID | S_IRWXU;
    case 'g':
      return S_ISGID | S_IRWXG;
    case 'o':
      return S_ISVTX | S_IRWXO;
    case 'a':
      return kAllBits;
    default:
      return 0;
  }
}

/// The permissions one class of mode holds, copied into all three classes ("g=u").
mode_t copied_bits(char who, mode_t mode) {
  const int shift = who == 'u' ? 6 : who == 'g' ? 3 : 0;
  const mode_t rwx = (mode >> shift) & 07;
  return rwx * 0111;
}

}  // namespace

bool apply_mode_spec(const char* spec, mode_t mode, ModeTarget target, mode_t umask_bits,
                     mode_t* result) {
  if (is_octal(spec)) {
    mode_t value = 0;
    int digits = 0;
    for (const char* p = spec; *p != '\0'; ++p, ++digits) value = value * 8 + (*p - '0');
    if (digits > 4) return false;
    *result = value;
    return true;
  }
  mode &= kAllBits;
  const char* p = spec;
  for (;;) {
    mode_t who = 0;
    while (who_bit(*p) != 0) who |= who_bit(*p++);
    // Without a who letter the clause acts on all classes, minus the umask.
    const mode_t mask = who == 0 ? (kAllBits & ~umask_bits) : who;
    if (*p != '+' && *p != '-' && *p != '=') return false;
    while (*p == '+' || *p == '-' || *p == '=') {
      const char op = *p++;
      mode_t bits = 0;
      if (*p == 'u' || *p == 'g' || *p == 'o') {
        bits = copied_bits(*p++, mode);
      } else {
        for (; *p != '\0' && *p != ',' && *p != '+' && *p != '-' && *p != '='; ++p) {
          switch (*p) {
            case 'r':
              bits |= 0444;
              break;
            case 'w':
              bits |= 0222;
              break;
            case 'x':
              bits |= 0111;
              break;
            case 'X':
              if (target == ModeTarget::Directory || (mode & 0111) != 0) bits |= 0111;
              break;
            case 's':
              bits |= S_ISUID | S_ISGID;
              break;
            case 't':
              bits |= S_ISVTX;
              break;
            default:
              return false;
          }
        }
      }
      if (op == '+') {
        mode |= bits & mask;
      } else if (op == '-') {
        mode &= ~(bits & mask);
      } else {
        mode = (mode & ~(who == 0 ? kAllBits : who)) | (bits & mask);
      }
    }
    if (*p == '\0') break;
    if (*p != ',') return false;
    ++p;
  }
  *result = mode;
  return true;
}

}  // namespace mos::programs::files
