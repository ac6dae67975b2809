// The C names of the process interface: ids, groups, signals, waiting, sleeping, exit.
#include "c_runtime.hpp"
#include "call.hpp"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using mos::posix::c_api::fail;
using mos::posix::c_api::finish;
namespace sys = mos::posix::sys;

extern "C" {

int* __errno_location(void) {
  return sys::errno_location();
}

pid_t getpid(void) {
  return static_cast<pid_t>(finish(sys::getpid()));
}
pid_t getppid(void) {
  return static_cast<pid_t>(finish(sys::getppid()));
}
pid_t getpgrp(void) {
  return static_cast<pid_t>(finish(sys::getpgid(0)));
}
pid_t getpgid(pid_t pid) {
  return static_cast<pid_t>(finish(sys::getpgid(pid)));
}
int setpgid(pid_t pid, pid_t group) {
  return static_cast<int>(finish(sys::setpgid(pid, group)));
}
pid_t setsid(void) {
  return static_cast<pid_t>(finish(sys::setsid()));
}
pid_t getsid(pid_t pid) {
  return static_cast<pid_t>(finish(sys::getsid(pid)));
}

uid_t getuid(void) {
  return static_cast<uid_t>(sys::get_id(0));
}
uid_t geteuid(void) {
  return static_cast<uid_t>(sys::get_id(1));
}
gid_t getgid(void) {
  return static_cast<gid_t>(sys::get_id(2));
}
gid_t getegid(void) {
  return static_cast<gid_t>(sys::get_id(3));
}
int getgroups(int size, gid_t list[]) {
  return static_cast<int>(finish(sys::getgroups(size, list)));
}
int setgroups(size_t size, const gid_t* list) {
  return static_cast<int>(finish(sys::setgroups(size, list)));
}
int setuid(uid_t uid) {
  return static_cast<int>(finish(sys::setuid(uid)));
}
int setgid(gid_t gid) {
  return static_cast<int>(finish(sys::setgid(gid)));
}
int seteuid(uid_t uid) {
  return static_cast<int>(finish(sys::seteuid(uid)));
}
int setegid(gid_t gid) {
  return static_cast<int>(finish(sys::setegid(gid)));
}

// --- Signals --------------------------------------------------------------------------------

int kill(pid_t pid, int signal) {
  return static_cast<int>(finish(sys::kill(pid, signal)));
}

int killpg(pid_t group, int signal) {
  if (group <= 1) return fail(EINVAL);
  return kill(-group, signal);
}

int raise(int signal) {
  return kill(getpid(), signal);
}

int sigaction(int signal, const struct sigaction* action, struct sigaction* old) {
  sys::SignalAction wanted = {};
  if (action != nullptr) {
    wanted.handler = (action->sa_flags & SA_SIGINFO) != 0
                         ? reinterpret_cast<void*>(action->sa_sigaction)
                         : reinterpret_cast<void*>(action->sa_handler);
    wanted.flags = static_cast<unsigned int>(action->sa_flags);
    wanted.mask = action->sa_mask.__bits[0];
  }
  sys::SignalAction previous = {};
  const long result = sys::rt_sigaction(signal, action != nullptr ? &wanted : nullptr, &previous);
  if (result == 0 && old != nullptr) {
    *old = {};
    old->sa_flags = static_cast<int>(previous.flags);
    old->sa_mask.__bits[0] = previous.mask;
    if ((previous.flags & SA_SIGINFO) != 0) {
      old->sa_sigaction = reinterpret_cast<void (*)(int, siginfo_t*, void*)>(previous.handler);
    } else {
      old->sa_handler = reinterpret_cast<sighandler_t>(previous.handler);
    }
  }
  return static_cast<int>(finish(result));
}

sighandler_t signal(int number, sighandler_t handler) {
  struct sigaction action = {};
  struct sigaction old = {};
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  if (sigaction(number, &action, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  unsigned long previous = 0;
  const long result =
      sys::rt_sigprocmask(how, set != nullptr ? &set->__bits[0] : nullptr, &previous);
  if (result == 0 && old != nullptr) old->__bits[0] = previous;
  return static_cast<int>(finish(result));
}

int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) {
  return sigprocmask(how, set, old) == 0 ? 0 : errno;
}

int sigpending(sigset_t* set) {
  return static_cast<int>(finish(sys::rt_sigpending(&set->__bits[0])));
}

int sigsuspend(const sigset_t* mask) {
  return static_cast<int>(finish(sys::rt_sigsuspend(mask->__bits[0])));
}

int sigemptyset(sigset_t* set) {
  set->__bits[0] = 0;
  return 0;
}
int sigfillset(sigset_t* set) {
  set->__bits[0] = ~0ul;
  return 0;
}
int sigaddset(sigset_t* set, int number) {
  if (number < 1 || number >= NSIG) return fail(EINVAL);
  set->__bits[0] |= 1ul << (number - 1);
  return 0;
}
int sigdelset(sigset_t* set, int number) {
  if (number < 1 || number >= NSIG) return fail(EINVAL);
  set->__bits[0] &= ~(1ul << (number - 1));
  return 0;
}
int sigismember(const sigset_t* set, int number) {
  if (number < 1 || number >= NSIG) return fail(EINVAL);
  return static_cast<int>((set->__bits[0] >> (number - 1)) & 1);
}

// --- Waiting --------------------------------------------------------------------------------

pid_t waitpid(pid_t pid, int* status, int options) {
  if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED)) != 0) return fail(EINVAL);
  int which = 0;
  int id = 0;
  if (pid > 0) {
    which = 1;
    id = pid;
  } else if (pid == 0) {
    which = 2;
    id = getpgrp();
  } else if (pid < -1) {
    which = 2;
    id = -pid;
  }
  sys::WaitInfo info = {};
  const long result = sys::wait(which, id, options | WEXITED, &info);
  if (result > 0 && status != nullptr) *status = info.status;
  return static_cast<pid_t>(finish(result));
}

pid_t wait(int* status) {
  return waitpid(-1, status, 0);
}

int waitid(idtype_t type, id_t id, siginfo_t* info, int options) {
  if (type != P_ALL && type != P_PID && type != P_PGID) return fail(EINVAL);
  if ((options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) return fail(EINVAL);
  sys::WaitInfo found = {};
  const long result = sys::wait(static_cast<int>(type), static_cast<int>(id), options, &found);
  if (result < 0) return static_cast<int>(finish(result));
  *info = {};
  if (found.pid != 0) {
    const int status = found.status;
    info->si_signo = SIGCHLD;
    info->si_pid = found.pid;
    info->si_uid = found.uid;
    if (WIFEXITED(status)) {
      info->si_code = CLD_EXITED;
      info->si_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      info->si_code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
      info->si_status = WTERMSIG(status);
    } else if (WIFSTOPPED(status)) {
      info->si_code = CLD_STOPPED;
      info->si_status = WSTOPSIG(status);
    } else {
      info->si_code = CLD_CONTINUED;
      info->si_status = SIGCONT;
    }
  }
  return static_cast<int>(finish(0));
}

// --- Time and sleeping ----------------------------------------------------------------------

int nanosleep(const struct timespec* duration, struct timespec* remaining) {
  if (duration->tv_sec < 0 || duration->tv_nsec < 0 || duration->tv_nsec >= 1'000'000'000) {
    return fail(EINVAL);
  }
  long left = 0;
  const long result = sys::nanosleep(duration->tv_sec * 1'000'000'000 + duration->tv_nsec, &left);
  if (result < 0 && remaining != nullptr) {
    remaining->tv_sec = left / 1'000'000'000;
    remaining->tv_nsec = left % 1'000'000'000;
  }
  return static_cast<int>(finish(result));
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* time,
                    struct timespec* remaining) {
  if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) return EINVAL;
  if ((flags & TIMER_ABSTIME) == 0) return nanosleep(time, remaining) == 0 ? 0 : errno;
  struct timespec now;
  clock_gettime(clock, &now);
  const long ns = (time->tv_sec - now.tv_sec) * 1'000'000'000 + (time->tv_nsec - now.tv_nsec);
  if (ns <= 0) return 0;
  const struct timespec relative = {ns / 1'000'000'000, ns % 1'000'000'000};
  return nanosleep(&relative, nullptr) == 0 ? 0 : errno;
}

unsigned sleep(unsigned seconds) {
  const struct timespec duration = {static_cast<time_t>(seconds), 0};
  struct timespec left = {};
  if (nanosleep(&duration, &left) == 0) return 0;
  return static_cast<unsigned>(left.tv_sec + (left.tv_nsec > 0 ? 1 : 0));
}

int usleep(useconds_t microseconds) {
  const struct timespec duration = {static_cast<time_t>(microseconds / 1'000'000),
                                    static_cast<long>(microseconds % 1'000'000) * 1000};
  return nanosleep(&duration, nullptr);
}

unsigned alarm(unsigned seconds) {
  const long left = sys::alarm(seconds);
  return left < 0 ? 0 : static_cast<unsigned>(left);
}

int pause(void) {
  return static_cast<int>(finish(sys::pause()));
}

clock_t times(struct tms* out) {
  constexpr long kTick = 10'000'000;  // sysconf(_SC_CLK_TCK) is 100.
  const long own = sys::cpu_time_ns(0);
  const long children = sys::cpu_time_ns(1);
  *out = {0, own < 0 ? 0 : own / kTick, 0, children < 0 ? 0 : children / kTick};
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<clock_t>(now.tv_sec * 100 + now.tv_nsec / kTick);
}

int getrusage(int who, struct rusage* out) {
  if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) return fail(EINVAL);
  *out = {};
  const long ns = sys::cpu_time_ns(who == RUSAGE_SELF ? 0 : 1);
  if (ns < 0) return static_cast<int>(finish(ns));
  out->ru_stime.tv_sec = ns / 1'000'000'000;
  out->ru_stime.tv_usec = ns % 1'000'000'000 / 1000;
  return 0;
}

int getrlimit(int resource, struct rlimit* out) {
  return static_cast<int>(finish(sys::getrlimit(resource, &out->rlim_cur, &out->rlim_max)));
}

int setrlimit(int resource, const struct rlimit* limit) {
  return static_cast<int>(finish(sys::setrlimit(resource, limit->rlim_cur, limit->rlim_max)));
}

// --- Ending ---------------------------------------------------------------------------------

void exit(int status) {
  mos::posix::c_api::run_exit_handlers();
  sys::exit(status);
}

void _exit(int status) {
  sys::exit(status);
}

void _Exit(int status) {
  sys::exit(status);
}

void abort(void) {
  // SIGABRT cannot stay blocked or caught for good: the default action follows.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGABRT);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(SIGABRT);
  signal(SIGABRT, SIG_DFL);
  raise(SIGABRT);
  sys::exit(134);
}

int atexit(void (*handler)(void)) {
  mos::posix::c_api::CRuntime& runtime = mos::posix::c_api::c_runtime();
  if (runtime.at_exit_count == mos::posix::c_api::kAtExitHandlers) return -1;
  runtime.at_exit[runtime.at_exit_count++] = handler;
  return 0;
}

}  // extern "C"
