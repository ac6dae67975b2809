// ps: lists processes from /proc/[pid]/stat (and cmdline for -f). Every process is listed, with
// or without -e/-A (on Mosaic "ps" means all processes; there is no per-terminal selection).
// Columns as procps: "PID TTY TIME CMD", or with -f "UID PID PPID C STIME TTY TIME CMD".
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "ps";

struct ProcessInfo {
  long pid = 0;
  char comm[64] = {};
  long ppid = 0;
  int tty = 0;
  unsigned long long cpu_ticks = 0;  // utime + stime.
  unsigned long long start_ticks = 0;
  unsigned uid = 0;
};

// Reads a small /proc file into `buffer` (NUL-terminated); returns its length or -1.
ssize_t read_small_file(const char* path, char* buffer, size_t size) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  size_t total = 0;
  while (total + 1 < size) {
    const ssize_t got = read(fd, buffer + total, size - 1 - total);
    if (got <= 0) break;
    total += static_cast<size_t>(got);
  }
  close(fd);
  buffer[total] = '\0';
  return static_cast<ssize_t>(total);
}

// As procps in the C locale (Mosaic's only one): a control character in a name or an argument
// shows as '.', a byte above ASCII as '?', so that every process stays on one line.
void escape_unprintable(char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) {
      text[i] = '.';
    } else if (byte >= 0x80) {
      text[i] = '?';
    }
  }
}

// Parses "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
// cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime ...".
bool read_stat(const char* pid_name, ProcessInfo& info) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/stat", pid_name);
  char buffer[1024];
  if (read_small_file(path, buffer, sizeof buffer) <= 0) return false;
  const char* open_paren = strchr(buffer, '(');
  const char* close_paren = strrchr(buffer, ')');  // The name itself may hold ')'.
  if (open_paren == nullptr || close_paren == nullptr || close_paren < open_paren) return false;
  info.pid = strtol(buffer, nullptr, 10);
  size_t length = static_cast<size_t>(close_paren - open_paren - 1);
  if (length >= sizeof info.comm) length = sizeof info.comm - 1;
  memcpy(info.comm, open_paren + 1, length);
  info.comm[length] = '\0';
  escape_unprintable(info.comm, length);
  // Fields after the name, numbered from 3 (state).
  const char* p = close_paren + 1;
  unsigned long long fields[23] = {};
  for (int field = 3; field <= 22 && *p != '\0'; ++field) {
    while (*p == ' ') ++p;
    char* end = nullptr;
    fields[field] = field == 3 ? 0 : strtoull(p, &end, 10);
    while (*p != ' ' && *p != '\0') ++p;
  }
  info.ppid = static_cast<long>(fields[4]);
  info.tty = static_cast<int>(fields[7]);
  info.cpu_ticks = fields[14] + fields[15];
  info.start_ticks = fields[22];
  return true;
}

// "pts/N", "ttyN", "ttySN" or "?" from the stat tty_nr (Linux device numbering).
void tty_name(int tty, char* out, size_t size) {
  const unsigned major = (static_cast<unsigned>(tty) >> 8) & 0xfff;
  const unsigned minor = (static_cast<unsigned>(tty) & 0xff) |
                         ((static_cast<unsigned>(tty) >> 12) & 0xfff00);
  if (tty == 0) {
    snprintf(out, size, "?");
  } else if (major >= 136 && major <= 143) {
    snprintf(out, size, "pts/%u", minor + (major - 136) * 256);
  } else if (major == 4 && minor < 64) {
    snprintf(out, size, "tty%u", minor);
  } else if (major == 4) {
    snprintf(out, size, "ttyS%u", minor - 64);
  } else {
    snprintf(out, size, "?");
  }
}

void format_cpu_time(unsigned long long ticks, long ticks_per_second, char* out, size_t size) {
  const unsigned long long seconds = ticks / static_cast<unsigned long long>(ticks_per_second);
  const unsigned long long days = seconds / 86400;
  if (days > 0) {
    snprintf(out, size, "%llu-%02llu:%02llu:%02llu", days, seconds / 3600 % 24, seconds / 60 % 60,
             seconds % 60);
  } else {
    snprintf(out, size, "%02llu:%02llu:%02llu", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
}

// Seconds since boot from /proc/uptime, or a negative number if it cannot be read.
double uptime_seconds() {
  char buffer[128];
  if (read_small_file("/proc/uptime", buffer, sizeof buffer) <= 0) return -1;
  return strtod(buffer, nullptr);
}

// The boot time in seconds since the epoch: /proc/stat's "btime", else the time now minus
// /proc/uptime (a system without /proc/stat); 0 if neither is there.
long long boot_time() {
  char* buffer = static_cast<char*>(malloc(16384));
  if (buffer == nullptr) return 0;
  long long result = 0;
  if (read_small_file("/proc/stat", buffer, 16384) > 0) {
    const char* line = strstr(buffer, "\nbtime ");
    if (line != nullptr) result = strtoll(line + 7, nullptr, 10);
  }
  const double uptime = result == 0 ? uptime_seconds() : -1;
  if (uptime >= 0) result = static_cast<long long>(time(nullptr)) - static_cast<long long>(uptime);
  free(buffer);
  return result;
}

// -f's C, as procps: the CPU time used per whole second of the process's life, in percent,
// at most 99 (0 in its first second).
unsigned cpu_percent(const ProcessInfo& info, double uptime, long ticks_per_second) {
  const double alive = uptime - static_cast<double>(info.start_ticks) / ticks_per_second;
  if (uptime < 0 || alive < 1) return 0;
  const unsigned long long life_ticks =
      static_cast<unsigned long long>(alive) * static_cast<unsigned long long>(ticks_per_second);
  const unsigned long long percent = info.cpu_ticks * 100 / life_ticks;
  return percent > 99 ? 99 : static_cast<unsigned>(percent);
}

// -f's CMD: the arguments separated by spaces, or "[comm]" for kernel threads.
void print_command_line(const ProcessInfo& info) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/cmdline", info.pid);
  char buffer[2048];
  const ssize_t length = read_small_file(path, buffer, sizeof buffer);
  if (length <= 0) {
    printf("[%s]\n", info.comm);
    return;
  }
  size_t end = static_cast<size_t>(length);
  while (end > 0 && buffer[end - 1] == '\0') --end;
  for (size_t i = 0; i < end; ++i) {
    if (buffer[i] == '\0' || buffer[i] == '\n') buffer[i] = ' ';
  }
  escape_unprintable(buffer, end);
  fwrite(buffer, 1, end, stdout);
  putchar('\n');
}

}  // namespace

int ps_main(int argc, char** argv) {
  bool full = false;
  opterr = 0;
  int opt;
  while ((opt = getopt(argc, argv, "Aaef")) != -1) {
    switch (opt) {
      case 'A':
      case 'a':
      case 'e': break;  // Every process is listed anyway.
      case 'f': full = true; break;
      default: text::print_bad_option(kProg); return 1;
    }
  }
  DIR* proc = opendir("/proc");
  if (proc == nullptr) {
    report_error(kProg, "/proc", errno);
    return 1;
  }
  const long ticks_per_second = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
  const long long boot = full ? boot_time() : 0;
  const double uptime = full ? uptime_seconds() : -1;
  // readdir order is not numeric everywhere: collect the pids and sort them.
  text::Array<long> pids;
  while (const dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = strtol(entry->d_name, &end, 10);
    if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9' && *end == '\0') pids.push(pid);
  }
  closedir(proc);
  for (size_t i = 1; i < pids.size(); ++i) {
    for (size_t j = i; j > 0 && pids[j - 1] > pids[j]; --j) {
      const long t = pids[j];
      pids[j] = pids[j - 1];
      pids[j - 1] = t;
    }
  }
  // procps 4.0.2's widths (the host's; later procps widen PID to 7).
  printf(full ? "UID        PID  PPID  C STIME TTY          TIME CMD\n"
              : "  PID TTY          TIME CMD\n");
  for (size_t i = 0; i < pids.size(); ++i) {
    char name[32];
    snprintf(name, sizeof name, "%ld", pids[i]);
    ProcessInfo info;
    if (!read_stat(name, info)) continue;  // It exited meanwhile.
    char tty[32];
    tty_name(info.tty, tty, sizeof tty);
    char cpu[32];
    format_cpu_time(info.cpu_ticks, ticks_per_second, cpu, sizeof cpu);
    if (!full) {
      printf("%5ld %-8s %8s %s\n", info.pid, tty, cpu, info.comm);
      continue;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld", info.pid);
    struct stat st;
    const unsigned uid = stat(path, &st) == 0 ? static_cast<unsigned>(st.st_uid) : 0;
    const passwd* pw = getpwuid(uid);
    char user[32];
    if (pw != nullptr && strlen(pw->pw_name) <= 8) {
      snprintf(user, sizeof user, "%s", pw->pw_name);
    } else {
      snprintf(user, sizeof user, "%u", uid);
    }
    const time_t start =
        static_cast<time_t>(boot + static_cast<long long>(info.start_ticks) / ticks_per_second);
    tm start_tm;
    char stime[16] = "?";
    if (boot > 0 && localtime_r(&start, &start_tm) != nullptr) {
      strftime(stime, sizeof stime, "%H:%M", &start_tm);
    }
    printf("%-8s %5ld %5ld %2u %5s %-8s %8s ", user, info.pid, info.ppid,
           cpu_percent(info, uptime, ticks_per_second), stime, tty, cpu);
    print_command_line(info);
  }
  return 0;
}

}  // namespace mos::programs
