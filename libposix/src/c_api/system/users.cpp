// The user and group databases: /etc/passwd and /etc/group, read line by line into the
// process's C runtime buffers (or the caller's, for the _r forms).
#include "c_runtime.hpp"
#include "call.hpp"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace {

using mos::posix::c_api::CRuntime;

// Reads the file's lines into `line` one at a time; visit(line) returns true to stop.
template <class Visit>
bool for_each_line(const char* path, char* line, size_t size, Visit visit) noexcept {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char chunk[256];
  size_t length = 0;
  bool found = false;
  ssize_t got;
  while (!found && (got = read(fd, chunk, sizeof chunk)) > 0) {
    for (ssize_t i = 0; i < got && !found; ++i) {
      if (chunk[i] != '\n') {
        if (length + 1 < size) line[length++] = chunk[i];
        continue;
      }
      line[length] = '\0';
      found = visit(line);
      length = 0;
    }
  }
  if (!found && length > 0) {
    line[length] = '\0';
    found = visit(line);
  }
  close(fd);
  return found;
}

// Splits `line` at ':' into at most `count` fields (in place).
int split(char* line, char** fields, int count) noexcept {
  int n = 0;
  fields[n++] = line;
  for (char* p = line; *p != '\0' && n < count; ++p) {
    if (*p == ':') {
      *p = '\0';
      fields[n++] = p + 1;
    }
  }
  return n;
}

bool parse_user(char* line, struct passwd* out) noexcept {
  char* fields[7];
  if (split(line, fields, 7) != 7) return false;
  *out = {fields[0],
          fields[1],
          static_cast<uid_t>(strtoul(fields[2], nullptr, 10)),
          static_cast<gid_t>(strtoul(fields[3], nullptr, 10)),
          fields[4],
          fields[5],
          fields[6]};
  return true;
}

bool parse_group(char* line, struct group* out, char** members, int capacity) noexcept {
  char* fields[4];
  if (split(line, fields, 4) != 4) return false;
  int n = 0;
  for (char* p = fields[3]; *p != '\0' && n < capacity;) {
    members[n++] = p;
    char* comma = strchr(p, ',');
    if (comma == nullptr) break;
    *comma = '\0';
    p = comma + 1;
  }
  members[n] = nullptr;
  *out = {fields[0], fields[1], static_cast<gid_t>(strtoul(fields[2], nullptr, 10)), members};
  return true;
}

template <class Match>
int find_user(struct passwd* entry, char* buffer, size_t size, struct passwd** result,
              Match match) noexcept {
  *result = nullptr;
  const bool found = for_each_line("/etc/passwd", buffer, size, [&](char* line) {
    return parse_user(line, entry) && match(*entry);
  });
  if (found) *result = entry;
  return 0;
}

}  // namespace

extern "C" {

int getpwuid_r(uid_t uid, struct passwd* entry, char* buffer, size_t size, struct passwd** result) {
  return find_user(entry, buffer, size, result,
                   [&](const struct passwd& user) { return user.pw_uid == uid; });
}

int getpwnam_r(const char* name, struct passwd* entry, char* buffer, size_t size,
               struct passwd** result) {
  return find_user(entry, buffer, size, result,
                   [&](const struct passwd& user) { return strcmp(user.pw_name, name) == 0; });
}

struct passwd* getpwuid(uid_t uid) {
  CRuntime& runtime = mos::posix::c_api::c_runtime();
  struct passwd* result;
  getpwuid_r(uid, &runtime.user, runtime.user_buffer, sizeof runtime.user_buffer, &result);
  return result;
}

struct passwd* getpwnam(const char* name) {
  CRuntime& runtime = mos::posix::c_api::c_runtime();
  struct passwd* result;
  getpwnam_r(name, &runtime.user, runtime.user_buffer, sizeof runtime.user_buffer, &result);
  return result;
}

struct group* getgrgid(gid_t gid) {
  CRuntime& runtime = mos::posix::c_api::c_runtime();
  const bool found = for_each_line("/etc/group", runtime.group_buffer, sizeof runtime.group_buffer,
                                   [&](char* line) {
                                     return parse_group(line, &runtime.group, runtime.group_members,
                                                        mos::posix::c_api::kGroupMembers) &&
                                            runtime.group.gr_gid == gid;
                                   });
  return found ? &runtime.group : nullptr;
}

struct group* getgrnam(const char* name) {
  CRuntime& runtime = mos::posix::c_api::c_runtime();
  const bool found = for_each_line("/etc/group", runtime.group_buffer, sizeof runtime.group_buffer,
                                   [&](char* line) {
                                     return parse_group(line, &runtime.group, runtime.group_members,
                                                        mos::posix::c_api::kGroupMembers) &&
                                            strcmp(runtime.group.gr_name, name) == 0;
                                   });
  return found ? &runtime.group : nullptr;
}

}  // extern "C"
