#include <sched/fair_policy.hpp>

#include <array>

namespace mos::sched {
namespace {

// The weight of each nice value from -20 to 19, as Linux's sched_prio_to_weight: nice 0 is
// 1024 and each step changes the weight by a factor of about 1.25, so that a thread one nice
// level lower gets about 10% more CPU than one at its level.
constexpr std::array<std::uint32_t, 40> kWeights = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

}  // namespace

std::uint32_t FairPolicy::weight_of(int nice) noexcept {
  if (nice < -20) nice = -20;
  if (nice > 19) nice = 19;
  return kWeights[static_cast<std::size_t>(nice + 20)];
}

void FairPolicy::enqueue(Thread& t, Enqueue reason, std::uint64_t) noexcept {
  Data& d = t.policy_data<Data>();
  switch (reason) {
    case Enqueue::New:
      // One slice behind the least-run thread: a fresh thread starts no better off than one
      // that has waited a whole slice.
      d.vruntime = min_vruntime_ + scaled(kMinGranularityNs, d.weight);
      break;
    case Enqueue::Woken: {
      const std::uint64_t credit_floor =
          min_vruntime_ > kLatencyNs / 2 ? min_vruntime_ - kLatencyNs / 2 : 0;
      if (d.vruntime < credit_floor) d.vruntime = credit_floor;
      break;
    }
    case Enqueue::Yielded:
      if (const Data* last = tree_.last(); last != nullptr && last->vruntime > d.vruntime) {
        d.vruntime = last->vruntime;
      }
      break;
    case Enqueue::SliceExpired:
    case Enqueue::Preempted:
      break;
  }
  tree_.insert(d);
  queued_weight_ += d.weight;
}

Thread* FairPolicy::pick_next(std::uint64_t) noexcept {
  Data* d = tree_.pop_first();
  if (d == nullptr) return nullptr;
  queued_weight_ -= d->weight;
  // The period stretches so that each runnable thread (the picked one included) gets at least
  // the minimum granularity; the slice is the picked thread's share of it by weight.
  const std::uint64_t running = tree_.size() + 1;
  std::uint64_t period = kLatencyNs;
  if (running * kMinGranularityNs > period) period = running * kMinGranularityNs;
  d->slice_ns = period * d->weight / (queued_weight_ + d->weight);
  if (d->slice_ns < kMinGranularityNs / 4) d->slice_ns = kMinGranularityNs / 4;
  d->ran_in_slice = 0;
  update_min_vruntime(d->vruntime);
  return d->thread;
}

void FairPolicy::update_min_vruntime(std::uint64_t running_vruntime) noexcept {
  std::uint64_t candidate = running_vruntime;
  if (const Data* first = tree_.first(); first != nullptr && first->vruntime < candidate) {
    candidate = first->vruntime;
  }
  if (candidate > min_vruntime_) min_vruntime_ = candidate;
}

}  // namespace mos::sched
