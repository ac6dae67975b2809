// ipc: the image test of libipc on the machine: two threads play ping-pong over a typed
// channel and over a pair of pipes, each value checked; then a pipe capability travels from one
// handle table to another over a channel, and revoking it at the origin stops the copy.
#include <ipc/capability.hpp>
#include <ipc/channel.hpp>
#include <ipc/pipe.hpp>
#include <ipc/transfer.hpp>
#include <ipc/typed_channel.hpp>

#include <sched/thread.hpp>

#include <k/app.hpp>
#include <k/log.hpp>

#include <cstdint>

namespace {

namespace ipc = mos::ipc;
namespace sched = mos::sched;
using mos::log::info;

constexpr std::uint64_t kRounds = 1000;

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    ++g_failures;
    mos::log::error("ipc: FAILED: {}", what);
  }
}

void channel_ping_pong() {
  auto ping = ipc::TypedChannel<std::uint64_t>::create(1);
  auto pong = ipc::TypedChannel<std::uint64_t>::create(1);
  if (!ping || !pong) return check(false, "channels created");
  ipc::Endpoint ping_ends(ping->channel(), ipc::Rights::Read | ipc::Rights::Write);
  ipc::Endpoint pong_ends(pong->channel(), ipc::Rights::Read | ipc::Rights::Write);
  auto echo = sched::spawn([ping = *ping, pong = *pong] {
    for (std::uint64_t i = 0; i < kRounds; ++i) {
      auto v = ping.receive();
      if (!v || !pong.send(*v + 1)) return;
    }
  });
  if (!echo) return check(false, "spawn the echo thread");
  bool ok = true;
  for (std::uint64_t i = 0; i < kRounds && ok; ++i) {
    ok = ping->send(i * 2).has_value();
    auto back = pong->receive();
    ok = ok && back && *back == i * 2 + 1;
  }
  (void)sched::join(**echo);
  check(ok, "every channel round trip returns its value plus one");
  info("ipc: channel ping-pong ok ({} round trips)", kRounds);
}

void pipe_ping_pong() {
  auto there = ipc::Pipe::create();
  auto back = ipc::Pipe::create();
  if (!there || !back) return check(false, "pipes created");
  ipc::Endpoint there_ends(*there, ipc::Rights::Read | ipc::Rights::Write);
  ipc::Endpoint back_ends(*back, ipc::Rights::Read | ipc::Rights::Write);
  auto echo = sched::spawn([there = *there, back = *back] {
    for (std::uint64_t i = 0; i < kRounds; ++i) {
      std::uint64_t v = 0;
      auto n = there->read(std::as_writable_bytes(std::span(&v, 1)), ipc::Blocking::Yes);
      if (!n || *n != sizeof v) return;
      v = ~v;
      (void)back->write(std::as_bytes(std::span(&v, 1)), ipc::Blocking::Yes);
    }
  });
  if (!echo) return check(false, "spawn the echo thread");
  bool ok = true;
  for (std::uint64_t i = 0; i < kRounds && ok; ++i) {
    std::uint64_t v = i * 0x9e3779b97f4a7c15ULL;
    ok = there->get()->write(std::as_bytes(std::span(&v, 1)), ipc::Blocking::Yes).has_value();
    std::uint64_t got = 0;
    auto n = back->get()->read(std::as_writable_bytes(std::span(&got, 1)), ipc::Blocking::Yes);
    ok = ok && n && *n == sizeof got && got == ~v;
  }
  (void)sched::join(**echo);
  check(ok, "every pipe round trip returns its value inverted");
  info("ipc: pipe ping-pong ok ({} round trips)", kRounds);
}

void capability_transfer() {
  auto a = ipc::HandleTable::create(16);
  auto b = ipc::HandleTable::create(16);
  auto channel = ipc::Channel::create(2, 16);
  auto pipe = ipc::Pipe::create(4096);
  if (!a || !b || !channel || !pipe) return check(false, "tables and objects created");
  auto send_end = (*a)->create_handle(*channel, ipc::Rights::Write);
  auto receive_end = (*b)->create_handle(*channel, ipc::Rights::Read);
  auto writer = (*a)->create_handle(*pipe, ipc::Rights::Write | ipc::Rights::Grant);
  auto reader = (*a)->create_handle(*pipe, ipc::Rights::Read);
  if (!send_end || !receive_end || !writer || !reader) return check(false, "handles created");
  ipc::Handle passed[1] = {*writer};
  check(ipc::send_with_handles(**a, *send_end, {}, passed, ipc::Blocking::No).has_value(),
        "a capability is sent");
  std::byte buffer[16];
  ipc::Handle got[1] = {};
  auto received = ipc::receive_with_handles(**b, *receive_end, buffer, got, ipc::Blocking::No);
  check(received && received->handles == 1, "the capability arrives in the other table");
  auto there = (*b)->get_object<ipc::Pipe>(got[0], ipc::Rights::Write);
  check(there && (*there)->write(std::as_bytes(std::span("x", 1)), ipc::Blocking::No),
        "the receiver writes through it");
  check((*a)->revoke(*writer).has_value(), "revoke at the origin");
  check((*b)->get(got[0]).error() == mos::Error::BadFileDescriptor, "the copy stops working");
  ipc::HandleTable::destroy(*a);
  ipc::HandleTable::destroy(*b);
  info("ipc: capability transfer ok");
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo&) noexcept {
  channel_ping_pong();
  pipe_ping_pong();
  capability_transfer();
  if (g_failures != 0) {
    log::error("ipc: {} checks failed", g_failures);
    return platform::kExitFailure;
  }
  info("ipc: all checks passed");
  return platform::kExitSuccess;
}
