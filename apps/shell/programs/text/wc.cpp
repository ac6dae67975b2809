// wc: counts lines (-l), words (-w), bytes (-c) and characters (-m, = bytes: no multibyte
// locale), and the longest line (-L). Column width as GNU coreutils: one count of one operand is
// printed bare, otherwise every column is as wide as the digits of the regular files' total
// size, at least 7 when an operand is not a regular file (a pipe, a terminal).
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "wc";

struct Counts {
  std::uintmax_t lines = 0;
  std::uintmax_t words = 0;
  std::uintmax_t bytes = 0;
  std::uintmax_t max_line = 0;
};

struct Selection {
  bool lines = false;
  bool words = false;
  bool bytes = false;
  bool chars = false;
  bool max_line = false;
  int count() const { return lines + words + bytes + chars + max_line; }
};

// Counts one open descriptor; false on a read error.
bool count_fd(int fd, Counts& counts) {
  char buffer[4096];
  bool in_word = false;
  std::uintmax_t column = 0;
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) break;
    counts.bytes += static_cast<std::uintmax_t>(got);
    for (ssize_t i = 0; i < got; ++i) {
      const unsigned char c = static_cast<unsigned char>(buffer[i]);
      if (c == '\n') ++counts.lines;
      // GNU wc in the C locale: whitespace ends a word, a printable byte starts one, other
      // bytes do neither.
      if (isspace(c)) {
        in_word = false;
      } else if (isprint(c) && !in_word) {
        in_word = true;
        ++counts.words;
      }
      if (c == '\n' || c == '\r' || c == '\f') {
        if (column > counts.max_line) counts.max_line = column;
        column = 0;
      } else if (c == '\t') {
        column += 8 - column % 8;
      } else if (isprint(c)) {
        ++column;
      }
    }
  }
  if (column > counts.max_line) counts.max_line = column;
  return true;
}

void print_counts(const Counts& counts, const Selection& sel, int width, const char* name) {
  const std::uintmax_t values[] = {counts.lines, counts.words, counts.bytes, counts.bytes,
                              counts.max_line};
  const bool shown[] = {sel.lines, sel.words, sel.chars, sel.bytes, sel.max_line};
  bool first = true;
  for (size_t i = 0; i < 5; ++i) {
    if (!shown[i]) continue;
    printf(first ? "%*ju" : " %*ju", width, values[i]);
    first = false;
  }
  if (name != nullptr) printf(" %s", name);
  putchar('\n');
}

// GNU's compute_number_width over the operands' fstat results.
int number_width(int count, char** names) {
  std::uintmax_t regular_total = 0;
  int minimum = 1;
  for (int i = 0; i < count; ++i) {
    struct stat st;
    int result = -1;
    if (names == nullptr || strcmp(names[i], "-") == 0) {
      result = fstat(0, &st);
    } else {
      result = stat(names[i], &st);
    }
    if (result != 0) continue;
    if (S_ISREG(st.st_mode)) {
      regular_total += static_cast<std::uintmax_t>(st.st_size);
    } else {
      minimum = 7;
    }
  }
  int width = 1;
  for (; regular_total >= 10; regular_total /= 10) ++width;
  return width < minimum ? minimum : width;
}

}  // namespace

int wc_main(int argc, char** argv) {
  Selection sel;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "clmwL")) != -1) {
    switch (opt) {
      case 'c': sel.bytes = true; break;
      case 'l': sel.lines = true; break;
      case 'm': sel.chars = true; break;
      case 'w': sel.words = true; break;
      case 'L': sel.max_line = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  if (sel.count() == 0) sel.lines = sel.words = sel.bytes = true;
  const int files = argc - optind;
  char** names = files > 0 ? argv + optind : nullptr;
  const int width = (files <= 1 && sel.count() == 1) ? 1 : number_width(files > 0 ? files : 1, names);
  Counts total;
  int status = 0;
  for (int i = 0; i < (files > 0 ? files : 1); ++i) {
    const char* name = names != nullptr ? names[i] : nullptr;
    const bool is_stdin = name == nullptr || strcmp(name, "-") == 0;
    const int fd = is_stdin ? 0 : open(name, O_RDONLY);
    if (fd < 0) {
      report_error(kProg, name, errno);
      status = 1;
      continue;
    }
    Counts counts;
    if (!count_fd(fd, counts)) {
      report_error(kProg, is_stdin ? "standard input" : name, errno);
      status = 1;
    }
    if (!is_stdin) close(fd);
    print_counts(counts, sel, width, name);
    total.lines += counts.lines;
    total.words += counts.words;
    total.bytes += counts.bytes;
    if (counts.max_line > total.max_line) total.max_line = counts.max_line;
  }
  if (files > 1) print_counts(total, sel, width, "total");
  return status;
}

}  // namespace mos::programs
