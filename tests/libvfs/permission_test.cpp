// Permissions: mode bits for owner, group, supplementary groups and others; root's exceptions;
// sticky directories; chmod, chown and utimens rules; setgid directories; protected hard
// links; access(). Expected values are Linux's.
#include <vfs/permission.hpp>

#include "vfs_test_support.hpp"

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using namespace open_flags;

TEST_CASE("permissions: the mode bits that apply are the owner's, the group's or others'") {
  Attributes a;
  a.mode = mode_of(FileType::Regular, 0640);
  a.uid = 1000;
  a.gid = 100;
  const std::uint32_t groups[] = {7, 100};
  const Credentials owner{1000, 5, {}};
  const Credentials member{2000, 100, {}};
  const Credentials supplementary{2000, 5, groups};
  const Credentials other{3000, 5, {}};
  const Credentials root{0, 0, {}};
  CHECK(check_access(owner, a, access_mode::kRead | access_mode::kWrite).has_value());
  CHECK(error_of(check_access(owner, a, access_mode::kExecute)) == Error::AccessDenied);
  CHECK(check_access(member, a, access_mode::kRead).has_value());
  CHECK(error_of(check_access(member, a, access_mode::kWrite)) == Error::AccessDenied);
  CHECK(check_access(supplementary, a, access_mode::kRead).has_value());
  CHECK(error_of(check_access(other, a, access_mode::kRead)) == Error::AccessDenied);
  // The owner's bits apply to the owner even when others may do more.
  a.mode = mode_of(FileType::Regular, 0077);
  CHECK(error_of(check_access(owner, a, access_mode::kRead)) == Error::AccessDenied);
  CHECK(check_access(other, a, access_mode::kRead).has_value());
  // Root reads and writes anything, searches any directory, executes only what someone may.
  a.mode = mode_of(FileType::Regular, 0);
  CHECK(check_access(root, a, access_mode::kRead | access_mode::kWrite).has_value());
  CHECK(error_of(check_access(root, a, access_mode::kExecute)) == Error::AccessDenied);
  a.mode = mode_of(FileType::Regular, 0001);
  CHECK(check_access(root, a, access_mode::kExecute).has_value());
  a.mode = mode_of(FileType::Directory, 0);
  CHECK(check_access(root, a, access_mode::kExecute).has_value());
}

TEST_CASE("permissions: opening, creating and removing need the right bits") {
  Namespace ns;
  Context alice = ns.user(1000, 1000);
  Context bob = ns.user(1001, 1001);
  REQUIRE(ns.vfs->make_directory(ns.root, "/home", 0755).has_value());
  REQUIRE(ns.vfs->make_directory(ns.root, "/home/alice", 0755).has_value());
  REQUIRE(ns.vfs->change_owner(ns.root, "/home/alice", 1000, 1000).has_value());
  ns.write_file(alice, "/home/alice/private", "secret", 0600);
  CHECK(ns.must_stat("/home/alice/private").uid == 1000);
  CHECK(error_of(ns.vfs->open(bob, "/home/alice/private", kReadOnly)) == Error::AccessDenied);
  CHECK(error_of(ns.vfs->open(bob, "/home/alice/new", kCreate | kWriteOnly, 0644)) ==
        Error::AccessDenied);
  CHECK(error_of(ns.vfs->unlink(bob, "/home/alice/private")) == Error::AccessDenied);
  CHECK(error_of(ns.vfs->make_directory(bob, "/home/x", 0755)) == Error::AccessDenied);
  CHECK(error_of(ns.vfs->make_directory(bob, "/home/alice", 0755)) == Error::Exists);  // EEXIST first.
  CHECK(ns.read_file(ns.root, "/home/alice/private") == "secret");  // Root reads it.
  CHECK(error_of(ns.vfs->open(ns.root, "/home/alice/private", kReadOnly | kTruncate)) ==
        Error{0});  // Root may truncate.
  // access() checks the ids it is given.
  CHECK(ns.vfs->access(alice, "/home/alice/private", access_mode::kRead | access_mode::kWrite).has_value());
  CHECK(error_of(ns.vfs->access(bob, "/home/alice/private", access_mode::kRead)) == Error::AccessDenied);
  CHECK(ns.vfs->access(bob, "/home/alice/private", access_mode::kExists).has_value());
  CHECK(error_of(ns.vfs->access(bob, "/home/alice/private", 8)) == Error::InvalidArgument);
}

TEST_CASE("permissions: a sticky directory lets only owners remove and rename entries") {
  Namespace ns;
  Context alice = ns.user(1000, 1000);
  Context bob = ns.user(1001, 1001);
  REQUIRE(ns.vfs->make_directory(ns.root, "/tmp", 0777).has_value());
  REQUIRE(ns.vfs->change_mode(ns.root, "/tmp", 01777).has_value());
  ns.write_file(alice, "/tmp/alices", "a", 0666);
  ns.write_file(bob, "/tmp/bobs", "b", 0666);
  CHECK(error_of(ns.vfs->unlink(bob, "/tmp/alices")) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->rename(bob, "/tmp/alices", "/tmp/mine")) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->rename(bob, "/tmp/bobs", "/tmp/alices")) == Error::NotPermitted);
  CHECK(ns.vfs->rename(alice, "/tmp/alices", "/tmp/renamed").has_value());
  CHECK(ns.vfs->unlink(ns.root, "/tmp/bobs").has_value());  // Root may.
  CHECK(ns.vfs->unlink(alice, "/tmp/renamed").has_value());
}

TEST_CASE("permissions: chmod, chown and utimens follow Linux's ownership rules") {
  Namespace ns;
  Context alice = ns.user(1000, 1000, {50});
  Context bob = ns.user(1001, 1001);
  ns.write_file(alice, "/f", "x", 0644);
  // chmod: the owner or root; a setgid bit for a group the caller is not in is dropped.
  CHECK(error_of(ns.vfs->change_mode(bob, "/f", 0777)) == Error::NotPermitted);
  REQUIRE(ns.vfs->change_mode(alice, "/f", 02755).has_value());
  CHECK((ns.must_stat("/f").mode & 07777) == 02755);
  REQUIRE(ns.vfs->change_owner(ns.root, "/f", kUnchangedId, 60).has_value());
  REQUIRE(ns.vfs->change_mode(alice, "/f", 02755).has_value());
  CHECK((ns.must_stat("/f").mode & 07777) == 0755);  // Not in group 60: setgid dropped.
  // chown: only root changes the owner; the owner may change the group to one of its own.
  CHECK(error_of(ns.vfs->change_owner(alice, "/f", 1001, kUnchangedId)) == Error::NotPermitted);
  CHECK(ns.vfs->change_owner(alice, "/f", 1000, kUnchangedId).has_value());  // Its own uid.
  CHECK(ns.vfs->change_owner(alice, "/f", kUnchangedId, 50).has_value());
  CHECK(error_of(ns.vfs->change_owner(alice, "/f", kUnchangedId, 60)) == Error::NotPermitted);
  CHECK(error_of(ns.vfs->change_owner(bob, "/f", kUnchangedId, 1001)) == Error::NotPermitted);
  // A change of owner drops setuid (and setgid with group execute) from a file.
  REQUIRE(ns.vfs->change_mode(ns.root, "/f", 06755).has_value());
  REQUIRE(ns.vfs->change_owner(ns.root, "/f", 1001, 1001).has_value());
  CHECK((ns.must_stat("/f").mode & 07777) == 0755);
  // utimens: explicit times need the owner; "now" needs write permission.
  ns.write_file(ns.root, "/g", "", 0644);
  REQUIRE(ns.vfs->change_mode(ns.root, "/g", 0666).has_value());  // Past the umask.
  const Timespec t{1'000'000'000, 5};
  CHECK(error_of(ns.vfs->set_times(bob, "/g", t, t)) == Error::NotPermitted);
  const Timespec now{0, Timespec::kNow};
  CHECK(ns.vfs->set_times(bob, "/g", now, now).has_value());
  REQUIRE(ns.vfs->set_times(ns.root, "/g", t, {0, Timespec::kOmit}).has_value());
  CHECK(ns.must_stat("/g").access == t);
  CHECK(error_of(ns.vfs->set_times(ns.root, "/g", {0, 1'000'000'000}, t)) == Error::InvalidArgument);
  REQUIRE(ns.vfs->change_mode(ns.root, "/g", 0644).has_value());
  CHECK(error_of(ns.vfs->set_times(bob, "/g", now, now)) == Error::AccessDenied);
}

TEST_CASE("permissions: setgid directories pass their group on; mknod of devices is root's") {
  Namespace ns;
  Context alice = ns.user(1000, 1000);
  REQUIRE(ns.vfs->make_directory(ns.root, "/shared", 0777).has_value());
  REQUIRE(ns.vfs->change_owner(ns.root, "/shared", 0, 77).has_value());
  REQUIRE(ns.vfs->change_mode(ns.root, "/shared", 02777).has_value());
  ns.write_file(alice, "/shared/f", "", 0644);
  CHECK(ns.must_stat("/shared/f").gid == 77);
  REQUIRE(ns.vfs->make_directory(alice, "/shared/sub", 0755).has_value());
  CHECK(ns.must_stat("/shared/sub").gid == 77);
  CHECK((ns.must_stat("/shared/sub").mode & 02000) != 0);  // Inherited.
}

TEST_CASE("permissions: protected hard links") {
  Namespace ns;
  Context alice = ns.user(1000, 1000);
  Context bob = ns.user(1001, 1001);
  REQUIRE(ns.vfs->make_directory(ns.root, "/tmp", 0777).has_value());
  REQUIRE(ns.vfs->change_mode(ns.root, "/tmp", 0777).has_value());  // Past the umask.
  ns.write_file(alice, "/tmp/alices", "a", 0644);  // Bob may read, not write.
  CHECK(error_of(ns.vfs->link(bob, "/tmp/alices", "/tmp/bobs-link")) == Error::NotPermitted);
  REQUIRE(ns.vfs->change_mode(alice, "/tmp/alices", 0666).has_value());
  CHECK(ns.vfs->link(bob, "/tmp/alices", "/tmp/bobs-link").has_value());
  REQUIRE(ns.vfs->change_mode(alice, "/tmp/alices", 04777).has_value());  // setuid: never.
  CHECK(error_of(ns.vfs->link(bob, "/tmp/alices", "/tmp/other")) == Error::NotPermitted);
  CHECK(ns.vfs->link(alice, "/tmp/alices", "/tmp/own-link").has_value());  // The owner may.
}
