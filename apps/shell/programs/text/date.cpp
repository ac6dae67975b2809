// date: prints the time, by default as "%a %b %e %H:%M:%S %Z %Y" (GNU's C-locale format), or
// +FORMAT through strftime. -u uses UTC (and %Z prints "UTC" as GNU does), -d @SECONDS shows
// that time, -R is RFC 5322. Setting the clock and free-form -d dates are not supported.
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "date";

// Copies `format`, with %Z replaced by "UTC" (gmtime's zone name is "GMT" in glibc, while GNU
// date -u says "UTC").
bool utc_format(const char* format, text::ByteBuffer& out) {
  for (const char* p = format; *p != '\0'; ++p) {
    if (p[0] == '%' && p[1] == '%') {
      out.append("%%");
      ++p;
    } else if (p[0] == '%' && p[1] == 'Z') {
      out.append("UTC");
      ++p;
    } else {
      out.push(*p);
    }
  }
  return out.ok();
}

}  // namespace

int date_main(int argc, char** argv) {
  bool utc = false;
  const char* date = nullptr;
  const char* format = "%a %b %e %H:%M:%S %Z %Y";
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "d:Ru")) != -1) {
    switch (opt) {
      case 'd': date = optarg; break;
      case 'R': format = "%a, %d %b %Y %H:%M:%S %z"; break;
      case 'u': utc = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  if (optind < argc) {
    if (argv[optind][0] != '+') {
      report(kProg, "invalid date '%s'", argv[optind]);
      return 1;
    }
    format = argv[optind] + 1;
    if (optind + 1 < argc) {
      report(kProg, "extra operand '%s'", argv[optind + 1]);
      return 1;
    }
  }
  time_t when = 0;
  if (date != nullptr) {
    char* end = nullptr;
    errno = 0;
    const long long seconds = date[0] == '@' ? strtoll(date + 1, &end, 10) : 0;
    if (date[0] != '@' || end == date + 1 || *end != '\0' || errno != 0) {
      report(kProg, "invalid date '%s'", date);
      return 1;
    }
    when = static_cast<time_t>(seconds);
  } else {
    when = time(nullptr);
  }
  tm broken;
  if ((utc ? gmtime_r(&when, &broken) : localtime_r(&when, &broken)) == nullptr) {
    report(kProg, "time %lld is out of range", static_cast<long long>(when));
    return 1;
  }
  text::ByteBuffer real_format;
  // A leading space keeps strftime's result non-empty, so 0 can only mean "too small".
  real_format.push(' ');
  if (utc ? !utc_format(format, real_format) : !real_format.append(format)) return 1;
  for (size_t size = 256; size <= 1024 * 1024; size *= 4) {
    char* out = static_cast<char*>(malloc(size));
    if (out == nullptr) break;
    const size_t length = strftime(out, size, real_format.data(), &broken);
    if (length > 0) {
      printf("%s\n", out + 1);
      free(out);
      return 0;
    }
    free(out);
  }
  report(kProg, "output too long");
  return 1;
}

}  // namespace mos::programs
