// Pathname expansion with fnmatch(3) and opendir/readdir, one directory level per pattern
// component; results are sorted with strcmp (the C locale's collation).
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>

#include "expand.hpp"

namespace mos::sh {

namespace {

constexpr int kMaxComponents = 64;

bool has_magic(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '\\' && i + 1 < n) {
      ++i;
    } else if (s[i] == '*' || s[i] == '?' || s[i] == '[') {
      return true;
    }
  }
  return false;
}

// Removes the backslashes of a literal (non-magic) pattern component.
void append_unescaped(StrBuf& out, const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '\\' && i + 1 < n) ++i;
    out.push(s[i]);
  }
}

// `prefix` is the path matched so far (with trailing '/', or empty); `rest` the pattern left.
void glob_walk(StrBuf& prefix, const char* rest, Vec<char*>& out, int depth) {
  if (depth > kMaxComponents) return;
  const char* slash = strchr(rest, '/');
  const size_t n = slash ? static_cast<size_t>(slash - rest) : strlen(rest);
  const size_t saved = prefix.size();
  if (!has_magic(rest, n)) {
    append_unescaped(prefix, rest, n);
    if (slash == nullptr) {
      struct stat st;
      if (lstat(prefix.c_str(), &st) == 0) out.push(dup_str(prefix.c_str()));
    } else {
      prefix.push('/');
      const char* next = slash + 1;
      while (*next == '/') {
        prefix.push('/');
        ++next;
      }
      if (*next == '\0') {
        struct stat st;
        if (stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
          out.push(dup_str(prefix.c_str()));
      } else {
        glob_walk(prefix, next, out, depth + 1);
      }
    }
    prefix.truncate(saved);
    return;
  }
  char* component = dup_mem(rest, n);
  DIR* dir = opendir(prefix.empty() ? "." : prefix.c_str());
  if (dir != nullptr) {
    Vec<char*> names;
    while (struct dirent* d = readdir(dir)) {
      if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) {
        if (component[0] != '.') continue;
      }
      if (fnmatch(component, d->d_name, FNM_PERIOD) == 0) names.push(dup_str(d->d_name));
    }
    closedir(dir);
    for (char* name : names) {
      prefix.append(name);
      if (slash == nullptr) {
        out.push(dup_str(prefix.c_str()));
      } else {
        struct stat st;
        if (stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
          prefix.push('/');
          const char* next = slash + 1;
          while (*next == '/') ++next;
          if (*next == '\0') {
            out.push(dup_str(prefix.c_str()));
          } else {
            glob_walk(prefix, next, out, depth + 1);
          }
        }
      }
      prefix.truncate(saved);
      free(name);
    }
  }
  free(component);
}

}  // namespace

size_t glob_expand(const char* pattern, Vec<char*>& out) {
  const size_t first = out.size();
  StrBuf prefix;
  const char* rest = pattern;
  if (*rest == '/') {
    while (*rest == '/') {
      prefix.push('/');
      ++rest;
    }
  }
  if (*rest == '\0') return 0;
  glob_walk(prefix, rest, out, 0);
  std::sort(out.begin() + first, out.end(),
            [](const char* x, const char* y) { return strcmp(x, y) < 0; });
  return out.size() - first;
}

}  // namespace mos::sh
