// The working directory and the file creation mask: cd, pwd, umask.
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.hpp"

namespace mos::sh {

namespace {

// Lexical clean-up of an absolute path: removes ".", "..", and duplicate slashes.
void normalize_path(const char* path, StrBuf& out) {
  out.clear();
  const char* p = path;
  while (*p) {
    while (*p == '/') ++p;
    const char* start = p;
    while (*p && *p != '/') ++p;
    const size_t n = static_cast<size_t>(p - start);
    if (n == 0 || (n == 1 && start[0] == '.')) continue;
    if (n == 2 && start[0] == '.' && start[1] == '.') {
      size_t k = out.size();
      while (k > 0 && out[k - 1] != '/') --k;
      out.truncate(k > 0 ? k - 1 : 0);
      continue;
    }
    out.push('/');
    out.append(start, n);
  }
  if (out.empty()) out.push('/');
}

bool try_cd(Shell& sh, const char* dir, StrBuf& new_pwd) {
  StrBuf logical;
  if (dir[0] == '/') {
    normalize_path(dir, logical);
  } else {
    const char* pwd = get_var(sh, "PWD");
    StrBuf joined;
    if (pwd && pwd[0] == '/') {
      joined.append(pwd);
    } else {
      char cwd[512];
      if (getcwd(cwd, sizeof cwd) == nullptr) return chdir(dir) == 0;
      joined.append(cwd);
    }
    joined.push('/');
    joined.append(dir);
    normalize_path(joined.c_str(), logical);
  }
  if (chdir(logical.c_str()) == 0) {
    new_pwd.append(logical.c_str());
    return true;
  }
  if (chdir(dir) != 0) return false;
  char cwd[512];
  if (getcwd(cwd, sizeof cwd) != nullptr) new_pwd.append(cwd);
  return true;
}

}  // namespace

int builtin_cd(Shell& sh, int argc, char** argv) {
  int i = 1;
  while (i < argc && (strcmp(argv[i], "-L") == 0 || strcmp(argv[i], "-P") == 0)) ++i;
  const char* dir = i < argc ? argv[i] : get_var(sh, "HOME");
  bool print = false;
  if (dir == nullptr) {
    sh_error(sh, "cd: HOME not set");
    return 2;
  }
  if (strcmp(dir, "-") == 0) {
    dir = get_var(sh, "OLDPWD");
    if (dir == nullptr) {
      sh_error(sh, "cd: OLDPWD not set");
      return 2;
    }
    print = true;
  }
  StrBuf new_pwd;
  bool ok = false;
  const char* cdpath = get_var(sh, "CDPATH");
  if (cdpath && dir[0] != '/' && strncmp(dir, "./", 2) != 0 && strncmp(dir, "../", 3) != 0 &&
      strcmp(dir, ".") != 0 && strcmp(dir, "..") != 0) {
    for (const char* p = cdpath; !ok;) {
      const char* colon = strchr(p, ':');
      const size_t n = colon ? static_cast<size_t>(colon - p) : strlen(p);
      StrBuf cand;
      if (n > 0) {
        cand.append(p, n);
        cand.push('/');
      }
      cand.append(dir);
      struct stat st;
      if (stat(cand.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        ok = try_cd(sh, cand.c_str(), new_pwd);
        if (ok && n > 0) print = true;
      }
      if (colon == nullptr) break;
      p = colon + 1;
    }
  }
  if (!ok) ok = try_cd(sh, dir, new_pwd);
  if (!ok) {
    sh_error(sh, "cd: can't cd to %s", dir);
    return 2;
  }
  const char* old = get_var(sh, "PWD");
  char* old_copy = dup_str(old);
  if (old_copy) set_var(sh, "OLDPWD", old_copy, kVarExport);
  free(old_copy);
  set_var(sh, "PWD", new_pwd.c_str(), kVarExport);
  if (print) {
    StrBuf out;
    out.append(new_pwd.c_str());
    out.push('\n');
    write_stdout(out);
  }
  return 0;
}

int builtin_pwd(Shell& sh, int argc, char** argv) {
  const bool physical = argc > 1 && strcmp(argv[1], "-P") == 0;
  StrBuf out;
  const char* pwd = get_var(sh, "PWD");
  if (!physical && pwd && pwd[0] == '/') {
    out.append(pwd);
  } else {
    char cwd[512];
    if (getcwd(cwd, sizeof cwd) == nullptr) {
      sh_error(sh, "pwd: %s", strerror(errno));
      return 2;
    }
    out.append(cwd);
  }
  out.push('\n');
  write_stdout(out);
  return 0;
}

int builtin_umask(Shell& sh, int argc, char** argv) {
  if (argc == 1) {
    const mode_t m = umask(0);
    umask(m);
    char buf[8];
    buf[0] = '0';
    buf[1] = static_cast<char>('0' + ((m >> 6) & 7));
    buf[2] = static_cast<char>('0' + ((m >> 3) & 7));
    buf[3] = static_cast<char>('0' + (m & 7));
    buf[4] = '\n';
    write_all(1, buf, 5);
    return 0;
  }
  char* end = nullptr;
  const long m = strtol(argv[1], &end, 8);
  if (end == argv[1] || *end != '\0' || m < 0 || m > 0777) {
    sh_error(sh, "umask: Illegal number: %s", argv[1]);
    return 2;
  }
  umask(static_cast<mode_t>(m));
  return 0;
}

}  // namespace mos::sh
