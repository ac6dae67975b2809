// The C names that describe the system and act on it: uname, sysinfo, sysconf, host names,
// clocks, mount, the kernel log, reboot, syscall.
#include "call.hpp"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

namespace sys = mos::posix::sys;
using mos::posix::c_api::fail;
using mos::posix::c_api::finish;

namespace {

void copy_field(char* out, const char* text) noexcept {
  const size_t length = strlen(text) < 64 ? strlen(text) : 64;
  memcpy(out, text, length);
  out[length] = '\0';
}

}  // namespace

extern "C" {

int uname(struct utsname* out) {
  *out = {};
  copy_field(out->sysname, "Mosaic");
  copy_field(out->nodename, "mosaic");
  copy_field(out->release, "0.1.0");
  copy_field(out->version, "#1 Mosaic library OS");
  copy_field(out->machine, "x86_64");
  copy_field(out->domainname, "(none)");
  return 0;
}

int gethostname(char* name, size_t size) {
  if (size < 7) return fail(ENAMETOOLONG);
  memcpy(name, "mosaic", 7);
  return 0;
}

int sethostname(const char*, size_t) {
  return fail(EPERM);
}

long sysconf(int name) {
  switch (name) {
    case _SC_ARG_MAX:
      return 131072;
    case _SC_CHILD_MAX:
      return 1024;
    case _SC_CLK_TCK:
      return 100;
    case _SC_NGROUPS_MAX:
      return 32;
    case _SC_OPEN_MAX:
      return 256;
    case _SC_PAGESIZE:
      return 4096;
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN:
      return 1;
    case _SC_LINE_MAX:
      return 2048;
    case _SC_HOST_NAME_MAX:
      return 64;
    default:
      return fail(EINVAL);
  }
}

long pathconf(const char*, int name) {
  if (name == _PC_NAME_MAX) return 255;
  if (name == _PC_PATH_MAX) return 4096;
  return fail(EINVAL);
}

int getpagesize(void) {
  return 4096;
}

// Uptime only: memory figures are in /proc/meminfo (free reads them there).
int sysinfo(struct sysinfo* out) {
  *out = {};
  out->uptime = sys::uptime_seconds();
  out->mem_unit = 1;
  return 0;
}

int sched_yield(void) {
  return static_cast<int>(sys::sched_yield());
}

int clock_gettime(clockid_t clock, struct timespec* out) {
  return static_cast<int>(finish(sys::clock_gettime(clock, reinterpret_cast<sys::Timespec*>(out))));
}

int clock_getres(clockid_t clock, struct timespec* out) {
  if (clock < 0 || clock > CLOCK_BOOTTIME) return fail(EINVAL);
  if (out != nullptr) *out = {0, 1};
  return 0;
}

int clock_settime(clockid_t, const struct timespec*) {
  return fail(EPERM);
}

time_t time(time_t* out) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (out != nullptr) *out = now.tv_sec;
  return now.tv_sec;
}

clock_t clock(void) {
  struct timespec used;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
  return static_cast<clock_t>(used.tv_sec * 1'000'000 + used.tv_nsec / 1000);
}

int gettimeofday(struct timeval* now, void*) {
  struct timespec time;
  clock_gettime(CLOCK_REALTIME, &time);
  now->tv_sec = time.tv_sec;
  now->tv_usec = time.tv_nsec / 1000;
  return 0;
}

int settimeofday(const struct timeval*, const struct timezone*) {
  return fail(EPERM);
}

int mount(const char* source, const char* target, const char* type, unsigned long flags,
          const void*) {
  return static_cast<int>(finish(
      sys::mount(source != nullptr ? source : "", target, type != nullptr ? type : "", flags)));
}

int umount2(const char* target, int flags) {
  return static_cast<int>(finish(sys::umount2(target, flags)));
}

int umount(const char* target) {
  return umount2(target, 0);
}

int klogctl(int type, char* buffer, int length) {
  constexpr int kReadAll = 3, kSizeBuffer = 10;
  if (type == kSizeBuffer) return static_cast<int>(sys::kernel_log_size());
  if (type != kReadAll || buffer == nullptr || length < 0) return fail(EINVAL);
  return static_cast<int>(sys::read_kernel_log(buffer, static_cast<unsigned long>(length)));
}

int reboot(int command) {
  int action;
  switch (static_cast<unsigned>(command)) {
    case RB_POWER_OFF:
      action = 1;
      break;
    case RB_AUTOBOOT:
      action = 2;
      break;
    case RB_HALT_SYSTEM:
      action = 3;
      break;
    default:
      return fail(EINVAL);
  }
  return static_cast<int>(finish(sys::reboot(action)));
}

long syscall(long, ...) {
  return fail(ENOSYS);
}

}  // extern "C"
