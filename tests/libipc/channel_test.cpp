// Message channels (ipc/channel.hpp, ipc/typed_channel.hpp) with real threads: boundaries and
// order, size limits, non-blocking and timed operations, closing, typed messages, and a
// randomised many-to-many run that checks every message arrives once and each sender's order
// holds.

#include <ipc/channel.hpp>
#include <ipc/typed_channel.hpp>

#include "random.hpp"
#include "sched_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <optional>
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

RefPtr<Channel> make_channel(std::size_t messages, std::size_t bytes) {
  auto channel = Channel::create(messages, bytes);
  REQUIRE(channel.has_value());
  return *channel;
}

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s)); }

std::string receive_text(Channel& c, Blocking blocking = Blocking::Yes) {
  std::array<std::byte, 256> buffer;
  auto got = c.receive(buffer, blocking);
  REQUIRE(got.has_value());
  return std::string(reinterpret_cast<const char*>(buffer.data()), got->bytes);
}

}  // namespace

TEST_CASE("channel: one send is one receive, in order, empty messages included") {
  auto channel = make_channel(8, 64);
  Endpoint sender(channel, Rights::Write);
  Endpoint receiver(channel, Rights::Read);
  for (const std::string s : {"one", "", "three three", "four"}) {
    REQUIRE(channel->send(bytes(s), Blocking::No).has_value());
  }
  CHECK(channel->queued() == 4);
  CHECK(receive_text(*channel) == "one");
  CHECK(receive_text(*channel) == "");
  CHECK(receive_text(*channel) == "three three");
  CHECK(receive_text(*channel) == "four");
  CHECK(channel->queued() == 0);
}

TEST_CASE("channel: size limits on both sides; a message too large for the buffer stays") {
  auto channel = make_channel(4, 16);
  Endpoint sender(channel, Rights::Write);
  Endpoint receiver(channel, Rights::Read);
  CHECK(channel->send(bytes(std::string(17, 'x')), Blocking::No).error() == Error::MessageTooLong);
  REQUIRE(channel->send(bytes(std::string(16, 'y')), Blocking::No).has_value());
  std::array<std::byte, 8> small;
  CHECK(channel->receive(small, Blocking::No).error() == Error::MessageTooLong);
  CHECK(channel->queued() == 1);
  CHECK(receive_text(*channel) == std::string(16, 'y'));
  CHECK(Channel::create(0, 16).error() == Error::InvalidArgument);
  CHECK(Channel::create(4, Channel::kMaxMessageBytes + 1).error() == Error::InvalidArgument);
  CHECK(Channel::create(Channel::kMaxMessages + 1, 1).error() == Error::InvalidArgument);
}

TEST_CASE("channel: non-blocking and timed operations on a full or empty queue") {
  auto channel = make_channel(2, 8);
  Endpoint sender(channel, Rights::Write);
  Endpoint receiver(channel, Rights::Read);
  std::array<std::byte, 8> buffer;
  CHECK(channel->receive(buffer, Blocking::No).error() == Error::TryAgain);
  const std::uint64_t start = sched::now();
  CHECK(channel->receive(buffer, Blocking::Yes, Deadline::after(4 * kMs)).error() ==
        Error::TimedOut);
  CHECK(sched::now() - start >= 4 * kMs);
  REQUIRE(channel->send(bytes("a"), Blocking::No).has_value());
  REQUIRE(channel->send(bytes("b"), Blocking::No).has_value());
  CHECK(channel->send(bytes("c"), Blocking::No).error() == Error::TryAgain);
  CHECK(channel->send(bytes("c"), Blocking::Yes, Deadline::after(2 * kMs)).error() ==
        Error::TimedOut);
  // A blocked sender goes on once a message is taken.
  std::atomic<bool> sent{false};
  sched::Thread& t = must_spawn([&] { sent = channel->send(bytes("c"), Blocking::Yes).has_value(); });
  sched::sleep_for(1 * kMs);
  CHECK_FALSE(sent.load());
  CHECK(receive_text(*channel) == "a");
  must_join(t);
  CHECK(sent.load());
  CHECK(receive_text(*channel) == "b");
  CHECK(receive_text(*channel) == "c");
}

TEST_CASE("channel: closing: sends fail with no receiver; receivers drain, then fail") {
  auto channel = make_channel(4, 8);
  std::optional<Endpoint> sender;
  sender.emplace(channel, Rights::Write);
  {
    Endpoint receiver(channel, Rights::Read);
    REQUIRE(channel->send(bytes("kept"), Blocking::No).has_value());
  }
  CHECK(channel->send(bytes("lost"), Blocking::No).error() == Error::BrokenPipe);
  Endpoint receiver(channel, Rights::Read);
  // A receiver waiting when the last sender goes wakes with the queue drained, then fails.
  sender.reset();
  CHECK(receive_text(*channel) == "kept");
  std::array<std::byte, 8> buffer;
  CHECK(channel->receive(buffer, Blocking::Yes).error() == Error::BrokenPipe);

  auto other = make_channel(1, 8);
  Endpoint other_receiver(other, Rights::Read);
  std::optional<Endpoint> other_sender;
  other_sender.emplace(other, Rights::Write);
  std::atomic<int> result{0};
  sched::Thread& waiter = must_spawn([&] {
    std::array<std::byte, 8> b;
    auto got = other->receive(b, Blocking::Yes);
    result = got ? 1 : static_cast<int>(got.error());
  });
  sched::sleep_for(1 * kMs);
  other_sender.reset();
  must_join(waiter);
  CHECK(result == static_cast<int>(Error::BrokenPipe));
}

namespace {

struct Sample {
  std::uint32_t producer;
  std::uint32_t sequence;
  double value;
};

}  // namespace

TEST_CASE("typed channel: values go through whole; a message of another size is refused") {
  auto typed = TypedChannel<Sample>::create(4);
  REQUIRE(typed.has_value());
  Endpoint sender(typed->channel(), Rights::Write);
  Endpoint receiver(typed->channel(), Rights::Read);
  REQUIRE(typed->send({7, 1, 2.5}).has_value());
  auto got = typed->receive();
  REQUIRE(got.has_value());
  CHECK(got->producer == 7);
  CHECK(got->sequence == 1);
  CHECK(got->value == 2.5);
  // Someone writing raw bytes of the wrong size.
  REQUIRE(typed->channel()->send(bytes("xy"), Blocking::No).has_value());
  CHECK(typed->receive().error() == Error::BadMessage);
  auto narrow = Channel::create(2, 4);
  REQUIRE(narrow.has_value());
  CHECK(TypedChannel<Sample>::of(*narrow).error() == Error::InvalidArgument);
}

TEST_CASE("channel: many senders and receivers: every message once, each sender's order kept") {
  auto gen = mos::test::make_bitgen(0xc4a7);
  auto typed = TypedChannel<Sample>::create(5);
  REQUIRE(typed.has_value());
  RefPtr<Channel> channel = typed->channel();
  constexpr std::uint32_t kProducers = 4;
  constexpr std::uint32_t kConsumers = 3;
  constexpr std::uint32_t kEach = 300;
  std::optional<Endpoint> receivers_end;
  receivers_end.emplace(channel, Rights::Read);
  std::array<std::vector<Sample>, kConsumers> seen;
  std::vector<sched::Thread*> threads;
  for (std::uint32_t p = 0; p < kProducers; ++p) {
    const std::uint64_t seed = absl::Uniform<std::uint64_t>(gen);
    threads.push_back(&must_spawn([typed = *typed, p, seed, end = Endpoint(channel, Rights::Write)] {
      std::mt19937_64 rng(seed);
      for (std::uint32_t i = 0; i < kEach; ++i) {
        (void)typed.send({p, i, static_cast<double>(rng() % 1000)});
        if (rng() % 4 == 0) sched::yield();
      }
    }));
  }
  for (std::uint32_t c = 0; c < kConsumers; ++c) {
    threads.push_back(&must_spawn([typed = *typed, &seen, c] {
      for (;;) {
        auto got = typed.receive();
        if (!got) return;  // Every sender gone and the queue drained.
        seen[c].push_back(*got);
      }
    }));
  }
  for (sched::Thread* t : threads) must_join(*t);
  std::vector<std::vector<bool>> delivered(kProducers, std::vector<bool>(kEach, false));
  std::size_t total = 0;
  for (const auto& list : seen) {
    std::array<std::int64_t, kProducers> last;
    last.fill(-1);
    for (const Sample& s : list) {
      CHECK(static_cast<std::int64_t>(s.sequence) > last[s.producer]);  // Order per sender.
      last[s.producer] = s.sequence;
      CHECK_FALSE(delivered[s.producer][s.sequence]);  // Never twice.
      delivered[s.producer][s.sequence] = true;
      ++total;
    }
  }
  CHECK(total == kProducers * kEach);  // Never lost.
}
