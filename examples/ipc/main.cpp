// example-ipc: a pipeline of three threads joined by two typed channels. A producer sends the
// numbers 1..1000 as jobs, a squarer receives each job and sends its square on, and app_main
// (the consumer) adds the squares up. The channels are small, so every thread blocks on a full or
// empty channel many times. Nobody sends an "end" message: each thread holds an Endpoint for its
// side of a channel, and when the last writer of a channel closes its endpoint, the reader gets
// what is still queued and then Error::BrokenPipe, which ends the next stage in turn.
#include <ipc/object.hpp>
#include <ipc/rights.hpp>
#include <ipc/typed_channel.hpp>

#include <sched/thread.hpp>

#include <k/app.hpp>
#include <k/log.hpp>

#include <cstdint>
#include <utility>

namespace {

namespace ipc = mos::ipc;
namespace sched = mos::sched;
using mos::log::info;

constexpr std::uint32_t kJobs = 1000;
/// Messages each channel queues: small, so that senders wait for receivers.
constexpr std::size_t kChannelDepth = 4;

/// A number to square, with its place in the sequence.
struct Job {
  std::uint32_t seq;
  std::uint32_t value;
};

/// The answer to one Job.
struct Squared {
  std::uint32_t seq;
  std::uint64_t square;
};

/// Sends jobs 1..kJobs, then closes its writing end (the squarer sees the end).
void produce(const ipc::TypedChannel<Job>& jobs, ipc::Endpoint& jobs_out) {
  for (std::uint32_t v = 1; v <= kJobs; ++v) {
    if (auto sent = jobs.send(Job{v, v}); !sent) {
      mos::log::error("example-ipc: producer: {}", sent.error());
      break;
    }
  }
  jobs_out.close();
}

/// Squares jobs until the producer is gone, then closes its writing end of `results`.
void square(const ipc::TypedChannel<Job>& jobs, const ipc::TypedChannel<Squared>& results,
            ipc::Endpoint& results_out) {
  for (;;) {
    auto job = jobs.receive();
    if (!job) {
      // BrokenPipe is the normal end: no writer left and nothing queued.
      if (job.error() != mos::Error::BrokenPipe) {
        mos::log::error("example-ipc: squarer: {}", job.error());
      }
      break;
    }
    const std::uint64_t v = job->value;
    if (!results.send(Squared{job->seq, v * v})) break;
  }
  results_out.close();
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo&) noexcept {
  auto jobs = ipc::TypedChannel<Job>::create(kChannelDepth);
  auto results = ipc::TypedChannel<Squared>::create(kChannelDepth);
  if (!jobs || !results) {
    log::error("example-ipc: FAILED: no memory for the channels");
    return platform::kExitFailure;
  }
  // Every end is attached here, before any thread runs, so no reader can find a channel that
  // has no writer yet (which would look like the end). Each thread takes its ends with it.
  ipc::Endpoint jobs_out(jobs->channel(), ipc::Rights::Write);
  ipc::Endpoint jobs_in(jobs->channel(), ipc::Rights::Read);
  ipc::Endpoint results_out(results->channel(), ipc::Rights::Write);
  ipc::Endpoint results_in(results->channel(), ipc::Rights::Read);

  auto producer =
      sched::spawn([jobs = *jobs, out = std::move(jobs_out)]() mutable { produce(jobs, out); },
                   {.name = "producer"});
  auto squarer =
      sched::spawn([jobs = *jobs, results = *results, in = std::move(jobs_in),
                    out = std::move(results_out)]() mutable { square(jobs, results, out); },
                   {.name = "squarer"});
  if (!producer || !squarer) {
    log::error("example-ipc: FAILED: cannot start the pipeline");
    return platform::kExitFailure;
  }

  // The consumer: squares arrive in the order the jobs were sent (channels are first in, first
  // out), until the squarer closes its end.
  std::uint32_t received = 0;
  std::uint64_t sum = 0;
  bool in_order = true;
  Error end = Error::InvalidArgument;
  for (;;) {
    auto got = results->receive();
    if (!got) {
      end = got.error();
      break;
    }
    ++received;
    in_order = in_order && got->seq == received;
    sum += got->square;
  }
  (void)sched::join(**producer);
  (void)sched::join(**squarer);

  info("example-ipc: {} squares through 2 channels of depth {}, in order: {}", received,
       kChannelDepth, in_order ? "yes" : "no");
  info("example-ipc: sum of squares 1..{} = {}", kJobs, sum);
  info("example-ipc: the last receive said: {}", end);
  const std::uint64_t n = kJobs;
  if (received != kJobs || !in_order || sum != n * (n + 1) * (2 * n + 1) / 6 ||
      end != Error::BrokenPipe) {
    log::error("example-ipc: FAILED");
    return platform::kExitFailure;
  }
  info("example-ipc: done");
  return platform::kExitSuccess;
}
