#include "copy.hpp"

#include "common.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mos::programs::files {

namespace {

constexpr size_t kCopyBufferSize = 64 * 1024;

/// copy_path's state, shared with its walk visitor.
struct Copy {
  const CopyOptions* options;
  const char* dst_root;
  char* dst;     ///< PATH_MAX bytes: the destination of the current entry.
  char* buffer;  ///< kCopyBufferSize bytes for file contents.
  mode_t umask_bits;
  bool have_dst_root_id;  ///< Set once the top directory is made: a walk into it is refused.
  dev_t dst_root_dev;
  ino_t dst_root_ino;
  bool ok;
};

void fail(Copy& copy, const char* path, int error) {
  report_error(copy.options->program, path, error);
  copy.ok = false;
}

/// Sets owner and times (and, for files, the full mode) of copy.dst from st.
void preserve_attributes(Copy& copy, const struct stat& st) {
  const bool link = S_ISLNK(st.st_mode);
  // Only root may give files away: like GNU cp -p, a failed chown is not an error.
  if (link) {
    (void)lchown(copy.dst, st.st_uid, st.st_gid);
  } else {
    (void)chown(copy.dst, st.st_uid, st.st_gid);
    if (chmod(copy.dst, st.st_mode & 07777) != 0) fail(copy, copy.dst, errno);
  }
  const struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (utimensat(AT_FDCWD, copy.dst, times, link ? AT_SYMLINK_NOFOLLOW : 0) != 0) {
    fail(copy, copy.dst, errno);
  }
}

bool copy_contents(Copy& copy, const char* src, int in, int out) {
  for (;;) {
    const ssize_t n = read(in, copy.buffer, kCopyBufferSize);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(copy, src, errno);
      return false;
    }
    if (!write_all(out, copy.buffer, static_cast<size_t>(n))) {
      fail(copy, copy.dst, errno);
      return false;
    }
  }
}

void copy_file(Copy& copy, const char* src, const struct stat& st) {
  const int in = open(src, O_RDONLY);
  if (in < 0) {
    fail(copy, src, errno);
    return;
  }
  const int flags = O_WRONLY | O_CREAT | O_TRUNC;
  int out = open(copy.dst, flags, st.st_mode & 0777);
  if (out < 0 && copy.options->force && errno != ENOENT && unlink(copy.dst) == 0) {
    out = open(copy.dst, flags, st.st_mode & 0777);
  }
  if (out < 0) {
    fail(copy, copy.dst, errno);
    close(in);
    return;
  }
  const bool copied = copy_contents(copy, src, in, out);
  close(in);
  if (close(out) != 0 && copied) fail(copy, copy.dst, errno);
  if (copied && copy.options->preserve) preserve_attributes(copy, st);
}

void copy_link(Copy& copy, const char* src, const struct stat& st) {
  char* target = static_cast<char*>(malloc(PATH_MAX));
  if (target == nullptr) {
    fail(copy, src, ENOMEM);
    return;
  }
  const ssize_t n = readlink(src, target, PATH_MAX - 1);
  if (n < 0) {
    fail(copy, src, errno);
  } else {
    target[n] = '\0';
    int status = symlink(target, copy.dst);
    if (status != 0 && errno == EEXIST && unlink(copy.dst) == 0) status = symlink(target, copy.dst);
    if (status != 0) {
      fail(copy, copy.dst, errno);
    } else if (copy.options->preserve) {
      preserve_attributes(copy, st);
    }
  }
  free(target);
}

void copy_special(Copy& copy, const char* src, const struct stat& st) {
  if (S_ISSOCK(st.st_mode)) {
    report(copy.options->program, "%s: cannot copy a socket", src);
    copy.ok = false;
    return;
  }
  const mode_t mode = st.st_mode & 07777;
  const int status =
      S_ISFIFO(st.st_mode) ? mkfifo(copy.dst, mode) : mknod(copy.dst, st.st_mode, st.st_rdev);
  if (status != 0) {
    fail(copy, copy.dst, errno);
  } else if (copy.options->preserve) {
    preserve_attributes(copy, st);
  }
}

/// Makes the directory copy.dst (or accepts an existing one) before its children are copied.
WalkAction enter_directory(Copy& copy, const WalkEntry& entry) {
  const struct stat& st = *entry.st;
  if (!copy.options->recursive) {
    report(copy.options->program, "-r not specified; omitting directory '%s'", entry.path);
    copy.ok = false;
    return WalkAction::Prune;
  }
  if (copy.have_dst_root_id && st.st_dev == copy.dst_root_dev && st.st_ino == copy.dst_root_ino) {
    report(copy.options->program, "cannot copy a directory, '%.*s', into itself, '%s'",
           static_cast<int>(entry.root_length), entry.path, copy.dst_root);
    copy.ok = false;
    return WalkAction::Prune;
  }
  // Owner rwx while the children are written; the real mode is set at DirectoryEnd.
  if (mkdir(copy.dst, (st.st_mode & 0777) | S_IRWXU) != 0) {
    const int error = errno;
    struct stat existing;
    if (error != EEXIST || stat(copy.dst, &existing) != 0 || !S_ISDIR(existing.st_mode)) {
      if (error == EEXIST) {
        report(copy.options->program, "cannot overwrite non-directory '%s' with directory '%s'",
               copy.dst, entry.path);
        copy.ok = false;
      } else {
        fail(copy, copy.dst, error);
      }
      return WalkAction::Prune;
    }
  }
  if (entry.depth == 0) {
    struct stat made;
    if (stat(copy.dst, &made) == 0) {
      copy.have_dst_root_id = true;
      copy.dst_root_dev = made.st_dev;
      copy.dst_root_ino = made.st_ino;
    }
  }
  return WalkAction::Continue;
}

void leave_directory(Copy& copy, const struct stat& st) {
  if (copy.options->preserve) {
    preserve_attributes(copy, st);
  } else if ((st.st_mode & S_IRWXU) != S_IRWXU) {
    if (chmod(copy.dst, st.st_mode & 0777 & ~copy.umask_bits) != 0) fail(copy, copy.dst, errno);
  }
}

/// Writes into copy.dst the destination of the walked path.
bool set_destination(Copy& copy, const WalkEntry& entry) {
  const char* suffix = entry.path + entry.root_length;
  while (*suffix == '/') ++suffix;
  const bool fits = *suffix == '\0' ? join_path(copy.dst, PATH_MAX, "", copy.dst_root)
                                    : join_path(copy.dst, PATH_MAX, copy.dst_root, suffix);
  if (!fits) fail(copy, entry.path, ENAMETOOLONG);
  return fits;
}

bool same_file(const char* dst, const struct stat& src) {
  struct stat st;
  return stat(dst, &st) == 0 && st.st_dev == src.st_dev && st.st_ino == src.st_ino;
}

WalkAction visit_copy(void* context, WalkEvent event, const WalkEntry& entry) {
  Copy& copy = *static_cast<Copy*>(context);
  if (event == WalkEvent::DirectoryError) {
    fail(copy, entry.path, entry.error);
    return WalkAction::Continue;
  }
  if (entry.st == nullptr) {
    fail(copy, entry.path, entry.error);
    return WalkAction::Continue;
  }
  if (!set_destination(copy, entry)) return WalkAction::Prune;
  const struct stat& st = *entry.st;
  if (event == WalkEvent::DirectoryEnd) {
    leave_directory(copy, st);
    return WalkAction::Continue;
  }
  if (entry.depth == 0 && !S_ISLNK(st.st_mode) && same_file(copy.dst, st)) {
    report(copy.options->program, "'%s' and '%s' are the same file", entry.path, copy.dst);
    copy.ok = false;
    return WalkAction::Prune;
  }
  if (S_ISDIR(st.st_mode)) return enter_directory(copy, entry);
  if (S_ISLNK(st.st_mode)) {
    copy_link(copy, entry.path, st);
  } else if (S_ISREG(st.st_mode) || !copy.options->recursive) {
    copy_file(copy, entry.path, st);
  } else {
    copy_special(copy, entry.path, st);
  }
  return WalkAction::Continue;
}

/// rm -r's state, shared with its walk visitor.
struct Removal {
  const char* program;
  bool ok;
};

WalkAction visit_removal(void* context, WalkEvent event, const WalkEntry& entry) {
  Removal& removal = *static_cast<Removal*>(context);
  if (event == WalkEvent::DirectoryError) {
    // An unreadable directory may still be empty, and so removable.
    if (rmdir(entry.path) != 0) {
      report_error(removal.program, entry.path, entry.error);
      removal.ok = false;
    }
    return WalkAction::Continue;
  }
  if (entry.st == nullptr) {
    report_error(removal.program, entry.path, entry.error);
    removal.ok = false;
    return WalkAction::Continue;
  }
  const bool directory = S_ISDIR(entry.st->st_mode);
  if (event == WalkEvent::Entry && directory) return WalkAction::Continue;
  if ((directory ? rmdir(entry.path) : unlink(entry.path)) != 0) {
    report_error(removal.program, entry.path, errno);
    removal.ok = false;
  }
  return WalkAction::Continue;
}

}  // namespace

bool copy_path(const char* src, const char* dst, const CopyOptions& options) {
  char* path = static_cast<char*>(malloc(PATH_MAX));
  char* buffer = static_cast<char*>(malloc(kCopyBufferSize));
  if (path == nullptr || buffer == nullptr) {
    free(path);
    free(buffer);
    report_error(options.program, src, ENOMEM);
    return false;
  }
  const mode_t umask_bits = umask(0);
  umask(umask_bits);
  Copy copy{&options, dst, path, buffer, umask_bits, false, 0, 0, true};
  const bool walked = walk_tree(options.program, src, options.follow, visit_copy, &copy);
  free(path);
  free(buffer);
  return walked && copy.ok;
}

bool remove_tree(const char* program, const char* path) {
  Removal removal{program, true};
  const bool walked = walk_tree(program, path, WalkFollow::Never, visit_removal, &removal);
  return walked && removal.ok;
}

}  // namespace mos::programs::files
