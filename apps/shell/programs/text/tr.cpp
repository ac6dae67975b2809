// tr: translates, deletes (-d) or squeezes (-s) bytes; -c/-C complements SET1. Sets take
// ranges a-z, escapes (\n \t \\ \NNN ...), classes [:alpha:] [:digit:] ... and [c*n] / [c*]
// repeats (in SET2). SET2 shorter than SET1 is padded with its last byte, as GNU does.
#include <ctype.h>
#include <string.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "tr";

struct Set {
  unsigned char bytes[4096];  // Expanded, in order (SET2 of a large repeat is capped).
  size_t size = 0;
  size_t fill_at = static_cast<size_t>(-1);  // Where a [c*] repeat expands to fill.
  unsigned char fill = 0;
};

// Reads one byte of a set at *p, decoding escapes.
unsigned char read_byte(const char** p) {
  const char* s = *p;
  if (*s != '\\' || s[1] == '\0') {
    *p = s + 1;
    return static_cast<unsigned char>(*s);
  }
  ++s;
  if (*s >= '0' && *s <= '7') {
    int value = 0;
    for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; ++i, ++s) value = value * 8 + (*s - '0');
    *p = s;
    return static_cast<unsigned char>(value);
  }
  *p = s + 1;
  const int simple = text::simple_escape(*s);
  return static_cast<unsigned char>(simple >= 0 && *s != 'e' ? simple : *s);
}

bool add(Set& set, unsigned char c) {
  if (set.size == sizeof set.bytes) return false;
  set.bytes[set.size++] = c;
  return true;
}

struct CharClass {
  const char* name;
  int (*test)(int);
};

constexpr CharClass kClasses[] = {
    {"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank}, {"cntrl", iscntrl},
    {"digit", isdigit}, {"graph", isgraph}, {"lower", islower}, {"print", isprint},
    {"punct", ispunct}, {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit},
};

// The class named by name[0..length), or nullptr.
const CharClass* find_class(const char* name, size_t length) {
  for (const CharClass& k : kClasses) {
    if (strlen(k.name) == length && memcmp(k.name, name, length) == 0) return &k;
  }
  return nullptr;
}

bool parse_set(const char* spec, Set& set, bool is_set2) {
  const char* p = spec;
  while (*p != '\0') {
    if (p[0] == '[' && p[1] == ':') {
      const char* close = strstr(p + 2, ":]");
      const CharClass* k =
          close != nullptr ? find_class(p + 2, static_cast<size_t>(close - p - 2)) : nullptr;
      if (k != nullptr) {
        for (int c = 0; c < 256; ++c) {
          if (k->test(c) != 0) add(set, static_cast<unsigned char>(c));
        }
        p = close + 2;
        continue;
      }
    }
    if (p[0] == '[' && p[1] != '\0') {
      // [c*n] or [c*]: c repeated.
      const char* q = p + 1;
      const unsigned char c = read_byte(&q);
      if (q[0] == '*') {
        const char* close = strchr(q, ']');
        if (close != nullptr) {
          size_t count = 0;
          const char* digits = q + 1;
          bool fill = digits == close;
          if (!fill) {
            char number[32];
            const size_t length = static_cast<size_t>(close - digits);
            if (length >= sizeof number) return false;
            memcpy(number, digits, length);
            number[length] = '\0';
            char* end = nullptr;
            count = strtoul(number, &end, number[0] == '0' ? 8 : 10);
            if (*end != '\0') {
              report(kProg, "invalid repeat count '%s' in [c*n] construct", number);
              return false;
            }
            fill = count == 0;
          }
          if (fill) {
            if (!is_set2) {
              report(kProg, "the [c*] repeat construct may not appear in string1");
              return false;
            }
            set.fill_at = set.size;
            set.fill = c;
          } else {
            for (size_t i = 0; i < count && add(set, c); ++i) {
            }
          }
          p = close + 1;
          continue;
        }
      }
    }
    const unsigned char low = read_byte(&p);
    if (p[0] == '-' && p[1] != '\0') {
      const char* q = p + 1;
      const unsigned char high = read_byte(&q);
      if (high < low) {
        report(kProg,
               "range-endpoints of '%c-%c' are in reverse collating sequence "
               "order",
               low, high);
        return false;
      }
      for (int c = low; c <= high; ++c) add(set, static_cast<unsigned char>(c));
      p = q;
      continue;
    }
    add(set, low);
  }
  return true;
}

// Expands a [c*] fill so that SET2 is as long as `length`.
void apply_fill(Set& set, size_t length) {
  if (set.fill_at == static_cast<size_t>(-1)) return;
  const size_t missing = length > set.size ? length - set.size : 0;
  const size_t room = sizeof set.bytes - set.size;
  const size_t count = missing < room ? missing : room;
  memmove(set.bytes + set.fill_at + count, set.bytes + set.fill_at, set.size - set.fill_at);
  memset(set.bytes + set.fill_at, set.fill, count);
  set.size += count;
}

void complement(Set& set) {
  bool member[256] = {};
  for (size_t i = 0; i < set.size; ++i) member[set.bytes[i]] = true;
  set.size = 0;
  for (int c = 0; c < 256; ++c) {
    if (!member[c]) set.bytes[set.size++] = static_cast<unsigned char>(c);
  }
}

}  // namespace

int tr_main(int argc, char** argv) {
  bool complement_set1 = false;
  bool delete_set1 = false;
  bool squeeze = false;
  bool truncate = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "cCdst")) != -1) {
    switch (opt) {
      case 'c':
      case 'C': complement_set1 = true; break;
      case 'd': delete_set1 = true; break;
      case 's': squeeze = true; break;
      case 't': truncate = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  const int operands = argc - optind;
  const bool translating = !delete_set1 && operands >= 2;
  const int needed = (delete_set1 && squeeze) || translating ? 2 : 1;
  if (operands < needed || (!delete_set1 && !squeeze && operands < 2)) {
    if (operands == 0) {
      report(kProg, "missing operand");
    } else {
      report(kProg, "missing operand after '%s'", argv[argc - 1]);
    }
    return 1;
  }
  if (operands > needed) {
    report(kProg, "extra operand '%s'", argv[optind + needed]);
    return 1;
  }
  Set* sets = static_cast<Set*>(malloc(2 * sizeof(Set)));
  if (sets == nullptr) return 1;
  Set& set1 = sets[0];
  Set& set2 = sets[1];
  set1 = Set{};
  set2 = Set{};
  if (!parse_set(argv[optind], set1, false) ||
      (needed == 2 && !parse_set(argv[optind + 1], set2, true))) {
    free(sets);
    return 1;
  }
  if (complement_set1) complement(set1);
  unsigned char map[256];
  bool remove[256] = {};
  bool squeezable[256] = {};
  for (int c = 0; c < 256; ++c) map[c] = static_cast<unsigned char>(c);
  if (translating) {
    apply_fill(set2, set1.size);
    if (set2.size == 0) {
      report(kProg, "when not truncating set1, string2 must be non-empty");
      free(sets);
      return 1;
    }
    const size_t length = truncate && set2.size < set1.size ? set2.size : set1.size;
    for (size_t i = 0; i < length; ++i) {
      map[set1.bytes[i]] = i < set2.size ? set2.bytes[i] : set2.bytes[set2.size - 1];
    }
  }
  if (delete_set1) {
    for (size_t i = 0; i < set1.size; ++i) remove[set1.bytes[i]] = true;
  }
  if (squeeze) {
    const Set& squeeze_set = needed == 2 ? set2 : set1;
    for (size_t i = 0; i < squeeze_set.size; ++i) squeezable[squeeze_set.bytes[i]] = true;
  }
  free(sets);
  char in[1024];
  char out[1024];
  int last = -1;
  for (;;) {
    const ssize_t got = read(0, in, sizeof in);
    if (got < 0) {
      report(kProg, "read error");
      return 1;
    }
    if (got == 0) break;
    size_t n = 0;
    for (ssize_t i = 0; i < got; ++i) {
      const unsigned char c = static_cast<unsigned char>(in[i]);
      if (remove[c]) continue;
      const unsigned char mapped = map[c];
      if (squeeze && squeezable[mapped] && last == mapped) continue;
      out[n++] = static_cast<char>(mapped);
      last = mapped;
    }
    text::write_out(out, n);
  }
  return 0;
}

}  // namespace mos::programs
