// Capabilities and handle tables (ipc/capability.hpp, ipc/transfer.hpp): the rights matrix,
// duplication with fewer rights, stale and forged handles, endpoints counted through
// capabilities, revocation of a whole derivation tree (waiters included), and passing
// capabilities between domains over a channel.

#include <ipc/capability.hpp>
#include <ipc/channel.hpp>
#include <ipc/event_counter.hpp>
#include <ipc/pipe.hpp>
#include <ipc/semaphore.hpp>
#include <ipc/transfer.hpp>

#include "random.hpp"
#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace mos::ipc;
namespace sched = mos::sched;
using mos::Error;
using mos::RefPtr;
using sched::Deadline;
using sched::test::kMs;
using sched::test::must_join;
using sched::test::must_spawn;

namespace {

struct TableDeleter {
  void operator()(HandleTable* t) const { HandleTable::destroy(t); }
};
using Table = std::unique_ptr<HandleTable, TableDeleter>;

Table make_table(std::size_t capacity = 64) {
  auto t = HandleTable::create(capacity);
  REQUIRE(t.has_value());
  return Table(*t);
}

RefPtr<Pipe> make_pipe() {
  auto p = Pipe::create(4096);
  REQUIRE(p.has_value());
  return *p;
}

std::span<const std::byte> bytes(const char* s) { return std::as_bytes(std::span(s, std::strlen(s))); }

}  // namespace

TEST_CASE("capabilities: every right is checked, for every kind of use") {
  Table table = make_table();
  auto pipe = make_pipe();
  const std::array<Rights, 5> all = {Rights::None, Rights::Read, Rights::Write, Rights::Map,
                                     Rights::Grant};
  for (Rights held : {Rights::Read, Rights::Write, Rights::Read | Rights::Write,
                      Rights::Map | Rights::Grant, Rights::All}) {
    auto h = table->create_handle(pipe, held);
    REQUIRE(h.has_value());
    for (Rights needed : all) {
      CAPTURE(static_cast<int>(held));
      CAPTURE(static_cast<int>(needed));
      auto got = table->get(*h, needed);
      if (has(held, needed)) {
        CHECK(got.has_value());
      } else {
        CHECK(got.error() == Error::AccessDenied);
      }
    }
    REQUIRE(table->close(*h).has_value());
  }
  // The wrong kind of object is as good as no handle for the use.
  auto h = table->create_handle(pipe, Rights::All);
  REQUIRE(h.has_value());
  CHECK(table->get_object<Channel>(*h, Rights::Read).error() == Error::BadFileDescriptor);
  CHECK(table->get_object<Pipe>(*h, Rights::Read).has_value());
}

TEST_CASE("capabilities: duplicates may drop rights, never add them") {
  Table table = make_table();
  auto h = table->create_handle(make_pipe(), Rights::Read | Rights::Grant);
  REQUIRE(h.has_value());
  auto fewer = table->duplicate(*h, Rights::Read);
  REQUIRE(fewer.has_value());
  CHECK(table->get(*fewer, Rights::Read).has_value());
  CHECK(table->get(*fewer, Rights::Grant).error() == Error::AccessDenied);
  CHECK(table->duplicate(*h, Rights::Read | Rights::Write).error() == Error::NotPermitted);
  CHECK(table->duplicate(*fewer, Rights::Read | Rights::Grant).error() == Error::NotPermitted);
  // Granting to another domain needs Grant on the capability passed.
  Table other = make_table();
  CHECK(table->grant(*fewer, Rights::Read, *other).error() == Error::NotPermitted);
  auto granted = table->grant(*h, Rights::Read, *other);
  REQUIRE(granted.has_value());
  CHECK(other->get(*granted, Rights::Read).has_value());
}

TEST_CASE("capabilities: forged, closed and stale handle numbers are EBADF") {
  Table table = make_table(4);
  auto pipe = make_pipe();
  auto h = table->create_handle(pipe, Rights::Read);
  REQUIRE(h.has_value());
  auto gen = mos::test::make_bitgen(0xbadf);
  for (int i = 0; i < 1000; ++i) {
    const Handle forged = absl::Uniform<Handle>(gen);
    if (forged == *h) continue;
    CHECK(table->get(forged).error() == Error::BadFileDescriptor);
  }
  REQUIRE(table->close(*h).has_value());
  CHECK(table->get(*h).error() == Error::BadFileDescriptor);
  CHECK(table->close(*h).error() == Error::BadFileDescriptor);
  // The slot is reused, but the old number does not reach the new capability.
  auto reused = table->create_handle(pipe, Rights::Write);
  REQUIRE(reused.has_value());
  CHECK(*reused != *h);
  CHECK(table->get(*h).error() == Error::BadFileDescriptor);
  CHECK(table->get(*reused, Rights::Write).has_value());
  // A full table says so.
  for (int i = 0; i < 3; ++i) REQUIRE(table->create_handle(pipe, Rights::Read).has_value());
  CHECK(table->create_handle(pipe, Rights::Read).error() == Error::NoBufferSpace);
  CHECK(table->size() == 4);
  CHECK(HandleTable::create(0).error() == Error::InvalidArgument);
}

TEST_CASE("capabilities: a pipe's readers and writers are its capabilities") {
  Table table = make_table();
  auto pipe = make_pipe();
  auto r = table->create_handle(pipe, Rights::Read);
  auto w = table->create_handle(pipe, Rights::Write);
  REQUIRE((r.has_value() && w.has_value()));
  CHECK(pipe->readers() == 1);
  CHECK(pipe->writers() == 1);
  auto w2 = table->duplicate(*w, Rights::Write);
  REQUIRE(w2.has_value());
  CHECK(pipe->writers() == 2);
  REQUIRE(table->close(*w).has_value());
  CHECK(pipe->writers() == 1);
  REQUIRE(table->revoke(*w2).has_value());  // Revoked: no longer a writer, at once.
  CHECK(pipe->writers() == 0);
  std::array<std::byte, 4> b;
  RefPtr<Capability> reader = table->get(*r, Rights::Read).value();
  CHECK(pipe->read(b, Blocking::Yes, Deadline::never(), reader.get()).value() == 0);  // EOF.
}

TEST_CASE("capabilities: revoking one revokes everything derived from it, wherever it went") {
  Table a = make_table();
  Table b = make_table();
  auto counter = EventCounter::create();
  REQUIRE(counter.has_value());
  auto root = a->create_handle(*counter, Rights::All);
  auto independent = a->create_handle(*counter, Rights::Read);  // Not derived from root.
  REQUIRE((root.has_value() && independent.has_value()));
  auto child = a->duplicate(*root, Rights::Read | Rights::Write | Rights::Grant);
  REQUIRE(child.has_value());
  auto grandchild = a->grant(*child, Rights::Read, *b);
  auto sibling = a->duplicate(*root, Rights::Write);
  REQUIRE((grandchild.has_value() && sibling.has_value()));

  REQUIRE(a->revoke(*child).has_value());
  CHECK(a->get(*child).error() == Error::BadFileDescriptor);
  CHECK(b->get(*grandchild).error() == Error::BadFileDescriptor);  // In the other domain too.
  CHECK(a->get(*root).has_value());     // Above the revoked one: untouched.
  CHECK(a->get(*sibling).has_value());  // Beside it: untouched.
  CHECK(a->duplicate(*child, Rights::Read).error() == Error::BadFileDescriptor);

  REQUIRE(a->revoke(*root).has_value());
  CHECK(a->get(*sibling).error() == Error::BadFileDescriptor);
  CHECK(a->get(*root).error() == Error::BadFileDescriptor);
  CHECK(a->get(*independent).has_value());  // Another tree entirely.
  REQUIRE(a->close(*child).has_value());    // Revoked handles still close.
}

TEST_CASE("capabilities: a revocation wakes the waiters that came through it, and only them") {
  Table table = make_table();
  auto pipe = make_pipe();
  auto writer = table->create_handle(pipe, Rights::Write);
  auto root = table->create_handle(pipe, Rights::Read | Rights::Grant);
  REQUIRE((writer.has_value() && root.has_value()));
  auto derived = table->duplicate(*root, Rights::Read);
  auto other = table->create_handle(pipe, Rights::Read);
  REQUIRE((derived.has_value() && other.has_value()));
  std::atomic<int> through_derived{0};
  std::atomic<int> through_other{0};
  auto read_through = [&](Handle h, std::atomic<int>* result) {
    return [&table, pipe, h, result] {
      RefPtr<Capability> capability = table->get(h, Rights::Read).value();
      std::array<std::byte, 8> b;
      auto n = pipe->read(b, Blocking::Yes, Deadline::never(), capability.get());
      *result = n ? static_cast<int>(*n) : -static_cast<int>(n.error());
    };
  };
  sched::Thread& t1 = must_spawn(read_through(*derived, &through_derived));
  sched::Thread& t2 = must_spawn(read_through(*other, &through_other));
  sched::sleep_for(1 * kMs);  // Both wait.
  REQUIRE(table->revoke(*root).has_value());
  must_join(t1);
  CHECK(through_derived == -static_cast<int>(Error::BadFileDescriptor));
  CHECK(through_other == 0);  // Still waiting: its capability stands.
  RefPtr<Capability> w = table->get(*writer, Rights::Write).value();
  REQUIRE(pipe->write(bytes("data"), Blocking::Yes, Deadline::never(), w.get()).has_value());
  must_join(t2);
  CHECK(through_other == 4);
}

TEST_CASE("capabilities: a channel carries capabilities from one domain to another") {
  Table sender = make_table();
  Table receiver = make_table();
  auto channel = Channel::create(4, 64);
  REQUIRE(channel.has_value());
  auto send_end = sender->create_handle(*channel, Rights::Write);
  auto receive_end = receiver->create_handle(*channel, Rights::Read);
  REQUIRE((send_end.has_value() && receive_end.has_value()));
  auto pipe = make_pipe();
  auto pipe_read = sender->create_handle(pipe, Rights::Read | Rights::Grant);
  auto pipe_write = sender->create_handle(pipe, Rights::Write | Rights::Grant);
  auto no_grant = sender->create_handle(pipe, Rights::Write);
  REQUIRE((pipe_read.has_value() && pipe_write.has_value() && no_grant.has_value()));

  std::array<Handle, 1> refused = {*no_grant};
  CHECK(send_with_handles(*sender, *send_end, bytes("x"), refused, Blocking::No).error() ==
        Error::NotPermitted);
  std::array<Handle, 1> passed = {*pipe_write};
  REQUIRE(send_with_handles(*sender, *send_end, bytes("here is a pipe"), passed, Blocking::No)
              .has_value());
  std::array<std::byte, 64> buffer;
  std::array<Handle, 2> handles;
  auto got = receive_with_handles(*receiver, *receive_end, buffer, handles, Blocking::No);
  REQUIRE(got.has_value());
  CHECK(got->bytes == 14);
  REQUIRE(got->handles == 1);
  // The receiver writes through what it got; the sender reads it.
  auto pipe_there = receiver->get_object<Pipe>(handles[0], Rights::Write);
  REQUIRE(pipe_there.has_value());
  REQUIRE((*pipe_there)->write(bytes("hi"), Blocking::No).has_value());
  std::array<std::byte, 2> two;
  CHECK(pipe->read(two, Blocking::No).value() == 2);
  // Revoking the origin revokes the copy in the other domain.
  REQUIRE(sender->revoke(*pipe_write).has_value());
  CHECK(receiver->get(handles[0]).error() == Error::BadFileDescriptor);
  // The wrong end of the channel for each use.
  CHECK(send_with_handles(*receiver, *receive_end, bytes("x"), {}, Blocking::No).error() ==
        Error::AccessDenied);
}

TEST_CASE("capabilities: objects die with their last capability; revoked ones hold them") {
  Table table = make_table();
  auto created = Semaphore::create(0);
  REQUIRE(created.has_value());
  Semaphore* raw = created->get();
  auto h = table->create_handle(*created, Rights::All);
  REQUIRE(h.has_value());
  created->reset();
  CHECK(raw->references() == 1);  // The capability's.
  auto copy = table->duplicate(*h, Rights::Read);
  REQUIRE(copy.has_value());
  CHECK(raw->references() == 2);
  REQUIRE(table->revoke(*h).has_value());
  CHECK(raw->references() == 2);  // Still held until the handles close.
  REQUIRE(table->close(*copy).has_value());
  CHECK(raw->references() == 1);
  REQUIRE(table->close(*h).has_value());  // The last: the semaphore is gone now.
  CHECK(table->size() == 0);
}

namespace {

// A reference model of capability trees: which capability derives from which, which are
// revoked, which handles are open. Each handle holds the only reference to its capability, so
// closing it destroys the capability, and its children move up to its parent.
struct ModelCapability {
  HandleTable* table = nullptr;
  Handle handle = 0;
  Rights rights = Rights::None;
  int parent = -1;  // Index into the model, or -1 for a root.
  bool open = true;
  bool revoked = false;
};

struct CapabilityModel {
  std::vector<ModelCapability> caps;

  bool is_in_subtree(int index, int root) const {
    for (int i = index; i >= 0; i = caps[static_cast<std::size_t>(i)].parent) {
      if (i == root) return true;
    }
    return false;
  }
  void revoke(int root) {
    for (std::size_t i = 0; i < caps.size(); ++i) {
      if (caps[i].open && is_in_subtree(static_cast<int>(i), root)) caps[i].revoked = true;
    }
  }
  void close(int index) {
    const int parent = caps[static_cast<std::size_t>(index)].parent;
    for (auto& c : caps) {
      if (c.parent == index) c.parent = parent;
    }
    caps[static_cast<std::size_t>(index)].open = false;
  }
  std::size_t endpoints(Rights right) const {
    std::size_t n = 0;
    for (const auto& c : caps) n += c.open && !c.revoked && has(c.rights, right);
    return n;
  }
};

}  // namespace

TEST_CASE("capabilities: random derivations, grants, closes and revocations match a model") {
  auto gen = mos::test::make_bitgen(0xcab5);
  for (int round = 0; round < 20; ++round) {
    Table a = make_table(256);
    Table b = make_table(256);
    auto pipe = make_pipe();
    CapabilityModel model;
    auto random_rights = [&] { return static_cast<Rights>(absl::Uniform<unsigned>(gen, 0u, 16u)); };
    auto random_open = [&]() -> int {
      std::vector<int> open;
      for (std::size_t i = 0; i < model.caps.size(); ++i) {
        if (model.caps[i].open) open.push_back(static_cast<int>(i));
      }
      if (open.empty()) return -1;
      return open[absl::Uniform<std::size_t>(gen, 0u, open.size())];
    };
    for (int step = 0; step < 300; ++step) {
      const int op = absl::Uniform<int>(gen, 0, 10);
      const int pick = random_open();
      if (pick < 0 || op == 0) {  // A new root, in either domain.
        HandleTable* table = absl::Bernoulli(gen, 0.5) ? a.get() : b.get();
        const Rights rights = random_rights();
        auto h = table->create_handle(pipe, rights);
        REQUIRE(h.has_value());
        model.caps.push_back({table, *h, rights, -1, true, false});
        continue;
      }
      ModelCapability& from = model.caps[static_cast<std::size_t>(pick)];
      if (op <= 5) {  // Derive: a duplicate in the same domain or a grant to the other one.
        const Rights rights = random_rights();
        const bool to_other = absl::Bernoulli(gen, 0.5);
        HandleTable* target = to_other ? (from.table == a.get() ? b.get() : a.get()) : from.table;
        auto h = to_other ? from.table->grant(from.handle, rights, *target)
                          : from.table->duplicate(from.handle, rights);
        if (from.revoked) {
          CHECK(h.error() == Error::BadFileDescriptor);
        } else if ((to_other && !has(from.rights, Rights::Grant)) ||
                   !is_subset(rights, from.rights)) {
          CHECK(h.error() == Error::NotPermitted);
        } else {
          REQUIRE(h.has_value());
          model.caps.push_back({target, *h, rights, pick, true, false});
        }
      } else if (op <= 7) {
        REQUIRE(from.table->close(from.handle).has_value());
        model.close(pick);
      } else if (from.revoked) {  // A revoked handle names nothing left to revoke.
        CHECK(from.table->revoke(from.handle).error() == Error::BadFileDescriptor);
      } else {
        REQUIRE(from.table->revoke(from.handle).has_value());
        model.revoke(pick);
      }
      // Every open handle works exactly as the model says, with exactly its rights.
      for (const auto& c : model.caps) {
        if (!c.open) {
          CHECK(c.table->get(c.handle).error() == Error::BadFileDescriptor);
        } else if (c.revoked) {
          CHECK(c.table->get(c.handle).error() == Error::BadFileDescriptor);
        } else {
          auto got = c.table->get(c.handle, c.rights);
          REQUIRE(got.has_value());
          CHECK((*got)->rights() == c.rights);
        }
      }
      CHECK(pipe->readers() == model.endpoints(Rights::Read));
      CHECK(pipe->writers() == model.endpoints(Rights::Write));
    }
  }
}
