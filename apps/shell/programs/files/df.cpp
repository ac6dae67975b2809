// df: space on the mounted file systems (from /proc/mounts), in 1K blocks or -h sizes.
#include "program.hpp"

#include "common.hpp"
#include "mounts.hpp"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "df";

/// The options and the exit status.
struct Df {
  bool human = false;
  bool all = false;
  int status = 0;
};

void format_amount(const Df& df, uint64_t bytes, char* out, size_t capacity) {
  if (df.human) {
    files::format_human_size(bytes, out, capacity);
  } else {
    snprintf(out, capacity, "%llu", static_cast<unsigned long long>((bytes + 1023) / 1024));
  }
}

void print_row(const Df& df, const files::MountEntry& mount, const struct statvfs& fs) {
  const uint64_t unit = fs.f_frsize != 0 ? fs.f_frsize : fs.f_bsize;
  const uint64_t total = static_cast<uint64_t>(fs.f_blocks) * unit;
  const uint64_t used = static_cast<uint64_t>(fs.f_blocks - fs.f_bfree) * unit;
  const uint64_t available = static_cast<uint64_t>(fs.f_bavail) * unit;
  char size_text[32];
  char used_text[32];
  char available_text[32];
  char percent[8] = "-";
  format_amount(df, total, size_text, sizeof size_text);
  format_amount(df, used, used_text, sizeof used_text);
  format_amount(df, available, available_text, sizeof available_text);
  // Use% is used / (used + available), rounded up, as in GNU df.
  if (used + available > 0) {
    const uint64_t shown = (used * 100 + used + available - 1) / (used + available);
    snprintf(percent, sizeof percent, "%llu%%", static_cast<unsigned long long>(shown));
  }
  printf("%-20s %*s %*s %*s %4s %s\n", mount.device, df.human ? 5 : 10, size_text,
         df.human ? 5 : 10, used_text, df.human ? 5 : 10, available_text, percent, mount.directory);
}

/// Prints the row of the file system holding path: the last mount in the table on the same
/// device (a later mount on one directory hides the earlier). Returns 0 or 1.
int print_holder(const Df& df, const char* path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    report_error(kName, path, errno);
    return 1;
  }
  files::MountReader reader;
  if (!files::open_mounts(&reader)) {
    report_error(kName, files::kMountsPath, errno);
    return 1;
  }
  char* device = nullptr;
  char* directory = nullptr;
  files::MountEntry mount;
  while (files::next_mount(&reader, &mount)) {
    struct stat mount_st;
    if (stat(mount.directory, &mount_st) != 0 || mount_st.st_dev != st.st_dev) continue;
    free(device);
    free(directory);
    device = strdup(mount.device);
    directory = strdup(mount.directory);
  }
  files::close_mounts(&reader);
  int status = 0;
  struct statvfs fs;
  if (device == nullptr || directory == nullptr) {
    report(kName, "%s: no mount found for it", path);
    status = 1;
  } else if (statvfs(directory, &fs) != 0) {
    report_error(kName, directory, errno);
    status = 1;
  } else {
    print_row(df, files::MountEntry{device, directory, "", ""}, fs);
  }
  free(device);
  free(directory);
  return status;
}

}  // namespace

int df_main(int argc, char** argv) {
  Df df;
  int option;
  while ((option = getopt(argc, argv, "ahk")) != -1) {
    switch (option) {
      case 'a':
        df.all = true;
        break;
      case 'h':
        df.human = true;
        break;
      case 'k':
        df.human = false;
        break;
      default:
        fprintf(stderr, "usage: df [-ahk] [FILE...]\n");
        return 2;
    }
  }
  const int width = df.human ? 5 : 10;
  printf("%-20s %*s %*s %*s %4s %s\n", "Filesystem", width, df.human ? "Size" : "1K-blocks", width,
         "Used", width, df.human ? "Avail" : "Available", "Use%", "Mounted on");
  if (optind < argc) {
    for (int i = optind; i < argc; ++i) df.status |= print_holder(df, argv[i]);
    return df.status;
  }
  files::MountReader reader;
  if (!files::open_mounts(&reader)) {
    report_error(kName, files::kMountsPath, errno);
    return 1;
  }
  files::MountEntry mount;
  while (files::next_mount(&reader, &mount)) {
    struct statvfs fs;
    if (statvfs(mount.directory, &fs) != 0) continue;  // Gone, or not ours to see.
    // Pseudo file systems (proc, sysfs, ...) have no blocks; -a shows them too.
    if (df.all || fs.f_blocks > 0) print_row(df, mount, fs);
  }
  files::close_mounts(&reader);
  return df.status;
}

}  // namespace mos::programs
