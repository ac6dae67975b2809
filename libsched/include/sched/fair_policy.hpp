#pragma once
/// FairPolicy (`scheduler=fair`): weighted fair sharing in the style of Linux's CFS. Every thread
/// has a virtual runtime that grows with the CPU time it uses divided by its weight (nice -20 ..
/// 19, the weights Linux uses: each nice step is about 10% of CPU); the runnable thread with the
/// smallest virtual runtime runs next, so over time each gets CPU in proportion to its weight.
/// Runnable threads sit in a red-black tree ordered by virtual runtime: pick_next is O(1) (the
/// leftmost is cached), enqueue and remove O(log n).
///
/// - Slices: within a period of kLatencyNs (or kMinGranularityNs per runnable thread, whichever
///   is longer), each thread's slice is its share of the period by weight.
/// - A new thread starts one slice behind the least-run runnable thread (min_vruntime), so that
///   spawning many threads cannot take the CPU from those already running.
/// - A thread that slept gets at most half a latency of credit: its virtual runtime is raised
///   to min_vruntime - kLatencyNs / 2 if it fell further behind.
/// - A woken thread preempts the running one when it is behind by more than the wakeup
///   granularity (kWakeupGranularityNs, in the woken thread's virtual time).
/// - yield() puts the thread behind every runnable thread.

#include <sched/policy.hpp>
#include <sched/time.hpp>

#include <k/intrusive_rb_tree.hpp>

#include <new>

namespace mos::sched {

/// See the file comment.
class FairPolicy {
 public:
  static constexpr std::uint64_t kLatencyNs = 6 * kNanosPerMilli;
  static constexpr std::uint64_t kMinGranularityNs = 750 * kNanosPerMicro;
  static constexpr std::uint64_t kWakeupGranularityNs = 1 * kNanosPerMilli;
  /// The weight of nice 0: virtual time runs at real speed for it.
  static constexpr std::uint32_t kNiceZeroWeight = 1024;

  constexpr FairPolicy() noexcept = default;
  FairPolicy(const FairPolicy&) = delete;
  FairPolicy& operator=(const FairPolicy&) = delete;

  /// The weight of `nice` (-20 .. 19; clamped).
  static std::uint32_t weight_of(int nice) noexcept;

  void init_thread(Thread& t) noexcept {
    ::new (t.policy_storage()) Data{{}, &t, 0, weight_of(t.params().nice), 0, 0};
  }
  void release_thread(Thread& t) noexcept { t.policy_data<Data>().~Data(); }
  Result<void> check_params(const Thread&, const SchedParams& params) const noexcept {
    if (params.nice < -20 || params.nice > 19) return Error::InvalidArgument;
    return {};
  }
  void apply_params(Thread& t, const SchedParams& params) noexcept {
    t.policy_data<Data>().weight = weight_of(params.nice);
  }

  void enqueue(Thread& t, Enqueue reason, std::uint64_t now) noexcept;
  void remove(Thread& t) noexcept {
    Data& d = t.policy_data<Data>();
    tree_.erase(d);
    queued_weight_ -= d.weight;
  }
  Thread* pick_next(std::uint64_t now) noexcept;
  void account(Thread& t, std::uint64_t ran_ns) noexcept {
    Data& d = t.policy_data<Data>();
    d.vruntime += scaled(ran_ns, d.weight);
    d.ran_in_slice += ran_ns;
    update_min_vruntime(d.vruntime);
  }
  std::uint64_t slice_left(const Thread& t) const noexcept {
    const Data& d = t.policy_data<Data>();
    return d.ran_in_slice >= d.slice_ns ? 0 : d.slice_ns - d.ran_in_slice;
  }
  bool preempts(const Thread& woken, const Thread& running) const noexcept {
    const Data& w = woken.policy_data<Data>();
    const Data& r = running.policy_data<Data>();
    return w.vruntime + scaled(kWakeupGranularityNs, w.weight) < r.vruntime;
  }
  bool waits_before(const Thread&, const Thread&) const noexcept { return false; }
  void priority_changed(Thread&) noexcept {}
  std::size_t runnable() const noexcept { return tree_.size(); }
  std::string_view name() const noexcept { return "fair"; }

  /// A thread's virtual runtime (for tests and statistics).
  static std::uint64_t vruntime(const Thread& t) noexcept { return t.policy_data<Data>().vruntime; }
  /// The virtual runtime below which no runnable thread lags (monotonic).
  std::uint64_t min_vruntime() const noexcept { return min_vruntime_; }

 private:
  struct Data {
    RbNode node;
    Thread* thread;
    std::uint64_t vruntime;
    std::uint32_t weight;
    std::uint64_t slice_ns;      // Given when picked.
    std::uint64_t ran_in_slice;  // Since picked.
  };
  struct ByVruntime {
    bool operator()(const Data& a, const Data& b) const noexcept { return a.vruntime < b.vruntime; }
  };

  // `ns` of real time in the virtual time of a thread of `weight`.
  static std::uint64_t scaled(std::uint64_t ns, std::uint32_t weight) noexcept {
    return weight == kNiceZeroWeight ? ns : ns * kNiceZeroWeight / weight;
  }
  void update_min_vruntime(std::uint64_t running_vruntime) noexcept;

  IntrusiveRbTree<Data, &Data::node, ByVruntime> tree_;
  std::uint64_t queued_weight_ = 0;
  std::uint64_t min_vruntime_ = 0;
};

static_assert(SchedulingPolicy<FairPolicy>);

}  // namespace mos::sched
