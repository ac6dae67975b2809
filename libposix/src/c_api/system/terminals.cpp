// The C names of terminals: termios over TCGETS/TCSETS, the foreground group, window sizes,
// ioctl, isatty and ttyname.
#include "c_runtime.hpp"
#include "call.hpp"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

namespace sys = mos::posix::sys;

extern "C" {

int ioctl(int fd, unsigned long request, ...) {
  va_list args;
  va_start(args, request);
  const unsigned long argument = va_arg(args, unsigned long);
  va_end(args);
  return static_cast<int>(
      mos::posix::c_api::finish(sys::ioctl(fd, static_cast<unsigned int>(request), argument)));
}

int tcgetattr(int fd, struct termios* out) {
  return ioctl(fd, TCGETS, out);
}

int tcsetattr(int fd, int when, const struct termios* settings) {
  if (when < TCSANOW || when > TCSAFLUSH) {
    errno = EINVAL;
    return -1;
  }
  return ioctl(fd, TCSETS + when, settings);
}

int tcdrain(int fd) {
  return ioctl(fd, TCSBRK, 1);
}
int tcflush(int fd, int queue) {
  return ioctl(fd, TCFLSH, queue);
}
int tcflow(int, int) {
  errno = ENOSYS;
  return -1;
}
int tcsendbreak(int fd, int) {
  return isatty(fd) ? 0 : -1;
}

pid_t tcgetpgrp(int fd) {
  int group = 0;
  if (ioctl(fd, TIOCGPGRP, &group) != 0) return -1;
  return group;
}

int tcsetpgrp(int fd, pid_t group) {
  int value = group;
  return ioctl(fd, TIOCSPGRP, &value);
}

pid_t tcgetsid(int fd) {
  struct stat status;
  if (fstat(fd, &status) != 0) return -1;
  unsigned long terminal = 0;
  int session = 0;
  if (sys::controlling_terminal(&terminal, &session) < 0 || terminal != status.st_rdev) {
    errno = ENOTTY;
    return -1;
  }
  return session;
}

int isatty(int fd) {
  struct termios settings;
  const int saved = errno;
  if (tcgetattr(fd, &settings) == 0) return 1;
  if (errno != EBADF) errno = ENOTTY;
  (void)saved;
  return 0;
}

// The terminals Mosaic's machine makes: /dev/ttyS* (4, 64+) and /dev/tty* (4, 1+).
int ttyname_r(int fd, char* buffer, size_t size) {
  struct stat status;
  if (fstat(fd, &status) != 0) return errno;
  if (!isatty(fd)) return ENOTTY;
  const unsigned number = minor(status.st_rdev);
  const int length = number >= 64 ? snprintf(buffer, size, "/dev/ttyS%u", number - 64)
                                  : snprintf(buffer, size, "/dev/tty%u", number);
  return length < 0 || static_cast<size_t>(length) >= size ? ERANGE : 0;
}

char* ttyname(int fd) {
  mos::posix::c_api::CRuntime& runtime = mos::posix::c_api::c_runtime();
  const int error = ttyname_r(fd, runtime.tty_name, sizeof runtime.tty_name);
  if (error != 0) {
    errno = error;
    return nullptr;
  }
  return runtime.tty_name;
}

void cfmakeraw(struct termios* settings) {
  settings->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  settings->c_oflag &= ~OPOST;
  settings->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  settings->c_cflag &= ~(CSIZE | PARENB);
  settings->c_cflag |= CS8;
  settings->c_cc[VMIN] = 1;
  settings->c_cc[VTIME] = 0;
}

speed_t cfgetospeed(const struct termios* settings) {
  return settings->c_cflag & CBAUD;
}
speed_t cfgetispeed(const struct termios* settings) {
  return cfgetospeed(settings);
}

int cfsetospeed(struct termios* settings, speed_t speed) {
  if ((speed & ~CBAUD) != 0) {
    errno = EINVAL;
    return -1;
  }
  settings->c_cflag = (settings->c_cflag & ~CBAUD) | speed;
  return 0;
}
int cfsetispeed(struct termios* settings, speed_t speed) {
  return speed == 0 ? 0 : cfsetospeed(settings, speed);
}
int cfsetspeed(struct termios* settings, speed_t speed) {
  return cfsetospeed(settings, speed);
}

}  // extern "C"
