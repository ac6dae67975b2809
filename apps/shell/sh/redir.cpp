// Redirections, applied in the shell process itself (with the previous fds saved above 10 and
// restored afterwards): a child, spawned in between, inherits the result.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.hpp"
#include "expand.hpp"
#include "subshell.hpp"

namespace mos::sh {

namespace {

constexpr int kFirstPrivateFd = 10;

struct HereWriter {
  int fd;
  char* text;
};

int here_writer_entry(void* p) {
  HereWriter* w = static_cast<HereWriter*>(p);
  write_all(w->fd, w->text, strlen(w->text));
  close(w->fd);
  free(w->text);
  free(w);
  return 0;
}

void here_writer_discard(void* p) {
  HereWriter* w = static_cast<HereWriter*>(p);
  free(w->text);
  free(w);
}

// A pipe whose read end delivers `text`: written directly when it fits in the pipe, otherwise
// by a child process.
int here_doc_fd(Shell& sh, const char* text) {
  int p[2];
  if (pipe(p) != 0) return -1;
  const size_t n = strlen(text);
  if (n <= PIPE_BUF) {
    write_all(p[1], text, n);
    close(p[1]);
    return p[0];
  }
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  add_private_fd(sh, p[0]);
  HereWriter* w = static_cast<HereWriter*>(must_alloc(sizeof(HereWriter)));
  w->fd = p[1];
  w->text = dup_str(text);
  ChildSetup setup = make_child_setup();
  pid_t pid = 0;
  const int err = spawn_subshell(here_writer_entry, w, here_writer_discard, setup, &pid);
  remove_private_fd(sh, p[0]);
  close(p[1]);
  if (err != 0) {
    close(p[0]);
    errno = err;
    return -1;
  }
  // The writer is reaped when it is done (it exits as soon as the reader has everything);
  // keep it as a finished-without-notice job so that wait collects it.
  Job* j = new_job("");
  add_job_process(j, pid, 0, false);
  j->notified = true;
  add_job(sh.jobs, j);
  return p[0];
}

}  // namespace

void add_private_fd(Shell& sh, int fd) {
  sh.private_fds.push(fd);
}

void remove_private_fd(Shell& sh, int fd) {
  for (size_t i = 0; i < sh.private_fds.size(); ++i) {
    if (sh.private_fds[i] == fd) {
      sh.private_fds.erase(i);
      return;
    }
  }
}

void close_private_fd(Shell& sh, int fd) {
  remove_private_fd(sh, fd);
  close(fd);
}

bool open_private_pipe(Shell& sh, int p[2]) {
  if (pipe(p) != 0) {
    sh_error(sh, "pipe: %s", strerror(errno));
    return false;
  }
  for (int i = 0; i < 2; ++i) {
    fcntl(p[i], F_SETFD, FD_CLOEXEC);
    add_private_fd(sh, p[i]);
  }
  return true;
}

bool redirect_fd(Shell& sh, int target, int fd, Vec<SavedFd>* saved) {
  if (saved != nullptr) {
    const int copy = fcntl(fd, F_DUPFD_CLOEXEC, kFirstPrivateFd);
    if (copy < 0 && errno != EBADF) {
      sh_error(sh, "cannot save fd %d", fd);
      return false;
    }
    if (copy >= 0) add_private_fd(sh, copy);
    saved->push(SavedFd{fd, copy});
  }
  if (target < 0) {
    close(fd);
    return true;
  }
  if (target != fd && dup2(target, fd) < 0) {
    sh_error(sh, "%d: %s", fd, strerror(errno));
    return false;
  }
  return true;
}

void restore_fds(Shell& sh, Vec<SavedFd>& saved) {
  for (size_t i = saved.size(); i-- > 0;) {
    const SavedFd s = saved[i];
    if (s.saved < 0) {
      close(s.fd);
    } else {
      dup2(s.saved, s.fd);
      close(s.saved);
      remove_private_fd(sh, s.saved);
    }
  }
  saved.clear();
}

bool apply_redirs(Shell& sh, const Vec<Redir>& redirs, Vec<SavedFd>* saved) {
  for (const Redir& r : redirs) {
    StrBuf target;
    if (r.op == RedirOp::Here) {
      if (r.here_quoted) {
        target.append(r.here_body ? r.here_body : "");
      } else if (!expand_heredoc(sh, r.here_body ? r.here_body : "", target)) {
        return false;
      }
      const int fd = here_doc_fd(sh, target.c_str());
      if (fd < 0) {
        sh_error(sh, "cannot create here-document: %s", strerror(errno));
        return false;
      }
      const bool ok = fd == r.fd || redirect_fd(sh, fd, r.fd, saved);
      if (fd != r.fd) close(fd);
      if (!ok) return false;
      continue;
    }
    if (!expand_string(sh, r.target, target)) return false;
    if (r.op == RedirOp::DupIn || r.op == RedirOp::DupOut) {
      if (strcmp(target.c_str(), "-") == 0) {
        if (!redirect_fd(sh, -1, r.fd, saved)) return false;
        continue;
      }
      char* end = nullptr;
      const long from = strtol(target.c_str(), &end, 10);
      if (target.empty() || *end != '\0' || from < 0 || from > INT_MAX) {
        sh_error(sh, "%s: bad file descriptor", target.c_str());
        return false;
      }
      if (fcntl(static_cast<int>(from), F_GETFD) < 0) {
        sh_error(sh, "%ld: bad file descriptor", from);
        return false;
      }
      if (!redirect_fd(sh, static_cast<int>(from), r.fd, saved)) return false;
      continue;
    }
    int flags = 0;
    switch (r.op) {
      case RedirOp::In:
        flags = O_RDONLY;
        break;
      case RedirOp::Out:
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        break;
      case RedirOp::Clobber:
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        break;
      case RedirOp::Append:
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
      case RedirOp::InOut:
        flags = O_RDWR | O_CREAT;
        break;
      default:
        break;
    }
    if (r.op == RedirOp::Out && sh.opts.noclobber) {
      struct stat st;
      if (stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        sh_error(sh, "cannot create %s: File exists", target.c_str());
        return false;
      }
      flags |= O_EXCL;
      if (stat(target.c_str(), &st) == 0) flags &= ~O_EXCL;  // Devices like /dev/null.
    }
    const int fd = open(target.c_str(), flags | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (r.op == RedirOp::In) {
        sh_error(sh, "cannot open %s: %s", target.c_str(),
                 errno == ENOENT ? "No such file" : strerror(errno));
      } else {
        sh_error(sh, "cannot create %s: %s", target.c_str(),
                 errno == ENOENT ? "Directory nonexistent" : strerror(errno));
      }
      return false;
    }
    const bool ok = redirect_fd(sh, fd, r.fd, saved);
    if (fd != r.fd) {
      close(fd);
    } else {
      fcntl(fd, F_SETFD, 0);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace mos::sh
