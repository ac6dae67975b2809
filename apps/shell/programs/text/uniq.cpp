// uniq: collapses runs of equal adjacent lines. Options -c (count, "%7d " as GNU), -d (only
// repeated), -u (only unique), -i (ignore case), -f N (skip fields), -s N (skip chars),
// -w N (compare at most N chars); operands [INPUT [OUTPUT]].
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "uniq";

struct Options {
  bool count = false;
  bool repeated = false;
  bool unique = false;
  bool ignore_case = false;
  size_t skip_fields = 0;
  size_t skip_chars = 0;
  size_t check_chars = static_cast<size_t>(-1);
};

// The part of a line that takes part in comparisons.
const char* compared_part(const Options& o, const text::ByteBuffer& line, size_t* length) {
  const char* p = line.data();
  const char* end = p + line.size();
  for (size_t i = 0; i < o.skip_fields; ++i) {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    while (p < end && *p != ' ' && *p != '\t') ++p;
  }
  const size_t left = static_cast<size_t>(end - p);
  p += o.skip_chars < left ? o.skip_chars : left;
  *length = static_cast<size_t>(end - p);
  if (*length > o.check_chars) *length = o.check_chars;
  return p;
}

bool equal(const Options& o, const text::ByteBuffer& a, const text::ByteBuffer& b) {
  size_t a_length = 0;
  size_t b_length = 0;
  const char* pa = compared_part(o, a, &a_length);
  const char* pb = compared_part(o, b, &b_length);
  if (a_length != b_length) return false;
  return o.ignore_case ? strncasecmp(pa, pb, a_length) == 0 : memcmp(pa, pb, a_length) == 0;
}

void emit(const Options& o, FILE* out, const text::ByteBuffer& line, size_t count) {
  if (o.repeated && count < 2) return;
  if (o.unique && count > 1) return;
  if (o.count) fprintf(out, "%7zu ", count);
  fwrite(line.data(), 1, line.size(), out);
  fputc('\n', out);
}

bool parse_number_option(const char* arg, size_t* value) {
  if (text::parse_size(arg, value)) return true;
  report(kProg, "%s: invalid number", arg);
  return false;
}

}  // namespace

int uniq_main(int argc, char** argv) {
  Options o;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "cdf:is:uw:")) != -1) {
    switch (opt) {
      case 'c': o.count = true; break;
      case 'd': o.repeated = true; break;
      case 'u': o.unique = true; break;
      case 'i': o.ignore_case = true; break;
      case 'f': if (!parse_number_option(optarg, &o.skip_fields)) return 1; break;
      case 's': if (!parse_number_option(optarg, &o.skip_chars)) return 1; break;
      case 'w': if (!parse_number_option(optarg, &o.check_chars)) return 1; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  if (argc - optind > 2) {
    report(kProg, "extra operand '%s'", argv[optind + 2]);
    return 1;
  }
  FILE* in = text::open_input(kProg, optind < argc ? argv[optind] : "-");
  if (in == nullptr) return 1;
  FILE* out = stdout;
  if (optind + 1 < argc && strcmp(argv[optind + 1], "-") != 0) {
    out = fopen(argv[optind + 1], "w");
    if (out == nullptr) {
      report_error(kProg, argv[optind + 1], errno);
      text::close_input(in);
      return 1;
    }
  }
  text::ByteBuffer previous;
  text::ByteBuffer line;
  size_t count = 0;
  while (text::read_line(in, line, nullptr)) {
    if (count > 0 && equal(o, previous, line)) {
      ++count;
      continue;
    }
    if (count > 0) emit(o, out, previous, count);
    previous.swap(line);
    count = 1;
  }
  if (count > 0) emit(o, out, previous, count);
  text::close_input(in);
  if (out != stdout) fclose(out);
  return 0;
}

}  // namespace mos::programs
