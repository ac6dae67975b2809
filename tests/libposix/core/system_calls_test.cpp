// The system-call layer (mos::posix::sys): Linux's arguments, values >= 0 or -errno, the calling
// thread's process (init here, a child where noted), and -ENOSYS outside every process.
#include "core_test_support.hpp"

#include <posix/system_calls.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <cerrno>

using namespace mos;
using namespace mos::posix;
using namespace mos::posix::test;

TEST_CASE("sys: file calls return values or -errno") {
  World& world = fresh_world();
  Process& init = world.init();
  CHECK(sys::getpid() == 1);
  CHECK(sys::getppid() == 0);
  CHECK(sys::mkdirat(AT_FDCWD, "/d", 0755) == 0);
  CHECK(sys::mkdirat(AT_FDCWD, "/d", 0755) == -EEXIST);
  const long fd = sys::openat(AT_FDCWD, "/d/f", O_RDWR | O_CREAT | O_EXCL, 0640);
  CHECK(fd == 0);
  CHECK(sys::openat(AT_FDCWD, "/d/f", O_RDWR | O_CREAT | O_EXCL, 0640) == -EEXIST);
  CHECK(sys::openat(AT_FDCWD, "/nope/f", O_RDONLY, 0) == -ENOENT);
  CHECK(sys::write(static_cast<int>(fd), "hello", 5) == 5);
  CHECK(sys::lseek(static_cast<int>(fd), 1, SEEK_SET) == 1);
  char buffer[8] = {};
  CHECK(sys::read(static_cast<int>(fd), buffer, sizeof buffer) == 4);
  CHECK(std::string_view(buffer, 4) == "ello");
  CHECK(sys::pread(static_cast<int>(fd), buffer, 2, 3) == 2);
  CHECK(std::string_view(buffer, 2) == "lo");
  CHECK(sys::lseek(static_cast<int>(fd), 0, 42) == -EINVAL);
  CHECK(sys::read(99, buffer, 1) == -EBADF);
  CHECK(sys::close(99) == -EBADF);
  CHECK(sys::dup3(static_cast<int>(fd), static_cast<int>(fd), 0) == -EINVAL);
  CHECK(sys::dup2(static_cast<int>(fd), 7) == 7);
  CHECK(sys::fcntl(7, F_GETFD, 0) == 0);
  CHECK(sys::fcntl(7, F_GETFL, 0) == O_RDWR);

  sys::Stat st{};
  CHECK(sys::newfstatat(AT_FDCWD, "/d/f", &st, 0) == 0);
  CHECK(st.size == 5);
  CHECK((st.mode & 07777) == 0640);
  CHECK(S_ISREG(st.mode));
  CHECK(st.nlink == 1);
  CHECK(sys::fstat(static_cast<int>(fd), &st) == 0);
  CHECK(st.size == 5);
  CHECK(sys::newfstatat(AT_FDCWD, "/d/g", &st, 0) == -ENOENT);
  CHECK(sys::newfstatat(static_cast<int>(fd), "x", &st, 0) == -ENOTDIR);

  CHECK(sys::chdir("/d") == 0);
  char cwd[16];
  CHECK(sys::getcwd(cwd, sizeof cwd) == 3);  // With the NUL.
  CHECK(std::string_view(cwd) == "/d");
  CHECK(sys::getcwd(cwd, 2) == -ERANGE);
  CHECK(sys::chdir("f") == -ENOTDIR);
  CHECK(sys::umask(077) == 022);
  CHECK(sys::umask(022) == 077);
  CHECK(sys::faccessat(AT_FDCWD, "f", R_OK | W_OK, 0) == 0);
  CHECK(sys::faccessat(AT_FDCWD, "g", F_OK, 0) == -ENOENT);
  CHECK(sys::unlinkat(AT_FDCWD, "/d", 0) == -EISDIR);
  CHECK(sys::unlinkat(AT_FDCWD, "/d", AT_REMOVEDIR) == -ENOTEMPTY);
  CHECK(sys::symlinkat("f", AT_FDCWD, "l") == 0);
  CHECK(sys::readlinkat(AT_FDCWD, "l", buffer, sizeof buffer) == 1);
  CHECK(buffer[0] == 'f');
  CHECK(sys::readlinkat(AT_FDCWD, "f", buffer, sizeof buffer) == -EINVAL);
  CHECK(sys::truncate("f", 2) == 0);
  CHECK(sys::fstat(static_cast<int>(fd), &st) == 0);
  CHECK(st.size == 2);
  CHECK(sys::ftruncate(static_cast<int>(fd), 9) == 0);
  CHECK(sys::fstat(static_cast<int>(fd), &st) == 0);
  CHECK(st.size == 9);
  int fds[2];
  CHECK(sys::pipe2(fds, O_APPEND) == -EINVAL);
  CHECK(sys::pipe2(fds, O_CLOEXEC) == 0);
  CHECK(sys::fcntl(fds[0], F_GETFD, 0) == FD_CLOEXEC);
  CHECK(sys::write(fds[1], "xy", 2) == 2);
  CHECK(sys::read(fds[0], buffer, sizeof buffer) == 2);
  init.fds().close_all();
}

TEST_CASE("sys: process and signal calls return values or -errno") {
  World& world = fresh_world();
  (void)world;
  CHECK(sys::kill(12345, 0) == -ESRCH);
  CHECK(sys::kill(1, 0) == 0);
  CHECK(sys::kill(1, 65) == -EINVAL);
  sys::SignalAction action{reinterpret_cast<void*>(1), 0, 0};
  CHECK(sys::rt_sigaction(SIGKILL, &action, nullptr) == -EINVAL);
  CHECK(sys::rt_sigaction(SIGSTOP, &action, nullptr) == -EINVAL);
  CHECK(sys::rt_sigaction(0, &action, nullptr) == -EINVAL);
  CHECK(sys::rt_sigaction(65, nullptr, nullptr) == -EINVAL);
  sys::SignalAction old{};
  CHECK(sys::rt_sigaction(SIGKILL, nullptr, &old) == 0);  // Reading is allowed.
  CHECK(old.handler == nullptr);
  CHECK(sys::rt_sigaction(SIGUSR2, &action, nullptr) == 0);
  CHECK(sys::rt_sigaction(SIGUSR2, nullptr, &old) == 0);
  CHECK(old.handler == reinterpret_cast<void*>(1));
  action.handler = nullptr;
  CHECK(sys::rt_sigaction(SIGUSR2, &action, nullptr) == 0);
  unsigned long set = (1UL << (SIGUSR1 - 1)) | (1UL << (SIGKILL - 1));
  unsigned long previous = ~0UL;
  CHECK(sys::rt_sigprocmask(SIG_BLOCK, &set, &previous) == 0);
  CHECK(previous == 0);
  CHECK(sys::rt_sigprocmask(SIG_SETMASK, nullptr, &previous) == 0);
  CHECK(previous == 1UL << (SIGUSR1 - 1));  // SIGKILL cannot be blocked.
  CHECK(sys::rt_sigprocmask(7, &set, nullptr) == -EINVAL);
  CHECK(sys::rt_sigprocmask(SIG_SETMASK, &(set = 0), nullptr) == 0);
  sys::WaitInfo info{};
  CHECK(sys::wait(0, 0, WEXITED, &info) == -ECHILD);
  CHECK(sys::wait(1, 99, WEXITED | WNOHANG, &info) == -ECHILD);
  CHECK(sys::wait(0, 0, 0x40000000, &info) == -EINVAL);
  CHECK(sys::setpgid(0, -1) == -EINVAL);
  CHECK(sys::setpgid(77, 0) == -ESRCH);
  CHECK(sys::setsid() == -EPERM);  // Init leads its group.
  CHECK(sys::getpgid(0) == 1);
  CHECK(sys::getsid(0) == 1);
  CHECK(sys::getpgid(4242) == -ESRCH);
  CHECK(sys::nanosleep(-1, nullptr) == -EINVAL);
  const std::uint64_t before = sched::now();
  CHECK(sys::nanosleep(20 * kMs, nullptr) == 0);
  CHECK(sched::now() - before >= 20 * kMs);
  CHECK(sys::alarm(0) == 0);
  CHECK(sys::spawn("/nope", 0, nullptr, nullptr, nullptr, nullptr) == -ENOENT);
  CHECK(sys::spawn(nullptr, 0, nullptr, nullptr, nullptr, nullptr) == -EFAULT);
  CHECK(sys::spawn_function(nullptr, nullptr, nullptr, nullptr) == -EINVAL);
  CHECK(sys::setrlimit(7, 8, 4) == -EINVAL);
  unsigned long current = 0, maximum = 0;
  CHECK(sys::getrlimit(7, &current, &maximum) == 0);
  CHECK(current == static_cast<unsigned long>(kMaxFds));
  CHECK(sys::getrlimit(99, &current, &maximum) == -EINVAL);
}

TEST_CASE("sys: the environment calls") {
  World& world = fresh_world();
  (void)world;
  char a[] = "A=1";
  char b[] = "B=2";
  char* strings[] = {a, b, nullptr};
  CHECK(sys::set_environment(strings) == 0);
  char** environment = *sys::environment();
  REQUIRE(environment != nullptr);
  CHECK(std::string_view(environment[0]) == "A=1");
  CHECK(sys::set_environment_variable("A", "9", 0) == 0);
  CHECK(std::string_view((*sys::environment())[0]) == "A=1");
  CHECK(sys::set_environment_variable("A", "9", 1) == 0);
  CHECK(std::string_view((*sys::environment())[0]) == "A=9");
  CHECK(sys::set_environment_variable("C", "3", 0) == 0);
  CHECK(std::string_view((*sys::environment())[2]) == "C=3");
  CHECK(sys::set_environment_variable("X=Y", "3", 0) == -EINVAL);
  CHECK(sys::set_environment_variable("", "3", 0) == -EINVAL);
  CHECK(sys::unset_environment_variable("A") == 0);
  CHECK(std::string_view((*sys::environment())[0]) == "B=2");
  CHECK((*sys::environment())[2] == nullptr);
  CHECK(sys::set_environment(nullptr) == 0);
}

TEST_CASE("sys: a thread outside every process gets -ENOSYS") {
  World& world = fresh_world();
  (void)world;
  long pid = 0, opened = 0;
  bool has_process = true;
  sched::ThreadAttributes attributes;
  auto thread = sched::spawn(
      [&] {
        sched::current().set_owner(nullptr);
        has_process = current_process() != nullptr;
        pid = sys::getpid();
        opened = sys::openat(AT_FDCWD, "/", O_RDONLY, 0);
      },
      attributes);
  REQUIRE(thread.has_value());
  REQUIRE(sched::join(**thread).has_value());
  CHECK_FALSE(has_process);
  CHECK(pid == -ENOSYS);
  CHECK(opened == -ENOSYS);
}
