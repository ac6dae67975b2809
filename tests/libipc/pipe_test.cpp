// Pipes (ipc/pipe.hpp) with real threads: POSIX read and write semantics, atomic writes up to
// PIPE_BUF, end of file and broken pipes, non-blocking and timed operations, poll readiness,
// closing while others wait, and randomised producers and consumers with checksums.

#include <ipc/pipe.hpp>
#include <ipc/poll.hpp>

#include "random.hpp"
#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
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

RefPtr<Pipe> make_pipe(std::size_t capacity = kDefaultPipeCapacity) {
  auto pipe = Pipe::create(capacity);
  REQUIRE(pipe.has_value());
  return *pipe;
}

std::span<const std::byte> bytes(const char* text) {
  return std::as_bytes(std::span(text, std::strlen(text)));
}

std::string text(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

TEST_CASE("pipe: bytes come out as they went in; reads take what is there") {
  auto pipe = make_pipe();
  Endpoint reader(pipe, Rights::Read);
  Endpoint writer(pipe, Rights::Write);
  CHECK(pipe->write(bytes("hello, "), Blocking::Yes).value() == 7);
  CHECK(pipe->write(bytes("world"), Blocking::Yes).value() == 5);
  CHECK(pipe->available() == 12);
  std::array<std::byte, 5> small;
  CHECK(pipe->read(small, Blocking::Yes).value() == 5);
  CHECK(text(small) == "hello");
  std::array<std::byte, 64> big;
  auto n = pipe->read(big, Blocking::Yes);
  REQUIRE(n.has_value());
  CHECK(text(std::span(big).first(*n)) == ", world");  // Not waiting to fill the buffer.
  CHECK(pipe->read(std::span<std::byte>{}, Blocking::No).value() == 0);  // Zero bytes: at once.
}

TEST_CASE("pipe: end of file once every writer has gone, after the data") {
  auto pipe = make_pipe();
  Endpoint reader(pipe, Rights::Read);
  {
    Endpoint writer(pipe, Rights::Write);
    Endpoint second_writer(pipe, Rights::Write);
    REQUIRE(pipe->write(bytes("last"), Blocking::Yes).has_value());
    writer.close();
    std::array<std::byte, 2> b;
    CHECK(pipe->read(b, Blocking::No).value() == 2);
  }
  std::array<std::byte, 16> b;
  CHECK(pipe->read(b, Blocking::Yes).value() == 2);  // "st", then:
  CHECK(pipe->read(b, Blocking::Yes).value() == 0);  // end of file, not a wait.
  CHECK(pipe->read(b, Blocking::No).value() == 0);
}

TEST_CASE("pipe: a write with no reader left is a broken pipe") {
  auto pipe = make_pipe();
  Endpoint writer(pipe, Rights::Write);
  CHECK(pipe->write(bytes("x"), Blocking::Yes).error() == Error::BrokenPipe);
  {
    Endpoint reader(pipe, Rights::Read);
    CHECK(pipe->write(bytes("x"), Blocking::Yes).has_value());
  }
  CHECK(pipe->write(bytes("x"), Blocking::No).error() == Error::BrokenPipe);
}

TEST_CASE("pipe: non-blocking and timed operations") {
  auto pipe = make_pipe(8192);
  Endpoint reader(pipe, Rights::Read);
  Endpoint writer(pipe, Rights::Write);
  std::array<std::byte, 16> b;
  CHECK(pipe->read(b, Blocking::No).error() == Error::TryAgain);
  const std::uint64_t start = sched::now();
  CHECK(pipe->read(b, Blocking::Yes, Deadline::after(5 * kMs)).error() == Error::TimedOut);
  CHECK(sched::now() - start >= 5 * kMs);

  std::vector<std::byte> block(4096, std::byte{1});
  CHECK(pipe->write(block, Blocking::No).value() == 4096);
  CHECK(pipe->write(block, Blocking::No).value() == 4096);  // Exactly full.
  CHECK(pipe->write(std::span(block).first(1), Blocking::No).error() == Error::TryAgain);
  CHECK(pipe->write(block, Blocking::Yes, Deadline::after(2 * kMs)).error() == Error::TimedOut);
  // A large non-blocking write takes what fits.
  std::array<std::byte, 100> drain;
  REQUIRE(pipe->read(drain, Blocking::No).value() == 100);
  std::vector<std::byte> large(6000, std::byte{2});
  CHECK(pipe->write(large, Blocking::No).value() == 100);
}

TEST_CASE("pipe: a blocked writer goes on as a reader makes room") {
  auto pipe = make_pipe(4096);
  Endpoint reader(pipe, Rights::Read);
  Endpoint writer(pipe, Rights::Write);
  std::atomic<std::size_t> written{0};
  sched::Thread& t = must_spawn([&] {
    std::vector<std::byte> data(10000, std::byte{7});
    auto n = pipe->write(data, Blocking::Yes);
    written = n ? *n : 0;
  });
  std::vector<std::byte> got;
  while (got.size() < 10000) {
    std::array<std::byte, 1500> b;
    auto n = pipe->read(b, Blocking::Yes);
    REQUIRE(n.has_value());
    REQUIRE(*n > 0);
    got.insert(got.end(), b.begin(), b.begin() + static_cast<long>(*n));
  }
  must_join(t);
  CHECK(written == 10000);
  CHECK(got == std::vector<std::byte>(10000, std::byte{7}));
}

TEST_CASE("pipe: writes up to PIPE_BUF are atomic among concurrent writers") {
  auto pipe = make_pipe();
  Endpoint reader(pipe, Rights::Read);
  std::vector<sched::Thread*> writers;
  constexpr int kWriters = 4;
  constexpr int kBlocks = 40;
  for (int w = 0; w < kWriters; ++w) {
    // Attached before the reader starts, so that it cannot see "no writer" first.
    writers.push_back(&must_spawn([pipe, w, end = Endpoint(pipe, Rights::Write)] {
      std::vector<std::byte> block(kPipeBuf, std::byte(static_cast<unsigned char>('a' + w)));
      for (int i = 0; i < kBlocks; ++i) {
        (void)pipe->write(block, Blocking::Yes);
        if (i % 3 == 0) sched::yield();
      }
    }));
  }
  std::vector<std::byte> all;
  std::array<std::byte, 3000> b;  // Reads cut blocks anywhere; writes must not.
  for (;;) {
    auto n = pipe->read(b, Blocking::Yes);
    REQUIRE(n.has_value());
    if (*n == 0) break;  // Every writer gone.
    all.insert(all.end(), b.begin(), b.begin() + static_cast<long>(*n));
  }
  for (sched::Thread* t : writers) must_join(*t);
  REQUIRE(all.size() == kWriters * kBlocks * kPipeBuf);
  for (std::size_t block = 0; block < all.size() / kPipeBuf; ++block) {
    const std::byte first = all[block * kPipeBuf];
    bool uniform = true;
    for (std::size_t i = 1; i < kPipeBuf; ++i) uniform = uniform && all[block * kPipeBuf + i] == first;
    CAPTURE(block);
    CHECK(uniform);
  }
}

TEST_CASE("pipe: closing wakes every waiter with end of file or a broken pipe") {
  auto pipe = make_pipe(4096);
  Endpoint reader(pipe, Rights::Read);
  std::optional<Endpoint> writer;
  writer.emplace(pipe, Rights::Write);
  std::array<std::atomic<int>, 3> results{};
  std::vector<sched::Thread*> readers;
  for (int i = 0; i < 3; ++i) {
    readers.push_back(&must_spawn([&, i] {
      std::array<std::byte, 8> b;
      auto n = pipe->read(b, Blocking::Yes);
      results[static_cast<std::size_t>(i)] = n ? static_cast<int>(*n) : -1;
    }));
  }
  sched::sleep_for(1 * kMs);  // All three wait.
  writer.reset();             // The last writer goes.
  for (sched::Thread* t : readers) must_join(*t);
  for (auto& r : results) CHECK(r == 0);

  // Writers waiting for room see the last reader go.
  auto full = make_pipe(4096);
  std::optional<Endpoint> full_reader;
  full_reader.emplace(full, Rights::Read);
  Endpoint full_writer(full, Rights::Write);
  std::vector<std::byte> block(4096, std::byte{1});
  REQUIRE(full->write(block, Blocking::No).has_value());
  std::atomic<int> error{0};
  sched::Thread& blocked = must_spawn([&] {
    auto n = full->write(std::span(block).first(10), Blocking::Yes);
    error = n ? 0 : static_cast<int>(n.error());
  });
  sched::sleep_for(1 * kMs);
  full_reader.reset();
  must_join(blocked);
  CHECK(error == static_cast<int>(Error::BrokenPipe));
}

TEST_CASE("pipe: poll readiness follows data, room and the ends") {
  auto pipe = make_pipe(kPipeBuf);
  std::optional<Endpoint> reader;
  std::optional<Endpoint> writer;
  reader.emplace(pipe, Rights::Read);
  writer.emplace(pipe, Rights::Write);
  PollItem item{pipe.get(), PollEvents::Readable | PollEvents::Writable};
  CHECK(poll(std::span(&item, 1), Deadline::at(0)).value() == 1);
  CHECK(item.revents == PollEvents::Writable);
  REQUIRE(pipe->write(bytes("x"), Blocking::No).has_value());
  CHECK(poll(std::span(&item, 1), Deadline::at(0)).value() == 1);
  CHECK(item.revents == PollEvents::Readable);  // Not writable: no room for an atomic write.
  writer.reset();
  CHECK(poll(std::span(&item, 1), Deadline::at(0)).value() == 1);
  CHECK(item.revents == (PollEvents::Readable | PollEvents::Hangup));
  reader.reset();
  PollItem write_item{pipe.get(), PollEvents::Writable};
  CHECK(poll(std::span(&write_item, 1), Deadline::at(0)).value() == 1);
  CHECK(any(write_item.revents & PollEvents::Error));
}

TEST_CASE("pipe: a poll waits for the first of several pipes, or times out") {
  auto a = make_pipe();
  auto b = make_pipe();
  Endpoint ar(a, Rights::Read), aw(a, Rights::Write), br(b, Rights::Read), bw(b, Rights::Write);
  std::array<PollItem, 2> items = {PollItem{a.get(), PollEvents::Readable},
                                   PollItem{b.get(), PollEvents::Readable}};
  CHECK(poll(items, Deadline::after(3 * kMs)).value() == 0);  // Nothing: timed out.
  sched::Thread& t = must_spawn([&] {
    sched::sleep_for(2 * kMs);
    (void)b->write(bytes("!"), Blocking::Yes);
  });
  CHECK(poll(items, Deadline::after(1000 * kMs)).value() == 1);
  CHECK(items[0].revents == PollEvents::None);
  CHECK(items[1].revents == PollEvents::Readable);
  must_join(t);
  std::vector<PollItem> too_many(kMaxPollItems + 1);
  CHECK(poll(too_many, Deadline::at(0)).error() == Error::InvalidArgument);
}

TEST_CASE("pipe: randomised producers and consumers lose and duplicate nothing") {
  auto gen = mos::test::make_bitgen(0x919e);
  auto pipe = make_pipe(3000);  // Small, so that writers and readers wait on each other.
  Endpoint reader_end(pipe, Rights::Read);
  constexpr int kProducers = 3;
  std::array<std::uint64_t, kProducers> sent_sum{};
  std::array<std::size_t, kProducers> sent_bytes{};
  std::vector<sched::Thread*> producers;
  for (int p = 0; p < kProducers; ++p) {
    const std::uint64_t seed = absl::Uniform<std::uint64_t>(gen);
    producers.push_back(&must_spawn([&, p, seed, end = Endpoint(pipe, Rights::Write)] {
      std::mt19937_64 rng(seed);
      for (int i = 0; i < 200; ++i) {
        std::vector<std::byte> chunk(rng() % 6000 + 1);
        for (std::byte& x : chunk) {
          x = std::byte(static_cast<unsigned char>(rng()));
          sent_sum[static_cast<std::size_t>(p)] += static_cast<std::uint64_t>(x);
        }
        auto n = pipe->write(chunk, Blocking::Yes);
        if (n) sent_bytes[static_cast<std::size_t>(p)] += *n;
      }
    }));
  }
  std::uint64_t received_sum = 0;
  std::size_t received_bytes = 0;
  std::array<std::byte, 777> b;
  for (;;) {
    auto n = pipe->read(b, Blocking::Yes);
    REQUIRE(n.has_value());
    if (*n == 0) break;
    for (std::size_t i = 0; i < *n; ++i) received_sum += static_cast<std::uint64_t>(b[i]);
    received_bytes += *n;
  }
  for (sched::Thread* t : producers) must_join(*t);
  CHECK(received_bytes == sent_bytes[0] + sent_bytes[1] + sent_bytes[2]);
  CHECK(received_sum == sent_sum[0] + sent_sum[1] + sent_sum[2]);
}

TEST_CASE("pipe: a capacity of 0 or beyond 16 MiB is refused") {
  CHECK(Pipe::create(0).error() == Error::InvalidArgument);
  CHECK(Pipe::create(std::size_t{1} << 30).error() == Error::InvalidArgument);
}
