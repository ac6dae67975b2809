// The guest IPC benchmarks: round trips to an echo thread through a pipe and through a message
// channel, at 64 B, 4 KiB and 64 KiB, as bench/linux/ipc_ref.c measures pipes and POSIX message
// queues on Linux in the same QEMU (see bench/README.md).
#include "bench.hpp"

#include <ipc/channel.hpp>
#include <ipc/pipe.hpp>

#include <sched/thread.hpp>

#include <k/platform/cycle_counter.hpp>

#include <cstddef>

namespace mos::bench {
namespace {

constexpr int kRoundTrips = 500;
constexpr std::size_t kSizes[] = {64, 4096, 65536};

// The payload, and the echo's buffer: static, so that 64 KiB messages need no large stacks.
std::byte g_message[65536];
std::byte g_reply[65536];
std::byte g_echo[65536];

// Moves all of `data` through a pipe (a large message may take several calls).
bool pipe_all(ipc::Pipe& pipe, std::span<std::byte> data, bool reading) noexcept {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = reading ? pipe.read(data.subspan(done), ipc::Blocking::Yes)
                     : pipe.write(data.subspan(done), ipc::Blocking::Yes);
    if (!n || *n == 0) return false;
    done += *n;
  }
  return true;
}

bool pipe_round_trips(std::size_t size) noexcept {
  auto there = ipc::Pipe::create();
  auto back = ipc::Pipe::create();
  if (!there || !back) return false;
  ipc::Endpoint ends_there(*there, ipc::Rights::Read | ipc::Rights::Write);
  ipc::Endpoint ends_back(*back, ipc::Rights::Read | ipc::Rights::Write);
  auto echo = sched::spawn([there = *there, back = *back, size] {
    for (int i = 0; i < kRoundTrips; ++i) {
      if (!pipe_all(*there, std::span(g_echo, size), true)) return;
      if (!pipe_all(*back, std::span(g_echo, size), false)) return;
    }
  });
  if (!echo) return false;
  const std::uint64_t start = platform::cycle_counter();
  for (int i = 0; i < kRoundTrips; ++i) {
    if (!pipe_all(**there, std::span(g_message, size), false)) return false;
    if (!pipe_all(**back, std::span(g_reply, size), true)) return false;
  }
  const std::uint64_t cycles = platform::cycle_counter() - start;
  (void)sched::join(**echo);
  report_sized("ipc.pipe_round_trip", size, cycles / kRoundTrips);
  return true;
}

bool channel_round_trips(std::size_t size) noexcept {
  auto there = ipc::Channel::create(1, size);
  auto back = ipc::Channel::create(1, size);
  if (!there || !back) return false;
  ipc::Endpoint ends_there(*there, ipc::Rights::Read | ipc::Rights::Write);
  ipc::Endpoint ends_back(*back, ipc::Rights::Read | ipc::Rights::Write);
  auto echo = sched::spawn([there = *there, back = *back, size] {
    for (int i = 0; i < kRoundTrips; ++i) {
      auto got = there->receive(std::span(g_echo, size), ipc::Blocking::Yes);
      if (!got) return;
      (void)back->send(std::span(g_echo, got->bytes), ipc::Blocking::Yes);
    }
  });
  if (!echo) return false;
  const std::uint64_t start = platform::cycle_counter();
  for (int i = 0; i < kRoundTrips; ++i) {
    if (!(*there)->send(std::span(g_message, size), ipc::Blocking::Yes)) return false;
    if (!(*back)->receive(std::span(g_reply, size), ipc::Blocking::Yes)) return false;
  }
  const std::uint64_t cycles = platform::cycle_counter() - start;
  (void)sched::join(**echo);
  report_sized("ipc.message_round_trip", size, cycles / kRoundTrips);
  return true;
}

}  // namespace

bool run_ipc() noexcept {
  for (std::size_t size : kSizes) {
    if (!pipe_round_trips(size) || !channel_round_trips(size)) return false;
  }
  return true;
}

}  // namespace mos::bench
