// stat: show files' status, in GNU stat's default layout or a -c FORMAT.
#include "program.hpp"

#include "common.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "stat";

/// "2024-01-31 12:00:00.123456789 +0100", as GNU stat prints times.
void print_time(const struct timespec& t) {
  struct tm tm;
  if (localtime_r(&t.tv_sec, &tm) == nullptr) {
    printf("%lld", static_cast<long long>(t.tv_sec));
    return;
  }
  const long offset = files::utc_offset_seconds(t.tv_sec);
  const long magnitude = offset < 0 ? -offset : offset;
  printf("%04d-%02d-%02d %02d:%02d:%02d.%09ld %c%02ld%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(t.tv_nsec),
         offset < 0 ? '-' : '+', magnitude / 3600, magnitude / 60 % 60);
}

/// The name, with " -> TARGET" for a symbolic link (%N).
void print_quoted_name(const char* path, const struct stat& st) {
  printf("%s", path);
  if (S_ISLNK(st.st_mode)) files::print_link_target(path);
}

void print_default(const char* path, const struct stat& st) {
  char mode[11];
  char user[64];
  char group[64];
  files::format_mode(st.st_mode, mode);
  files::format_user(st.st_uid, user, sizeof user);
  files::format_group(st.st_gid, group, sizeof group);
  printf("  File: ");
  print_quoted_name(path, st);
  printf("\n  Size: %-10lld\tBlocks: %-10lld IO Block: %-6ld %s\n",
         static_cast<long long>(st.st_size), static_cast<long long>(st.st_blocks),
         static_cast<long>(st.st_blksize), files::file_type_name(st));
  printf("Device: %u,%u\tInode: %-11llu Links: ", static_cast<unsigned>(major(st.st_dev)),
         static_cast<unsigned>(minor(st.st_dev)), static_cast<unsigned long long>(st.st_ino));
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    printf("%-5lu Device type: %u,%u", static_cast<unsigned long>(st.st_nlink),
           static_cast<unsigned>(major(st.st_rdev)), static_cast<unsigned>(minor(st.st_rdev)));
  } else {
    printf("%lu", static_cast<unsigned long>(st.st_nlink));
  }
  printf("\nAccess: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n",
         static_cast<unsigned>(st.st_mode & 07777), mode, static_cast<unsigned>(st.st_uid), user,
         static_cast<unsigned>(st.st_gid), group);
  printf("Access: ");
  print_time(st.st_atim);
  printf("\nModify: ");
  print_time(st.st_mtim);
  printf("\nChange: ");
  print_time(st.st_ctim);
  printf("\n Birth: -\n");
}

/// Prints one %-directive of -c; false when the letter is unknown.
bool print_directive(char directive, const char* path, const struct stat& st) {
  char text[64];
  switch (directive) {
    case 'n':
      printf("%s", path);
      break;
    case 'N':
      print_quoted_name(path, st);
      break;
    case 's':
      printf("%lld", static_cast<long long>(st.st_size));
      break;
    case 'b':
      printf("%lld", static_cast<long long>(st.st_blocks));
      break;
    case 'B':
      printf("512");
      break;
    case 'o':
      printf("%ld", static_cast<long>(st.st_blksize));
      break;
    case 'a':
      printf("%o", static_cast<unsigned>(st.st_mode & 07777));
      break;
    case 'A':
      files::format_mode(st.st_mode, text);
      printf("%s", text);
      break;
    case 'f':
      printf("%x", static_cast<unsigned>(st.st_mode));
      break;
    case 'F':
      printf("%s", files::file_type_name(st));
      break;
    case 'u':
      printf("%u", static_cast<unsigned>(st.st_uid));
      break;
    case 'g':
      printf("%u", static_cast<unsigned>(st.st_gid));
      break;
    case 'U':
      files::format_user(st.st_uid, text, sizeof text);
      printf("%s", text);
      break;
    case 'G':
      files::format_group(st.st_gid, text, sizeof text);
      printf("%s", text);
      break;
    case 'i':
      printf("%llu", static_cast<unsigned long long>(st.st_ino));
      break;
    case 'h':
      printf("%lu", static_cast<unsigned long>(st.st_nlink));
      break;
    case 'd':
      printf("%llu", static_cast<unsigned long long>(st.st_dev));
      break;
    case 'D':
      printf("%llx", static_cast<unsigned long long>(st.st_dev));
      break;
    case 't':
      printf("%x", static_cast<unsigned>(major(st.st_rdev)));
      break;
    case 'T':
      printf("%x", static_cast<unsigned>(minor(st.st_rdev)));
      break;
    case 'X':
      printf("%lld", static_cast<long long>(st.st_atim.tv_sec));
      break;
    case 'Y':
      printf("%lld", static_cast<long long>(st.st_mtim.tv_sec));
      break;
    case 'Z':
      printf("%lld", static_cast<long long>(st.st_ctim.tv_sec));
      break;
    case 'x':
      print_time(st.st_atim);
      break;
    case 'y':
      print_time(st.st_mtim);
      break;
    case 'z':
      print_time(st.st_ctim);
      break;
    case '%':
      putchar('%');
      break;
    default:
      return false;
  }
  return true;
}

void print_format(const char* format, const char* path, const struct stat& st) {
  for (const char* p = format; *p != '\0'; ++p) {
    if (*p != '%') {
      putchar(*p);
    } else if (p[1] == '\0') {
      putchar('%');
    } else if (!print_directive(p[1], path, st)) {
      putchar('?');  // GNU prints an unknown directive's letter as '?'.
      ++p;
    } else {
      ++p;
    }
  }
  putchar('\n');
}

}  // namespace

int stat_main(int argc, char** argv) {
  const char* format = nullptr;
  bool follow = false;
  int option;
  while ((option = getopt(argc, argv, "c:L")) != -1) {
    switch (option) {
      case 'c':
        format = optarg;
        break;
      case 'L':
        follow = true;
        break;
      default:
        fprintf(stderr, "usage: stat [-L] [-c FORMAT] FILE...\n");
        return 2;
    }
  }
  if (optind == argc) {
    report(kName, "missing operand");
    return 2;
  }
  int status = 0;
  for (int i = optind; i < argc; ++i) {
    struct stat st;
    if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) != 0) {
      report_error(kName, argv[i], errno);
      status = 1;
      continue;
    }
    if (format != nullptr) {
      print_format(format, argv[i], st);
    } else {
      print_default(argv[i], st);
    }
  }
  return status;
}

}  // namespace mos::programs
