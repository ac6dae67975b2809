// mount: list the mounts (no operands), or mount a file system: mount [-r] -t TYPE [-o OPTIONS]
// DEVICE DIRECTORY.
#include "program.hpp"

#include "common.hpp"
#include "mounts.hpp"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

namespace mos::programs {

namespace {

constexpr const char* kName = "mount";

/// A mount option that is a flag of mount(2).
struct FlagOption {
  const char* name;
  unsigned long set;    // Bits the option sets.
  unsigned long clear;  // Bits the option clears.
};

constexpr FlagOption kFlagOptions[] = {
    {"ro", MS_RDONLY, 0},         {"rw", 0, MS_RDONLY},       {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},       {"nodev", MS_NODEV, 0},     {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},     {"exec", 0, MS_NOEXEC},     {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS}, {"remount", MS_REMOUNT, 0}, {"bind", MS_BIND, 0},
    {"noatime", MS_NOATIME, 0},   {"atime", 0, MS_NOATIME},   {"relatime", MS_RELATIME, 0},
    {"defaults", 0, 0},
};

/// Splits -o's comma list into mount(2) flags and the file-system-specific rest (in data).
void parse_options(char* options, unsigned long* flags, char* data, size_t capacity) {
  size_t used = strlen(data);
  for (char* option = options; option != nullptr;) {
    char* comma = strchr(option, ',');
    if (comma != nullptr) *comma = '\0';
    bool known = false;
    for (const FlagOption& flag : kFlagOptions) {
      if (strcmp(flag.name, option) == 0) {
        *flags = (*flags | flag.set) & ~flag.clear;
        known = true;
      }
    }
    if (!known && option[0] != '\0') {
      const int n = snprintf(data + used, capacity - used, "%s%s", used > 0 ? "," : "", option);
      if (n > 0) used += static_cast<size_t>(n) < capacity - used ? static_cast<size_t>(n) : 0;
    }
    option = comma != nullptr ? comma + 1 : nullptr;
  }
}

int list_mounts() {
  files::MountReader reader;
  if (!files::open_mounts(&reader)) {
    report_error(kName, files::kMountsPath, errno);
    return 1;
  }
  files::MountEntry entry;
  while (files::next_mount(&reader, &entry)) {
    printf("%s on %s type %s (%s)\n", entry.device, entry.directory, entry.type, entry.options);
  }
  files::close_mounts(&reader);
  return 0;
}

}  // namespace

int mount_main(int argc, char** argv) {
  const char* type = nullptr;
  unsigned long flags = 0;
  char data[512] = "";
  int option;
  while ((option = getopt(argc, argv, "t:o:rw")) != -1) {
    switch (option) {
      case 't':
        type = optarg;
        break;
      case 'o':
        parse_options(optarg, &flags, data, sizeof data);
        break;
      case 'r':
        flags |= MS_RDONLY;
        break;
      case 'w':
        flags &= ~static_cast<unsigned long>(MS_RDONLY);
        break;
      default:
        fprintf(stderr, "usage: mount [-rw] [-t TYPE] [-o OPTIONS] DEVICE DIRECTORY\n");
        return 2;
    }
  }
  if (optind == argc) return list_mounts();
  if (argc - optind != 2) {
    fprintf(stderr, "usage: mount [-rw] [-t TYPE] [-o OPTIONS] DEVICE DIRECTORY\n");
    return 2;
  }
  // There is no probing of file-system types: without -t only bind mounts and remounts work.
  if (type == nullptr && (flags & (MS_BIND | MS_REMOUNT)) == 0) {
    report(kName, "%s: no file-system type given (-t TYPE)", argv[optind + 1]);
    return 2;
  }
  if (mount(argv[optind], argv[optind + 1], type, flags, data[0] != '\0' ? data : nullptr) != 0) {
    report_error(kName, argv[optind + 1], errno);
    return 1;
  }
  return 0;
}

}  // namespace mos::programs
