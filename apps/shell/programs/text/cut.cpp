// cut: selects bytes (-b), characters (-c, the same as bytes: no multibyte locale) or fields
// (-f, separated by -d DELIM, default tab; -s drops lines without one) from each line. Lists are
// comma-separated N, N-, -M and N-M, numbered from 1.
#include <string.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "cut";

struct Range {
  size_t low;
  size_t high;  // Inclusive; (size_t)-1 for "to the end".
};

// Parses LIST; prints GNU's message and returns false when invalid.
bool parse_list(const char* list, bool fields, text::Array<Range>& ranges) {
  const char* p = list;
  for (;;) {
    size_t low = 0;
    size_t high = 0;
    bool have_low = false;
    bool have_high = false;
    bool dash = false;
    while (*p >= '0' && *p <= '9') {
      low = low < 100000000000ULL ? low * 10 + static_cast<size_t>(*p - '0') : low;
      have_low = true;
      ++p;
    }
    if (*p == '-') {
      dash = true;
      ++p;
      while (*p >= '0' && *p <= '9') {
        high = high < 100000000000ULL ? high * 10 + static_cast<size_t>(*p - '0') : high;
        have_high = true;
        ++p;
      }
    }
    if ((*p != ',' && *p != '\0') || (!have_low && !have_high)) {
      if (!have_low && !have_high && dash && (*p == ',' || *p == '\0')) {
        report(kProg, "invalid range with no endpoint: -");
      } else {
        report(kProg, fields ? "invalid field value '%s'" : "invalid byte/character position '%s'",
               list);
      }
      return false;
    }
    if ((have_low && low == 0) || (have_high && high == 0 && !have_low)) {
      report(kProg, fields ? "fields are numbered from 1"
                           : "byte/character positions are numbered from 1");
      return false;
    }
    if (!have_low) low = 1;
    if (!dash) high = low;
    if (dash && !have_high) high = static_cast<size_t>(-1);
    if (high < low) {
      report(kProg, "invalid decreasing range");
      return false;
    }
    if (!ranges.push(Range{low, high})) return false;
    if (*p == '\0') return true;
    ++p;
  }
}

bool selected(const text::Array<Range>& ranges, size_t position) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (position >= ranges[i].low && position <= ranges[i].high) return true;
  }
  return false;
}

void cut_bytes(const text::Array<Range>& ranges, const text::ByteBuffer& line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (selected(ranges, i + 1)) putchar(line.data()[i]);
  }
  putchar('\n');
}

void cut_fields(const text::Array<Range>& ranges, const text::ByteBuffer& line, char delim,
                bool only_delimited) {
  const char* p = line.data();
  const char* end = p + line.size();
  if (memchr(p, delim, line.size()) == nullptr) {
    if (!only_delimited) {
      fwrite(p, 1, line.size(), stdout);
      putchar('\n');
    }
    return;
  }
  bool first = true;
  for (size_t field = 1; p <= end; ++field) {
    const char* field_end = static_cast<const char*>(memchr(p, delim, static_cast<size_t>(end - p)));
    if (field_end == nullptr) field_end = end;
    if (selected(ranges, field)) {
      if (!first) putchar(delim);
      fwrite(p, 1, static_cast<size_t>(field_end - p), stdout);
      first = false;
    }
    p = field_end + 1;
  }
  putchar('\n');
}

}  // namespace

int cut_main(int argc, char** argv) {
  text::Array<Range> ranges;
  char mode = 0;
  char delim = '\t';
  bool delim_given = false;
  bool only_delimited = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "b:c:d:f:ns")) != -1) {
    switch (opt) {
      case 'b':
      case 'c':
      case 'f':
        if (mode != 0) {
          report(kProg, "only one list may be specified");
          return 1;
        }
        mode = static_cast<char>(opt);
        if (!parse_list(optarg, opt == 'f', ranges)) return 1;
        break;
      case 'd':
        if (optarg[0] != '\0' && optarg[1] != '\0') {
          report(kProg, "the delimiter must be a single character");
          return 1;
        }
        delim = optarg[0];
        delim_given = true;
        break;
      case 'n': break;
      case 's': only_delimited = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  if (mode == 0) {
    report(kProg, "you must specify a list of bytes, characters, or fields");
    return 1;
  }
  if (mode != 'f' && (delim_given || only_delimited)) {
    report(kProg,
           delim_given
               ? "an input delimiter may be specified only when operating on fields"
               : "suppressing non-delimited lines makes sense\n\tonly when operating on fields");
    return 1;
  }
  int status = 0;
  const int files = argc - optind;
  text::ByteBuffer line;
  for (int i = 0; i < (files > 0 ? files : 1); ++i) {
    FILE* file = text::open_input(kProg, files > 0 ? argv[optind + i] : "-");
    if (file == nullptr) {
      status = 1;
      continue;
    }
    while (text::read_line(file, line, nullptr)) {
      if (mode == 'f') {
        cut_fields(ranges, line, delim, only_delimited);
      } else {
        cut_bytes(ranges, line);
      }
    }
    text::close_input(file);
  }
  return status;
}

}  // namespace mos::programs
