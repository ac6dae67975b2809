#include "common.hpp"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <algorithm>

namespace mos::programs::files {

char file_type_letter(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return '-';
    case S_IFDIR:
      return 'd';
    case S_IFLNK:
      return 'l';
    case S_IFCHR:
      return 'c';
    case S_IFBLK:
      return 'b';
    case S_IFIFO:
      return 'p';
    case S_IFSOCK:
      return 's';
    default:
      return '?';
  }
}

const char* file_type_name(const struct stat& st) {
  switch (st.st_mode & S_IFMT) {
    case S_IFREG:
      return st.st_size == 0 ? "regular empty file" : "regular file";
    case S_IFDIR:
      return "directory";
    case S_IFLNK:
      return "symbolic link";
    case S_IFCHR:
      return "character special file";
    case S_IFBLK:
      return "block special file";
    case S_IFIFO:
      return "fifo";
    case S_IFSOCK:
      return "socket";
    default:
      return "weird file";
  }
}

void format_mode(mode_t mode, char out[11]) {
  out[0] = file_type_letter(mode);
  const char* const rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
  // The set-id and sticky bits take the place of an execute letter; upper case when the
  // execute bit under them is clear.
  if (mode & S_ISUID) out[3] = (mode & S_IXUSR) ? 's' : 'S';
  if (mode & S_ISGID) out[6] = (mode & S_IXGRP) ? 's' : 'S';
  if (mode & S_ISVTX) out[9] = (mode & S_IXOTH) ? 't' : 'T';
  out[10] = '\0';
}

void format_human_size(uint64_t bytes, char* out, size_t capacity) {
  const char* const units = "KMGTPE";
  if (bytes < 1024) {
    snprintf(out, capacity, "%llu", static_cast<unsigned long long>(bytes));
    return;
  }
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  // GNU rounds up: 1025 bytes is "1.1K", not "1.0K".
  if (value < 10.0) {
    uint64_t tenths = static_cast<uint64_t>(value * 10.0);
    if (static_cast<double>(tenths) < value * 10.0) ++tenths;
    if (tenths < 100) {
      snprintf(out, capacity, "%llu.%llu%c", static_cast<unsigned long long>(tenths / 10),
               static_cast<unsigned long long>(tenths % 10), units[unit]);
      return;
    }
    value = 10.0;
  }
  uint64_t whole = static_cast<uint64_t>(value);
  if (static_cast<double>(whole) < value) ++whole;
  if (whole >= 1024 && unit < 5) {
    snprintf(out, capacity, "1.0%c", units[unit + 1]);
    return;
  }
  snprintf(out, capacity, "%llu%c", static_cast<unsigned long long>(whole), units[unit]);
}

void format_user(uid_t uid, char* out, size_t capacity) {
  const struct passwd* pw = getpwuid(uid);
  if (pw != nullptr && pw->pw_name != nullptr) {
    snprintf(out, capacity, "%s", pw->pw_name);
  } else {
    snprintf(out, capacity, "%u", static_cast<unsigned>(uid));
  }
}

void format_group(gid_t gid, char* out, size_t capacity) {
  const struct group* gr = getgrgid(gid);
  if (gr != nullptr && gr->gr_name != nullptr) {
    snprintf(out, capacity, "%s", gr->gr_name);
  } else {
    snprintf(out, capacity, "%u", static_cast<unsigned>(gid));
  }
}

bool join_path(char* out, size_t capacity, const char* dir, const char* name) {
  const size_t dir_length = strlen(dir);
  const bool slash = dir_length > 0 && dir[dir_length - 1] != '/';
  const int n = snprintf(out, capacity, "%s%s%s", dir, slash ? "/" : "", name);
  return n >= 0 && static_cast<size_t>(n) < capacity;
}

bool last_component(const char* path, char* out, size_t capacity) {
  size_t end = strlen(path);
  while (end > 1 && path[end - 1] == '/') --end;
  size_t start = end;
  while (start > 0 && path[start - 1] != '/') --start;
  if (end == 1 && path[0] == '/') start = 0;  // "/" names itself.
  const size_t length = end - start;
  if (length + 1 > capacity) return false;
  memcpy(out, path + start, length);
  out[length] = '\0';
  return true;
}

bool path_in_directory(char* out, size_t capacity, const char* dir, const char* source) {
  char name[NAME_MAX + 1];
  return last_component(source, name, sizeof name) && join_path(out, capacity, dir, name);
}

void print_link_target(const char* path) {
  char* target = static_cast<char*>(malloc(PATH_MAX));
  const ssize_t n = target != nullptr ? readlink(path, target, PATH_MAX - 1) : -1;
  if (n >= 0) {
    target[n] = '\0';
    printf(" -> %s", target);
  }
  free(target);
}

bool is_directory(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_dot_or_dot_dot(const char* name) {
  return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

void print_file_header(const char* name, bool first) {
  if (!first) write_all(1, "\n", 1);
  write_all(1, "==> ", 4);
  write_all(1, name, strlen(name));
  write_all(1, " <==\n", 5);
}

bool parse_size(const char* text, uint64_t* out) {
  if (text[0] < '0' || text[0] > '9') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = strtoull(text, &end, 10);
  if (errno != 0) return false;
  uint64_t multiplier = 1;
  if (*end != '\0') {
    const char* const suffixes = "KMGTPE";
    const char* found = strchr(suffixes, end[0] == 'k' ? 'K' : end[0]);
    if (end[0] == 'b' && end[1] == '\0') {
      multiplier = 512;
    } else if (found != nullptr && end[0] != '\0') {
      const bool decimal = end[1] == 'B' && end[2] == '\0';
      if (!decimal && end[1] != '\0' && strcmp(end + 1, "iB") != 0) return false;
      for (const char* s = suffixes; s <= found; ++s) multiplier *= decimal ? 1000 : 1024;
    } else {
      return false;
    }
  }
  if (multiplier != 0 && value > UINT64_MAX / multiplier) return false;
  *out = value * multiplier;
  return true;
}

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
long days_from_civil(long year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const long era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<long>(day_of_era) - 719468;
}

}  // namespace

long utc_offset_seconds(time_t t) {
  struct tm local;
  if (localtime_r(&t, &local) == nullptr) return 0;
  const long local_seconds =
      days_from_civil(local.tm_year + 1900L, static_cast<unsigned>(local.tm_mon + 1),
                      static_cast<unsigned>(local.tm_mday)) *
          86400L +
      local.tm_hour * 3600L + local.tm_min * 60L + local.tm_sec;
  return local_seconds - static_cast<long>(t);
}

int read_directory(const char* path, DotEntries dots, NameList* list) {
  DIR* dir = opendir(path);
  if (dir == nullptr) return errno;
  size_t capacity = 0;
  int error = 0;
  for (;;) {
    errno = 0;
    const struct dirent* entry = readdir(dir);
    if (entry == nullptr) {
      error = errno;
      break;
    }
    if (dots == DotEntries::Skip && is_dot_or_dot_dot(entry->d_name)) continue;
    if (list->count == capacity) {
      const size_t grown = capacity == 0 ? 16 : capacity * 2;
      void* bigger = realloc(list->names, grown * sizeof(char*));
      if (bigger == nullptr) {
        error = ENOMEM;
        break;
      }
      list->names = static_cast<char**>(bigger);
      capacity = grown;
    }
    char* copy = strdup(entry->d_name);
    if (copy == nullptr) {
      error = ENOMEM;
      break;
    }
    list->names[list->count++] = copy;
  }
  closedir(dir);
  if (error != 0) {
    free_name_list(list);
    return error;
  }
  std::sort(list->names, list->names + list->count,
            [](const char* a, const char* b) { return strcmp(a, b) < 0; });
  return 0;
}

void free_name_list(NameList* list) {
  for (size_t i = 0; i < list->count; ++i) free(list->names[i]);
  free(list->names);
  list->names = nullptr;
  list->count = 0;
}

}  // namespace mos::programs::files
