#pragma once
/// Reading the mount table (/proc/mounts) for df and mount.

#include <stdio.h>

namespace mos::programs::files {

/// Where the kernel lists its mounts.
inline constexpr const char* kMountsPath = "/proc/mounts";

/// One line of the table; the strings live in the reader's line buffer until the next line.
struct MountEntry {
  const char* device;
  const char* directory;
  const char* type;
  const char* options;
};

/// An open mount table.
struct MountReader {
  FILE* file = nullptr;
  char* line = nullptr;
  size_t capacity = 0;
};

/// Opens the table; false (errno set) when it cannot.
bool open_mounts(MountReader* reader);

/// Reads the next well-formed line into entry (octal escapes such as \040 decoded); false at
/// the end.
bool next_mount(MountReader* reader, MountEntry* entry);

/// Closes the table and frees the line buffer.
void close_mounts(MountReader* reader);

}  // namespace mos::programs::files
