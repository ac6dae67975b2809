// free: memory use from /proc/meminfo, laid out like procps-ng 4: total, used (total minus
// available), free, shared (Shmem), buff/cache (Buffers + Cached + SReclaimable), available;
// then swap. Units -b -k (default) -m -g, or -h (human: Ki, Mi, Gi ...).
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <initializer_list>

#include <cstdint>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "free";

struct MemInfo {
  std::uint64_t total = 0, free = 0, available = 0, buffers = 0, cached = 0, reclaimable = 0,
           shared = 0, swap_total = 0, swap_free = 0;
  bool have_available = false;
};

// The value (KiB) of "NAME:   N kB" in `text`, or 0.
std::uint64_t field(const char* text, const char* name, bool* found = nullptr) {
  const size_t length = strlen(name);
  for (const char* line = text; line != nullptr && *line != '\0';) {
    if (strncmp(line, name, length) == 0 && line[length] == ':') {
      if (found != nullptr) *found = true;
      return strtoull(line + length + 1, nullptr, 10);
    }
    line = strchr(line, '\n');
    if (line != nullptr) ++line;
  }
  return 0;
}

enum class Unit { Bytes, Kibi, Mebi, Gibi, Human };

void print_value(std::uint64_t kib, Unit unit) {
  char text[32];
  switch (unit) {
    case Unit::Bytes: snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(kib * 1024)); break;
    case Unit::Kibi: snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(kib)); break;
    case Unit::Mebi: snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(kib >> 10)); break;
    case Unit::Gibi: snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(kib >> 20)); break;
    case Unit::Human: {
      // procps: bytes below 1 KiB as "NB", otherwise the largest unit that keeps the value
      // under 1024, one decimal below 10, truncated.
      const char* units[] = {"Ki", "Mi", "Gi", "Ti", "Pi"};
      if (kib == 0) {
        snprintf(text, sizeof text, "0B");
        break;
      }
      double value = static_cast<double>(kib);
      size_t u = 0;
      while (value >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        value /= 1024;
        ++u;
      }
      if (value < 10) {
        snprintf(text, sizeof text, "%.1f%s", value, units[u]);
      } else {
        snprintf(text, sizeof text, "%llu%s", static_cast<unsigned long long>(value),
                 units[u]);
      }
      break;
    }
  }
  printf(" %11s", text);
}

}  // namespace

int free_main(int argc, char** argv) {
  Unit unit = Unit::Kibi;
  bool show_total = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "bkmghtw")) != -1) {
    switch (opt) {
      case 'b': unit = Unit::Bytes; break;
      case 'k': unit = Unit::Kibi; break;
      case 'm': unit = Unit::Mebi; break;
      case 'g': unit = Unit::Gibi; break;
      case 'h': unit = Unit::Human; break;
      case 't': show_total = true; break;
      case 'w': break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  char buffer[4096];
  const int fd = open("/proc/meminfo", O_RDONLY);
  if (fd < 0) {
    report_error(kProg, "/proc/meminfo", errno);
    return 1;
  }
  const ssize_t got = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  if (got <= 0) {
    report(kProg, "/proc/meminfo: cannot read");
    return 1;
  }
  buffer[got] = '\0';
  MemInfo m;
  m.total = field(buffer, "MemTotal");
  m.free = field(buffer, "MemFree");
  m.available = field(buffer, "MemAvailable", &m.have_available);
  m.buffers = field(buffer, "Buffers");
  m.cached = field(buffer, "Cached");
  m.reclaimable = field(buffer, "SReclaimable");
  m.shared = field(buffer, "Shmem");
  m.swap_total = field(buffer, "SwapTotal");
  m.swap_free = field(buffer, "SwapFree");
  const std::uint64_t buff_cache = m.buffers + m.cached + m.reclaimable;
  if (!m.have_available) m.available = m.free + buff_cache;
  if (m.available > m.total) m.available = m.total;
  const std::uint64_t used = m.total - m.available;
  printf("               total        used        free      shared  buff/cache   available\n");
  printf("%-8s", "Mem:");
  for (std::uint64_t v : {m.total, used, m.free, m.shared, buff_cache, m.available}) print_value(v, unit);
  printf("\n%-8s", "Swap:");
  for (std::uint64_t v : {m.swap_total, m.swap_total - m.swap_free, m.swap_free}) print_value(v, unit);
  putchar('\n');
  if (show_total) {
    printf("%-8s", "Total:");
    const std::uint64_t total_free = m.free + m.swap_free;
    for (std::uint64_t v : {m.total + m.swap_total, used + m.swap_total - m.swap_free, total_free}) {
      print_value(v, unit);
    }
    putchar('\n');
  }
  return 0;
}

}  // namespace mos::programs
