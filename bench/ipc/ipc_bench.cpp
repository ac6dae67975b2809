// Host benchmarks of libipc next to Linux's own IPC in the same process (bench/README.md):
// - ipc/round_trip/IMPL/bytes:N: a message of N bytes to an echo thread and back;
//   IMPL = channel and pipe (Mosaic: libsched threads on the host platform, one OS thread),
//   linux_pipe and linux_mqueue (two OS threads through the Linux kernel, pinned to one CPU);
// - ipc/throughput/IMPL/bytes:N: N-byte writes into a pipe that another thread drains;
//   IMPL = pipe (Mosaic) and linux_pipe.
// The process starts a Mosaic scheduler first (its boot thread runs the benchmarks).
#include <ipc/channel.hpp>
#include <ipc/pipe.hpp>

#include <sched/scheduler.hpp>
#include <sched/thread.hpp>

#include <k/log.hpp>

#include "scheduler_main.hpp"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <unistd.h>

#include <sched.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace ipc = mos::ipc;
namespace sched = mos::sched;

constexpr std::size_t kSizes[] = {64, 4096, 65536};

// --- Mosaic ---------------------------------------------------------------------------------------

void mosaic_channel_round_trip(benchmark::State& state, std::size_t size) {
  auto there = ipc::Channel::create(1, size);
  auto back = ipc::Channel::create(1, size);
  if (!there || !back) return state.SkipWithError("cannot create channels");
  ipc::Endpoint ends_there(*there, ipc::Rights::Read | ipc::Rights::Write);
  ipc::Endpoint ends_back(*back, ipc::Rights::Read | ipc::Rights::Write);
  auto echo = sched::spawn([there = *there, back = *back, size] {
    std::vector<std::byte> buffer(size);
    for (;;) {
      auto got = there->receive(buffer, ipc::Blocking::Yes);
      if (!got || got->bytes == 0) return;  // An empty message ends the echo.
      (void)back->send(std::span(buffer).first(got->bytes), ipc::Blocking::Yes);
    }
  });
  if (!echo) return state.SkipWithError("cannot spawn the echo thread");
  std::vector<std::byte> message(size, std::byte{1});
  std::vector<std::byte> reply(size);
  for (auto _ : state) {
    (void)(*there)->send(message, ipc::Blocking::Yes);
    (void)(*back)->receive(reply, ipc::Blocking::Yes);
  }
  (void)(*there)->send({}, ipc::Blocking::Yes);
  (void)sched::join(**echo);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * 2));
}

// Reads or writes all of `data` through a pipe (a large message may take several calls).
void pipe_all(ipc::Pipe& pipe, std::span<std::byte> data, bool reading) {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = reading ? pipe.read(data.subspan(done), ipc::Blocking::Yes)
                     : pipe.write(data.subspan(done), ipc::Blocking::Yes);
    if (!n || *n == 0) return;
    done += *n;
  }
}

void mosaic_pipe_round_trip(benchmark::State& state, std::size_t size) {
  auto there = ipc::Pipe::create();
  auto back = ipc::Pipe::create();
  if (!there || !back) return state.SkipWithError("cannot create pipes");
  ipc::Endpoint ends_there(*there, ipc::Rights::Read | ipc::Rights::Write);
  ipc::Endpoint ends_back(*back, ipc::Rights::Read | ipc::Rights::Write);
  std::vector<std::byte> message(size, std::byte{1});
  std::vector<std::byte> reply(size);
  auto echo = sched::spawn([there = *there, back = *back, size] {
    std::vector<std::byte> buffer(size);
    for (;;) {
      pipe_all(*there, buffer, true);
      if (buffer[0] == std::byte{0}) return;
      pipe_all(*back, buffer, false);
    }
  });
  if (!echo) return state.SkipWithError("cannot spawn the echo thread");
  for (auto _ : state) {
    pipe_all(**there, message, false);
    pipe_all(**back, reply, true);
  }
  message[0] = std::byte{0};
  pipe_all(**there, message, false);
  (void)sched::join(**echo);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * 2));
}

void mosaic_pipe_throughput(benchmark::State& state, std::size_t size) {
  auto pipe = ipc::Pipe::create();
  if (!pipe) return state.SkipWithError("cannot create a pipe");
  std::optional<ipc::Endpoint> writer;
  writer.emplace(*pipe, ipc::Rights::Write);
  auto drain = sched::spawn([pipe = *pipe, reader = ipc::Endpoint(*pipe, ipc::Rights::Read)] {
    std::vector<std::byte> buffer(65536);
    while (true) {
      auto n = pipe->read(buffer, ipc::Blocking::Yes);
      if (!n || *n == 0) return;
    }
  });
  if (!drain) return state.SkipWithError("cannot spawn the drain thread");
  std::vector<std::byte> chunk(size, std::byte{2});
  for (auto _ : state) pipe_all(**pipe, chunk, false);
  writer.reset();  // End of file for the drain.
  (void)sched::join(**drain);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// --- Linux ----------------------------------------------------------------------------------------

// Both Linux threads run on the CPU the benchmark started on, as Mosaic's threads share one:
// the comparison is of switching through the kernel, not of waking another CPU. Restores the
// calling thread's CPU set when it goes.
class OneCpu {
 public:
  OneCpu() noexcept {
    ::pthread_getaffinity_np(::pthread_self(), sizeof saved_, &saved_);
    CPU_ZERO(&one_);
    CPU_SET(::sched_getcpu(), &one_);
    pin();
  }
  ~OneCpu() { ::pthread_setaffinity_np(::pthread_self(), sizeof saved_, &saved_); }
  OneCpu(const OneCpu&) = delete;
  OneCpu& operator=(const OneCpu&) = delete;
  /// Pins the calling thread to the CPU.
  void pin() const noexcept { ::pthread_setaffinity_np(::pthread_self(), sizeof one_, &one_); }

 private:
  cpu_set_t saved_;
  cpu_set_t one_;
};

void fd_all(int fd, void* data, std::size_t size, bool reading) {
  std::size_t done = 0;
  auto* p = static_cast<char*>(data);
  while (done < size) {
    ssize_t n = reading ? ::read(fd, p + done, size - done) : ::write(fd, p + done, size - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

void linux_pipe_round_trip(benchmark::State& state, std::size_t size) {
  OneCpu cpu;
  int there[2], back[2];
  if (::pipe(there) != 0 || ::pipe(back) != 0) return state.SkipWithError("pipe() failed");
  std::thread echo([&] {
    cpu.pin();
    std::vector<char> buffer(size);
    for (;;) {
      fd_all(there[0], buffer.data(), size, true);
      if (buffer[0] == 0) return;
      fd_all(back[1], buffer.data(), size, false);
    }
  });
  std::vector<char> message(size, 1), reply(size);
  for (auto _ : state) {
    fd_all(there[1], message.data(), size, false);
    fd_all(back[0], reply.data(), size, true);
  }
  message[0] = 0;
  fd_all(there[1], message.data(), size, false);
  echo.join();
  for (int fd : {there[0], there[1], back[0], back[1]}) ::close(fd);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * 2));
}

void linux_mqueue_round_trip(benchmark::State& state, std::size_t size) {
  OneCpu cpu;
  mq_attr attributes{};
  attributes.mq_maxmsg = 1;
  attributes.mq_msgsize = static_cast<long>(size);
  const std::string base = "/mosaic-bench-" + std::to_string(::getpid());
  mqd_t there = ::mq_open((base + "-there").c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attributes);
  mqd_t back = ::mq_open((base + "-back").c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attributes);
  ::mq_unlink((base + "-there").c_str());
  ::mq_unlink((base + "-back").c_str());
  if (there == static_cast<mqd_t>(-1) || back == static_cast<mqd_t>(-1)) {
    // Linux caps message sizes (fs.mqueue.msgsize_max, 8 KiB by default).
    return state.SkipWithError("mq_open refused this message size");
  }
  std::thread echo([&] {
    cpu.pin();
    std::vector<char> buffer(size);
    for (;;) {
      ssize_t n = ::mq_receive(there, buffer.data(), size, nullptr);
      if (n <= 0) return;
      ::mq_send(back, buffer.data(), static_cast<std::size_t>(n), 0);
    }
  });
  std::vector<char> message(size, 1), reply(size);
  for (auto _ : state) {
    ::mq_send(there, message.data(), size, 0);
    ::mq_receive(back, reply.data(), size, nullptr);
  }
  ::mq_send(there, message.data(), 0, 0);  // An empty message ends the echo.
  echo.join();
  ::mq_close(there);
  ::mq_close(back);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * 2));
}

void linux_pipe_throughput(benchmark::State& state, std::size_t size) {
  OneCpu cpu;
  int fds[2];
  if (::pipe(fds) != 0) return state.SkipWithError("pipe() failed");
  std::thread drain([&] {
    cpu.pin();
    std::vector<char> buffer(65536);
    while (::read(fds[0], buffer.data(), buffer.size()) > 0) {
    }
  });
  std::vector<char> chunk(size, 2);
  for (auto _ : state) fd_all(fds[1], chunk.data(), size, false);
  ::close(fds[1]);
  drain.join();
  ::close(fds[0]);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void register_all() {
  using Fn = void (*)(benchmark::State&, std::size_t);
  const struct {
    const char* name;
    Fn fn;
  } benchmarks[] = {
      {"ipc/round_trip/channel", mosaic_channel_round_trip},
      {"ipc/round_trip/pipe", mosaic_pipe_round_trip},
      {"ipc/round_trip/linux_pipe", linux_pipe_round_trip},
      {"ipc/round_trip/linux_mqueue", linux_mqueue_round_trip},
      {"ipc/throughput/pipe", mosaic_pipe_throughput},
      {"ipc/throughput/linux_pipe", linux_pipe_throughput},
  };
  for (const auto& b : benchmarks) {
    for (std::size_t size : kSizes) {
      const std::string name = std::string(b.name) + "/bytes:" + std::to_string(size);
      Fn fn = b.fn;
      // Real time: the Linux peers wait in the kernel, where CPU time would not show it.
      benchmark::RegisterBenchmark(name.c_str(), [fn, size](benchmark::State& s) { fn(s, size); })
          ->MinTime(0.1)
          ->UseRealTime();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return mos::bench::run_on_scheduler("ipc_bench", argc, argv, register_all, [] {
    benchmark::RunSpecifiedBenchmarks();
    return 0;
  });
}
