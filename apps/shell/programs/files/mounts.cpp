#include "mounts.hpp"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

namespace mos::programs::files {

namespace {

/// Cuts the next space-separated field off *cursor and decodes its \ooo escapes in place.
char* next_field(char** cursor) {
  char* p = *cursor;
  while (*p == ' ' || *p == '\t') ++p;
  if (*p == '\0' || *p == '\n') return nullptr;
  char* field = p;
  char* out = p;
  while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n') {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
        p[3] <= '7') {
      *out++ = static_cast<char>((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
      p += 4;
    } else {
      *out++ = *p++;
    }
  }
  const bool more = *p != '\0';
  *out = '\0';
  *cursor = more ? p + 1 : p;
  return field;
}

}  // namespace

bool open_mounts(MountReader* reader) {
  reader->file = fopen(kMountsPath, "r");
  return reader->file != nullptr;
}

bool next_mount(MountReader* reader, MountEntry* entry) {
  while (getline(&reader->line, &reader->capacity, reader->file) > 0) {
    char* cursor = reader->line;
    entry->device = next_field(&cursor);
    entry->directory = next_field(&cursor);
    entry->type = next_field(&cursor);
    entry->options = next_field(&cursor);
    if (entry->options != nullptr) return true;
  }
  return false;
}

void close_mounts(MountReader* reader) {
  if (reader->file != nullptr) fclose(reader->file);
  free(reader->line);
  reader->file = nullptr;
  reader->line = nullptr;
  reader->capacity = 0;
}

}  // namespace mos::programs::files
