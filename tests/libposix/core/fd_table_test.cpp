// The descriptor table on its own (lowest free slot, limits, close-on-exec, copies), and the
// descriptor calls over it (dup, dup2, dup3, fcntl) with Linux's results and errors.
#include "core_test_support.hpp"

#include <posix/fd_table.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>

using namespace mos;
using namespace mos::posix;
using namespace mos::posix::test;
using vfs::open_flags::kCreate;
using vfs::open_flags::kReadWrite;

namespace {

RefPtr<vfs::OpenFile> open_file(World& world, std::string_view path) {
  auto file = world.vfs().open(world.space.root, path, kReadWrite | kCreate, 0644);
  REQUIRE(file.has_value());
  return *file;
}

}  // namespace

TEST_CASE("FdTable: lowest free descriptor, minimum, limit, closing") {
  World& world = fresh_world();
  RefPtr<vfs::OpenFile> a = open_file(world, "/a");
  RefPtr<vfs::OpenFile> b = open_file(world, "/b");
  FdTable table;
  CHECK(table.count() == 0);
  CHECK(table.end() == 0);
  CHECK(value_of(table.install(a, CloseOnExec::No)) == 0);
  CHECK(value_of(table.install(b, CloseOnExec::No)) == 1);
  CHECK(value_of(table.install(a, CloseOnExec::No)) == 2);
  REQUIRE(table.close(1).has_value());
  CHECK(value_of(table.install(b, CloseOnExec::No)) == 1);  // The lowest free one again.
  CHECK(value_of(table.install(b, CloseOnExec::No, 10)) == 10);
  CHECK(value_of(table.install(b, CloseOnExec::No, 10)) == 11);
  CHECK(table.count() == 5);
  CHECK(table.end() == 12);
  CHECK(table.get(10).value().get() == b.get());
  CHECK(table.get(0).value().get() == a.get());

  SUBCASE("errors") {
    CHECK(error_of(table.get(3)) == Error::BadFileDescriptor);
    CHECK(error_of(table.get(-1)) == Error::BadFileDescriptor);
    CHECK(error_of(table.get(kMaxFds)) == Error::BadFileDescriptor);
    CHECK(error_of(table.close(3)) == Error::BadFileDescriptor);
    CHECK(error_of(table.close(-5)) == Error::BadFileDescriptor);
    CHECK(error_of(table.install(a, CloseOnExec::No, -1)) == Error::InvalidArgument);
    CHECK(error_of(table.install(a, CloseOnExec::No, kMaxFds)) == Error::InvalidArgument);
    CHECK(error_of(table.install_at(kMaxFds, a, CloseOnExec::No)) == Error::BadFileDescriptor);
    CHECK(error_of(table.install_at(-1, a, CloseOnExec::No)) == Error::BadFileDescriptor);
    CHECK(error_of(table.close_on_exec(3)) == Error::BadFileDescriptor);
    CHECK(error_of(table.set_close_on_exec(3, CloseOnExec::Yes)) == Error::BadFileDescriptor);
  }
  SUBCASE("a limit below the table's size") {
    CHECK(value_of(table.install(a, CloseOnExec::No, 0, 4)) == 3);
    CHECK(error_of(table.install(a, CloseOnExec::No, 0, 4)) == Error::TooManyOpenFiles);
    // A limit above kMaxFds is kMaxFds.
    CHECK(value_of(table.install(a, CloseOnExec::No, 0, kMaxFds * 4)) == 4);
  }
  SUBCASE("a full table") {
    int installed = table.count();
    while (true) {
      auto fd = table.install(a, CloseOnExec::No);
      if (!fd) {
        CHECK(fd.error() == Error::TooManyOpenFiles);
        break;
      }
      ++installed;
    }
    CHECK(installed == kMaxFds);
    CHECK(table.end() == kMaxFds);
    REQUIRE(table.close(100).has_value());
    CHECK(value_of(table.install(b, CloseOnExec::No)) == 100);
    table.close_all();
    CHECK(table.count() == 0);
    CHECK(table.end() == 0);
  }
  SUBCASE("install_at replaces, closing what was there") {
    REQUIRE(table.install_at(0, b, CloseOnExec::Yes).has_value());
    CHECK(table.get(0).value().get() == b.get());
    CHECK(value_of(table.close_on_exec(0)) == 1);
    REQUIRE(table.install_at(200, a, CloseOnExec::No).has_value());
    CHECK(table.end() == 201);
    CHECK(table.count() == 6);
  }
  table.close_all();
}

TEST_CASE("FdTable: close-on-exec flags and copies") {
  World& world = fresh_world();
  RefPtr<vfs::OpenFile> a = open_file(world, "/a");
  FdTable table;
  CHECK(value_of(table.install(a, CloseOnExec::No)) == 0);
  CHECK(value_of(table.install(a, CloseOnExec::Yes)) == 1);
  CHECK(value_of(table.install(a, CloseOnExec::No, 7)) == 7);
  CHECK(value_of(table.install(a, CloseOnExec::Yes, 9)) == 9);
  CHECK(value_of(table.close_on_exec(0)) == 0);
  CHECK(value_of(table.close_on_exec(1)) == 1);
  REQUIRE(table.set_close_on_exec(7, CloseOnExec::Yes).has_value());
  REQUIRE(table.set_close_on_exec(1, CloseOnExec::No).has_value());

  FdTable all;
  all.copy_from(table, false);
  CHECK(all.count() == 4);
  CHECK(value_of(all.close_on_exec(7)) == 1);
  CHECK(value_of(all.close_on_exec(1)) == 0);
  CHECK(all.get(9).value().get() == a.get());

  FdTable kept;
  (void)kept.install(a, CloseOnExec::No, 50);  // Replaced by the copy.
  kept.copy_from(table, true);
  CHECK(kept.count() == 2);
  CHECK(kept.get(0).has_value());
  CHECK(kept.get(1).has_value());
  CHECK(error_of(kept.get(7)) == Error::BadFileDescriptor);
  CHECK(error_of(kept.get(9)) == Error::BadFileDescriptor);
  CHECK(error_of(kept.get(50)) == Error::BadFileDescriptor);

  table.close_on_exec_all();
  CHECK(table.count() == 2);
  CHECK(table.end() == 2);
  table.close_all();
  all.close_all();
  kept.close_all();
}

TEST_CASE("dup, dup2, dup3 and fcntl on a process's descriptors") {
  World& world = fresh_world();
  Process& init = world.init();
  const int fd = open(init, kAtWorkingDirectory, "/file", kReadWrite | kCreate, 0644).value();
  CHECK(fd == 0);
  REQUIRE(write_text(init, fd, "0123456789"));

  SUBCASE("dup shares the offset and clears close-on-exec") {
    REQUIRE(fcntl(init, fd, F_SETFD, FD_CLOEXEC).has_value());
    const int copy = dup(init, fd).value();
    CHECK(copy == 1);
    CHECK(value_of(fcntl(init, copy, F_GETFD, 0)) == 0);
    CHECK(value_of(fcntl(init, fd, F_GETFD, 0)) == FD_CLOEXEC);
    CHECK(value_of(seek(init, copy, 2, SEEK_SET)) == 2);
    CHECK(value_of(seek(init, fd, 0, SEEK_CUR)) == 2);
    CHECK(error_of(dup(init, 77)) == Error::BadFileDescriptor);
    CHECK(error_of(dup(init, -1)) == Error::BadFileDescriptor);
  }
  SUBCASE("dup2") {
    CHECK(value_of(dup2(init, fd, 5)) == 5);
    CHECK(value_of(dup2(init, fd, fd)) == fd);  // Same descriptor: nothing happens, fd returned.
    CHECK(error_of(dup2(init, 9, 9)) == Error::BadFileDescriptor);
    CHECK(error_of(dup2(init, 9, 3)) == Error::BadFileDescriptor);
    CHECK(error_of(dup2(init, fd, kMaxFds)) == Error::BadFileDescriptor);
    CHECK(error_of(dup2(init, fd, -1)) == Error::BadFileDescriptor);
    // Replacing an open descriptor closes its file silently.
    const int other = open(init, kAtWorkingDirectory, "/other", kReadWrite | kCreate, 0644).value();
    REQUIRE(fcntl(init, other, F_SETFD, FD_CLOEXEC).has_value());
    CHECK(value_of(dup2(init, fd, other)) == other);
    CHECK(value_of(fcntl(init, other, F_GETFD, 0)) == 0);
    CHECK(value_of(seek(init, other, 0, SEEK_END)) == 10);
  }
  SUBCASE("dup3") {
    CHECK(value_of(dup3(init, fd, 4, O_CLOEXEC)) == 4);
    CHECK(value_of(fcntl(init, 4, F_GETFD, 0)) == FD_CLOEXEC);
    CHECK(value_of(dup3(init, fd, 4, 0)) == 4);
    CHECK(value_of(fcntl(init, 4, F_GETFD, 0)) == 0);
    CHECK(error_of(dup3(init, fd, fd, 0)) == Error::InvalidArgument);
    CHECK(error_of(dup3(init, fd, 4, O_NONBLOCK)) == Error::InvalidArgument);
    CHECK(error_of(dup3(init, 8, 4, 0)) == Error::BadFileDescriptor);
  }
  SUBCASE("F_DUPFD and F_DUPFD_CLOEXEC") {
    CHECK(value_of(fcntl(init, fd, F_DUPFD, 0)) == 1);
    CHECK(value_of(fcntl(init, fd, F_DUPFD, 10)) == 10);
    CHECK(value_of(fcntl(init, fd, F_DUPFD, 10)) == 11);
    CHECK(value_of(fcntl(init, fd, F_DUPFD_CLOEXEC, 10)) == 12);
    CHECK(value_of(fcntl(init, 12, F_GETFD, 0)) == FD_CLOEXEC);
    CHECK(value_of(fcntl(init, 11, F_GETFD, 0)) == 0);
    CHECK(error_of(fcntl(init, fd, F_DUPFD, kMaxFds)) == Error::InvalidArgument);
    CHECK(error_of(fcntl(init, fd, F_DUPFD, static_cast<std::uintptr_t>(-1))) ==
          Error::InvalidArgument);
    CHECK(error_of(fcntl(init, 40, F_DUPFD, 0)) == Error::BadFileDescriptor);
    CHECK(error_of(fcntl(init, fd, 9999, 0)) == Error::InvalidArgument);
  }
  SUBCASE("F_GETFL and F_SETFL change status flags only") {
    CHECK(value_of(fcntl(init, fd, F_GETFL, 0)) == O_RDWR);
    REQUIRE(fcntl(init, fd, F_SETFL, O_NONBLOCK | O_APPEND | O_WRONLY).has_value());
    CHECK(value_of(fcntl(init, fd, F_GETFL, 0)) == (O_RDWR | O_NONBLOCK | O_APPEND));
    // The status flags belong to the open file description: a dup sees them.
    const int copy = dup(init, fd).value();
    CHECK(value_of(fcntl(init, copy, F_GETFL, 0)) == (O_RDWR | O_NONBLOCK | O_APPEND));
    REQUIRE(fcntl(init, copy, F_SETFL, 0).has_value());
    CHECK(value_of(fcntl(init, fd, F_GETFL, 0)) == O_RDWR);
    // O_APPEND: writes go to the end whatever the offset.
    REQUIRE(fcntl(init, fd, F_SETFL, O_APPEND).has_value());
    CHECK(value_of(seek(init, fd, 0, SEEK_SET)) == 0);
    REQUIRE(write_text(init, fd, "ab"));
    CHECK(value_of(seek(init, fd, 0, SEEK_CUR)) == 12);
    // Creation flags are not reported.
    const int made =
        open(init, kAtWorkingDirectory, "/made", O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600)
            .value();
    CHECK(value_of(fcntl(init, made, F_GETFL, 0)) == O_WRONLY);
    const int cloexec = open(init, kAtWorkingDirectory, "/made", O_RDONLY | O_CLOEXEC, 0).value();
    CHECK(value_of(fcntl(init, cloexec, F_GETFL, 0)) == O_RDONLY);
    CHECK(value_of(fcntl(init, cloexec, F_GETFD, 0)) == FD_CLOEXEC);
  }
  SUBCASE("F_SETFD and the bad descriptor cases") {
    CHECK(error_of(fcntl(init, 30, F_GETFD, 0)) == Error::BadFileDescriptor);
    CHECK(error_of(fcntl(init, 30, F_SETFD, 1)) == Error::BadFileDescriptor);
    CHECK(error_of(fcntl(init, 30, F_GETFL, 0)) == Error::BadFileDescriptor);
    REQUIRE(fcntl(init, fd, F_SETFD, FD_CLOEXEC).has_value());
    CHECK(value_of(fcntl(init, fd, F_GETFD, 0)) == FD_CLOEXEC);
    REQUIRE(fcntl(init, fd, F_SETFD, 0).has_value());
    CHECK(value_of(fcntl(init, fd, F_GETFD, 0)) == 0);
    CHECK(error_of(close(init, 30)) == Error::BadFileDescriptor);
    REQUIRE(close(init, fd).has_value());
    CHECK(error_of(close(init, fd)) == Error::BadFileDescriptor);
    CHECK(error_of(read(init, fd, {})) == Error::BadFileDescriptor);
  }
  init.fds().close_all();
}

TEST_CASE("RLIMIT_NOFILE bounds open with EMFILE") {
  World& world = fresh_world();
  Process& init = world.init();
  init.limit(kLimitOpenFiles) = ResourceLimit{4, 4};
  for (int i = 0; i < 4; ++i) {
    CHECK(value_of(open(init, kAtWorkingDirectory, "/", O_RDONLY, 0)) == i);
  }
  CHECK(error_of(open(init, kAtWorkingDirectory, "/", O_RDONLY, 0)) == Error::TooManyOpenFiles);
  REQUIRE(close(init, 2).has_value());
  CHECK(value_of(open(init, kAtWorkingDirectory, "/", O_RDONLY, 0)) == 2);
  init.limit(kLimitOpenFiles) = ResourceLimit{};
  init.fds().close_all();
}

// Linux checks RLIMIT_NOFILE in every call that makes a descriptor: dup (EMFILE), dup2 and dup3
// to a number at or above it (EBADF), F_DUPFD from a minimum at or above it (EINVAL), pipe.
TEST_CASE("RLIMIT_NOFILE bounds dup, dup2, fcntl(F_DUPFD) and pipe") {
  World& world = fresh_world();
  Process& init = world.init();
  init.limit(kLimitOpenFiles) = ResourceLimit{4, 4};
  for (int i = 0; i < 4; ++i)
    REQUIRE(value_of(open(init, kAtWorkingDirectory, "/", O_RDONLY, 0)) == i);
  CHECK(error_of(dup(init, 0)) == Error::TooManyOpenFiles);
  CHECK(error_of(dup2(init, 0, 4)) == Error::BadFileDescriptor);
  CHECK(error_of(dup3(init, 0, 9, 0)) == Error::BadFileDescriptor);
  CHECK(error_of(fcntl(init, 0, F_DUPFD, 4)) == Error::InvalidArgument);
  REQUIRE(close(init, 3).has_value());
  int fds[2];
  CHECK(error_of(pipe(init, fds, 0)) == Error::TooManyOpenFiles);
  init.limit(kLimitOpenFiles) = ResourceLimit{};
  init.fds().close_all();
}
