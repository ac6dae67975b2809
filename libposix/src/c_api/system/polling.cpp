// The C names of poll and select, over the poll system call.
#include "call.hpp"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/select.h>

namespace sys = mos::posix::sys;
using mos::posix::c_api::fail;
using mos::posix::c_api::finish;

static_assert(sizeof(struct pollfd) == sizeof(sys::PollFd));

extern "C" {

int poll(struct pollfd* fds, nfds_t count, int timeout_ms) {
  return static_cast<int>(
      finish(sys::poll(reinterpret_cast<sys::PollFd*>(fds), count, timeout_ms)));
}

int select(int count, fd_set* readable, fd_set* writable, fd_set* exceptional,
           struct timeval* timeout) {
  constexpr int kMost = 256;  // Mosaic's descriptor limit (OPEN_MAX).
  if (count < 0 || count > FD_SETSIZE) return fail(EINVAL);
  struct pollfd fds[kMost];
  int used = 0;
  for (int fd = 0; fd < count; ++fd) {
    short events = 0;
    if (readable != nullptr && FD_ISSET(fd, readable)) events |= POLLIN;
    if (writable != nullptr && FD_ISSET(fd, writable)) events |= POLLOUT;
    if (exceptional != nullptr && FD_ISSET(fd, exceptional)) events |= POLLPRI;
    if (events == 0) continue;
    if (used == kMost) return fail(EBADF);
    fds[used++] = {fd, events, 0};
  }
  long ms = -1;
  if (timeout != nullptr) ms = timeout->tv_sec * 1000 + timeout->tv_usec / 1000;
  const long ready =
      finish(sys::poll(reinterpret_cast<sys::PollFd*>(fds), static_cast<unsigned long>(used), ms));
  if (ready < 0) return -1;
  if (readable != nullptr) FD_ZERO(readable);
  if (writable != nullptr) FD_ZERO(writable);
  if (exceptional != nullptr) FD_ZERO(exceptional);
  int bits = 0;
  for (int i = 0; i < used; ++i) {
    const struct pollfd& d = fds[i];
    if ((d.revents & POLLNVAL) != 0) return fail(EBADF);
    if (readable != nullptr && (d.events & POLLIN) != 0 &&
        (d.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      FD_SET(d.fd, readable);
      ++bits;
    }
    if (writable != nullptr && (d.events & POLLOUT) != 0 &&
        (d.revents & (POLLOUT | POLLERR)) != 0) {
      FD_SET(d.fd, writable);
      ++bits;
    }
  }
  return bits;
}

}  // extern "C"
