// Threads racing on the namespace (preempted every millisecond by the host platform's timer):
// rename over a name is atomic for lookups, and random renames, unlinks, creations and lookups
// by several threads leave a consistent tree (link counts, listings, lookups agree).
// Thread bodies use no doctest macros (see sched_test_main.cpp); they count what they saw.
#include "random.hpp"
#include "sched_test_support.hpp"
#include "vfs_test_support.hpp"

#include <array>
#include <atomic>
#include <map>
#include <string>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using namespace open_flags;
namespace sched = mos::sched;

TEST_CASE("races: a name renamed over never disappears for a reader") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  ns.write_file("/d/target", "0");
  std::atomic<bool> stop{false};
  std::atomic<int> missing{0};
  std::atomic<int> opens{0};
  std::atomic<int> rename_failures{0};
  Vfs* vfs = ns.vfs;
  Context root = ns.root;
  sched::Thread& writer = sched::test::must_spawn([&] {
    for (int i = 0; i < 3000; ++i) {
      auto file = vfs->open(root, "/d/new", kCreate | kWriteOnly | kTruncate, 0644);
      if (!file || !vfs->rename(root, "/d/new", "/d/target")) ++rename_failures;
      if (i % 64 == 0) sched::yield();
    }
    stop = true;
  });
  sched::Thread& reader = sched::test::must_spawn([&] {
    while (!stop) {
      auto file = vfs->open(root, "/d/target", kReadOnly);
      if (!file) ++missing;
      ++opens;
      if (!vfs->stat(root, "/d/target")) ++missing;
    }
  });
  sched::test::must_join(writer);
  sched::test::must_join(reader);
  CHECK(rename_failures == 0);
  CHECK(missing == 0);
  CHECK(opens > 0);
  CHECK(ns.list("/d") == std::vector<std::string>{"target"});
  CHECK(ns.must_stat("/d/target").links == 1);
}

namespace {

constexpr int kThreads = 4;
constexpr int kSteps = 3000;
constexpr std::array<const char*, 3> kDirs = {"/a", "/b", "/a/c"};
constexpr std::array<const char*, 4> kNames = {"x", "y", "z", "w"};

// One thread's random work; returns how many operations failed in ways that races explain
// (ENOENT, EEXIST, ...) versus ways they never should (anything else).
struct Tally {
  int expected_failures = 0;
  int unexpected = 0;
  Error last_unexpected{};
};

// The outcome of an operation without its value.
template <class T>
mos::Result<void> outcome(const mos::Result<T>& r) {
  if (!r) return r.error();
  return {};
}

void churn(Vfs* vfs, Context root, std::uint64_t seed, Tally* tally) {
  auto gen = mos::test::make_bitgen(seed);
  auto pick = [&gen](auto& options) { return options[absl::Uniform<std::size_t>(gen, 0, options.size())]; };
  for (int step = 0; step < kSteps; ++step) {
    const std::string from = std::string(pick(kDirs)) + "/" + pick(kNames);
    const std::string to = std::string(pick(kDirs)) + "/" + pick(kNames);
    mos::Result<void> result;
    switch (absl::Uniform(gen, 0, 6)) {
      case 0:
        result = outcome(vfs->open(root, from, kCreate | kWriteOnly, 0644));
        break;
      case 1:
        result = vfs->unlink(root, from);
        break;
      case 2:
        result = vfs->rename(root, from, to);
        break;
      case 3:
        result = vfs->link(root, from, to);
        break;
      case 4:
        result = outcome(vfs->stat(root, from, false));
        break;
      default:
        result = vfs->make_directory(root, from, 0755);
        if (!result && result.error() == Error::Exists) result = vfs->remove_directory(root, from);
        break;
    }
    if (result) continue;
    switch (result.error()) {
      case Error::NoEntry:
      case Error::Exists:
      case Error::NotEmpty:
      case Error::IsDirectory:
      case Error::NotDirectory:
      case Error::NotPermitted:  // link of a directory
      case Error::InvalidArgument:  // rename of a directory into itself
        ++tally->expected_failures;
        break;
      default:
        ++tally->unexpected;
        tally->last_unexpected = result.error();
    }
  }
}

// Counts names per inode below `path` and checks each directory's link count on the way.
void audit(Namespace& ns, const std::string& path, std::map<std::uint64_t, std::uint32_t>& names,
           int& directories) {
  std::uint32_t subdirectories = 0;
  for (const std::string& name : ns.list(path)) {
    const std::string child = path == "/" ? "/" + name : path + "/" + name;
    const Stat st = ns.must_stat(child, false);
    if (type_of(st.mode) == FileType::Directory) {
      ++subdirectories;
      ++directories;
      audit(ns, child, names, directories);
    } else {
      ++names[st.inode];
      CHECK(st.links >= 1);
    }
  }
  CHECK(ns.must_stat(path).links == 2 + subdirectories);
}

}  // namespace

TEST_CASE("races: random renames, links, unlinks and lookups leave a consistent tree") {
  Namespace ns;
  ns.vfs->set_dentry_cache_limit(32);  // Pruning races with the rest too.
  for (const char* dir : {"/a", "/b", "/a/c"}) REQUIRE(ns.vfs->make_directory(ns.root, dir, 0755).has_value());
  std::array<Tally, kThreads> tallies{};
  std::array<sched::Thread*, kThreads> threads{};
  for (int i = 0; i < kThreads; ++i) {
    threads[i] = &sched::test::must_spawn([&, i] { churn(ns.vfs, ns.root, 0x5ace + i, &tallies[i]); });
  }
  for (sched::Thread* t : threads) sched::test::must_join(*t);
  int expected = 0;
  for (const Tally& t : tallies) {
    CHECK(t.unexpected == 0);
    if (t.unexpected != 0) CHECK(t.last_unexpected == Error::NoEntry);  // Prints the error.
    expected += t.expected_failures;
  }
  CHECK(expected > 0);  // The threads did get in each other's way.
  // Every file's link count is the number of names it has; directories count their children.
  std::map<std::uint64_t, std::uint32_t> names;
  int directories = 0;
  audit(ns, "/", names, directories);
  for (const auto& [inode, count] : names) {
    CAPTURE(inode);
    // Find one name of the inode again to compare its count.
    bool found = false;
    for (const char* dir : {"/a", "/b", "/a/c"}) {
      for (const char* name : kNames) {
        auto st = ns.vfs->stat(ns.root, std::string(dir) + "/" + name, false);
        if (st && st->inode == inode && type_of(st->mode) == FileType::Regular) {
          CHECK(st->links == count);
          found = true;
        }
      }
    }
    CHECK(found);
  }
}
