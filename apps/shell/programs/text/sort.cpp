// sort: sorts lines in memory with a stable merge sort. Options -n -r -u -f -b -s -c -t SEP
// -k POS1[,POS2] (F[.C][bfnr]) and -o FILE. Keys and the last-resort comparison follow GNU sort:
// when keys compare equal the whole lines are compared bytewise (unless -s or -u), -u drops
// lines whose keys equal the previous output line.
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "sort";
constexpr size_t kToEnd = static_cast<size_t>(-1);

struct Key {
  size_t start_field = 0;  // 0-based.
  size_t start_char = 0;   // 0-based offset in the field.
  size_t end_field = kToEnd;
  size_t end_char = 0;  // 0: the end of the field.
  bool skip_start_blanks = false;
  bool skip_end_blanks = false;
  bool numeric = false;
  bool fold = false;
  bool reverse = false;
  bool inherits = true;  // No ordering options of its own: takes the global ones.
};

struct Line {
  const char* text;
  size_t length;
};

struct Options {
  Key keys[16];
  size_t key_count = 0;
  Key global;
  int separator = -1;  // -1: blank-to-nonblank transitions.
  bool unique = false;
  bool stable = false;
  bool check = false;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

const char* key_start(const Options& o, const Key& k, const char* p, const char* limit) {
  for (size_t field = k.start_field; p < limit && field > 0; --field) {
    if (o.separator >= 0) {
      while (p < limit && *p != static_cast<char>(o.separator)) ++p;
      if (p < limit) ++p;
    } else {
      while (p < limit && is_blank(*p)) ++p;
      while (p < limit && !is_blank(*p)) ++p;
    }
  }
  if (k.skip_start_blanks) {
    while (p < limit && is_blank(*p)) ++p;
  }
  return static_cast<size_t>(limit - p) < k.start_char ? limit : p + k.start_char;
}

const char* key_end(const Options& o, const Key& k, const char* p, const char* limit) {
  if (k.end_field == kToEnd) return limit;
  size_t field = k.end_field;
  if (k.end_char == 0) ++field;
  while (p < limit && field-- > 0) {
    if (o.separator >= 0) {
      while (p < limit && *p != static_cast<char>(o.separator)) ++p;
      if (p < limit && (field > 0 || k.end_char != 0)) ++p;
    } else {
      while (p < limit && is_blank(*p)) ++p;
      while (p < limit && !is_blank(*p)) ++p;
    }
  }
  if (k.end_char != 0) {
    if (k.skip_end_blanks) {
      while (p < limit && is_blank(*p)) ++p;
    }
    p = static_cast<size_t>(limit - p) < k.end_char ? limit : p + k.end_char;
  }
  return p;
}

bool is_digit(const char* p, const char* limit) { return p < limit && *p >= '0' && *p <= '9'; }

// Compares two numbers the way GNU sort -n does: [blanks][-]digits[.digits], anything else is
// zero, with arbitrary precision.
int compare_numbers(const char* a, const char* a_end, const char* b, const char* b_end) {
  while (a < a_end && is_blank(*a)) ++a;
  while (b < b_end && is_blank(*b)) ++b;
  const bool a_negative = a < a_end && *a == '-';
  const bool b_negative = b < b_end && *b == '-';
  if (a_negative) ++a;
  if (b_negative) ++b;
  // Integer parts without leading zeros, then fractions.
  while (a < a_end && *a == '0') ++a;
  while (b < b_end && *b == '0') ++b;
  const char* a_int = a;
  const char* b_int = b;
  while (is_digit(a, a_end)) ++a;
  while (is_digit(b, b_end)) ++b;
  const size_t a_int_length = static_cast<size_t>(a - a_int);
  const size_t b_int_length = static_cast<size_t>(b - b_int);
  const char* a_frac = a < a_end && *a == '.' ? a + 1 : a;
  const char* b_frac = b < b_end && *b == '.' ? b + 1 : b;
  const char* a_frac_end = a_frac;
  const char* b_frac_end = b_frac;
  while (is_digit(a_frac_end, a_end)) ++a_frac_end;
  while (is_digit(b_frac_end, b_end)) ++b_frac_end;
  auto is_zero = [](const char* frac, const char* frac_end, size_t int_length) {
    if (int_length > 0) return false;
    for (; frac < frac_end; ++frac) {
      if (*frac != '0') return false;
    }
    return true;
  };
  const int a_sign = is_zero(a_frac, a_frac_end, a_int_length) ? 0 : (a_negative ? -1 : 1);
  const int b_sign = is_zero(b_frac, b_frac_end, b_int_length) ? 0 : (b_negative ? -1 : 1);
  if (a_sign != b_sign) return a_sign < b_sign ? -1 : 1;
  if (a_sign == 0) return 0;
  int magnitude = 0;
  if (a_int_length != b_int_length) {
    magnitude = a_int_length < b_int_length ? -1 : 1;
  } else {
    magnitude = memcmp(a_int, b_int, a_int_length);
    for (; magnitude == 0 && (a_frac < a_frac_end || b_frac < b_frac_end); ++a_frac, ++b_frac) {
      const char da = a_frac < a_frac_end ? *a_frac : '0';
      const char db = b_frac < b_frac_end ? *b_frac : '0';
      if (da != db) magnitude = da < db ? -1 : 1;
    }
  }
  return a_sign < 0 ? -magnitude : magnitude;
}

int compare_text(const char* a, const char* a_end, const char* b, const char* b_end, bool fold) {
  const size_t a_length = static_cast<size_t>(a_end - a);
  const size_t b_length = static_cast<size_t>(b_end - b);
  const size_t common = a_length < b_length ? a_length : b_length;
  for (size_t i = 0; i < common; ++i) {
    unsigned char ca = static_cast<unsigned char>(a[i]);
    unsigned char cb = static_cast<unsigned char>(b[i]);
    if (fold) {
      ca = static_cast<unsigned char>(toupper(ca));
      cb = static_cast<unsigned char>(toupper(cb));
    }
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return a_length == b_length ? 0 : (a_length < b_length ? -1 : 1);
}

int compare_keys(const Options& o, const Line& a, const Line& b) {
  const char* a_limit = a.text + a.length;
  const char* b_limit = b.text + b.length;
  for (size_t i = 0; i < o.key_count; ++i) {
    const Key& k = o.keys[i];
    const char* a_start = key_start(o, k, a.text, a_limit);
    const char* b_start = key_start(o, k, b.text, b_limit);
    const char* a_end = key_end(o, k, a.text, a_limit);
    const char* b_end = key_end(o, k, b.text, b_limit);
    if (a_end < a_start) a_end = a_start;
    if (b_end < b_start) b_end = b_start;
    const int diff = k.numeric ? compare_numbers(a_start, a_end, b_start, b_end)
                               : compare_text(a_start, a_end, b_start, b_end, k.fold);
    if (diff != 0) return k.reverse ? -diff : diff;
  }
  return 0;
}

int compare_lines(const Options& o, const Line& a, const Line& b) {
  const int diff = compare_keys(o, a, b);
  if (diff != 0 || o.unique || o.stable) return diff;
  const int last = compare_text(a.text, a.text + a.length, b.text, b.text + b.length, false);
  return o.global.reverse ? -last : last;
}

// Stable merge sort of lines[0..count) using scratch of the same size.
void merge_sort(const Options& o, Line* lines, Line* scratch, size_t count) {
  for (size_t width = 1; width < count; width *= 2) {
    for (size_t left = 0; left < count; left += 2 * width) {
      const size_t middle = left + width < count ? left + width : count;
      const size_t right = left + 2 * width < count ? left + 2 * width : count;
      size_t i = left;
      size_t j = middle;
      size_t out = left;
      while (i < middle && j < right) {
        scratch[out++] = compare_lines(o, lines[j], lines[i]) < 0 ? lines[j++] : lines[i++];
      }
      while (i < middle) scratch[out++] = lines[i++];
      while (j < right) scratch[out++] = lines[j++];
    }
    memcpy(lines, scratch, count * sizeof(Line));
  }
}

// Parses the ordering letters after a key position; returns the rest.
const char* parse_key_flags(const char* p, Key& k, bool end_position, bool* any) {
  for (; *p != '\0' && strchr("bfnr", *p) != nullptr; ++p) {
    if (*p != 'b') *any = true;
    if (*p == 'b') (end_position ? k.skip_end_blanks : k.skip_start_blanks) = true;
    if (*p == 'f') k.fold = true;
    if (*p == 'n') k.numeric = true;
    if (*p == 'r') k.reverse = true;
  }
  return p;
}

size_t parse_count(const char** p) {
  size_t value = 0;
  while (**p >= '0' && **p <= '9') {
    value = value < 100000000 ? value * 10 + static_cast<size_t>(**p - '0') : value;
    ++*p;
  }
  return value;
}

bool parse_key(const char* spec, Key& k, bool* has_flags) {
  const char* p = spec;
  if (*p < '0' || *p > '9') return false;
  const size_t field = parse_count(&p);
  if (field == 0) {
    report(kProg, "field number is zero: invalid field specification '%s'", spec);
    return false;
  }
  k.start_field = field - 1;
  if (*p == '.') {
    ++p;
    const size_t column = parse_count(&p);
    if (column == 0) {
      report(kProg, "character offset is zero: invalid field specification '%s'", spec);
      return false;
    }
    k.start_char = column - 1;
  }
  p = parse_key_flags(p, k, false, has_flags);
  if (*p == ',') {
    ++p;
    if (*p < '0' || *p > '9') return false;
    const size_t end_field = parse_count(&p);
    if (end_field == 0) {
      report(kProg, "field number is zero: invalid field specification '%s'", spec);
      return false;
    }
    k.end_field = end_field - 1;
    if (*p == '.') {
      ++p;
      k.end_char = parse_count(&p);
    }
    p = parse_key_flags(p, k, true, has_flags);
  }
  if (*p != '\0') {
    report(kProg, "invalid key specification '%s'", spec);
    return false;
  }
  return true;
}

// Splits the buffer into lines (the last may lack its newline).
bool split_lines(const text::ByteBuffer& data, text::Array<Line>& lines) {
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    const char* newline = static_cast<const char*>(memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = newline != nullptr ? newline : end;
    if (!lines.push(Line{p, static_cast<size_t>(line_end - p)})) return false;
    p = newline != nullptr ? newline + 1 : end;
  }
  return true;
}

int sort_lines(const Options& o, text::Array<Line>& lines, const char* output_path,
               const char* first_input) {
  if (o.check) {
    for (size_t i = 1; i < lines.size(); ++i) {
      const int diff = compare_lines(o, lines[i - 1], lines[i]);
      if (diff > 0 || (o.unique && diff == 0)) {
        fprintf(stderr, "sort: %s:%zu: disorder: %.*s\n", first_input, i + 1,
                static_cast<int>(lines[i].length), lines[i].text);
        return 1;
      }
    }
    return 0;
  }
  if (lines.size() > 1) {
    Line* scratch = static_cast<Line*>(malloc(lines.size() * sizeof(Line)));
    if (scratch == nullptr) {
      report(kProg, "memory exhausted");
      return 2;
    }
    merge_sort(o, lines.data(), scratch, lines.size());
    free(scratch);
  }
  FILE* out = stdout;
  if (output_path != nullptr && strcmp(output_path, "-") != 0) {
    out = fopen(output_path, "w");
    if (out == nullptr) {
      fprintf(stderr, "sort: open failed: %s: %s\n", output_path, strerror(errno));
      return 2;
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (o.unique && i > 0 && compare_keys(o, lines[i - 1], lines[i]) == 0) continue;
    fwrite(lines[i].text, 1, lines[i].length, out);
    fputc('\n', out);
  }
  if (out != stdout) fclose(out);
  return 0;
}

}  // namespace

int sort_main(int argc, char** argv) {
  Options o;
  const char* output_path = nullptr;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "bcfk:no:rst:u")) != -1) {
    switch (opt) {
      case 'b': o.global.skip_start_blanks = o.global.skip_end_blanks = true; break;
      case 'c': o.check = true; break;
      case 'f': o.global.fold = true; break;
      case 'n': o.global.numeric = true; break;
      case 'r': o.global.reverse = true; break;
      case 's': o.stable = true; break;
      case 'u': o.unique = true; break;
      case 'o': output_path = optarg; break;
      case 't':
        if (optarg[0] == '\0') {
          report(kProg, "empty tab");
          return 2;
        }
        if (optarg[1] != '\0') {
          report(kProg, "multi-character tab '%s'", optarg);
          return 2;
        }
        o.separator = static_cast<unsigned char>(optarg[0]);
        break;
      case 'k': {
        if (o.key_count == sizeof o.keys / sizeof o.keys[0]) {
          report(kProg, "too many keys");
          return 2;
        }
        Key& k = o.keys[o.key_count++];
        bool has_flags = false;
        if (!parse_key(optarg, k, &has_flags)) {
          if (optarg[0] < '0' || optarg[0] > '9') {
            report(kProg,
                   "invalid number at field start: invalid count at start of "
                   "'%s'",
                   optarg);
          }
          return 2;
        }
        k.inherits = !has_flags && !k.skip_start_blanks && !k.skip_end_blanks;
        break;
      }
      default:
        text::print_bad_option(kProg);
        return 2;
    }
  }
  for (size_t i = 0; i < o.key_count; ++i) {
    Key& k = o.keys[i];
    if (!k.inherits) continue;
    k.numeric = o.global.numeric;
    k.fold = o.global.fold;
    k.reverse = o.global.reverse;
    k.skip_start_blanks = o.global.skip_start_blanks;
    k.skip_end_blanks = o.global.skip_end_blanks;
  }
  if (o.key_count == 0) {
    // No -k: the whole line is the one key, with the global options.
    o.keys[0] = o.global;
    o.key_count = 1;
  }
  text::ByteBuffer data;
  int status = 0;
  const int files = argc - optind;
  for (int i = 0; i < (files > 0 ? files : 1); ++i) {
    const char* path = files > 0 ? argv[optind + i] : "-";
    FILE* file = text::open_input(kProg, path, true);
    if (file == nullptr) {
      fprintf(stderr, "sort: cannot read: %s: %s\n", path, strerror(errno));
      return 2;
    }
    const bool read_ok = text::read_all(file, data);
    text::close_input(file);
    if (!read_ok) {
      fprintf(stderr, "sort: read failed: %s: %s\n", path, strerror(errno));
      return 2;
    }
    // Each file's last line ends at its end even without a newline.
    if (data.size() > 0 && data.data()[data.size() - 1] != '\n') data.push('\n');
  }
  text::Array<Line> lines;
  if (!data.ok() || !split_lines(data, lines)) {
    report(kProg, "memory exhausted");
    return 2;
  }
  status = sort_lines(o, lines, output_path, files > 0 ? argv[optind] : "-");
  return status;
}

}  // namespace mos::programs
